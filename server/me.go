package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

type organizationResponse struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type meResponse struct {
	ID                  int64                `json:"id"`
	Email               string               `json:"email"`
	Name                string               `json:"name"`
	Role                string               `json:"role"`
	TOTPStatus          string               `json:"totp_status"`
	Organization        organizationResponse `json:"organization"`
	UnreadNotifications int64                `json:"unread_notifications"`
}

type notificationResponse struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
	// Reported is whether the user reported a key-reset notice as unexpected.
	Reported bool `json:"reported"`
}

// How many notifications a list returns.
const notificationListLimit = 50

func (s *Server) me(c echo.Context) error {
	user := currentVisitor(c).user
	ctx := c.Request().Context()
	org, unread, err := s.store.OrganizationWithUnread(ctx, user.OrganizationID, user.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, meResponse{
		ID:                  user.ID,
		Email:               user.Email,
		Name:                user.Name,
		Role:                user.Role,
		TOTPStatus:          user.TOTPStatus,
		Organization:        organizationResponse{ID: org.ID, Name: org.Name},
		UnreadNotifications: unread,
	})
}

func (s *Server) listNotifications(c echo.Context) error {
	user := currentVisitor(c).user
	notifications, err := s.store.Notifications(c.Request().Context(), user.ID, false,
		notificationListLimit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"notifications": notificationResponses(c, notifications),
	})
}

func (s *Server) markNotificationRead(c echo.Context) error {
	user := currentVisitor(c).user
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return newError(http.StatusNotFound, "No such notification.")
	}
	notification, err := s.store.MarkNotificationRead(c.Request().Context(), user.ID, id, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return newError(http.StatusNotFound, "No such notification.")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, notificationResponses(c, []store.Notification{*notification})[0])
}

func notificationResponses(
	c echo.Context,
	notifications []store.Notification,
) []notificationResponse {
	spanish := prefersSpanish(c)
	responses := make([]notificationResponse, len(notifications))
	for i, n := range notifications {
		responses[i] = notificationResponse{
			ID:        n.ID,
			Kind:      n.Kind,
			Message:   localizedMessage(&n, spanish),
			CreatedAt: n.CreatedAt,
			Read:      n.ReadAt != nil,
			Reported:  n.ReportedAt != nil,
		}
	}
	return responses
}

// notify sends the user an in-app notification. A failure is logged and
// does not fail the request that caused it.
func (s *Server) notify(ctx context.Context, user *store.User, n notice) {
	notification := n.notification(user.ID, s.now())
	if err := s.store.CreateNotification(ctx, notification); err != nil {
		slog.Error("Storing a notification failed", "user_id", user.ID, "error", err)
	}
}
