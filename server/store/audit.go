package store

import "context"

// RecordAudit stores one audit event.
func (s *Store) RecordAudit(ctx context.Context, event *AuditEvent) error {
	return s.write(ctx).Create(event).Error
}

// AuditEvents returns an organisation's latest events, newest first; a
// non-zero targetID keeps the events about that user.
func (s *Store) AuditEvents(
	ctx context.Context,
	orgID, targetID int64,
	limit int,
) ([]AuditEvent, error) {
	query := s.read(ctx).Where("organization_id = ?", orgID)
	if targetID != 0 {
		query = query.Where("target_id = ?", targetID)
	}
	var events []AuditEvent
	err := query.Order("id DESC").Limit(limit).Find(&events).Error
	return events, err
}

// Setting returns a stored setting, or ErrNotFound.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var setting Setting
	if err := s.read(ctx).Where("name = ?", name).Take(&setting).Error; err != nil {
		return "", translate(err)
	}
	return setting.Value, nil
}

// CreateSetting stores a setting that must not exist yet; it returns
// ErrDuplicate when another process stored it first.
func (s *Store) CreateSetting(ctx context.Context, name, value string) error {
	return translate(s.write(ctx).Create(&Setting{Name: name, Value: value}).Error)
}
