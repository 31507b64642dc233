package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

// Sign-in throttling: failed passwords and codes count against the account
// (by email, known or not) and against the client address. Past the limit,
// each further failure locks the key for twice as long as the one before,
// from one minute up to an hour. A count whose last failure is a day old
// starts again. The counters live in the database, so all instances share
// them. An attempt claims its place in them before its password or code is
// checked, so parallel guesses cannot slip past the limit.
const (
	accountFailureLimit = 5
	addressFailureLimit = 20
	firstLockout        = time.Minute
	maxLockout          = time.Hour
)

// attemptKey is the echo.Context key of the request's claimed attempt.
const attemptKey = "gatehouse.attempt"

// accountThrottleKey returns the account's counter key. Sign-in takes any
// email before it checks it, so the key keeps at most maxEmailLength bytes
// of it, which bounds the rows that made-up emails add.
func accountThrottleKey(email string) string {
	normalized := store.NormalizeEmail(email)
	if len(normalized) > maxEmailLength {
		normalized = normalized[:maxEmailLength]
	}
	return "account:" + normalized
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

func throttleRules(email, ip string) []store.ThrottleRule {
	return []store.ThrottleRule{
		{Key: accountThrottleKey(email), Limit: accountFailureLimit,
			LockFor: lockoutAfter(accountFailureLimit)},
		{Key: addressThrottleKey(ip), Limit: addressFailureLimit,
			LockFor: lockoutAfter(addressFailureLimit)},
	}
}

// claimAttempt lets one password or code check of the account from the
// request's address through, or returns a 429 error. The claim ends with
// recordFailure, or else when the request ends (see finishAttempts).
func (s *Server) claimAttempt(c echo.Context, email string) error {
	if c.Get(attemptKey) != nil {
		return nil
	}
	now := s.now()
	rules := throttleRules(email, c.RealIP())
	until, err := s.store.ClaimAttempt(c.Request().Context(), now, rules...)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		s.metrics.throttled.Inc()
		return tooManyAttempts(until, now)
	}
	c.Set(attemptKey, rules)
	return nil
}

// recordFailure ends the request's claimed attempt as a failure, counted
// against the account and the address.
func (s *Server) recordFailure(c echo.Context) error {
	rules, ok := c.Get(attemptKey).([]store.ThrottleRule)
	if !ok {
		return errors.New("a failure was recorded without a claimed attempt")
	}
	c.Set(attemptKey, nil)
	// A client that closes its connection after sending a guess cancels the
	// request's context, and the guess must count all the same.
	ctx := context.WithoutCancel(c.Request().Context())
	return s.store.FinishFailedAttempt(ctx, s.now(), rules...)
}

// recordSuccess ends the request's claimed attempt as the success that
// completes a sign-in or a code check: the account's failures count again
// from zero, which the password step alone never does.
func (s *Server) recordSuccess(c echo.Context, email string) error {
	rules, _ := c.Get(attemptKey).([]store.ThrottleRule)
	c.Set(attemptKey, nil)
	return s.store.FinishSuccessfulAttempt(c.Request().Context(), accountThrottleKey(email),
		rules...)
}

// finishAttempts is middleware that ends an attempt that the handler
// claimed and did not record as a failure: a success, or an error before
// the check. The request's own context may be cancelled by then, so the
// release gets a short one of its own.
func (s *Server) finishAttempts(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		rules, ok := c.Get(attemptKey).([]store.ThrottleRule)
		if !ok {
			return err
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()),
			5*time.Second)
		defer cancel()
		if finishErr := s.store.FinishSuccessfulAttempt(ctx, "", rules...); finishErr != nil {
			slog.Error("Ending a sign-in attempt failed", "error", finishErr,
				"request_id", requestID(c))
		}
		return err
	}
}
