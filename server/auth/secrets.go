package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// MinSecretKeyLength is the shortest GATEHOUSE_SECRET_KEY accepted.
const MinSecretKeyLength = 32

// Keyring holds the sub-keys derived from the master secret. Each use gets
// its own key through HKDF-SHA256, so no two uses share key material.
type Keyring struct {
	totp     cipher.AEAD
	recovery []byte
	check    []byte
}

// NewKeyring derives the sub-keys from master, which must have at least
// MinSecretKeyLength bytes.
func NewKeyring(master []byte) (*Keyring, error) {
	if len(master) < MinSecretKeyLength {
		return nil, fmt.Errorf("the secret key must have at least %d characters",
			MinSecretKeyLength)
	}
	derive := func(purpose string) ([]byte, error) {
		return hkdf.Key(sha256.New, master, nil, "gatehouse "+purpose, 32)
	}

	totpKey, err := derive("totp-secret-encryption")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(totpKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	recovery, err := derive("recovery-code-hmac")
	if err != nil {
		return nil, err
	}
	check, err := derive("key-check")
	if err != nil {
		return nil, err
	}
	return &Keyring{totp: aead, recovery: recovery, check: check}, nil
}

// LoadOrCreateMasterKey returns fromEnv when it is set. Otherwise it reads
// DATA/secret.key, creating it with 32 random bytes and mode 0600 on first
// use.
func LoadOrCreateMasterKey(fromEnv, dataDir string) ([]byte, error) {
	if fromEnv != "" {
		if len(fromEnv) < MinSecretKeyLength {
			return nil, fmt.Errorf("GATEHOUSE_SECRET_KEY must have at least %d characters",
				MinSecretKeyLength)
		}
		return []byte(fromEnv), nil
	}

	path := filepath.Join(dataDir, "secret.key")
	if encoded, err := os.ReadFile(path); err == nil {
		return base64.StdEncoding.DecodeString(string(encoded))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	// O_EXCL makes a second process that starts at the same moment read the
	// first one's key instead of writing a different one.
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateMasterKey("", dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	defer file.Close()
	if _, err := file.WriteString(base64.StdEncoding.EncodeToString(key)); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return key, file.Sync()
}

// EncryptTOTPSecret seals a TOTP secret with AES-256-GCM. userID is bound
// as associated data, so a ciphertext copied to another user's row fails to
// open.
func (k *Keyring) EncryptTOTPSecret(userID int64, secret string) ([]byte, error) {
	nonce := make([]byte, k.totp.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.totp.Seal(nonce, nonce, []byte(secret), userBinding(userID)), nil
}

// DecryptTOTPSecret opens a ciphertext made by EncryptTOTPSecret.
func (k *Keyring) DecryptTOTPSecret(userID int64, sealed []byte) (string, error) {
	size := k.totp.NonceSize()
	if len(sealed) < size {
		return "", errors.New("the encrypted TOTP secret is too short")
	}
	plain, err := k.totp.Open(nil, sealed[:size], sealed[size:], userBinding(userID))
	if err != nil {
		return "", fmt.Errorf("decrypt the TOTP secret: %w", err)
	}
	return string(plain), nil
}

func userBinding(userID int64) []byte {
	return fmt.Appendf(nil, "user:%d", userID)
}

// KeyCheck returns a value that identifies the master key without
// revealing it; the store keeps it to catch an instance started with a
// different key.
func (k *Keyring) KeyCheck() string {
	mac := hmac.New(sha256.New, k.check)
	mac.Write([]byte("gatehouse key check"))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
