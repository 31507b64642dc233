package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/auth"
	"gatehouse/server/notify"
	"gatehouse/server/store"
)

// regenerateOwnKey starts a key change for the signed-in user, after a
// current code: a pending key waits for them on the enrolment screen, and
// the current key keeps working until the new one is confirmed.
func (s *Server) regenerateOwnKey(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	if v.user.TOTPStatus != store.TOTPActive {
		return newError(http.StatusConflict, "You have no active key to replace: set one up.")
	}
	if err := s.checkCode(c, v.user, nil, request.Code); err != nil {
		return err
	}

	ctx := c.Request().Context()
	org, err := s.store.OrganizationByID(ctx, v.user.OrganizationID)
	if err != nil {
		return err
	}
	key, err := s.newKey(v.user.ID, org)
	if err != nil {
		return err
	}
	key.Origin = store.KeyFromEnrollment
	if err := s.store.CreatePendingKey(ctx, key); err != nil {
		return err
	}
	s.audit(c, "totp.regenerated_own", v.user, v.user, "", "")
	return c.JSON(http.StatusOK, map[string]string{"totp_status": store.TOTPPending})
}

// replaceRecoveryCodes gives the signed-in user ten new recovery codes,
// after a current code; the old ones stop working.
func (s *Server) replaceRecoveryCodes(c echo.Context) error {
	v := currentVisitor(c)
	var request codeRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	if v.user.TOTPStatus != store.TOTPActive {
		return newError(http.StatusConflict, "Set up two-step verification first.")
	}
	if err := s.checkCode(c, v.user, nil, request.Code); err != nil {
		return err
	}

	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return err
	}
	if err := s.store.ReplaceRecoveryCodes(c.Request().Context(), v.user.ID, hashes); err != nil {
		return err
	}
	s.audit(c, "recovery_codes.replaced", v.user, v.user, "", "")
	return c.JSON(http.StatusOK, map[string]any{"recovery_codes": codes})
}

// newRecoveryCodes returns fresh codes and the hashes to store.
func (s *Server) newRecoveryCodes() ([]string, [][]byte, error) {
	codes, err := auth.NewRecoveryCodes()
	if err != nil {
		return nil, nil, err
	}
	hashes := make([][]byte, len(codes))
	for i, code := range codes {
		hashes[i] = s.keys.HashRecoveryCode(auth.NormalizeRecoveryCode(code))
	}
	return codes, hashes, nil
}

type sessionResponse struct {
	ID         string    `json:"id"`
	UserAgent  string    `json:"user_agent"`
	ClientIP   string    `json:"client_ip"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"`
	SignedIn   bool      `json:"signed_in"`
}

// listSessions shows the user's sessions. The id is the SHA-256 the store
// keeps, which can revoke a session but not act as its cookie.
func (s *Server) listSessions(c echo.Context) error {
	v := currentVisitor(c)
	sessions, err := s.store.UserSessions(c.Request().Context(), v.user.ID)
	if err != nil {
		return err
	}
	now := s.now()
	responses := []sessionResponse{}
	for _, session := range sessions {
		if !now.Before(session.ExpiresAt) {
			continue
		}
		responses = append(responses, sessionResponse{
			ID:         session.IDHash,
			UserAgent:  session.UserAgent,
			ClientIP:   session.ClientIP,
			CreatedAt:  session.CreatedAt,
			LastSeenAt: session.LastSeenAt,
			Current:    session.IDHash == v.record.IDHash,
			SignedIn:   session.Stage == store.StageAuthenticated,
		})
	}
	return c.JSON(http.StatusOK, map[string]any{"sessions": responses})
}

func (s *Server) revokeSession(c echo.Context) error {
	v := currentVisitor(c)
	err := s.store.DeleteUserSession(c.Request().Context(), v.user.ID, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		return newError(http.StatusNotFound, "No such session of yours.")
	}
	if err != nil {
		return err
	}
	s.audit(c, "session.revoked", v.user, v.user, "", "")
	return c.JSON(http.StatusOK, map[string]bool{"revoked": true})
}

// reportNotification is the "this wasn't me" button of a key-reset notice:
// it alerts the organisation's admins in the app and by email. It works
// from the enrolment screen too, where a surprised user first sees the
// notice.
func (s *Server) reportNotification(c echo.Context) error {
	v := currentVisitor(c)
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return newError(http.StatusNotFound, "No such notification.")
	}
	notification, err := s.store.NotificationByID(ctx, v.user.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return newError(http.StatusNotFound, "No such notification.")
	}
	if err != nil {
		return err
	}
	if notification.Kind != store.NotificationKeyReset {
		return badRequest("Only a notice about a new key can be reported.")
	}

	first, err := s.store.MarkNotificationReported(ctx, notification.ID, s.now())
	if err != nil {
		return err
	}
	if first {
		s.audit(c, "totp.reset_reported", v.user, v.user, "the user did not expect the reset", "")
		report := resetReportedNotice(v.user, notification)
		s.notifyAdmins(ctx, v.user.OrganizationID, report, v.user.ID, 0)
		s.emailAdmins(ctx, v.user, report.render(false))
	}
	return c.JSON(http.StatusOK, map[string]bool{"reported": true})
}

// notifyAdmins sends an in-app notification to every enabled admin of the
// organisation except the ones whose ids are given.
func (s *Server) notifyAdmins(ctx context.Context, orgID int64, n notice, except ...int64) {
	admins, err := s.store.Admins(ctx, orgID)
	if err != nil {
		slog.Error("Listing admins to notify failed", "organization_id", orgID, "error", err)
		return
	}
	for i := range admins {
		if !containsID(except, admins[i].ID) {
			s.notify(ctx, &admins[i], n)
		}
	}
}

// emailAdmins queues an alert email about user to every admin of user's
// organisation.
func (s *Server) emailAdmins(ctx context.Context, user *store.User, message string) {
	if s.mailer == nil {
		return
	}
	admins, err := s.store.Admins(ctx, user.OrganizationID)
	if err != nil {
		slog.Error("Listing admins to email failed", "user_id", user.ID, "error", err)
		return
	}
	for i := range admins {
		s.queueAlert(ctx, &admins[i], message)
	}
}

func (s *Server) queueAlert(ctx context.Context, admin *store.User, alert string) {
	org, err := s.store.OrganizationByID(ctx, admin.OrganizationID)
	if err == nil {
		var email *store.OutboxEmail
		email, err = notify.Compose(notify.AdminAlert, notify.Message{
			Recipient: admin.Email, Name: admin.Name, Organization: org.Name,
			BaseURL: s.baseURL, At: s.now(), Alert: alert,
		})
		if err == nil {
			err = s.store.EnqueueEmail(ctx, email)
		}
	}
	if err != nil {
		slog.Error("Queueing an alert email failed", "user_id", admin.ID, "error", err)
		return
	}
	s.mailer.Wake()
}

func containsID(ids []int64, id int64) bool {
	for _, candidate := range ids {
		if candidate == id {
			return true
		}
	}
	return false
}

func (s *Server) deleteUser(c echo.Context) error {
	v := currentVisitor(c)
	admin := v.user
	target, err := s.targetUser(c)
	if err != nil {
		return err
	}
	if err := s.requireRecentCode(v); err != nil {
		return err
	}
	err = s.store.DeleteUser(c.Request().Context(), admin.OrganizationID, target.ID)
	if errors.Is(err, store.ErrLastAdmin) {
		return newError(http.StatusConflict, "This is the organisation's last active "+
			"administrator: make another user an administrator first.")
	}
	if err != nil {
		return err
	}
	s.audit(c, "user.deleted", admin, nil, "", target.Email)
	return c.JSON(http.StatusOK, map[string]bool{"deleted": true})
}
