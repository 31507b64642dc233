package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrLastAdmin is returned when a change would leave an organisation without
// an enabled admin.
var ErrLastAdmin = errors.New("the organisation's last admin")

// ErrAlreadySetUp is returned by CreateFirstOrganization when any
// organisation exists.
var ErrAlreadySetUp = errors.New("an organisation already exists")

// NormalizeEmail returns the form of an email address that the store keeps.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// nameKey returns the form of a name that search compares against.
func nameKey(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// CreateOrganization creates an organisation and its first admin in one
// transaction. The admin's Email and NameKey are normalised here.
func (s *Store) CreateOrganization(ctx context.Context, org *Organization, admin *User) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		return createOrganization(tx, org, admin)
	}))
}

// CreateFirstOrganization does as CreateOrganization, but only while the
// store has no organisation at all; otherwise it returns ErrAlreadySetUp.
func (s *Store) CreateFirstOrganization(ctx context.Context, org *Organization, admin *User) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		var count int64
		if err := tx.Model(&Organization{}).Count(&count).Error; err != nil {
			return err
		}
		if count > 0 {
			return ErrAlreadySetUp
		}
		return createOrganization(tx, org, admin)
	}))
}

func createOrganization(tx *gorm.DB, org *Organization, admin *User) error {
	if org.TwoFactorPolicy == "" {
		org.TwoFactorPolicy = PolicyEveryone
	}
	if org.PendingKeyHours == 0 {
		org.PendingKeyHours = 72
	}
	if err := tx.Create(org).Error; err != nil {
		return err
	}

	admin.OrganizationID = org.ID
	admin.Role = RoleAdmin
	return createUser(tx, admin)
}

func createUser(tx *gorm.DB, user *User) error {
	user.Email = NormalizeEmail(user.Email)
	user.Name = strings.TrimSpace(user.Name)
	user.NameKey = nameKey(user.Name)
	if user.TOTPStatus == "" {
		user.TOTPStatus = TOTPOff
	}
	return tx.Create(user).Error
}

// CountOrganizations returns how many organisations exist.
func (s *Store) CountOrganizations(ctx context.Context) (int64, error) {
	var count int64
	err := s.read(ctx).Model(&Organization{}).Count(&count).Error
	return count, err
}

// OrganizationByID returns one organisation.
func (s *Store) OrganizationByID(ctx context.Context, id int64) (*Organization, error) {
	var org Organization
	if err := s.read(ctx).Take(&org, id).Error; err != nil {
		return nil, translate(err)
	}
	return &org, nil
}

// CreateUser adds a user; it returns ErrDuplicate when the email is taken in
// any organisation.
func (s *Store) CreateUser(ctx context.Context, user *User) error {
	return translate(createUser(s.write(ctx), user))
}

// UserByEmail returns the user with that email, in any organisation.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var user User
	err := s.read(ctx).Where("email = ?", NormalizeEmail(email)).Take(&user).Error
	if err != nil {
		return nil, translate(err)
	}
	return &user, nil
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var user User
	if err := s.read(ctx).Take(&user, id).Error; err != nil {
		return nil, translate(err)
	}
	return &user, nil
}

// UserInOrganization returns a user of orgID; a user of any other
// organisation is ErrNotFound, exactly like a missing one.
func (s *Store) UserInOrganization(ctx context.Context, orgID, userID int64) (*User, error) {
	var user User
	err := s.read(ctx).Where("id = ? AND organization_id = ?", userID, orgID).Take(&user).Error
	if err != nil {
		return nil, translate(err)
	}
	return &user, nil
}

// UserPage is one page of an organisation's users.
type UserPage struct {
	Users []User
	Total int64
}

// UserFilter narrows a users list; empty fields keep every user.
type UserFilter struct {
	// Query keeps users whose email or name starts with it.
	Query string
	// Status is a two-step status (TOTPActive, TOTPPending, TOTPOff) or
	// StatusDisabled.
	Status string
	Role   string
}

// StatusDisabled filters a users list to disabled accounts.
const StatusDisabled = "disabled"

// ListUsers returns users of orgID ordered by email. A query matches the
// start of the email or name, case-insensitively: each is a byte-wise range
// scan of a covering index, so a search never reads the whole table.
func (s *Store) ListUsers(
	ctx context.Context,
	orgID int64,
	filter UserFilter,
	offset, limit int,
) (*UserPage, error) {
	matches := s.filteredUsers(ctx, orgID, filter)
	if query := strings.ToLower(strings.TrimSpace(filter.Query)); query != "" {
		// U+10FFFF sorts after every character in UTF-8 byte order, so the
		// range [query, query+U+10FFFF) holds exactly the strings that start
		// with query. A UNION of two range scans lets SQLite use an index for
		// each side, where an OR of the two ranges scans the organisation.
		upper := query + "\U0010FFFF"
		byEmail := matches.Select("id, email").Where("email >= ? AND email < ?", query, upper)
		byName := s.filteredUsers(ctx, orgID, filter).Select("id, email").
			Where("name_key >= ? AND name_key < ?", query, upper)
		matches = s.read(ctx).Table("(? UNION ?) AS matches", byEmail, byName)
	}

	page := &UserPage{}
	if err := matches.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return nil, err
	}
	// SQLite computes every row that OFFSET skips, so the page's ids come
	// first from the index alone, and only the rows of the page are read
	// from the table.
	pageIDs := matches.Session(&gorm.Session{}).Select("id").Order("email").
		Offset(offset).Limit(limit)
	err := s.read(ctx).Where("id IN (?)", pageIDs).Order("email").Find(&page.Users).Error
	if err != nil {
		return nil, err
	}
	return page, nil
}

// filteredUsers selects the users of orgID that pass the filter's status
// and role.
func (s *Store) filteredUsers(ctx context.Context, orgID int64, filter UserFilter) *gorm.DB {
	query := s.read(ctx).Model(&User{}).Where("organization_id = ?", orgID)
	switch filter.Status {
	case "":
	case StatusDisabled:
		query = query.Where("disabled")
	default:
		query = query.Where("totp_status = ?", filter.Status)
	}
	if filter.Role != "" {
		query = query.Where("role = ?", filter.Role)
	}
	return query
}

// UserChange holds the fields an admin may change; nil leaves one as it is.
type UserChange struct {
	Name     *string
	Role     *string
	Disabled *bool
}

// UpdateUser applies change to a user of orgID. It returns ErrLastAdmin when
// the change would leave the organisation with no enabled admin, and revokes
// every session of a user it disables.
func (s *Store) UpdateUser(
	ctx context.Context,
	orgID, userID int64,
	change UserChange,
) (*User, error) {
	var user User
	err := s.write(ctx).Transaction(func(tx *gorm.DB) error {
		// Locking the organisation row serialises admin changes within it, so
		// two admins can't demote each other at the same moment.
		var org Organization
		err := tx.Clauses(lockForUpdate(s.dialect)...).Take(&org, orgID).Error
		if err != nil {
			return err
		}
		err = tx.Where("id = ? AND organization_id = ?", userID, orgID).Take(&user).Error
		if err != nil {
			return err
		}

		becomesAdmin := change.Role != nil && *change.Role == RoleAdmin && user.Role != RoleAdmin
		losesAdmin := user.Role == RoleAdmin && !user.Disabled &&
			((change.Role != nil && *change.Role != RoleAdmin) ||
				(change.Disabled != nil && *change.Disabled))
		if losesAdmin {
			if err := requireAnotherAdmin(tx, orgID, userID); err != nil {
				return err
			}
		}

		updates := map[string]any{"updated_at": time.Now().UTC()}
		if change.Name != nil {
			updates["name"] = strings.TrimSpace(*change.Name)
			updates["name_key"] = nameKey(*change.Name)
		}
		if change.Role != nil {
			updates["role"] = *change.Role
		}
		if change.Disabled != nil {
			updates["disabled"] = *change.Disabled
		}
		if err := tx.Model(&user).Updates(updates).Error; err != nil {
			return err
		}
		if change.Disabled != nil && *change.Disabled {
			if err := tx.Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		// A member whom the policy let in with the password alone must not
		// keep that session as an admin.
		if becomesAdmin {
			if err := deleteSessionsWithoutSecondFactor(tx, "user_id = ?", userID); err != nil {
				return err
			}
		}
		return tx.Take(&user, userID).Error
	})
	if err != nil {
		return nil, translate(err)
	}
	return &user, nil
}

// deleteSessionsWithoutSecondFactor revokes the signed-in sessions that
// match where and were opened with the password alone.
func deleteSessionsWithoutSecondFactor(tx *gorm.DB, where string, args ...any) error {
	return tx.Where(where, args...).
		Where("stage = ? AND second_factor_at IS NULL", StageAuthenticated).
		Delete(&Session{}).Error
}

func requireAnotherAdmin(tx *gorm.DB, orgID, userID int64) error {
	var others int64
	err := tx.Model(&User{}).
		Where("organization_id = ? AND role = ? AND NOT disabled AND id <> ?",
			orgID, RoleAdmin, userID).
		Count(&others).Error
	if err != nil {
		return err
	}
	if others == 0 {
		return ErrLastAdmin
	}
	return nil
}

// SetPassword replaces a user's password hash and revokes their sessions,
// except the one whose hash is keepSession (empty keeps none).
func (s *Store) SetPassword(ctx context.Context, userID int64, hash, keepSession string) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		result := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()})
		if result.Error != nil {
			return result.Error
		}
		if result.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("user_id = ? AND id_hash <> ?", userID, keepSession).
			Delete(&Session{}).Error
	}))
}

// lockForUpdate returns a FOR UPDATE clause on PostgreSQL. SQLite has no row
// locks and needs none, because its writer transactions run one at a time.
func lockForUpdate(dialect Dialect) []clause.Expression {
	if dialect == Postgres {
		return []clause.Expression{clause.Locking{Strength: "UPDATE"}}
	}
	return nil
}

// ImportUsers inserts many users of one organisation in batches of
// batchSize rows per transaction, for seeding and migration. When
// secretFor is not nil, each user also gets an active key with the
// encrypted secret it returns for the user's new id.
func (s *Store) ImportUsers(
	ctx context.Context,
	users []User,
	batchSize int,
	secretFor func(userID int64) ([]byte, error),
) error {
	for start := 0; start < len(users); start += batchSize {
		batch := users[start:min(start+batchSize, len(users))]
		err := s.write(ctx).Transaction(func(tx *gorm.DB) error {
			return importBatch(tx, batch, secretFor)
		})
		if err != nil {
			return translate(err)
		}
	}
	return nil
}

func importBatch(tx *gorm.DB, batch []User, secretFor func(int64) ([]byte, error)) error {
	now := time.Now().UTC()
	for i := range batch {
		batch[i].Email = NormalizeEmail(batch[i].Email)
		batch[i].NameKey = nameKey(batch[i].Name)
		if secretFor != nil {
			batch[i].TOTPStatus = TOTPActive
		} else if batch[i].TOTPStatus == "" {
			batch[i].TOTPStatus = TOTPOff
		}
	}
	if err := tx.Create(&batch).Error; err != nil {
		return err
	}
	if secretFor == nil {
		return nil
	}

	keys := make([]TOTPKey, len(batch))
	for i, user := range batch {
		secret, err := secretFor(user.ID)
		if err != nil {
			return err
		}
		keys[i] = TOTPKey{UserID: user.ID, Status: KeyActive, Secret: secret,
			Origin: KeyFromEnrollment, CreatedAt: now, ActivatedAt: &now}
	}
	return tx.Create(&keys).Error
}

// OrganizationChange holds the settings an admin may change; nil leaves one
// as it is.
type OrganizationChange struct {
	Name            *string
	TwoFactorPolicy *string
	PendingKeyHours *int
}

// UpdateOrganization applies change and returns the organisation.
func (s *Store) UpdateOrganization(
	ctx context.Context,
	orgID int64,
	change OrganizationChange,
) (*Organization, error) {
	updates := map[string]any{}
	if change.Name != nil {
		updates["name"] = *change.Name
	}
	if change.TwoFactorPolicy != nil {
		updates["two_factor_policy"] = *change.TwoFactorPolicy
	}
	if change.PendingKeyHours != nil {
		updates["pending_key_hours"] = *change.PendingKeyHours
	}
	err := s.write(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Model(&Organization{}).Where("id = ?", orgID).Updates(updates).Error
		tightened := change.TwoFactorPolicy != nil && *change.TwoFactorPolicy == PolicyEveryone
		if err != nil || !tightened {
			return err
		}
		// Members signed in with the password alone while the policy let
		// them; now that everyone needs a second step, they sign in again.
		return deleteSessionsWithoutSecondFactor(tx,
			"user_id IN (SELECT id FROM users WHERE organization_id = ?)", orgID)
	})
	if err != nil {
		return nil, err
	}

	var org Organization
	if err := s.write(ctx).Take(&org, orgID).Error; err != nil {
		return nil, translate(err)
	}
	return &org, nil
}

// Admins returns the enabled admins of an organisation.
func (s *Store) Admins(ctx context.Context, orgID int64) ([]User, error) {
	var admins []User
	err := s.read(ctx).Where("organization_id = ? AND role = ? AND NOT disabled", orgID, RoleAdmin).
		Order("id").Find(&admins).Error
	return admins, err
}

// DeleteUser removes a user of orgID with their keys, codes, sessions and
// notifications; audit events keep their copied email. It returns
// ErrLastAdmin for the organisation's last enabled admin.
func (s *Store) DeleteUser(ctx context.Context, orgID, userID int64) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		var org Organization
		err := tx.Clauses(lockForUpdate(s.dialect)...).Take(&org, orgID).Error
		if err != nil {
			return err
		}
		var user User
		err = tx.Where("id = ? AND organization_id = ?", userID, orgID).Take(&user).Error
		if err != nil {
			return err
		}
		if user.Role == RoleAdmin && !user.Disabled {
			if err := requireAnotherAdmin(tx, orgID, userID); err != nil {
				return err
			}
		}
		for _, table := range []any{&Session{}, &TOTPKey{}, &RecoveryCode{}, &Notification{}} {
			if err := tx.Where("user_id = ?", userID).Delete(table).Error; err != nil {
				return err
			}
		}
		return tx.Delete(&user).Error
	}))
}

// ReplaceRecoveryCodes stores a fresh set of recovery code hashes for the
// user, and the old codes stop working.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		return replaceRecoveryCodes(tx, userID, hashes, time.Now().UTC())
	}))
}

// UserSessions returns the user's sessions, most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64) ([]Session, error) {
	var sessions []Session
	err := s.read(ctx).Where("user_id = ?", userID).Order("last_seen_at DESC").
		Find(&sessions).Error
	return sessions, err
}

// DeleteUserSession removes one of the user's sessions; another user's is
// ErrNotFound.
func (s *Store) DeleteUserSession(ctx context.Context, userID int64, idHash string) error {
	result := s.write(ctx).Where("user_id = ? AND id_hash = ?", userID, idHash).
		Delete(&Session{})
	if result.Error != nil {
		return result.Error
	}
	if result.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
