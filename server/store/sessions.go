package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"
)

// StepGuard is a code's time step to use up for a key.
type StepGuard struct {
	KeyID int64
	Step  int64
}

// ErrStepUsed is returned when a code's time step was used up already.
var ErrStepUsed = errors.New("the code was used already")

// ErrSessionChanged is returned when the session to replace was revoked, or
// the user's password, role or disabled flag changed, after the request
// read them.
var ErrSessionChanged = errors.New("the session or its user changed meanwhile")

// ReplaceSession stores next and deletes the session whose hash is oldHash
// (if any) in one transaction, so a session id changes at each privilege
// step without a moment where both ids work. A non-nil audit event is
// written and a non-nil guard's step used up (see UseStep) in the same
// transaction, which saves the single SQLite writer two commits on every
// sign-in. When the step was used already, nothing is written and the
// error is ErrStepUsed.
//
// A non-nil user is the user as the request read it before checking a
// password or code, which takes tens of milliseconds. The session is stored
// only if the old session still exists and the user's password hash, role
// and disabled flag are unchanged. Otherwise the error is ErrSessionChanged.
// The user's row stays locked until the commit, so a password change or a
// promotion either comes first and stops the sign-in, or comes after and
// revokes the new session.
func (s *Store) ReplaceSession(
	ctx context.Context,
	oldHash string,
	next *Session,
	audit *AuditEvent,
	guard *StepGuard,
	user *User,
) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		if user != nil {
			if err := checkUserUnchanged(tx, s.dialect, user); err != nil {
				return err
			}
		}
		if guard != nil {
			fresh, err := useStep(tx, guard.KeyID, guard.Step)
			if err != nil {
				return err
			}
			if !fresh {
				return ErrStepUsed
			}
		}
		if oldHash != "" {
			result := tx.Where("id_hash = ?", oldHash).Delete(&Session{})
			if result.Error != nil {
				return result.Error
			}
			if user != nil && result.RowsAffected == 0 {
				return ErrSessionChanged
			}
		}
		if err := tx.Create(next).Error; err != nil {
			return err
		}
		if audit != nil {
			return tx.Create(audit).Error
		}
		return nil
	}))
}

func checkUserUnchanged(tx *gorm.DB, dialect Dialect, user *User) error {
	var current User
	err := tx.Clauses(lockForUpdate(dialect)...).
		Select("id", "password_hash", "role", "disabled").
		Where("id = ?", user.ID).Take(&current).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrSessionChanged
	}
	if err != nil {
		return err
	}
	if current.PasswordHash != user.PasswordHash || current.Role != user.Role ||
		current.Disabled != user.Disabled {
		return ErrSessionChanged
	}
	return nil
}

// TouchSession moves a session's last-seen time and idle deadline.
func (s *Store) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	return s.write(ctx).Model(&Session{}).Where("id_hash = ?", idHash).
		Updates(map[string]any{"last_seen_at": seen, "expires_at": expires}).Error
}

// SetSecondFactorTime records when the session last passed a code check.
func (s *Store) SetSecondFactorTime(ctx context.Context, idHash string, at time.Time) error {
	return s.write(ctx).Model(&Session{}).Where("id_hash = ?", idHash).
		Update("second_factor_at", at).Error
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	return s.write(ctx).Where("id_hash = ?", idHash).Delete(&Session{}).Error
}

// DeleteUserSessions removes every session of the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return s.write(ctx).Where("user_id = ?", userID).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions whose deadline passed before now,
// and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	result := s.write(ctx).Where("expires_at < ?", now).Delete(&Session{})
	return result.RowsAffected, result.Error
}

// SessionWithUser returns the session whose id hashes to idHash together
// with its user, in one query: every authenticated request needs both.
func (s *Store) SessionWithUser(ctx context.Context, idHash string) (*Session, *User, error) {
	row := s.read(ctx).Raw(`SELECT s.id_hash, s.user_id, s.stage, s.created_at, s.last_seen_at,
		s.expires_at, s.second_factor_at, s.client_ip, s.user_agent,
		u.id, u.organization_id, u.email, u.name, u.name_key, u.role, u.password_hash,
		u.totp_status, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, idHash).Row()

	var session Session
	var user User
	var secondFactor sql.NullTime
	err := row.Scan(&session.IDHash, &session.UserID, &session.Stage, &session.CreatedAt,
		&session.LastSeenAt, &session.ExpiresAt, &secondFactor, &session.ClientIP,
		&session.UserAgent, &user.ID, &user.OrganizationID, &user.Email, &user.Name,
		&user.NameKey, &user.Role, &user.PasswordHash, &user.TOTPStatus, &user.Disabled,
		&user.CreatedAt, &user.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if secondFactor.Valid {
		at := secondFactor.Time.UTC()
		session.SecondFactorAt = &at
	}
	return &session, &user, nil
}
