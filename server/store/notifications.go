package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CreateNotification stores one notification.
func (s *Store) CreateNotification(ctx context.Context, notification *Notification) error {
	return s.write(ctx).Create(notification).Error
}

// Notifications returns the user's latest notifications, newest first; with
// unreadOnly it keeps those not read yet.
func (s *Store) Notifications(
	ctx context.Context,
	userID int64,
	unreadOnly bool,
	limit int,
) ([]Notification, error) {
	query := s.read(ctx).Where("user_id = ?", userID)
	if unreadOnly {
		query = query.Where("read_at IS NULL")
	}
	var notifications []Notification
	err := query.Order("id DESC").Limit(limit).Find(&notifications).Error
	return notifications, err
}

// MarkNotificationRead marks one of the user's notifications read and
// returns it; another user's notification is ErrNotFound.
func (s *Store) MarkNotificationRead(
	ctx context.Context,
	userID, id int64,
	now time.Time,
) (*Notification, error) {
	err := s.write(ctx).Model(&Notification{}).
		Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
		Update("read_at", now).Error
	if err != nil {
		return nil, err
	}

	var notification Notification
	err = s.write(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&notification).Error
	if err != nil {
		return nil, translate(err)
	}
	return &notification, nil
}

// MarkNotificationReported records that the user reported a notification as
// unexpected. It returns false when it was reported before.
func (s *Store) MarkNotificationReported(
	ctx context.Context,
	id int64,
	now time.Time,
) (bool, error) {
	result := s.write(ctx).Model(&Notification{}).
		Where("id = ? AND reported_at IS NULL", id).Update("reported_at", now)
	return result.RowsAffected == 1, result.Error
}

// NotificationByID returns one of the user's notifications; another user's
// is ErrNotFound.
func (s *Store) NotificationByID(ctx context.Context, userID, id int64) (*Notification, error) {
	var notification Notification
	err := s.read(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&notification).Error
	if err != nil {
		return nil, translate(err)
	}
	return &notification, nil
}

// OrganizationWithUnread returns the user's organisation and how many of
// their notifications are unread, in one query for GET /api/me.
func (s *Store) OrganizationWithUnread(
	ctx context.Context,
	orgID, userID int64,
) (*Organization, int64, error) {
	var org Organization
	var unread int64
	row := s.read(ctx).Raw(`SELECT o.id, o.name, o.two_factor_policy, o.pending_key_hours,
		(SELECT COUNT(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL)
		FROM organizations o WHERE o.id = ?`, userID, orgID).Row()
	err := row.Scan(&org.ID, &org.Name, &org.TwoFactorPolicy, &org.PendingKeyHours, &unread)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	return &org, unread, nil
}
