package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/notify"
	"gatehouse/server/store"
)

// BreakGlassReset gives the user with that email a new pending key from the
// command line, exactly as an admin's "Generate new key" would: for an admin
// locked out of their own key, or an organisation whose admins all are.
func BreakGlassReset(ctx context.Context, st *store.Store, keys *auth.Keyring, email string) error {
	user, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user has the email %q", store.NormalizeEmail(email))
	}
	if err != nil {
		return err
	}
	org, err := st.OrganizationByID(ctx, user.OrganizationID)
	if err != nil {
		return err
	}

	s := &Server{keys: keys, now: func() time.Time { return time.Now().UTC() }}
	key, err := s.newKey(user.ID, org)
	if err != nil {
		return err
	}
	now := s.now()
	// This process cannot tell whether the running server sends email, so
	// the email is always queued for its outbox sender. The command has no
	// --base-url, so the email leaves the sign-in link out.
	// NOTE: when `serve` runs without --smtp-url, the email stays unsent.
	resetEmail, err := notify.Compose(notify.KeyReset, notify.Message{
		Recipient:    user.Email,
		Name:         user.Name,
		Organization: org.Name,
		At:           now,
	})
	if err != nil {
		return err
	}
	return st.ResetKey(ctx, store.KeyReset{
		Key:          key,
		Notification: keyResetNotice(nil, now, "").notification(user.ID, now),
		Audit: &store.AuditEvent{
			OrganizationID: &user.OrganizationID,
			TargetID:       &user.ID,
			TargetEmail:    user.Email,
			Action:         "totp.reset",
			Detail:         "from the command line (gatehouse user reset-2fa)",
			CreatedAt:      now,
		},
		Email: resetEmail,
	})
}
