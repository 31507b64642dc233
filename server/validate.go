package server

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gatehouse/server/auth"
	"gatehouse/server/store"
)

const (
	maxEmailLength  = 254
	maxNameLength   = 100
	maxReasonLength = 500
)

// validateEmail returns the normalised email, or a 400 error.
func validateEmail(input string) (string, error) {
	email := store.NormalizeEmail(input)
	if email == "" {
		return "", badRequest("Enter an email address.")
	}
	address, err := mail.ParseAddress(email)
	if err != nil || address.Address != email || address.Name != "" ||
		len(email) > maxEmailLength {
		return "", badRequest("Enter a valid email address, like ada@example.org.")
	}
	return email, nil
}

// validateName returns the trimmed name, or a 400 error naming the field.
func validateName(input, field string) (string, error) {
	name := strings.TrimSpace(input)
	if !strings.ContainsFunc(name, visible) {
		return "", badRequest("Enter the " + field + ".")
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return "", badRequest("The " + field + " must have at most 100 characters.")
	}
	if !printable(name) {
		return "", badRequest("The " + field +
			" must not contain control characters or direction marks.")
	}
	return name, nil
}

// validateReason returns the trimmed, optional reason for an admin action.
func validateReason(input string) (string, error) {
	reason := strings.TrimSpace(input)
	if utf8.RuneCountInString(reason) > maxReasonLength {
		return "", badRequest("The reason must have at most 500 characters.")
	}
	if !printable(reason) {
		return "", badRequest(
			"The reason must not contain control characters or direction marks.")
	}
	return reason, nil
}

func validateRole(role string) error {
	if role != store.RoleAdmin && role != store.RoleMember {
		return badRequest(`The role must be "admin" or "member".`)
	}
	return nil
}

// validatePassword returns a 400 error with the policy's sentence when the
// password is too short, too long or too common.
func validatePassword(password string, userInputs ...string) error {
	if !utf8.ValidString(password) || strings.ContainsRune(password, 0) {
		return badRequest("The password contains characters that can't be used.")
	}
	err := auth.CheckPassword(password, userInputs...)
	if err == nil {
		return nil
	}
	if errors.Is(err, auth.ErrPasswordCommon) || errors.Is(err, auth.ErrPasswordTooShort) ||
		errors.Is(err, auth.ErrPasswordTooLong) {
		message := err.Error()
		return badRequest(strings.ToUpper(message[:1]) + message[1:] + ".")
	}
	return err
}

// printable reports whether text has no control characters, invalid UTF-8
// or bidirectional formatting characters. The last could make a name read
// backwards in the user list, in notices and in the terminal.
func printable(text string) bool {
	for _, r := range text {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) ||
			unicode.In(r, unicode.Zl, unicode.Zp) {
			return false
		}
	}
	return true
}

// visible reports whether r shows as a mark on the screen on its own, unlike
// spaces, format characters such as U+200B ZERO WIDTH SPACE, combining
// marks, and the letters and symbols that fonts draw blank.
func visible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) &&
		!slices.Contains(blankLookalikes, r)
}

// blankLookalikes are letters and symbols that render as empty space: the
// Hangul fillers, the blank Braille pattern and two Khmer vowels that
// Unicode advises against using.
var blankLookalikes = []rune{
	'\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\u17B4', '\u17B5',
}
