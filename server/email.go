package server

import (
	"context"
	"log/slog"

	"gatehouse/server/notify"
	"gatehouse/server/store"
)

// composeEmail writes an email of the given kind to user, or returns nil
// when Gatehouse sends no email.
func (s *Server) composeEmail(
	kind string,
	user *store.User,
	org *store.Organization,
	codesLeft int64,
) (*store.OutboxEmail, error) {
	if s.mailer == nil {
		return nil, nil
	}
	return notify.Compose(kind, notify.Message{
		Recipient:         user.Email,
		Name:              user.Name,
		Organization:      org.Name,
		BaseURL:           s.baseURL,
		At:                s.now(),
		RecoveryCodesLeft: codesLeft,
	})
}

// queueEmail puts an email to user in the outbox. A failure is logged and
// does not fail the request, because the change it reports has happened.
func (s *Server) queueEmail(ctx context.Context, kind string, user *store.User, codesLeft int64) {
	if s.mailer == nil {
		return
	}
	org, err := s.store.OrganizationByID(ctx, user.OrganizationID)
	if err != nil {
		slog.Error("Queueing an email failed", "kind", kind, "user_id", user.ID, "error", err)
		return
	}
	email, err := s.composeEmail(kind, user, org, codesLeft)
	if err == nil {
		err = s.store.EnqueueEmail(ctx, email)
	}
	if err != nil {
		slog.Error("Queueing an email failed", "kind", kind, "user_id", user.ID, "error", err)
		return
	}
	s.mailer.Wake()
}
