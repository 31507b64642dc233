package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

type organizationSettings struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	TwoFactorPolicy string `json:"two_factor_policy"`
	PendingKeyHours int    `json:"pending_key_hours"`
}

type organizationChange struct {
	Name            *string `json:"name"`
	TwoFactorPolicy *string `json:"two_factor_policy"`
	PendingKeyHours *int    `json:"pending_key_hours"`
}

// Bounds of the window in which a pending key can be set up, in hours.
const (
	minPendingKeyHours = 1
	maxPendingKeyHours = 30 * 24
)

func (s *Server) showOrganization(c echo.Context) error {
	org, err := s.store.OrganizationByID(c.Request().Context(),
		currentVisitor(c).user.OrganizationID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newOrganizationSettings(org))
}

func (s *Server) updateOrganization(c echo.Context) error {
	admin := currentVisitor(c).user
	var request organizationChange
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	change, err := validateOrganizationChange(request)
	if err != nil {
		return err
	}

	org, err := s.store.UpdateOrganization(c.Request().Context(), admin.OrganizationID, change)
	if err != nil {
		return err
	}
	s.audit(c, "organization.updated", admin, nil, organizationSummary(org), "")
	return c.JSON(http.StatusOK, newOrganizationSettings(org))
}

func validateOrganizationChange(request organizationChange) (store.OrganizationChange, error) {
	var change store.OrganizationChange
	if request.Name == nil && request.TwoFactorPolicy == nil && request.PendingKeyHours == nil {
		return change, badRequest(
			"Send at least one of name, two_factor_policy and pending_key_hours.")
	}
	if request.Name != nil {
		name, err := validateName(*request.Name, "organisation name")
		if err != nil {
			return change, err
		}
		change.Name = &name
	}
	if request.TwoFactorPolicy != nil {
		policy := *request.TwoFactorPolicy
		if policy != store.PolicyEveryone && policy != store.PolicyAdminsOnly {
			return change, badRequest(`two_factor_policy must be "all" or "admins".`)
		}
		change.TwoFactorPolicy = &policy
	}
	if hours := request.PendingKeyHours; hours != nil {
		if *hours < minPendingKeyHours || *hours > maxPendingKeyHours {
			return change, badRequest("pending_key_hours must be from 1 to 720 (30 days).")
		}
		change.PendingKeyHours = hours
	}
	return change, nil
}

func newOrganizationSettings(org *store.Organization) organizationSettings {
	return organizationSettings{
		ID:              org.ID,
		Name:            org.Name,
		TwoFactorPolicy: org.TwoFactorPolicy,
		PendingKeyHours: org.PendingKeyHours,
	}
}

func organizationSummary(org *store.Organization) string {
	return "name " + org.Name + ", two-step policy " + org.TwoFactorPolicy +
		", pending keys valid " + strconv.Itoa(org.PendingKeyHours) + " h"
}
