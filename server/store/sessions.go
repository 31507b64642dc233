package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// SessionByHash returns the session whose id hashes to idHash.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (*Session, error) {
	var session Session
	if err := s.read(ctx).Where("id_hash = ?", idHash).Take(&session).Error; err != nil {
		return nil, translate(err)
	}
	return &session, nil
}

// ReplaceSession stores next and deletes the session whose hash is oldHash
// (if any) in one transaction, so a session id changes at each privilege
// step without a moment where both ids work.
func (s *Store) ReplaceSession(ctx context.Context, oldHash string, next *Session) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		if oldHash != "" {
			if err := tx.Where("id_hash = ?", oldHash).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		return tx.Create(next).Error
	}))
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
