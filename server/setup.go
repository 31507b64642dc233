package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

type setupRequest struct {
	Token        string `json:"token"`
	Organization string `json:"organization"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
}

func (s *Server) setupStatus(c echo.Context) error {
	count, err := s.store.CountOrganizations(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"required": count == 0})
}

// setup creates the first organisation and its admin from the browser. It
// needs the one-time token that `serve` logs on first start, and works only
// while the store has no organisation.
func (s *Server) setup(c echo.Context) error {
	var request setupRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	if !s.takeSetupToken(request.Token) {
		return newError(http.StatusForbidden, "The setup link is not valid or was used "+
			"already. Restart Gatehouse to log a new one, or run `gatehouse setup`.")
	}

	org, admin, err := ValidateSetup(request.Organization, request.Name, request.Email,
		request.Password)
	if err == nil {
		admin.PasswordHash, err = s.hasher.Hash(c.Request().Context(), request.Password)
		err = s.hashError(err)
	}
	if err == nil {
		err = s.store.CreateFirstOrganization(c.Request().Context(), org, admin)
	}
	if errors.Is(err, store.ErrAlreadySetUp) {
		return newError(http.StatusConflict, "Gatehouse is set up already. Sign in instead.")
	}
	if err != nil {
		// The token stays valid for a corrected form.
		s.restoreSetupToken(request.Token)
		return err
	}

	slog.Info("Set up the first organisation", "organization_id", org.ID, "user_id", admin.ID)
	s.audit(c, "organization.created", admin, admin, "set up in the browser", "")
	return c.JSON(http.StatusCreated, map[string]any{
		"organization": organizationResponse{ID: org.ID, Name: org.Name},
		"user":         newUserResponse(admin),
	})
}

// ValidateSetup checks the details of a new organisation and its first
// admin, and returns them ready to store once the caller sets the admin's
// password hash. Its errors are sentences for the person setting up.
func ValidateSetup(
	orgName, name, email, password string,
) (*store.Organization, *store.User, error) {
	orgName, err := validateName(orgName, "organisation name")
	if err != nil {
		return nil, nil, err
	}
	name, err = validateName(name, "name")
	if err != nil {
		return nil, nil, err
	}
	email, err = validateEmail(email)
	if err != nil {
		return nil, nil, err
	}
	if err := validatePassword(password, email, name, orgName); err != nil {
		return nil, nil, err
	}
	return &store.Organization{Name: orgName}, &store.User{Email: email, Name: name}, nil
}
