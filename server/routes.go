package server

import (
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// maxBodyBytes caps every request body.
const maxBodyBytes = 64 * 1024

func (s *Server) newEcho(cfg Config, assets fs.FS) (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = handleError
	extractor, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = extractor

	e.Use(dropUnusableRequestID)
	e.Use(middleware.RequestID())
	e.Use(logRequests)
	e.Use(s.metrics.observe)
	e.Use(middleware.Recover())
	e.Use(securityHeaders(cfg.SecureCookies))
	e.Use(middleware.BodyLimit("64K"))
	e.Use(s.finishAttempts)

	e.GET("/healthz", s.alive)
	e.GET("/readyz", s.ready)
	e.GET("/metrics", s.metrics.handler())

	api := e.Group("/api", noStore)
	api.GET("/setup", s.setupStatus)
	api.POST("/setup", s.setup)

	api.POST("/invitations/show", s.showInvitation)
	api.POST("/invitations/accept", s.acceptInvitation)

	api.GET("/session", s.sessionState)
	api.POST("/session", s.signIn)
	api.DELETE("/session", s.signOut)
	api.POST("/session/totp", s.verifyCode, s.requirePasswordStep)
	api.POST("/session/recovery", s.verifyRecoveryCode, s.requirePasswordStep)
	api.POST("/session/step-up", s.stepUp, s.requireAuthenticated)

	api.GET("/me", s.me, s.requireAuthenticated)
	api.POST("/me/password", s.changePassword, s.requireAuthenticated)
	api.POST("/me/totp-key", s.regenerateOwnKey, s.requireAuthenticated)
	api.POST("/me/recovery-codes", s.replaceRecoveryCodes, s.requireAuthenticated)
	api.GET("/me/sessions", s.listSessions, s.requireAuthenticated)
	api.DELETE("/me/sessions/:id", s.revokeSession, s.requireAuthenticated)
	api.GET("/me/enrollment", s.showEnrollment, s.requireEnrollmentAccess)
	api.POST("/me/enrollment", s.confirmEnrollment, s.requireEnrollmentAccess)
	api.GET("/me/notifications", s.listNotifications, s.requireAuthenticated)
	api.POST("/me/notifications/:id/read", s.markNotificationRead, s.requireAuthenticated)
	api.POST("/me/notifications/:id/report", s.reportNotification, s.requireEnrollmentAccess)

	org := api.Group("/org", s.requireAuthenticated, s.requireAdmin)
	org.GET("", s.showOrganization)
	org.PATCH("", s.updateOrganization)
	org.GET("/users", s.listUsers)
	org.POST("/users", s.createUser)
	org.GET("/users/:id", s.showUser)
	org.PATCH("/users/:id", s.updateUser)
	org.DELETE("/users/:id", s.deleteUser)
	org.POST("/users/:id/totp-key", s.generateKey)
	org.GET("/audit", s.listAudit)

	// Unknown API paths get a JSON 404 and never the app's index.html. A
	// group with middleware has a catch-all route of its own, so /org too.
	api.RouteNotFound("/*", apiNotFound(e))
	org.RouteNotFound("/*", apiNotFound(e))

	spa, err := newSPAHandler(assets)
	if err != nil {
		return nil, err
	}
	e.GET("/*", spa)
	e.HEAD("/*", spa)
	return e, nil
}

// apiNotFound handles a request that no API route matched: 405 with an
// Allow header when the path has routes for other methods, else 404. The
// catch-all route would otherwise hide the router's own 405.
func apiNotFound(e *echo.Echo) echo.HandlerFunc {
	return func(c echo.Context) error {
		methods := methodsOfPath(e.Routes(), c.Request().URL.Path)
		if len(methods) == 0 {
			return echo.ErrNotFound
		}
		c.Response().Header().Set(echo.HeaderAllow, strings.Join(methods, ", "))
		return echo.ErrMethodNotAllowed
	}
}

// methodsOfPath returns the sorted methods of the routes whose pattern,
// with ":name" matching one segment, matches path.
func methodsOfPath(routes []*echo.Route, path string) []string {
	segments := strings.Split(path, "/")
	var methods []string
	for _, route := range routes {
		if strings.HasSuffix(route.Path, "*") || !isHTTPMethod(route.Method) {
			continue
		}
		pattern := strings.Split(route.Path, "/")
		if len(pattern) != len(segments) {
			continue
		}
		matches := true
		for i, part := range pattern {
			if !strings.HasPrefix(part, ":") && part != segments[i] {
				matches = false
				break
			}
		}
		if matches && !slices.Contains(methods, route.Method) {
			methods = append(methods, route.Method)
		}
	}
	slices.Sort(methods)
	return methods
}

func isHTTPMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return true
	}
	return false
}

// alive returns 200 while the process serves requests, whatever the
// database does, so a supervisor restarts Gatehouse only when it is stuck.
func (s *Server) alive(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ready returns 200 only while the database responds, so a load balancer
// sends no traffic to an instance that can't serve it.
func (s *Server) ready(c echo.Context) error {
	if err := s.store.Ping(c.Request().Context()); err != nil {
		return newError(http.StatusServiceUnavailable, "The database is not responding.")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
