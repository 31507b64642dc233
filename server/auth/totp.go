package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: RFC 6238's defaults, the form every common authenticator
// app reads.
const (
	TOTPPeriod    = 30
	TOTPDigits    = 6
	secretLength  = 20
	qrImageSize   = 256
	allowedSkew   = 1
	codeSeparator = ' '
)

var totpOptions = totp.ValidateOpts{
	Period:    TOTPPeriod,
	Digits:    otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1,
}

// ErrInvalidCodeFormat is returned for a code that is not six ASCII digits.
var ErrInvalidCodeFormat = errors.New("enter the 6-digit code from your authenticator app")

// NewTOTPSecret returns a random 160-bit key in unpadded base32, the length
// RFC 4226 recommends.
func NewTOTPSecret() (string, error) {
	raw := make([]byte, secretLength)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw), nil
}

// TimeStep returns the RFC 6238 time step of t.
func TimeStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// CodeAt returns the code of secret for the time step that contains t.
func CodeAt(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOptions)
}

// MatchCode looks for code among the time steps of now and its neighbours
// (one step of clock skew either way) and returns the matching step. The
// caller must still make sure that step was not used before.
func MatchCode(secret, code string, now time.Time) (step int64, ok bool, err error) {
	current := TimeStep(now)
	for offset := int64(-allowedSkew); offset <= allowedSkew; offset++ {
		candidate := current + offset
		expected, err := totp.GenerateCodeCustom(secret,
			time.Unix(candidate*TOTPPeriod, 0), totpOptions)
		if err != nil {
			return 0, false, fmt.Errorf("compute a TOTP code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(expected), []byte(code)) == 1 {
			return candidate, true, nil
		}
	}
	return 0, false, nil
}

// NormalizeCode strips the spaces a user may type inside a code ("123 456")
// and returns ErrInvalidCodeFormat unless six ASCII digits remain.
func NormalizeCode(input string) (string, error) {
	code := strings.Map(func(r rune) rune {
		if r == codeSeparator {
			return -1
		}
		return r
	}, strings.TrimSpace(input))

	if len(code) != TOTPDigits {
		return "", ErrInvalidCodeFormat
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return "", ErrInvalidCodeFormat
		}
	}
	return code, nil
}

// OTPAuthURL returns the key URI that authenticator apps read from a QR
// code. Every reserved character is percent-encoded (a space as %20, never
// +), the issuer parameter is the issuer exactly, and the label is
// ISSUER:ACCOUNT with any ':' dropped from the issuer part.
func OTPAuthURL(issuer, account, secret string) string {
	label := percentEncode(strings.ReplaceAll(issuer, ":", "")) + ":" + percentEncode(account)
	query := "secret=" + secret +
		"&issuer=" + percentEncode(issuer) +
		"&algorithm=SHA1&digits=6&period=30"
	return "otpauth://totp/" + label + "?" + query
}

// percentEncode escapes every byte but RFC 3986's unreserved characters.
// url.QueryEscape does that too except for writing a space as '+', which some
// authenticator apps show literally; a literal '+' is already %2B by then.
func percentEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// QRCodePNG returns content as a QR code PNG in a data: URL.
func QRCodePNG(content string) (string, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("encode the QR code: %w", err)
	}
	var image bytes.Buffer
	if err := png.Encode(&image, withQuietZone(code)); err != nil {
		return "", fmt.Errorf("write the QR code PNG: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(image.Bytes()), nil
}

// withQuietZone draws the QR code with whole pixels per module and the
// white border of four modules that ISO/IEC 18004 requires, which scanners
// use to find the code. Scaling to a fixed size instead would blur modules
// into uneven widths.
func withQuietZone(code barcode.Barcode) image.Image {
	const border = 4
	modules := code.Bounds().Dx()
	scale := max(1, qrImageSize/(modules+2*border))
	size := (modules + 2*border) * scale

	canvas := image.NewGray(image.Rect(0, 0, size, size))
	draw.Draw(canvas, canvas.Bounds(), image.White, image.Point{}, draw.Src)
	for y := range modules {
		for x := range modules {
			if code.At(x, y) != color.Black {
				continue
			}
			module := image.Rect(x+border, y+border, x+border+1, y+border+1)
			draw.Draw(canvas, image.Rectangle{module.Min.Mul(scale), module.Max.Mul(scale)},
				image.Black, image.Point{}, draw.Src)
		}
	}
	return canvas
}

// FindStep looks for code within `window` time steps either way of now and
// returns its offset in steps from now's step. It helps tell a user that
// their clock is off; it never accepts a code.
func FindStep(secret, code string, now time.Time, window int64) (offset int64, found bool) {
	current := TimeStep(now)
	for offset := -window; offset <= window; offset++ {
		expected, err := totp.GenerateCodeCustom(secret,
			time.Unix((current+offset)*TOTPPeriod, 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(expected), []byte(code)) == 1 {
			return offset, true
		}
	}
	return 0, false
}
