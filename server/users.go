package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/notify"
	"gatehouse/server/store"
)

type userResponse struct {
	ID         int64     `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	TOTPStatus string    `json:"totp_status"`
	Disabled   bool      `json:"disabled"`
	CreatedAt  time.Time `json:"created_at"`
	// PendingKeyExpiresAt is set on the user page while an admin's new key
	// waits, so the admin can see when it lapses or that it has.
	PendingKeyExpiresAt *time.Time `json:"pending_key_expires_at,omitempty"`
}

func newUserResponse(user *store.User) userResponse {
	return userResponse{
		ID:         user.ID,
		Email:      user.Email,
		Name:       user.Name,
		Role:       user.Role,
		TOTPStatus: user.TOTPStatus,
		Disabled:   user.Disabled,
		CreatedAt:  user.CreatedAt,
	}
}

// Page sizes of the users list.
const (
	defaultPerPage = 50
	maxPerPage     = 100
	maxQueryLength = 100
)

func (s *Server) listUsers(c echo.Context) error {
	admin := currentVisitor(c).user
	page, err := positiveQueryInt(c, "page", 1, 1_000_000)
	if err != nil {
		return err
	}
	perPage, err := positiveQueryInt(c, "per_page", defaultPerPage, maxPerPage)
	if err != nil {
		return err
	}
	filter, err := usersFilter(c)
	if err != nil {
		return err
	}

	result, err := s.store.ListUsers(c.Request().Context(), admin.OrganizationID, filter,
		(page-1)*perPage, perPage)
	if err != nil {
		return err
	}
	users := make([]userResponse, len(result.Users))
	for i := range result.Users {
		users[i] = newUserResponse(&result.Users[i])
	}
	return c.JSON(http.StatusOK, map[string]any{
		"users": users, "total": result.Total, "page": page, "per_page": perPage,
	})
}

// usersFilter reads the q, status and role query parameters.
func usersFilter(c echo.Context) (store.UserFilter, error) {
	filter := store.UserFilter{
		Query:  strings.TrimSpace(c.QueryParam("q")),
		Status: c.QueryParam("status"),
		Role:   c.QueryParam("role"),
	}
	if len(filter.Query) > maxQueryLength || !printable(filter.Query) {
		return filter, badRequest("The search must be at most 100 characters of text.")
	}
	switch filter.Status {
	case "", store.TOTPActive, store.TOTPPending, store.TOTPOff, store.StatusDisabled:
	default:
		return filter, badRequest(`status must be "active", "pending", "off" or "disabled".`)
	}
	if filter.Role != "" {
		if err := validateRole(filter.Role); err != nil {
			return filter, err
		}
	}
	return filter, nil
}

// positiveQueryInt reads a whole-number query parameter between 1 and
// upper, or fallback when it is absent.
func positiveQueryInt(c echo.Context, name string, fallback, upper int) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return fallback, nil
	}
	value, err := strconv.Atoi(raw)
	if err != nil || value < 1 || value > upper {
		return 0, badRequest(name + " must be a whole number from 1 to " +
			strconv.Itoa(upper) + ".")
	}
	return value, nil
}

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	// Invite creates the user without a password and returns a one-time
	// link with which they set one.
	Invite bool `json:"invite"`
}

func (s *Server) createUser(c echo.Context) error {
	admin := currentVisitor(c).user
	var request createUserRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	email, err := validateEmail(request.Email)
	if err != nil {
		return err
	}
	name, err := validateName(request.Name, "name")
	if err != nil {
		return err
	}
	if request.Role == "" {
		request.Role = store.RoleMember
	}
	if err := validateRole(request.Role); err != nil {
		return err
	}
	if request.Invite {
		if request.Password != "" {
			return badRequest("Send either a password or invite, not both.")
		}
		return s.createInvitedUser(c, &store.User{
			OrganizationID: admin.OrganizationID, Email: email, Name: name,
			Role: request.Role,
		})
	}
	if err := validatePassword(request.Password, email, name); err != nil {
		return err
	}

	hash, err := s.hasher.Hash(c.Request().Context(), request.Password)
	if err != nil {
		return s.hashError(err)
	}
	user := &store.User{
		OrganizationID: admin.OrganizationID,
		Email:          email,
		Name:           name,
		Role:           request.Role,
		PasswordHash:   hash,
	}
	err = s.store.CreateUser(c.Request().Context(), user)
	if errors.Is(err, store.ErrDuplicate) {
		return newError(http.StatusConflict, "A user with this email already exists.")
	}
	if err != nil {
		return err
	}
	s.audit(c, "user.created", admin, user, "role "+user.Role, "")
	return c.JSON(http.StatusCreated, newUserResponse(user))
}

// targetUser returns the user named by the :id parameter in the admin's own
// organisation. Other organisations' users get the same 404 as missing ones.
func (s *Server) targetUser(c echo.Context) (*store.User, error) {
	admin := currentVisitor(c).user
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, errUserNotFound
	}
	user, err := s.store.UserInOrganization(c.Request().Context(), admin.OrganizationID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUserNotFound
	}
	return user, err
}

func (s *Server) showUser(c echo.Context) error {
	user, err := s.targetUser(c)
	if err != nil {
		return err
	}

	response := newUserResponse(user)
	if user.TOTPStatus == store.TOTPPending {
		pending, err := s.store.KeyByStatus(c.Request().Context(), user.ID, store.KeyPending)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if pending != nil {
			response.PendingKeyExpiresAt = pending.ExpiresAt
		}
	}
	return c.JSON(http.StatusOK, response)
}

type updateUserRequest struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) updateUser(c echo.Context) error {
	v := currentVisitor(c)
	admin := v.user
	target, err := s.targetUser(c)
	if err != nil {
		return err
	}
	var request updateUserRequest
	if err := decodeJSON(c, &request); err != nil {
		return err
	}
	change, summary, err := validateUserChange(request)
	if err != nil {
		return err
	}
	if change.Role != nil || change.Disabled != nil {
		if err := s.requireRecentCode(v); err != nil {
			return err
		}
	}

	user, err := s.store.UpdateUser(c.Request().Context(), admin.OrganizationID, target.ID, change)
	if errors.Is(err, store.ErrLastAdmin) {
		return newError(http.StatusConflict,
			"This is the organisation's last active administrator: make another user an "+
				"administrator first.")
	}
	if err != nil {
		return err
	}
	s.audit(c, "user.updated", admin, user, summary, "")
	return c.JSON(http.StatusOK, newUserResponse(user))
}

// validateUserChange checks a PATCH body and returns the change and a
// summary for the audit log.
func validateUserChange(request updateUserRequest) (store.UserChange, string, error) {
	var change store.UserChange
	var summary []string
	if request.Name == nil && request.Role == nil && request.Disabled == nil {
		return change, "", badRequest("Send at least one of name, role and disabled.")
	}
	if request.Name != nil {
		name, err := validateName(*request.Name, "name")
		if err != nil {
			return change, "", err
		}
		change.Name = &name
		summary = append(summary, "name changed")
	}
	if request.Role != nil {
		if err := validateRole(*request.Role); err != nil {
			return change, "", err
		}
		change.Role = request.Role
		summary = append(summary, "role "+*request.Role)
	}
	if request.Disabled != nil {
		change.Disabled = request.Disabled
		state := "enabled"
		if *request.Disabled {
			state = "disabled"
		}
		summary = append(summary, state)
	}
	return change, strings.Join(summary, ", "), nil
}

type generateKeyRequest struct {
	Reason string `json:"reason"`
}

// stepUpWindow is the maximum age of an admin's last code check for the
// actions that give or take away access: generating a key for someone else,
// changing a role, disabling, enabling and deleting a user.
const stepUpWindow = 10 * time.Minute

// requireRecentCode returns errStepUpRequired unless the visitor's session
// checked a code, or a recovery code, within stepUpWindow.
func (s *Server) requireRecentCode(v *visitor) error {
	if v.record.SecondFactorAt == nil || s.now().Sub(*v.record.SecondFactorAt) > stepUpWindow {
		return errStepUpRequired
	}
	return nil
}

// generateKey implements "Generate new key": the user's old key and
// sessions end at once, and a new pending key waits for them. The response
// never contains the key.
func (s *Server) generateKey(c echo.Context) error {
	v := currentVisitor(c)
	target, err := s.targetUser(c)
	if err != nil {
		return err
	}
	var request generateKeyRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &request); err != nil {
			return err
		}
	}
	reason, err := validateReason(request.Reason)
	if err != nil {
		return err
	}
	if err := s.requireRecentCode(v); err != nil {
		return err
	}

	ctx := c.Request().Context()
	org, err := s.store.OrganizationByID(ctx, target.OrganizationID)
	if err != nil {
		return err
	}
	key, err := s.newKey(target.ID, org)
	if err != nil {
		return err
	}
	key.CreatedByID = &v.user.ID
	email, err := s.composeEmail(notify.KeyReset, target, org, 0)
	if err != nil {
		return err
	}
	err = s.store.ResetKey(ctx, store.KeyReset{
		Key:          key,
		Notification: keyResetNotice(v.user, s.now(), reason).notification(target.ID, s.now()),
		Audit:        s.auditEvent(c, "totp.reset", v.user, target, reason, ""),
		Email:        email,
	})
	if err != nil {
		return err
	}
	s.metrics.keyResets.Inc()
	s.notifyAdmins(ctx, target.OrganizationID, keyResetByAdminNotice(v.user, target, reason),
		v.user.ID, target.ID)
	if s.mailer != nil {
		s.mailer.Wake()
	}
	return c.JSON(http.StatusOK, map[string]string{"totp_status": store.TOTPPending})
}
