package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword replaces the user's password after checking the current
// one, and revokes every other session of the user. A wrong current
// password counts towards the sign-in throttle, like a failed sign-in.
func (s *Server) changePassword(c echo.Context) error {
	v := currentVisitor(c)
	var request changePasswordRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.claimAttempt(c, v.user.Email); err != nil {
		return err
	}

	match, err := s.hasher.Verify(ctx, request.CurrentPassword, v.user.PasswordHash)
	if err != nil {
		return s.hashError(err)
	}
	if !match {
		s.audit(c, "password.change_failed", v.user, v.user, "wrong current password", "")
		if err := s.recordFailure(c); err != nil {
			return err
		}
		return newError(http.StatusUnauthorized, "The current password is incorrect.")
	}
	if err := validatePassword(request.NewPassword, v.user.Email, v.user.Name); err != nil {
		return err
	}

	hash, err := s.hasher.Hash(ctx, request.NewPassword)
	if err != nil {
		return s.hashError(err)
	}
	if err := s.store.SetPassword(ctx, v.user.ID, hash, v.record.IDHash); err != nil {
		return err
	}
	s.audit(c, "password.changed", v.user, v.user, "other sessions revoked", "")
	return c.JSON(http.StatusOK, map[string]string{"status": "changed"})
}
