// Package server serves Gatehouse's JSON API and its single-page app.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/auth"
	"gatehouse/server/notify"
	"gatehouse/server/store"
)

// Config contains the server settings other than its store and keys.
type Config struct {
	// SecureCookies marks the session cookie Secure and turns on HSTS; set it
	// when clients reach Gatehouse over HTTPS.
	SecureCookies bool
	// TrustedProxies lists the networks whose X-Forwarded-For is believed.
	TrustedProxies []string
	// Sessions bounds session lifetimes; zero fields take the defaults.
	Sessions SessionLimits
	// Argon2 sets the password hash cost; zero takes auth.DefaultArgon2.
	Argon2 auth.Argon2Params
	// Now returns the current time; tests set it to move the clock.
	Now func() time.Time
	// Mailer, when set, emails users about resets, enrolments and used
	// recovery codes; nil sends no email.
	Mailer *notify.Sender
	// BaseURL is the public address of Gatehouse, for links in emails.
	BaseURL string
}

// Server is Gatehouse's HTTP application.
type Server struct {
	store    *store.Store
	keys     *auth.Keyring
	hasher   *auth.Hasher
	sessions *sessionStore
	now      func() time.Time
	mailer   *notify.Sender
	metrics  *metrics
	baseURL  string
	echo     *echo.Echo
	handler  http.Handler

	setupMu    sync.Mutex
	setupToken string
}

// New builds the server. assets is the built SPA (index.html at its root).
func New(cfg Config, st *store.Store, keys *auth.Keyring, assets fs.FS) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Sessions == (SessionLimits{}) {
		cfg.Sessions = DefaultSessionLimits
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}

	s := &Server{
		store: st,
		keys:  keys,
		// One hash per core keeps the CPU busy without oversubscribing it;
		// 64 waiting for at most 5 s each absorb a burst, and the rest get
		// 503 at once so memory stays at cores × 19 MiB.
		hasher: auth.NewHasher(cfg.Argon2, runtime.NumCPU(), 64, 5*time.Second),
		sessions: &sessionStore{
			store: st, now: cfg.Now, limits: cfg.Sessions, secure: cfg.SecureCookies,
		},
		now:     cfg.Now,
		mailer:  cfg.Mailer,
		metrics: newMetrics(),
		baseURL: cfg.BaseURL,
	}
	e, err := s.newEcho(cfg, assets)
	if err != nil {
		return nil, err
	}
	s.echo = e

	// Browsers mark cross-site requests with Sec-Fetch-Site or Origin; this
	// rejects state-changing ones, which stops cross-site request forgery
	// even where SameSite=Lax cookies would be sent.
	protection := http.NewCrossOriginProtection()
	protection.SetDenyHandler(http.HandlerFunc(rejectCrossOrigin))
	s.handler = protection.Handler(e)
	return s, nil
}

// Handler returns the server's root HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

func rejectCrossOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"error":"Cross-origin request rejected."}` + "\n"))
}

// OpenSetup makes a one-time setup token when the store has no organisation,
// and returns it; the caller shows it to the operator. It returns "" when
// setup is done already.
func (s *Server) OpenSetup(ctx context.Context) (string, error) {
	count, err := s.store.CountOrganizations(ctx)
	if err != nil || count > 0 {
		return "", err
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}

	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	s.setupToken = base64.RawURLEncoding.EncodeToString(raw)
	return s.setupToken, nil
}

// takeSetupToken reports whether token is the current setup token, and
// clears it if so, so each token works once.
func (s *Server) takeSetupToken(token string) bool {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.setupToken)) != 1 {
		return false
	}
	s.setupToken = ""
	return true
}

// restoreSetupToken puts back a token whose setup failed on input the user
// can correct.
func (s *Server) restoreSetupToken(token string) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupToken == "" {
		s.setupToken = token
	}
}

// CleanUp deletes expired sessions every interval until ctx ends.
func (s *Server) CleanUp(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			deleted, err := s.store.DeleteExpiredSessions(ctx, s.now())
			if err != nil && !errors.Is(err, context.Canceled) {
				slog.Warn("Deleting expired sessions failed", "error", err)
			} else if deleted > 0 {
				slog.Info("Deleted expired sessions", "count", deleted)
			}
		}
	}
}

// VerifyKeyring stores the keyring's check value on first start and
// afterwards refuses a different master key, which could not decrypt the
// stored TOTP secrets.
func VerifyKeyring(ctx context.Context, st *store.Store, keys *auth.Keyring) error {
	const name = "secret_key_check"
	check := keys.KeyCheck()
	stored, err := st.Setting(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		err = st.CreateSetting(ctx, name, check)
		if errors.Is(err, store.ErrDuplicate) {
			return VerifyKeyring(ctx, st, keys)
		}
		return err
	}
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(stored), []byte(check)) != 1 {
		return fmt.Errorf("the secret key differs from the one this database was set up " +
			"with: set GATEHOUSE_SECRET_KEY (or DATA/secret.key) to the original key")
	}
	return nil
}
