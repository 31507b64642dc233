package auth

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testMaster = []byte("a test master key that is long enough")

func TestTOTPSecretRoundTrip(t *testing.T) {
	keys, err := NewKeyring(testMaster)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := keys.EncryptTOTPSecret(7, "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("JBSWY3DPEHPK3PXP")) {
		t.Error("the ciphertext contains the secret")
	}

	plain, err := keys.DecryptTOTPSecret(7, sealed)
	if err != nil || plain != "JBSWY3DPEHPK3PXP" {
		t.Errorf("Decrypt = %q, %v", plain, err)
	}
	if _, err := keys.DecryptTOTPSecret(8, sealed); err == nil {
		t.Error("a secret sealed for user 7 opened for user 8")
	}
	other, _ := NewKeyring([]byte("another master key, also long enough"))
	if _, err := other.DecryptTOTPSecret(7, sealed); err == nil {
		t.Error("a secret opened under another master key")
	}
}

func TestNewKeyringRejectsShortKey(t *testing.T) {
	if _, err := NewKeyring([]byte("too short")); err == nil {
		t.Error("a 9-byte master key was accepted")
	}
	if _, err := LoadOrCreateMasterKey("too short", t.TempDir()); err == nil {
		t.Error("a 9-character GATEHOUSE_SECRET_KEY was accepted")
	}
}

func TestMasterKeyFileIsCreatedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadOrCreateMasterKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 {
		t.Errorf("key has %d bytes, want 32", len(first))
	}
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secret.key mode = %v, want 0600", info.Mode().Perm())
	}

	second, err := LoadOrCreateMasterKey("", dir)
	if err != nil || !bytes.Equal(first, second) {
		t.Error("a second load returned a different key")
	}
}

func TestRecoveryCodes(t *testing.T) {
	keys, _ := NewKeyring(testMaster)
	codes, err := NewRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("got %d codes, want 10", len(codes))
	}
	seen := map[string]bool{}
	for _, code := range codes {
		if len(code) != 11 || code[5] != '-' {
			t.Errorf("code %q is not XXXXX-XXXXX", code)
		}
		normalized := NormalizeRecoveryCode(code)
		if normalized == "" || seen[normalized] {
			t.Errorf("code %q normalises to %q (empty or repeated)", code, normalized)
		}
		seen[normalized] = true

		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		if !bytes.Equal(keys.HashRecoveryCode(NormalizeRecoveryCode(typed)),
			keys.HashRecoveryCode(normalized)) {
			t.Errorf("typed form %q hashes differently from %q", typed, code)
		}
	}
}

func TestNormalizeRecoveryCodeRejectsJunk(t *testing.T) {
	for _, input := range []string{"", "ABCDE", "ABCDE-2345", "ABCDE-234567", "ABCDE-2345Ö",
		"ABCD0-23456", "ABCDE_23456"} {
		if got := NormalizeRecoveryCode(input); got != "" {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, want empty", input, got)
		}
	}
}

func TestKeyCheckDependsOnMasterKey(t *testing.T) {
	a, _ := NewKeyring(testMaster)
	b, _ := NewKeyring([]byte("another master key, also long enough"))
	if a.KeyCheck() == b.KeyCheck() {
		t.Error("two master keys have the same check value")
	}
	if strings.Contains(a.KeyCheck(), base64.StdEncoding.EncodeToString(testMaster)) {
		t.Error("the check value contains the master key")
	}
}
