// Package auth holds Gatehouse's credentials logic: password hashing, TOTP
// keys and codes, recovery codes and the encryption of secrets at rest.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultArgon2 is OWASP's Password Storage Cheat Sheet minimum for argon2id
// (19 MiB of memory, 2 iterations, 1 lane), as listed in 2024-2026.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}

const (
	saltLength = 16
	hashLength = 32
)

// ErrBusy is returned when too many password checks are waiting already.
var ErrBusy = errors.New("too many password checks at once")

// Hasher hashes and verifies passwords with argon2id. Each hash takes about
// 19 MiB, so at most `slots` run at once and at most `maxWaiting` more wait
// for a slot. The rest get ErrBusy at once, which keeps memory flat under a
// flood of sign-ins.
type Hasher struct {
	params     Argon2Params
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	maxWait    time.Duration
	dummyHash  string
}

// NewHasher returns a hasher that runs `concurrent` hashes at once and lets
// up to maxWaiting requests queue for at most maxWait each.
func NewHasher(params Argon2Params, concurrent, maxWaiting int, maxWait time.Duration) *Hasher {
	h := &Hasher{
		params:     params,
		slots:      make(chan struct{}, max(1, concurrent)),
		maxWaiting: int64(maxWaiting),
		maxWait:    maxWait,
	}
	h.dummyHash = h.encode(make([]byte, saltLength), h.derive("dummy", make([]byte, saltLength)))
	return h
}

// Hash returns the PHC string of password: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(salt, h.derive(password, salt)), nil
}

// Verify reports whether password matches encoded. An empty encoded compares
// against a dummy hash, so an unknown account takes as long as a known one.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	known := encoded != ""
	if !known {
		encoded = h.dummyHash
	}
	params, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()

	got := argon2.IDKey([]byte(password), salt, params.Iterations, params.MemoryKiB,
		params.Parallelism, uint32(len(want)))
	return known && subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}

	if h.waiting.Add(1) > h.maxWaiting {
		h.waiting.Add(-1)
		return ErrBusy
	}
	defer h.waiting.Add(-1)
	timer := time.NewTimer(h.maxWait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) derive(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, h.params.Iterations, h.params.MemoryKiB,
		h.params.Parallelism, hashLength)
}

func (h *Hasher) encode(salt, hash []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Iterations, h.params.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(hash))
}

func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	var params Argon2Params
	parts := strings.Split(encoded, "$")
	version := fmt.Sprintf("v=%d", argon2.Version)
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != version {
		return params, nil, nil, errors.New("unsupported password hash format")
	}
	_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d",
		&params.MemoryKiB, &params.Iterations, &params.Parallelism)
	if err != nil {
		return params, nil, nil, fmt.Errorf("invalid password hash parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return params, nil, nil, fmt.Errorf("invalid password hash salt: %w", err)
	}
	hash, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return params, nil, nil, fmt.Errorf("invalid password hash: %w", err)
	}
	return params, salt, hash, nil
}
