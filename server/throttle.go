package server

import (
	"context"
	"time"

	"gatehouse/server/store"
)

// Sign-in throttling: failed passwords and codes count against the account
// (by email, known or not) and against the client address. Past the limit,
// each further failure locks the key for twice as long as the one before,
// from one minute up to an hour. The counters live in the database, so every
// instance sees the same ones.
const (
	accountFailureLimit = 5
	addressFailureLimit = 20
	firstLockout        = time.Minute
	maxLockout          = time.Hour
	// A count whose last failure is older than this starts again.
	forgetFailuresAfter = 24 * time.Hour
)

func accountThrottleKey(email string) string {
	return "account:" + store.NormalizeEmail(email)
}

func addressThrottleKey(ip string) string { return "address:" + ip }

// lockoutAfter returns the lock that follows the given number of failures
// for a key whose limit is limit.
func lockoutAfter(limit int) func(failures int) time.Duration {
	return func(failures int) time.Duration {
		if failures < limit {
			return 0
		}
		lock := firstLockout << min(failures-limit, 10)
		return min(lock, maxLockout)
	}
}

// checkThrottle returns a 429 error while the account or address is locked.
func (s *Server) checkThrottle(ctx context.Context, email, ip string) error {
	now := s.now()
	until, err := s.store.LockedUntil(ctx, now, accountThrottleKey(email), addressThrottleKey(ip))
	if err != nil {
		return err
	}
	if until.After(now) {
		return tooManyAttempts(until, now)
	}
	return nil
}

// recordFailure counts one failed attempt against the account and address.
func (s *Server) recordFailure(ctx context.Context, email, ip string) error {
	now := s.now()
	err := s.store.RecordFailure(ctx, accountThrottleKey(email), now, forgetFailuresAfter,
		lockoutAfter(accountFailureLimit))
	if err != nil {
		return err
	}
	return s.store.RecordFailure(ctx, addressThrottleKey(ip), now, forgetFailuresAfter,
		lockoutAfter(addressFailureLimit))
}
