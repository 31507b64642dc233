package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/auth"
	"gatehouse/server/notify"
	"gatehouse/server/store"
)

type enrollmentResponse struct {
	Secret        string                 `json:"secret"`
	OTPAuthURL    string                 `json:"otpauth_url"`
	QRPNG         string                 `json:"qr_png"`
	PreviousKey   bool                   `json:"previous_key"`
	ExpiresAt     *time.Time             `json:"expires_at"`
	Notifications []notificationResponse `json:"notifications"`
}

type enrollmentConfirmation struct {
	State         string   `json:"state"`
	RecoveryCodes []string `json:"recovery_codes"`
	ClockWarning  string   `json:"clock_warning,omitempty"`
}

// clockSearchSteps is the distance, in time steps either way, searched for
// a wrong enrolment code to tell the user that their phone's clock is off.
const clockSearchSteps = 20

// showEnrollment shows the user's pending key, making one if they have no
// key yet. Only the user sees it, after their password step; an active key
// is never shown again.
func (s *Server) showEnrollment(c echo.Context) error {
	user := currentVisitor(c).user
	ctx := c.Request().Context()
	org, err := s.store.OrganizationByID(ctx, user.OrganizationID)
	if err != nil {
		return err
	}
	key, err := s.enrollmentKey(ctx, user, org)
	if err != nil {
		return err
	}
	secret, err := s.keys.DecryptTOTPSecret(user.ID, key.Secret)
	if err != nil {
		return err
	}

	url := auth.OTPAuthURL(org.Name, user.Email, secret)
	qr, err := auth.QRCodePNG(url)
	if err != nil {
		return err
	}
	retired, err := s.store.RetiredConfirmedKeys(ctx, user.ID, 1)
	if err != nil {
		return err
	}
	unread, err := s.store.Notifications(ctx, user.ID, true, notificationListLimit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, enrollmentResponse{
		Secret:        secret,
		OTPAuthURL:    url,
		QRPNG:         qr,
		PreviousKey:   len(retired) > 0 || user.TOTPStatus == store.TOTPActive,
		ExpiresAt:     key.ExpiresAt,
		Notifications: notificationResponses(c, unread),
	})
}

// enrollmentKey returns the user's pending key, making one when the user
// has no key or their own enrolment lapsed.
func (s *Server) enrollmentKey(
	ctx context.Context,
	user *store.User,
	org *store.Organization,
) (*store.TOTPKey, error) {
	pending, err := s.store.KeyByStatus(ctx, user.ID, store.KeyPending)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if pending != nil && !s.expired(pending) {
		return pending, nil
	}
	if pending != nil && pending.Origin == store.KeyFromReset {
		return nil, errKeyExpired
	}
	if user.TOTPStatus == store.TOTPActive {
		return nil, newError(http.StatusNotFound,
			"Two-step verification is already set up; the active key is never shown again.")
	}

	key, err := s.newKey(user.ID, org)
	if err != nil {
		return nil, err
	}
	key.Origin = store.KeyFromEnrollment
	if err := s.store.CreatePendingKey(ctx, key); err != nil {
		return nil, err
	}
	return key, nil
}

// newKey makes an encrypted pending key that expires after the
// organisation's window.
func (s *Server) newKey(userID int64, org *store.Organization) (*store.TOTPKey, error) {
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return nil, err
	}
	sealed, err := s.keys.EncryptTOTPSecret(userID, secret)
	if err != nil {
		return nil, err
	}
	expires := s.now().Add(time.Duration(org.PendingKeyHours) * time.Hour)
	return &store.TOTPKey{UserID: userID, Secret: sealed, ExpiresAt: &expires}, nil
}

// confirmEnrollment activates the pending key with its first code and
// returns the user's new recovery codes, which are shown this once.
func (s *Server) confirmEnrollment(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	code, err := auth.NormalizeCode(request.Code)
	if err != nil {
		return badRequest(
			"Enter the 6-digit code that your authenticator app shows for the new key.")
	}
	ctx := c.Request().Context()
	if err := s.claimAttempt(c, v.user.Email); err != nil {
		return err
	}

	pending, err := s.store.KeyByStatus(ctx, v.user.ID, store.KeyPending)
	if errors.Is(err, store.ErrNotFound) {
		return newError(http.StatusNotFound,
			"There is no key waiting to be set up. Reload the page.")
	}
	if err != nil {
		return err
	}
	if s.expired(pending) {
		return errKeyExpired
	}
	secret, err := s.keys.DecryptTOTPSecret(v.user.ID, pending.Secret)
	if err != nil {
		return err
	}
	step, ok, err := auth.MatchCode(secret, code, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return s.rejectEnrollmentCode(c, v.user, secret, code)
	}

	return s.activateKey(c, v, pending, step)
}

func (s *Server) activateKey(c echo.Context, v *visitor, pending *store.TOTPKey, step int64) error {
	ctx := c.Request().Context()
	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return err
	}
	event := s.auditEvent(c, "totp.enrolled", v.user, v.user, "", "")
	err = s.store.ConfirmKey(ctx, pending, step, hashes, event)
	if errors.Is(err, store.ErrKeyChanged) {
		return newError(http.StatusConflict, "Your key changed meanwhile. Reload the page.")
	}
	if err != nil {
		return err
	}
	s.notify(ctx, v.user, enrollmentConfirmedNotice)
	s.queueEmail(ctx, notify.EnrollmentDone, v.user, 0)

	if v.authenticated() {
		if err := s.store.SetSecondFactorTime(ctx, v.record.IDHash, s.now()); err != nil {
			return err
		}
	} else {
		event := s.auditEvent(c, "signin.succeeded", v.user, v.user, "new key confirmed", "")
		err := s.startSession(c, v.user, store.StageAuthenticated, true, event, nil)
		if err != nil {
			return err
		}
		s.metrics.signIns.WithLabelValues("success").Inc()
	}
	if err := s.recordSuccess(c, v.user.Email); err != nil {
		return err
	}

	response := enrollmentConfirmation{State: stateAuthenticated, RecoveryCodes: codes}
	if offset := step - auth.TimeStep(s.now()); offset != 0 {
		response.ClockWarning = clockWarning(c, offset)
	}
	return c.JSON(http.StatusOK, response)
}

// rejectEnrollmentCode counts a wrong enrolment code and explains the
// failure when it can: a code of the user's previous key, or a code of the
// new key from a clock that is off.
func (s *Server) rejectEnrollmentCode(c echo.Context, user *store.User, secret, code string) error {
	ctx := c.Request().Context()
	s.audit(c, "enrollment.failed", user, user, "wrong code", "")
	if err := s.recordFailure(c); err != nil {
		return err
	}

	fromOldKey, err := s.matchesOlderKey(ctx, user, code)
	if err != nil {
		return err
	}
	if fromOldKey {
		return newError(http.StatusUnauthorized, "That code comes from your previous key. "+
			"Remove the old entry from your authenticator app, scan this new code and "+
			"enter the code it shows.")
	}

	if offset, found := auth.FindStep(secret, code, s.now(), clockSearchSteps); found {
		explanation := localize(c, "That code is from the new key, but not from the "+
			"current moment.")
		return newError(http.StatusUnauthorized, explanation+" "+clockWarning(c, offset))
	}
	return newError(http.StatusUnauthorized,
		"That code is not correct. Check that you scanned the new key and try the next code.")
}

// matchesOlderKey reports whether code is a current code of the key that
// the pending one replaces: the active key during a change the user
// started, or the newest retired key after an admin's reset.
func (s *Server) matchesOlderKey(
	ctx context.Context,
	user *store.User,
	code string,
) (bool, error) {
	keys, err := s.store.CurrentKeys(ctx, user.ID)
	if err != nil {
		return false, err
	}
	older := keys.Active
	if older == nil {
		retired, err := s.store.RetiredConfirmedKeys(ctx, user.ID, 1)
		if err != nil || len(retired) == 0 {
			return false, err
		}
		older = &retired[0]
	}
	secret, err := s.keys.DecryptTOTPSecret(user.ID, older.Secret)
	if err != nil {
		return false, err
	}
	_, match, err := auth.MatchCode(secret, code, s.now())
	return match, err
}
