package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// KeyByStatus returns the user's key with that status (KeyActive or
// KeyPending).
func (s *Store) KeyByStatus(ctx context.Context, userID int64, status string) (*TOTPKey, error) {
	var key TOTPKey
	err := s.read(ctx).Where("user_id = ? AND status = ?", userID, status).
		Order("id DESC").Take(&key).Error
	if err != nil {
		return nil, translate(err)
	}
	return &key, nil
}

// RetiredConfirmedKeys returns the user's most recent retired keys that
// were once active, newest first. A pending key that a second reset
// replaced was never in the user's app, so it is left out.
func (s *Store) RetiredConfirmedKeys(ctx context.Context, userID int64, limit int) (
	[]TOTPKey, error,
) {
	var keys []TOTPKey
	err := s.read(ctx).
		Where("user_id = ? AND status = ? AND activated_at IS NOT NULL", userID, KeyRetired).
		Order("id DESC").Limit(limit).Find(&keys).Error
	return keys, err
}

// CreatePendingKey stores a pending key for a user who has none, as at first
// enrolment. A key left pending before is replaced.
func (s *Store) CreatePendingKey(ctx context.Context, key *TOTPKey) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUser(tx, key.UserID); err != nil {
			return err
		}
		now := time.Now().UTC()
		err := tx.Model(&TOTPKey{}).
			Where("user_id = ? AND status = ?", key.UserID, KeyPending).
			Updates(map[string]any{"status": KeyRetired, "retired_at": now}).Error
		if err != nil {
			return err
		}

		key.Status = KeyPending
		key.CreatedAt = now
		if err := tx.Create(key).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Where("id = ? AND totp_status = ?", key.UserID, TOTPOff).
			Update("totp_status", TOTPPending).Error
	}))
}

// KeyReset is everything an admin's "Generate new key" changes at once.
type KeyReset struct {
	Key          *TOTPKey
	Notification *Notification
	Audit        *AuditEvent
	// Email, when not nil, is queued in the same transaction.
	Email *OutboxEmail
}

// ResetKey retires the user's active and pending keys, stores reset.Key as
// the new pending key, revokes all the user's sessions and recovery codes,
// and writes the notification and audit event, all in one transaction.
func (s *Store) ResetKey(ctx context.Context, reset KeyReset) error {
	userID := reset.Key.UserID
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		now := time.Now().UTC()
		err := tx.Model(&TOTPKey{}).
			Where("user_id = ? AND status IN ?", userID, []string{KeyActive, KeyPending}).
			Updates(map[string]any{"status": KeyRetired, "retired_at": now}).Error
		if err != nil {
			return err
		}

		reset.Key.Status = KeyPending
		reset.Key.Origin = KeyFromReset
		reset.Key.CreatedAt = now
		if err := tx.Create(reset.Key).Error; err != nil {
			return err
		}
		err = tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"totp_status": TOTPPending, "updated_at": now}).Error
		if err != nil {
			return err
		}

		if err := tx.Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
			return err
		}
		reset.Notification.UserID = userID
		if err := tx.Create(reset.Notification).Error; err != nil {
			return err
		}
		if reset.Email != nil {
			if err := enqueueEmail(tx, reset.Email); err != nil {
				return err
			}
		}
		return tx.Create(reset.Audit).Error
	}))
}

// lockUser locks the user's row until the transaction ends. Key changes of
// one user then run one after another on PostgreSQL, where READ COMMITTED
// would let two resets each retire the keys they saw and insert a pending
// key. SQLite runs one write transaction at a time anyway.
func (s *Store) lockUser(tx *gorm.DB, userID int64) error {
	var user User
	return tx.Clauses(lockForUpdate(s.dialect)...).Select("id").
		Where("id = ?", userID).Take(&user).Error
}

// ErrKeyChanged is returned when a pending key was replaced or confirmed by
// another request between reading and confirming it.
var ErrKeyChanged = errors.New("the key changed meanwhile")

// ConfirmKey turns the pending key into the user's active key, with step as
// the time step of the code that confirmed it, retires any previous active
// key, and replaces the user's recovery codes with codeHashes.
func (s *Store) ConfirmKey(
	ctx context.Context,
	pending *TOTPKey,
	step int64,
	codeHashes [][]byte,
	audit *AuditEvent,
) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUser(tx, pending.UserID); err != nil {
			return err
		}
		now := time.Now().UTC()
		err := tx.Model(&TOTPKey{}).
			Where("user_id = ? AND status = ?", pending.UserID, KeyActive).
			Updates(map[string]any{"status": KeyRetired, "retired_at": now}).Error
		if err != nil {
			return err
		}

		// The condition on status makes two confirmations of one key race
		// safely: only one of them changes the row.
		result := tx.Model(&TOTPKey{}).
			Where("id = ? AND status = ?", pending.ID, KeyPending).
			Updates(map[string]any{"status": KeyActive, "activated_at": now, "last_step": step})
		if result.Error != nil {
			return result.Error
		}
		if result.RowsAffected != 1 {
			return ErrKeyChanged
		}
		err = tx.Model(&User{}).Where("id = ?", pending.UserID).
			Updates(map[string]any{"totp_status": TOTPActive, "updated_at": now}).Error
		if err != nil {
			return err
		}

		if err := replaceRecoveryCodes(tx, pending.UserID, codeHashes, now); err != nil {
			return err
		}
		return tx.Create(audit).Error
	}))
}

func replaceRecoveryCodes(tx *gorm.DB, userID int64, hashes [][]byte, now time.Time) error {
	if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
		return err
	}
	codes := make([]RecoveryCode, len(hashes))
	for i, hash := range hashes {
		codes[i] = RecoveryCode{UserID: userID, CodeHash: hash, CreatedAt: now}
	}
	return tx.Create(&codes).Error
}

// UseStep records that a code of time step was accepted for an active key.
// It returns false when that step or a later one was used already, so a code
// is accepted once even when several requests carry it at the same moment:
// the check and the write are one conditional UPDATE.
func (s *Store) UseStep(ctx context.Context, keyID, step int64) (bool, error) {
	return useStep(s.write(ctx), keyID, step)
}

func useStep(tx *gorm.DB, keyID, step int64) (bool, error) {
	result := tx.Model(&TOTPKey{}).
		Where("id = ? AND status = ? AND last_step < ?", keyID, KeyActive, step).
		Update("last_step", step)
	if result.Error != nil {
		return false, result.Error
	}
	return result.RowsAffected == 1, nil
}

// UseRecoveryCode marks the user's unused recovery code with that hash as
// used. It returns false when there is no such unused code.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (bool, error) {
	result := s.write(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, hash).
		Update("used_at", time.Now().UTC())
	if result.Error != nil {
		return false, result.Error
	}
	return result.RowsAffected == 1, nil
}

// CountUnusedRecoveryCodes returns how many recovery codes the user has left.
func (s *Store) CountUnusedRecoveryCodes(ctx context.Context, userID int64) (int64, error) {
	var count int64
	err := s.read(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND used_at IS NULL", userID).Count(&count).Error
	return count, err
}

// UserKeys are a user's active and pending keys; either may be nil.
type UserKeys struct {
	Active  *TOTPKey
	Pending *TOTPKey
}

// CurrentKeys returns the user's active and pending keys in one query.
func (s *Store) CurrentKeys(ctx context.Context, userID int64) (UserKeys, error) {
	var keys []TOTPKey
	err := s.read(ctx).Where("user_id = ? AND status IN ?", userID,
		[]string{KeyActive, KeyPending}).Order("id DESC").Find(&keys).Error
	if err != nil {
		return UserKeys{}, err
	}

	var current UserKeys
	for i := range keys {
		switch {
		case keys[i].Status == KeyActive && current.Active == nil:
			current.Active = &keys[i]
		case keys[i].Status == KeyPending && current.Pending == nil:
			current.Pending = &keys[i]
		}
	}
	return current, nil
}
