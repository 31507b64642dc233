package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/auth"
	"gatehouse/server/notify"
	"gatehouse/server/store"
)

// Sign-in states, as the API reports them.
const (
	stateSignedOut          = "signed_out"
	stateTOTPRequired       = "totp_required"
	stateEnrollmentRequired = "enrollment_required"
	stateAuthenticated      = "authenticated"
)

// signInPasswordOnly is the sign-in method, as the audit event records it,
// of a user whom the organisation's policy requires no second step of.
const signInPasswordOnly = "password only"

type credentialsRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type codeRequest struct {
	Code string `json:"code"`
}

type stateResponse struct {
	State string `json:"state"`
}

// sessionState reports how far the request's session has signed in.
func (s *Server) sessionState(c echo.Context) error {
	v, err := s.loadVisitor(c)
	if err != nil {
		return err
	}
	state := stateSignedOut
	switch {
	case v.authenticated():
		state = stateAuthenticated
	case v.passwordStepOnly():
		if state, err = s.nextStep(c.Request().Context(), v.user); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, stateResponse{State: state})
}

// signIn checks an email and password. Unknown emails cost the same hash
// and get the same response as wrong passwords, so accounts can't be
// enumerated.
func (s *Server) signIn(c echo.Context) error {
	var request credentialsRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	if request.Email == "" || request.Password == "" {
		return badRequest("Enter your email and password.")
	}
	if len(request.Password) > 4*auth.MaxPasswordLength {
		return errWrongPassword
	}
	ctx := c.Request().Context()
	if err := s.claimAttempt(c, request.Email); err != nil {
		s.audit(c, "signin.throttled", nil, nil, "", request.Email)
		return err
	}

	user, err := s.store.UserByEmail(ctx, request.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := ""
	if user != nil {
		hash = user.PasswordHash
	}
	match, err := s.hasher.Verify(ctx, request.Password, hash)
	if err != nil {
		return s.hashError(err)
	}
	if !match {
		detail := "wrong password"
		if user == nil {
			detail = "unknown email"
		}
		s.audit(c, "signin.failed", nil, user, detail, request.Email)
		s.metrics.signIns.WithLabelValues("failure").Inc()
		if err := s.recordFailure(c); err != nil {
			return err
		}
		return errWrongPassword
	}
	if user.Disabled {
		s.audit(c, "signin.failed", nil, user, "account disabled", "")
		return errUserDisabled
	}

	state, err := s.nextStep(ctx, user)
	if err != nil {
		return err
	}
	if state == stateAuthenticated {
		// The organisation does not require a second step of this user.
		return s.completeSignIn(c, user, signInPasswordOnly, nil)
	}
	if err := s.startSession(c, user, store.StagePassword, false, nil, nil); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stateResponse{State: state})
}

// nextStep returns what a user who has given the right password must do
// next, or errKeyExpired when an admin's new key lapsed before enrolment.
func (s *Server) nextStep(ctx context.Context, user *store.User) (string, error) {
	state, _, err := s.nextStepAndKeys(ctx, user)
	return state, err
}

// nextStepAndKeys does as nextStep and also returns the user's keys, so
// the code step reads them once.
func (s *Server) nextStepAndKeys(
	ctx context.Context,
	user *store.User,
) (string, store.UserKeys, error) {
	keys, err := s.store.CurrentKeys(ctx, user.ID)
	if err != nil {
		return "", keys, err
	}
	state, err := s.stateFor(ctx, user, keys.Pending)
	return state, keys, err
}

func (s *Server) stateFor(
	ctx context.Context,
	user *store.User,
	pending *store.TOTPKey,
) (string, error) {
	if pending != nil {
		if pending.Origin == store.KeyFromReset && s.expired(pending) {
			return "", errKeyExpired
		}
		if pending.Origin == store.KeyFromReset {
			return stateEnrollmentRequired, nil
		}
	}

	switch user.TOTPStatus {
	case store.TOTPActive:
		return stateTOTPRequired, nil
	case store.TOTPPending:
		// A self-started enrolment that was never confirmed.
		return stateEnrollmentRequired, nil
	}
	org, err := s.store.OrganizationByID(ctx, user.OrganizationID)
	if err != nil {
		return "", err
	}
	if org.TwoFactorPolicy == store.PolicyAdminsOnly && user.Role != store.RoleAdmin {
		return stateAuthenticated, nil
	}
	return stateEnrollmentRequired, nil
}

func (s *Server) expired(key *store.TOTPKey) bool {
	return key.ExpiresAt != nil && !s.now().Before(*key.ExpiresAt)
}

// verifyCode is the second step: a code from the user's active key.
func (s *Server) verifyCode(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	key, err := s.requireActiveKeyStep(c.Request().Context(), v.user)
	if err != nil {
		return err
	}
	guard, err := s.matchCode(c, v.user, key, request.Code)
	if err != nil {
		return err
	}
	err = s.completeSignIn(c, v.user, "authenticator code", guard)
	if errors.Is(err, store.ErrStepUsed) {
		return s.rejectCode(c, v.user, true)
	}
	return err
}

// requireActiveKeyStep returns the user's active key, or errEnrollFirst
// unless the user's next step is a code from an active key.
func (s *Server) requireActiveKeyStep(
	ctx context.Context,
	user *store.User,
) (*store.TOTPKey, error) {
	state, keys, err := s.nextStepAndKeys(ctx, user)
	if err != nil {
		return nil, err
	}
	if state != stateTOTPRequired || keys.Active == nil {
		return nil, errEnrollFirst
	}
	return keys.Active, nil
}

// checkCode accepts a code from the user's active key once: it must match
// the current time step or a neighbour, and be of a later step than any
// code accepted before. Failures count towards the sign-in throttle. A nil
// key means the active key is read here.
func (s *Server) checkCode(
	c echo.Context,
	user *store.User,
	key *store.TOTPKey,
	input string,
) error {
	guard, err := s.matchCode(c, user, key, input)
	if err != nil {
		return err
	}
	fresh, err := s.store.UseStep(c.Request().Context(), guard.KeyID, guard.Step)
	if err != nil {
		return err
	}
	if !fresh {
		return s.rejectCode(c, user, true)
	}
	return nil
}

// matchCode finds the time step of a code from the user's active key, and
// counts a wrong code as a failure. It does not use the step up: the caller
// must, with UseStep or inside the transaction that acts on the code.
func (s *Server) matchCode(
	c echo.Context,
	user *store.User,
	key *store.TOTPKey,
	input string,
) (*store.StepGuard, error) {
	ctx := c.Request().Context()
	code, err := auth.NormalizeCode(input)
	if err != nil {
		return nil, badRequest("Enter the 6-digit code from your authenticator app, like 123456.")
	}
	if err := s.claimAttempt(c, user.Email); err != nil {
		return nil, err
	}

	if key == nil {
		if key, err = s.store.KeyByStatus(ctx, user.ID, store.KeyActive); err != nil {
			return nil, err
		}
	}
	secret, err := s.keys.DecryptTOTPSecret(user.ID, key.Secret)
	if err != nil {
		return nil, err
	}
	step, ok, err := auth.MatchCode(secret, code, s.now())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.rejectCode(c, user, false)
	}
	return &store.StepGuard{KeyID: key.ID, Step: step}, nil
}

// rejectCode records a wrong or reused code and returns the error to send.
func (s *Server) rejectCode(c echo.Context, user *store.User, reused bool) error {
	detail := "wrong code"
	if reused {
		detail = "reused code"
	}
	s.audit(c, "signin.failed", nil, user, detail, "")
	s.metrics.codeFailures.Inc()
	s.metrics.signIns.WithLabelValues("failure").Inc()
	if err := s.recordFailure(c); err != nil {
		return err
	}
	if reused {
		return errReusedCode
	}
	return errWrongCode
}

// verifyRecoveryCode is the second step with a one-time recovery code.
func (s *Server) verifyRecoveryCode(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.requireActiveKeyStep(ctx, v.user); err != nil {
		return err
	}
	code := auth.NormalizeRecoveryCode(request.Code)
	if code == "" {
		return badRequest("Enter a recovery code, like ABCDE-23456.")
	}
	if err := s.claimAttempt(c, v.user.Email); err != nil {
		return err
	}

	used, err := s.store.UseRecoveryCode(ctx, v.user.ID, s.keys.HashRecoveryCode(code))
	if err != nil {
		return err
	}
	if !used {
		s.audit(c, "signin.failed", nil, v.user, "wrong recovery code", "")
		s.metrics.codeFailures.Inc()
		s.metrics.signIns.WithLabelValues("failure").Inc()
		if err := s.recordFailure(c); err != nil {
			return err
		}
		return newError(http.StatusUnauthorized, "That recovery code is not correct or was used.")
	}

	left, err := s.store.CountUnusedRecoveryCodes(ctx, v.user.ID)
	if err != nil {
		return err
	}
	s.notify(ctx, v.user, recoveryCodeUsedNotice(left))
	s.queueEmail(ctx, notify.RecoveryCodeUsed, v.user, left)
	return s.completeSignIn(c, v.user, "recovery code", nil)
}

// stepUp renews the second factor of a signed-in session, which sensitive
// admin actions ask for.
func (s *Server) stepUp(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	if v.user.TOTPStatus != store.TOTPActive {
		return errEnrollFirst
	}
	if err := s.checkCode(c, v.user, nil, request.Code); err != nil {
		return err
	}

	now := s.now()
	ctx := c.Request().Context()
	if err := s.store.SetSecondFactorTime(ctx, v.record.IDHash, now); err != nil {
		return err
	}
	if err := s.recordSuccess(c, v.user.Email); err != nil {
		return err
	}
	s.audit(c, "session.step_up", v.user, v.user, "", "")
	return c.JSON(http.StatusOK, stateResponse{State: stateAuthenticated})
}

// completeSignIn turns the request's session into an authenticated one
// under a new id, and clears the account's failure count. A non-nil guard
// uses up a code's time step in the same transaction, or fails with
// store.ErrStepUsed and creates no session.
func (s *Server) completeSignIn(
	c echo.Context,
	user *store.User,
	how string,
	guard *store.StepGuard,
) error {
	event := s.auditEvent(c, "signin.succeeded", user, user, how, "")
	secondFactor := how != signInPasswordOnly
	err := s.startSession(c, user, store.StageAuthenticated, secondFactor, event, guard)
	if err != nil {
		return err
	}
	if err := s.recordSuccess(c, user.Email); err != nil {
		return err
	}
	s.metrics.signIns.WithLabelValues("success").Inc()
	slog.Info("Signed in", "user_id", user.ID, "method", how, "client_ip", c.RealIP())
	return c.JSON(http.StatusOK, stateResponse{State: stateAuthenticated})
}

// startSession gives the request a fresh session id at the given stage.
// Any session the request had is replaced, so an id never carries over from
// one privilege level to the next. A non-nil audit event is stored with it.
// secondFactor records that the user has just given a second factor, which
// admin actions that need a fresh one check.
func (s *Server) startSession(
	c echo.Context,
	user *store.User,
	stage string,
	secondFactor bool,
	audit *store.AuditEvent,
	guard *store.StepGuard,
) error {
	session, err := s.sessions.Get(c.Request(), sessionCookieName)
	if err != nil {
		return err
	}
	now := s.now()
	record := &store.Session{
		UserID:     user.ID,
		Stage:      stage,
		CreatedAt:  now,
		LastSeenAt: now,
		ClientIP:   c.RealIP(),
		UserAgent:  cleanText(c.Request().UserAgent(), 300),
	}
	if stage == store.StagePassword {
		record.ExpiresAt = now.Add(s.sessions.limits.HalfDone)
	} else {
		record.ExpiresAt = now.Add(s.sessions.limits.Idle)
	}
	if secondFactor {
		record.SecondFactorAt = &now
	}

	if old, ok := session.Values[recordValue].(*store.Session); ok {
		session.Values[replacedValue] = old.IDHash
	}
	session.Values[recordValue] = record
	session.Values[userValue] = user
	if audit != nil {
		session.Values[auditValue] = audit
	}
	if guard != nil {
		session.Values[guardValue] = guard
	}
	session.ID = ""
	return session.Save(c.Request(), c.Response())
}

// signOut ends the request's session, if any.
func (s *Server) signOut(c echo.Context) error {
	session, err := s.sessions.Get(c.Request(), sessionCookieName)
	if err != nil {
		return err
	}
	if record, ok := session.Values[recordValue].(*store.Session); ok {
		session.Values[replacedValue] = record.IDHash
	}
	session.Options.MaxAge = -1
	if err := session.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stateResponse{State: stateSignedOut})
}

func (s *Server) hashError(err error) error {
	if errors.Is(err, auth.ErrBusy) {
		return &apiError{
			status:     http.StatusServiceUnavailable,
			message:    "The server is busy. Try again in a moment.",
			retryAfter: time.Second,
		}
	}
	return err
}

// cleanText makes client-supplied text safe to store: valid UTF-8 with no
// NUL bytes (PostgreSQL rejects both), at most maxBytes long.
func cleanText(text string, maxBytes int) string {
	if len(text) > maxBytes {
		text = text[:maxBytes]
	}
	text = strings.ToValidUTF8(text, "")
	return strings.ReplaceAll(text, "\x00", "")
}
