package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LockedUntil returns the latest lock deadline among keys, or the zero time
// when none of them is locked at now.
func (s *Store) LockedUntil(ctx context.Context, now time.Time, keys ...string) (time.Time, error) {
	var throttles []SignInThrottle
	if err := s.read(ctx).Where("key IN ?", keys).Find(&throttles).Error; err != nil {
		return time.Time{}, err
	}

	var until time.Time
	for _, throttle := range throttles {
		if throttle.LockedUntil != nil && throttle.LockedUntil.After(now) &&
			throttle.LockedUntil.After(until) {
			until = *throttle.LockedUntil
		}
	}
	return until, nil
}

// RecordFailure adds one failure to key and, when lockFor returns more than
// zero for the new count, locks the key until now plus that duration. A
// count whose last failure is older than forgetAfter starts again from one.
func (s *Store) RecordFailure(
	ctx context.Context,
	key string,
	now time.Time,
	forgetAfter time.Duration,
	lockFor func(failures int) time.Duration,
) error {
	return s.write(ctx).Transaction(func(tx *gorm.DB) error {
		// Inserting first gives the row to lock, so concurrent failures on
		// PostgreSQL count one after another instead of overwriting each other.
		fresh := SignInThrottle{Key: key, LastFailureAt: now}
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error
		if err != nil {
			return err
		}
		var throttle SignInThrottle
		err = tx.Clauses(lockForUpdate(s.dialect)...).Where("key = ?", key).Take(&throttle).Error
		if err != nil {
			return err
		}

		if now.Sub(throttle.LastFailureAt) > forgetAfter {
			throttle.Failures = 0
		}
		throttle.Failures++
		throttle.LastFailureAt = now
		if lock := lockFor(throttle.Failures); lock > 0 {
			until := now.Add(lock)
			throttle.LockedUntil = &until
		}
		return tx.Save(&throttle).Error
	})
}

// ResetThrottle deletes the failures counted for key. Most sign-ins have
// none, so a read on the reader pool comes first and spares the single
// SQLite writer a write.
func (s *Store) ResetThrottle(ctx context.Context, key string) error {
	var count int64
	err := s.read(ctx).Model(&SignInThrottle{}).Where("key = ?", key).Limit(1).Count(&count).Error
	if err != nil || count == 0 {
		return err
	}
	return s.write(ctx).Where("key = ?", key).Delete(&SignInThrottle{}).Error
}
