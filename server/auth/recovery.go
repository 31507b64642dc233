package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// RecoveryCodeCount is how many recovery codes a confirmed key comes with.
const RecoveryCodeCount = 10

// recoveryAlphabet leaves out 0, 1, I, L, O and U so codes read back
// without confusion; 30 symbols give each 10-symbol code about 49 bits.
const recoveryAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

const recoveryCodeLength = 10

// NewRecoveryCodes returns RecoveryCodeCount fresh codes shown as XXXXX-XXXXX.
func NewRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		raw := make([]byte, recoveryCodeLength)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		var code strings.Builder
		for j, b := range raw {
			if j == recoveryCodeLength/2 {
				code.WriteByte('-')
			}
			// 256 is not a multiple of 30, so the first 16 symbols come up
			// slightly more often (9 in 256 against 8 in 256): it costs about
			// 0.1 bit of the code's 49.
			code.WriteByte(recoveryAlphabet[int(b)%len(recoveryAlphabet)])
		}
		codes[i] = code.String()
	}
	return codes, nil
}

// NormalizeRecoveryCode uppercases a typed code and drops spaces and
// dashes; it returns "" when what remains cannot be a recovery code.
func NormalizeRecoveryCode(input string) string {
	var code strings.Builder
	for _, r := range strings.ToUpper(input) {
		switch {
		case r == ' ' || r == '-':
			continue
		case r < 128 && strings.ContainsRune(recoveryAlphabet, r):
			code.WriteRune(r)
		default:
			return ""
		}
	}
	if code.Len() != recoveryCodeLength {
		return ""
	}
	return code.String()
}

// HashRecoveryCode returns the keyed hash stored for a normalised code. The
// codes carry about 49 random bits, so a keyed SHA-256 is enough; a slow hash
// would add nothing but cost.
func (k *Keyring) HashRecoveryCode(normalized string) []byte {
	mac := hmac.New(sha256.New, k.recovery)
	mac.Write([]byte(normalized))
	return mac.Sum(nil)
}
