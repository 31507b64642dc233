package server

import (
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

const visitorKey = "visitor"

// visitor is who sent a request: their session and, once signed in past the
// password step, their user row.
type visitor struct {
	session *sessions.Session
	record  *store.Session
	user    *store.User
}

// loadVisitor returns the request's session and user, reading them once per
// request. A session whose user is gone or disabled counts as none.
func (s *Server) loadVisitor(c echo.Context) (*visitor, error) {
	if v, ok := c.Get(visitorKey).(*visitor); ok {
		return v, nil
	}

	session, err := s.sessions.Get(c.Request(), sessionCookieName)
	if err != nil {
		return nil, err
	}
	v := &visitor{session: session}
	v.record, _ = session.Values[recordValue].(*store.Session)
	v.user, _ = session.Values[userValue].(*store.User)
	if v.user == nil || v.user.Disabled {
		v.record, v.user = nil, nil
	}
	c.Set(visitorKey, v)
	return v, nil
}

func (v *visitor) authenticated() bool {
	return v.record != nil && v.record.Stage == store.StageAuthenticated
}

func (v *visitor) passwordStepOnly() bool {
	return v.record != nil && v.record.Stage == store.StagePassword
}

// currentVisitor returns the visitor a guard middleware already loaded.
func currentVisitor(c echo.Context) *visitor {
	v, _ := c.Get(visitorKey).(*visitor)
	return v
}

// requireAuthenticated lets through only sessions that passed both steps.
func (s *Server) requireAuthenticated(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := s.loadVisitor(c)
		if err != nil {
			return err
		}
		if !v.authenticated() {
			return errNotSignedIn
		}
		return next(c)
	}
}

// requireAdmin lets through only admins; it runs after requireAuthenticated.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentVisitor(c).user.Role != store.RoleAdmin {
			return errAdminOnly
		}
		return next(c)
	}
}

// requirePasswordStep lets through only sessions that passed the password
// step and await the second one.
func (s *Server) requirePasswordStep(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := s.loadVisitor(c)
		if err != nil {
			return err
		}
		if !v.passwordStepOnly() {
			return errPasswordFirst
		}
		return next(c)
	}
}

// requireEnrollmentAccess lets through authenticated sessions, and sessions
// past the password step whose user must set up a key before going on.
func (s *Server) requireEnrollmentAccess(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := s.loadVisitor(c)
		if err != nil {
			return err
		}
		if v.authenticated() {
			return next(c)
		}
		if !v.passwordStepOnly() {
			return errPasswordFirst
		}

		state, err := s.nextStep(c.Request().Context(), v.user)
		if err != nil {
			return err
		}
		if state != stateEnrollmentRequired {
			return newError(http.StatusForbidden,
				"Enter the code from your authenticator app first.")
		}
		return next(c)
	}
}
