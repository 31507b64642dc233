package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"gatehouse/server/internal/qrtest"
)

// rfcSecret is the SHA-1 seed of RFC 6238 appendix B, "12345678901234567890".
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// RFC 6238 appendix B lists 8-digit SHA-1 codes for these Unix times.
var rfc6238Vectors = []struct {
	unix int64
	code string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestCodeMatchesRFC6238Vectors(t *testing.T) {
	for _, vector := range rfc6238Vectors {
		at := time.Unix(vector.unix, 0).UTC()
		eight, err := totp.GenerateCodeCustom(rfcSecret, at, totp.ValidateOpts{
			Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if eight != vector.code {
			t.Errorf("8-digit code at %d = %s, want %s", vector.unix, eight, vector.code)
		}

		// A 6-digit code is the same truncated value modulo 10^6.
		six, err := CodeAt(rfcSecret, at)
		if err != nil {
			t.Fatal(err)
		}
		if six != vector.code[2:] {
			t.Errorf("6-digit code at %d = %s, want %s", vector.unix, six, vector.code[2:])
		}
	}
}

func TestMatchCodeAllowsOneStepOfSkew(t *testing.T) {
	now := time.Unix(1111111111, 0)
	current := TimeStep(now)
	for offset := int64(-3); offset <= 3; offset++ {
		code, err := CodeAt(rfcSecret, time.Unix((current+offset)*30, 0))
		if err != nil {
			t.Fatal(err)
		}
		step, ok, err := MatchCode(rfcSecret, code, now)
		if err != nil {
			t.Fatal(err)
		}
		wantOK := offset >= -1 && offset <= 1
		if ok != wantOK {
			t.Errorf("offset %d: matched = %v, want %v", offset, ok, wantOK)
		}
		if ok && step != current+offset {
			t.Errorf("offset %d: step = %d, want %d", offset, step, current+offset)
		}
	}
}

func TestMatchCodeRejectsWrongCode(t *testing.T) {
	now := time.Unix(59, 0)
	if _, ok, _ := MatchCode(rfcSecret, "287083", now); ok {
		t.Error("a code one off the real one (287082) matched")
	}
}

func TestFindStepReportsClockOffset(t *testing.T) {
	now := time.Unix(1234567890, 0)
	code, _ := CodeAt(rfcSecret, now.Add(-5*time.Minute))
	offset, found := FindStep(rfcSecret, code, now, 20)
	if !found || offset != -10 {
		t.Errorf("FindStep = %d, %v; want -10, true", offset, found)
	}
}

func TestNormalizeCode(t *testing.T) {
	accepted := map[string]string{
		"123456":      "123456",
		"123 456":     "123456",
		" 123456 ":    "123456",
		"1 2 3 4 5 6": "123456",
	}
	for input, want := range accepted {
		got, err := NormalizeCode(input)
		if err != nil || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", input, got, err, want)
		}
	}

	rejected := []string{
		"", "12345", "1234567", "12a456", "123-456", "１２３４５６", "١٢٣٤٥٦",
		"12345\x00", "+12345", "-12345", "12345٦", "123\t456",
	}
	for _, input := range rejected {
		if got, err := NormalizeCode(input); err == nil {
			t.Errorf("NormalizeCode(%q) = %q, want an error", input, got)
		}
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, seed := range []string{"123456", "123 456", "１２３４５６", "12a456", " ", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		code, err := NormalizeCode(input)
		if err != nil {
			return
		}
		if len(code) != 6 {
			t.Fatalf("NormalizeCode(%q) = %q, not 6 bytes", input, code)
		}
		for _, b := range []byte(code) {
			if b < '0' || b > '9' {
				t.Fatalf("NormalizeCode(%q) = %q, holds a non-digit", input, code)
			}
		}
	})
}

func TestNewTOTPSecretIs160Bits(t *testing.T) {
	secret, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret %q is not unpadded base32: %v", secret, err)
	}
	if len(raw) != 20 {
		t.Errorf("secret has %d bytes, want 20", len(raw))
	}
}

func TestOTPAuthURLEncodesReservedCharacters(t *testing.T) {
	got := OTPAuthURL("Acme: R&D + Co", "ada+ops@acme.test", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Acme%20R%26D%20%2B%20Co:ada%2Bops%40acme.test" +
		"?secret=JBSWY3DPEHPK3PXP&issuer=Acme%3A%20R%26D%20%2B%20Co" +
		"&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Errorf("OTPAuthURL =\n  %s\nwant\n  %s", got, want)
	}
	if strings.Contains(got, "+") {
		t.Error("the URL contains a literal '+'")
	}
}

func TestOTPAuthURLParsesBackWithPquerna(t *testing.T) {
	url := OTPAuthURL("Acme Test", "ada@acme.test", "JBSWY3DPEHPK3PXP")
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if key.Issuer() != "Acme Test" {
		t.Errorf("issuer = %q, want %q", key.Issuer(), "Acme Test")
	}
	if key.AccountName() != "ada@acme.test" {
		t.Errorf("account = %q, want %q", key.AccountName(), "ada@acme.test")
	}
	if key.Secret() != "JBSWY3DPEHPK3PXP" {
		t.Errorf("secret = %q", key.Secret())
	}
}

func TestQRCodePNGDecodesToContent(t *testing.T) {
	content := OTPAuthURL("Acme: Test", "ada@acme.test", "JBSWY3DPEHPK3PXP")
	dataURL, err := QRCodePNG(content)
	if err != nil {
		t.Fatal(err)
	}
	got, err := qrtest.DecodeDataURL(dataURL)
	if err != nil {
		t.Fatal(err)
	}
	if got != content {
		t.Errorf("QR code holds %q, want %q", got, content)
	}
}
