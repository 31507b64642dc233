package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ThrottleRule is one failure counter that a sign-in attempt counts against.
type ThrottleRule struct {
	Key   string
	Limit int
	// LockFor returns how long the key is locked after the given number of
	// failures; zero means not locked.
	LockFor func(failures int) time.Duration
}

// Durations that ClaimAttempt and FinishAttempt apply to every key.
const (
	// A count whose last failure is older than this starts again from zero.
	forgetFailuresAfter = 24 * time.Hour
	// A claimed attempt that never finished, as when its instance stopped,
	// stops counting as in flight after this long.
	attemptTimeout = 30 * time.Second
	// The wait suggested when the limit is taken up by attempts in flight.
	busyWait = time.Second
)

// errMustWait rolls back a claim that one of its keys rejected.
var errMustWait = errors.New("throttled")

// ClaimAttempt lets one attempt through every rule's key at once, or none.
// It returns the zero time when the attempt may go on, and otherwise the
// time until which the caller must wait. While a key's failures are below
// its limit, at most limit minus failures attempts are in flight at once,
// so a burst of parallel guesses is checked one after another against the
// limit. Past the limit, once a lock has run out, one attempt at a time is
// let through. Each claim must end with FinishAttempt.
func (s *Store) ClaimAttempt(ctx context.Context, now time.Time, rules ...ThrottleRule) (
	time.Time, error,
) {
	var wait time.Time
	err := s.write(ctx).Transaction(func(tx *gorm.DB) error {
		throttles := make([]SignInThrottle, len(rules))
		for i, rule := range rules {
			throttle, err := s.lockThrottle(tx, rule.Key, now)
			if err != nil {
				return err
			}
			throttles[i] = *throttle

			inFlightLimit := max(1, rule.Limit-throttle.Failures)
			switch {
			case throttle.LockedUntil != nil && throttle.LockedUntil.After(now):
				wait = latest(wait, *throttle.LockedUntil)
			case throttle.AttemptsInFlight >= inFlightLimit:
				wait = latest(wait, now.Add(busyWait))
			}
		}
		if !wait.IsZero() {
			return errMustWait
		}

		for i := range throttles {
			throttles[i].AttemptsInFlight++
			throttles[i].LastAttemptAt = &now
			if err := tx.Save(&throttles[i]).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errMustWait) {
		return wait, nil
	}
	return time.Time{}, err
}

// FinishFailedAttempt ends an attempt that ClaimAttempt let through and
// that failed: it adds one failure to each key and, when the rule's LockFor
// returns more than zero for the new count, locks the key for that long.
func (s *Store) FinishFailedAttempt(
	ctx context.Context,
	now time.Time,
	rules ...ThrottleRule,
) error {
	return s.write(ctx).Transaction(func(tx *gorm.DB) error {
		for _, rule := range rules {
			throttle, err := s.lockThrottle(tx, rule.Key, now)
			if err != nil {
				return err
			}

			throttle.AttemptsInFlight = max(0, throttle.AttemptsInFlight-1)
			throttle.Failures++
			throttle.LastFailureAt = now
			if lock := rule.LockFor(throttle.Failures); lock > 0 {
				until := now.Add(lock)
				throttle.LockedUntil = &until
			}
			if err := tx.Save(throttle).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// lockThrottle returns key's row, locked for the transaction, with
// forgotten failures and timed-out attempts cleared.
func (s *Store) lockThrottle(tx *gorm.DB, key string, now time.Time) (*SignInThrottle, error) {
	// Inserting first gives the row to lock, so concurrent attempts on
	// PostgreSQL count one after another instead of overwriting each other.
	// A successful sign-in may delete the row between the two statements,
	// so the pair is tried again then.
	var throttle SignInThrottle
	for tries := 1; ; tries++ {
		fresh := SignInThrottle{Key: key, LastFailureAt: now}
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error
		if err != nil {
			return nil, err
		}
		err = tx.Clauses(lockForUpdate(s.dialect)...).Where("key = ?", key).Take(&throttle).Error
		if err == nil {
			break
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) || tries == 3 {
			return nil, err
		}
	}

	if now.Sub(throttle.LastFailureAt) > forgetFailuresAfter {
		throttle.Failures = 0
	}
	if throttle.LastAttemptAt == nil || now.Sub(*throttle.LastAttemptAt) > attemptTimeout {
		throttle.AttemptsInFlight = 0
	}
	return &throttle, nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// FinishSuccessfulAttempt ends an attempt that ClaimAttempt let through
// and that succeeded. The row of resetKey, when not empty, is deleted, so
// its failures count again from zero; the claim on every other key ends.
// Each statement runs in its own transaction and locks one row, so no
// deadlock can form with a claim that locks the same rows.
func (s *Store) FinishSuccessfulAttempt(
	ctx context.Context,
	resetKey string,
	rules ...ThrottleRule,
) error {
	if resetKey != "" {
		err := s.write(ctx).Where("key = ?", resetKey).Delete(&SignInThrottle{}).Error
		if err != nil {
			return err
		}
	}
	for _, rule := range rules {
		if rule.Key == resetKey {
			continue
		}
		err := s.write(ctx).Model(&SignInThrottle{}).
			Where("key = ? AND attempts_in_flight > 0", rule.Key).
			UpdateColumn("attempts_in_flight", gorm.Expr("attempts_in_flight - 1")).Error
		if err != nil {
			return err
		}
	}
	return nil
}
