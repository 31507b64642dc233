package server

import "fmt"

// keyResetMessage tells a user that an admin generated a new key for them.
const keyResetMessage = "Two-step verification has been activated for your account with a " +
	"new key. Sign in and load the new key into your authenticator app: remove the old " +
	"Gatehouse entry from the app first, because its codes no longer work."

func recoveryCodeUsedMessage(left int64) string {
	return fmt.Sprintf("A recovery code was used to sign in to your account. You have %d "+
		"left. If this wasn't you, tell an administrator at once.", left)
}

const enrollmentConfirmedMessage = "Two-step verification is set up on your account. " +
	"Keep your recovery codes somewhere safe."
