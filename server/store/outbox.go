package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// OutboxEmail is an email waiting to be sent, or sent. Emails carry no key,
// code or sign-in link, so keeping their text is safe.
type OutboxEmail struct {
	ID            int64
	Recipient     string
	Subject       string
	TextBody      string
	HTMLBody      string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// TableName names the table after what it is, a queue, not a plural.
func (OutboxEmail) TableName() string { return "email_outbox" }

// EnqueueEmail stores an email to send as soon as possible.
func (s *Store) EnqueueEmail(ctx context.Context, email *OutboxEmail) error {
	return enqueueEmail(s.write(ctx), email)
}

func enqueueEmail(tx *gorm.DB, email *OutboxEmail) error {
	now := time.Now().UTC()
	email.CreatedAt = now
	if email.NextAttemptAt.IsZero() {
		email.NextAttemptAt = now
	}
	return tx.Create(email).Error
}

// ClaimDueEmails returns up to limit unsent emails whose next attempt is due
// at now, and moves each one's next attempt to now+lease, so another
// instance polling meanwhile skips them. Each claim is a conditional update
// on the old attempt time, so two instances never claim one email together.
func (s *Store) ClaimDueEmails(
	ctx context.Context,
	now time.Time,
	lease time.Duration,
	limit int,
) ([]OutboxEmail, error) {
	var due []OutboxEmail
	err := s.read(ctx).Where("sent_at IS NULL AND next_attempt_at <= ?", now).
		Order("next_attempt_at").Limit(limit).Find(&due).Error
	if err != nil {
		return nil, err
	}

	claimed := due[:0]
	for _, email := range due {
		result := s.write(ctx).Model(&OutboxEmail{}).
			Where("id = ? AND sent_at IS NULL AND next_attempt_at = ?", email.ID,
				email.NextAttemptAt).
			Updates(map[string]any{
				"next_attempt_at": now.Add(lease),
				"attempts":        gorm.Expr("attempts + 1"),
			})
		if result.Error != nil {
			return nil, result.Error
		}
		if result.RowsAffected == 1 {
			email.Attempts++
			claimed = append(claimed, email)
		}
	}
	return claimed, nil
}

// MarkEmailSent records that an email went out.
func (s *Store) MarkEmailSent(ctx context.Context, id int64, at time.Time) error {
	return s.write(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"sent_at": at, "last_error": ""}).Error
}

// RescheduleEmail records a failed attempt and when to try again.
func (s *Store) RescheduleEmail(
	ctx context.Context,
	id int64,
	next time.Time,
	reason string,
) error {
	return s.write(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"next_attempt_at": next, "last_error": reason}).Error
}

// EmailByID returns one email of the outbox.
func (s *Store) EmailByID(ctx context.Context, id int64) (*OutboxEmail, error) {
	var email OutboxEmail
	if err := s.read(ctx).Take(&email, id).Error; err != nil {
		return nil, translate(err)
	}
	return &email, nil
}
