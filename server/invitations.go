package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

// invitationLifetime is how long an invitation link works.
const invitationLifetime = 7 * 24 * time.Hour

var errInvitationInvalid = newError(http.StatusNotFound,
	"This invitation link is not valid: it was used already or has expired. "+
		"Ask an administrator for a new one.")

// createInvitedUser creates a user without a password and returns a
// one-time link, shown once to the admin, with which the user sets one.
func (s *Server) createInvitedUser(c echo.Context, user *store.User) error {
	admin := currentVisitor(c).user
	token, tokenHash, err := newInvitationToken()
	if err != nil {
		return err
	}
	now := s.now()
	invitation := &store.Invitation{
		TokenHash: tokenHash, CreatedAt: now, ExpiresAt: now.Add(invitationLifetime),
	}
	err = s.store.CreateInvitedUser(c.Request().Context(), user, invitation)
	if errors.Is(err, store.ErrDuplicate) {
		return newError(http.StatusConflict, "A user with this email already exists.")
	}
	if err != nil {
		return err
	}

	s.audit(c, "user.invited", admin, user, "role "+user.Role, "")
	base := s.baseURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return c.JSON(http.StatusCreated, struct {
		userResponse
		InvitationURL       string    `json:"invitation_url"`
		InvitationExpiresAt time.Time `json:"invitation_expires_at"`
	}{newUserResponse(user), base + "/invite#token=" + token, invitation.ExpiresAt})
}

func newInvitationToken() (string, string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	return token, hashSessionID(token), nil
}

type invitationRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// showInvitation returns whose account an invitation sets up, for its page.
func (s *Server) showInvitation(c echo.Context) error {
	var request invitationRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	user, err := s.store.InvitationUser(c.Request().Context(), hashSessionID(request.Token),
		s.now())
	if errors.Is(err, store.ErrNotFound) {
		return errInvitationInvalid
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"email": user.Email, "name": user.Name})
}

// acceptInvitation sets the invited user's password; they then sign in and
// set up two-step verification.
func (s *Server) acceptInvitation(c echo.Context) error {
	var request invitationRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	ctx := c.Request().Context()
	tokenHash := hashSessionID(request.Token)
	user, err := s.store.InvitationUser(ctx, tokenHash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return errInvitationInvalid
	}
	if err != nil {
		return err
	}
	if err := validatePassword(request.Password, user.Email, user.Name); err != nil {
		return err
	}

	hash, err := s.hasher.Hash(ctx, request.Password)
	if err != nil {
		return s.hashError(err)
	}
	user, err = s.store.AcceptInvitation(ctx, tokenHash, hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return errInvitationInvalid
	}
	if err != nil {
		return err
	}
	s.audit(c, "invitation.accepted", user, user, "", "")
	return c.JSON(http.StatusOK, map[string]string{"email": user.Email})
}
