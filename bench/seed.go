package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/store"
)

const (
	// benchPassword is every seeded user's password.
	benchPassword = "bench-password-Tq7f3aZ"
	// benchMasterKey is GATEHOUSE_SECRET_KEY for every server the benchmark
	// starts. The seeded TOTP secrets are encrypted with it.
	benchMasterKey    = "gatehouse-benchmark-master-key-0123456789"
	sessionCookieName = "gatehouse_session"
	adminEmail        = "admin@bench.example"
	// Lifetimes of the sessions created in the store, as the server's
	// default session limits set them.
	halfDoneLifetime = 5 * time.Minute
	signedInLifetime = 30 * time.Minute
	// importBatchSize is the number of users per ImportUsers transaction.
	importBatchSize = 1000
)

// totpSeedKey derives each seeded user's TOTP secret from the user's id, so
// the load generator can compute codes without reading the store.
var totpSeedKey = []byte("gatehouse benchmark TOTP secrets")

// Seeded names are every first name with every last name. No first name
// shares its first three letters with another, so searchTerm matches one
// first name, and no email starts with it.
var (
	firstNames = []string{
		"Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi",
		"Ines", "Jonas", "Keiko", "Lars", "Maya", "Nadia", "Oscar", "Priya",
		"Quentin", "Rosa", "Soren", "Tariq", "Ulla", "Victor", "Wanda", "Xavier",
		"Yusuf", "Zofia",
	}
	lastNames = []string{
		"Abbott", "Baker", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallo",
		"Haddad", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak",
		"Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Urban",
		"Varga", "Weber", "Yilmaz", "Zimmermann",
	}
)

// searchTerm is the q= of the users-list search: a prefix of one first name.
const searchTerm = "ros"

// totpSecret returns the base32 TOTP secret of a seeded user.
func totpSecret(userID int64) string {
	mac := hmac.New(sha256.New, totpSeedKey)
	mac.Write([]byte(strconv.FormatInt(userID, 10)))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(mac.Sum(nil)[:20])
}

// seededUser is the part of a seeded user that the load generator needs.
type seededUser struct {
	id     int64
	email  string
	secret string
}

// halfDoneSession is a session that has passed only the password step.
type halfDoneSession struct {
	id   string
	user seededUser
}

// seededStore is a store filled with users, and the bookkeeping that gives
// each user to at most one code check per run: a code is accepted once per
// key and time step.
type seededStore struct {
	st          *store.Store
	admin       seededUser
	users       []seededUser
	searchTotal int

	mu       sync.Mutex
	nextUser int
	halfDone []halfDoneSession
}

// seedStore creates one organisation with an admin and count members, all
// with the password hash passwordHash, and gives every member an active
// TOTP key. It returns the store and the time the inserts took.
func seedStore(
	ctx context.Context,
	st *store.Store,
	count int,
	passwordHash string,
	keys *auth.Keyring,
) (*seededStore, time.Duration, error) {
	began := time.Now()
	org := &store.Organization{Name: "Bench Organisation"}
	admin := &store.User{Email: adminEmail, Name: "Bench Admin", PasswordHash: passwordHash}
	if err := st.CreateOrganization(ctx, org, admin); err != nil {
		return nil, 0, fmt.Errorf("create the organisation: %w", err)
	}

	users := make([]store.User, count)
	for i := range users {
		users[i] = store.User{
			OrganizationID: org.ID,
			Email:          fmt.Sprintf("user%07d@bench.example", i),
			Name:           seededName(i),
			Role:           store.RoleMember,
			PasswordHash:   passwordHash,
		}
	}
	secretFor := func(userID int64) ([]byte, error) {
		return keys.EncryptTOTPSecret(userID, totpSecret(userID))
	}
	if err := st.ImportUsers(ctx, users, importBatchSize, secretFor); err != nil {
		return nil, 0, fmt.Errorf("import %d users: %w", count, err)
	}
	elapsed := time.Since(began)

	seeded := &seededStore{
		st:    st,
		admin: seededUser{id: admin.ID, email: admin.Email},
		users: make([]seededUser, count),
	}
	for i, user := range users {
		seeded.users[i] = seededUser{id: user.ID, email: user.Email, secret: totpSecret(user.ID)}
		if strings.HasPrefix(user.NameKey, searchTerm) || strings.HasPrefix(user.Email, searchTerm) {
			seeded.searchTotal++
		}
	}
	return seeded, elapsed, nil
}

func seededName(i int) string {
	first := firstNames[i%len(firstNames)]
	last := lastNames[(i/len(firstNames))%len(lastNames)]
	return first + " " + last
}

// anyUser returns the seeded user at position n, wrapping around. It suits
// operations that change nothing a later code check depends on.
func (s *seededStore) anyUser(n int64) seededUser {
	return s.users[n%int64(len(s.users))]
}

// takeUser returns a user that no earlier call returned, or false when all
// are taken.
func (s *seededStore) takeUser() (seededUser, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nextUser >= len(s.users) {
		return seededUser{}, false
	}
	user := s.users[s.nextUser]
	s.nextUser++
	return user, true
}

// fillHalfDone creates sessions past the password step, for users not
// taken before, until want of them wait unused or no user is left. Sessions
// left over from an earlier run count, because they expire only after
// halfDoneLifetime.
func (s *seededStore) fillHalfDone(ctx context.Context, want int) error {
	s.mu.Lock()
	missing := want - len(s.halfDone)
	s.mu.Unlock()
	for range missing {
		user, ok := s.takeUser()
		if !ok {
			return nil
		}
		id, err := s.createSession(ctx, user.id, store.StagePassword)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.halfDone = append(s.halfDone, halfDoneSession{id: id, user: user})
		s.mu.Unlock()
	}
	return nil
}

// takeHalfDone returns an unused session past the password step.
func (s *seededStore) takeHalfDone() (halfDoneSession, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.halfDone) == 0 {
		return halfDoneSession{}, false
	}
	session := s.halfDone[len(s.halfDone)-1]
	s.halfDone = s.halfDone[:len(s.halfDone)-1]
	return session, true
}

// createSession stores a new session of userID at stage, as the server's
// sign-in would, and returns the id to send in the session cookie. A
// signed-in session passed its second factor just now.
func (s *seededStore) createSession(ctx context.Context, userID int64, stage string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(id))

	now := time.Now().UTC()
	session := &store.Session{
		IDHash:     hex.EncodeToString(sum[:]),
		UserID:     userID,
		Stage:      stage,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(halfDoneLifetime),
	}
	if stage == store.StageAuthenticated {
		session.ExpiresAt = now.Add(signedInLifetime)
		session.SecondFactorAt = &now
	}
	if err := s.st.ReplaceSession(ctx, "", session, nil, nil, nil); err != nil {
		return "", fmt.Errorf("create a %s session for user %d: %w", stage, userID, err)
	}
	return id, nil
}
