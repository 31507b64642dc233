package auth

import (
	"errors"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Password length limits, in characters.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// zxcvbnCheckedPrefix bounds the work of the strength estimate, whose cost
// grows faster than linearly with length; 64 characters is far past any
// dictionary word or pattern it could match.
const zxcvbnCheckedPrefix = 64

// Errors of CheckPassword, each a sentence to show the user.
var (
	ErrPasswordTooShort = errors.New("the password must have at least 10 characters")
	ErrPasswordTooLong  = errors.New("the password must have at most 256 characters")
	ErrPasswordCommon   = errors.New(
		"this password is too easy to guess: it is a common password or close to one, " +
			"or it contains your name or email; choose a longer, less common one")
)

// CheckPassword returns an error when password is too short, too long or too
// easy to guess. userInputs are words the password must not lean on, such as
// the user's email, name and organisation.
func CheckPassword(password string, userInputs ...string) error {
	length := utf8.RuneCountInString(password)
	if length < MinPasswordLength {
		return ErrPasswordTooShort
	}
	if length > MaxPasswordLength {
		return ErrPasswordTooLong
	}

	checked := []rune(password)
	if len(checked) > zxcvbnCheckedPrefix {
		checked = checked[:zxcvbnCheckedPrefix]
	}
	// Score 2 means zxcvbn estimates at least 10^6 guesses, which puts the
	// password outside its lists of common passwords, words and patterns.
	if zxcvbn.PasswordStrength(string(checked), userInputs).Score < 2 {
		return ErrPasswordCommon
	}
	return nil
}
