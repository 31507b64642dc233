package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

type auditEventResponse struct {
	ID          int64     `json:"id"`
	Action      string    `json:"action"`
	ActorEmail  string    `json:"actor_email"`
	TargetEmail string    `json:"target_email"`
	Detail      string    `json:"detail"`
	ClientIP    string    `json:"client_ip"`
	UserAgent   string    `json:"user_agent"`
	CreatedAt   time.Time `json:"created_at"`
}

// auditListLimit is how many events the audit list returns.
const auditListLimit = 100

// auditEvent describes what actor did to target in this request. When
// target is nil, targetEmail names who it was about (an unknown email at a
// failed sign-in, say).
func (s *Server) auditEvent(
	c echo.Context,
	action string,
	actor, target *store.User,
	detail, targetEmail string,
) *store.AuditEvent {
	event := &store.AuditEvent{
		Action:      action,
		Detail:      cleanText(detail, 500),
		TargetEmail: cleanText(store.NormalizeEmail(targetEmail), 320),
		ClientIP:    c.RealIP(),
		UserAgent:   cleanText(c.Request().UserAgent(), 300),
		CreatedAt:   s.now(),
	}
	if actor != nil {
		event.ActorID = &actor.ID
		event.ActorEmail = actor.Email
		event.OrganizationID = &actor.OrganizationID
	}
	if target != nil {
		event.TargetID = &target.ID
		event.TargetEmail = target.Email
		event.OrganizationID = &target.OrganizationID
	}
	return event
}

// audit records an event; a failure is logged and does not fail the
// request, because the action itself has already happened.
func (s *Server) audit(
	c echo.Context,
	action string,
	actor, target *store.User,
	detail, targetEmail string,
) {
	event := s.auditEvent(c, action, actor, target, detail, targetEmail)
	// The event is written even when the client has gone away meanwhile.
	ctx := context.WithoutCancel(c.Request().Context())
	if err := s.store.RecordAudit(ctx, event); err != nil {
		slog.Error("Recording an audit event failed", "action", action, "error", err,
			"request_id", requestID(c))
	}
}

func (s *Server) listAudit(c echo.Context) error {
	admin := currentVisitor(c).user
	var targetID int64
	if raw := c.QueryParam("user_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return badRequest("user_id must be a positive whole number.")
		}
		targetID = id
	}

	events, err := s.store.AuditEvents(c.Request().Context(), admin.OrganizationID, targetID,
		auditListLimit)
	if err != nil {
		return err
	}
	responses := make([]auditEventResponse, len(events))
	for i, event := range events {
		responses[i] = auditEventResponse{
			ID:          event.ID,
			Action:      event.Action,
			ActorEmail:  event.ActorEmail,
			TargetEmail: event.TargetEmail,
			Detail:      event.Detail,
			ClientIP:    event.ClientIP,
			UserAgent:   event.UserAgent,
			CreatedAt:   event.CreatedAt,
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"events": responses})
}
