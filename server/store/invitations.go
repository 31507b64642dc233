package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// CreateInvitedUser adds a user without a password, who can't sign in until
// they accept the invitation.
func (s *Store) CreateInvitedUser(ctx context.Context, user *User, invitation *Invitation) error {
	return translate(s.write(ctx).Transaction(func(tx *gorm.DB) error {
		user.PasswordHash = ""
		if err := createUser(tx, user); err != nil {
			return err
		}
		invitation.UserID = user.ID
		return tx.Create(invitation).Error
	}))
}

// AcceptInvitation sets the password of the invitation's user and uses the
// invitation up, in one transaction. It returns ErrNotFound for an unknown,
// used or expired invitation. The conditional update makes a second accept
// of one link fail even when both run at once.
func (s *Store) AcceptInvitation(
	ctx context.Context,
	tokenHash, passwordHash string,
	now time.Time,
) (*User, error) {
	var user User
	err := s.write(ctx).Transaction(func(tx *gorm.DB) error {
		var invitation Invitation
		err := tx.Where("token_hash = ? AND used_at IS NULL", tokenHash).Take(&invitation).Error
		if err != nil {
			return err
		}
		if !now.Before(invitation.ExpiresAt) {
			return ErrNotFound
		}
		result := tx.Model(&Invitation{}).Where("id = ? AND used_at IS NULL", invitation.ID).
			Update("used_at", now)
		if result.Error != nil {
			return result.Error
		}
		if result.RowsAffected != 1 {
			return ErrNotFound
		}
		err = tx.Model(&User{}).Where("id = ?", invitation.UserID).
			Updates(map[string]any{"password_hash": passwordHash, "updated_at": now}).Error
		if err != nil {
			return err
		}
		return tx.Take(&user, invitation.UserID).Error
	})
	if err != nil {
		return nil, translate(err)
	}
	return &user, nil
}

// InvitationUser returns the user of an unused, unexpired invitation.
func (s *Store) InvitationUser(
	ctx context.Context,
	tokenHash string,
	now time.Time,
) (*User, error) {
	var invitation Invitation
	err := s.read(ctx).Where("token_hash = ? AND used_at IS NULL", tokenHash).
		Take(&invitation).Error
	if err != nil {
		return nil, translate(err)
	}
	if !now.Before(invitation.ExpiresAt) {
		return nil, ErrNotFound
	}
	return s.UserByID(ctx, invitation.UserID)
}
