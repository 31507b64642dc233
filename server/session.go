package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"gatehouse/server/store"
)

const (
	sessionCookieName = "gatehouse_session"
	sessionIDBytes    = 32
	// recordValue, userValue and replacedValue are the keys in
	// sessions.Session.Values that carry the session's row, its user's row
	// and the hash of the id it replaces.
	recordValue   = "record"
	userValue     = "user"
	replacedValue = "replaced"
	// auditValue carries an audit event to store with a new session, and
	// guardValue a code's time step to use up in the same transaction.
	auditValue = "audit"
	guardValue = "guard"
)

// SessionLimits bound how long a session lives.
type SessionLimits struct {
	// HalfDone is how long a session that has passed only the password step
	// may take to pass the second step.
	HalfDone time.Duration
	// Idle ends a session this long after its last request.
	Idle time.Duration
	// Absolute ends a session this long after sign-in, active or not.
	Absolute time.Duration
}

// DefaultSessionLimits are the limits unless configured otherwise.
var DefaultSessionLimits = SessionLimits{
	HalfDone: 5 * time.Minute,
	Idle:     30 * time.Minute,
	Absolute: 12 * time.Hour,
}

// touchInterval is the age of last_seen_at after which a request rewrites
// it, so a busy session costs one write a minute instead of one a request.
const touchInterval = time.Minute

// sessionStore is a gorilla/sessions Store whose sessions live in the
// database. The cookie contains only a random id. The row, found by the
// id's SHA-256, stores who signed in and how far, so any instance can serve
// the session and an admin can revoke it.
type sessionStore struct {
	store  *store.Store
	now    func() time.Time
	limits SessionLimits
	secure bool
}

// Get returns the request's session, loading it once per request.
func (d *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(d, name)
}

// New loads the session named in the request's cookie, or returns an empty
// one when there is no valid, unexpired session.
func (d *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	session := sessions.NewSession(d, name)
	options := d.cookieOptions()
	session.Options = &options
	session.IsNew = true

	cookie, err := r.Cookie(name)
	if err != nil || !validSessionID(cookie.Value) {
		return session, nil
	}
	record, user, err := d.store.SessionWithUser(r.Context(), hashSessionID(cookie.Value))
	if errors.Is(err, store.ErrNotFound) {
		return session, nil
	}
	if err != nil {
		return session, err
	}

	now := d.now()
	if !now.Before(record.ExpiresAt) {
		if err := d.store.DeleteSession(r.Context(), record.IDHash); err != nil {
			slog.Warn("Deleting an expired session failed", "error", err)
		}
		return session, nil
	}
	if record.Stage == store.StageAuthenticated && now.Sub(record.LastSeenAt) > touchInterval {
		d.touch(r, record, now)
	}

	session.ID = cookie.Value
	session.IsNew = false
	session.Values[recordValue] = record
	session.Values[userValue] = user
	return session, nil
}

// touch moves the idle deadline of an authenticated session, never past
// its absolute deadline.
func (d *sessionStore) touch(r *http.Request, record *store.Session, now time.Time) {
	expires := now.Add(d.limits.Idle)
	if absolute := record.CreatedAt.Add(d.limits.Absolute); expires.After(absolute) {
		expires = absolute
	}
	if err := d.store.TouchSession(r.Context(), record.IDHash, now, expires); err != nil {
		slog.Warn("Updating a session's last use failed", "error", err)
		return
	}
	record.LastSeenAt = now
	record.ExpiresAt = expires
}

// Save writes the session's cookie. A session whose id was cleared gets a
// new id, and its row replaces the old one in one step. A session with a
// negative MaxAge or no row is deleted.
func (d *sessionStore) Save(
	r *http.Request,
	w http.ResponseWriter,
	session *sessions.Session,
) error {
	record, _ := session.Values[recordValue].(*store.Session)
	replaced, _ := session.Values[replacedValue].(string)

	if session.Options.MaxAge < 0 || record == nil {
		if replaced != "" {
			if err := d.store.DeleteSession(r.Context(), replaced); err != nil {
				return err
			}
		}
		expired := *session.Options
		expired.MaxAge = -1
		http.SetCookie(w, sessions.NewCookie(session.Name(), "", &expired))
		return nil
	}

	if session.ID == "" {
		id, err := newSessionID()
		if err != nil {
			return err
		}
		record.IDHash = hashSessionID(id)
		audit, _ := session.Values[auditValue].(*store.AuditEvent)
		guard, _ := session.Values[guardValue].(*store.StepGuard)
		delete(session.Values, auditValue)
		delete(session.Values, guardValue)
		user, _ := session.Values[userValue].(*store.User)
		err = d.store.ReplaceSession(r.Context(), replaced, record, audit, guard, user)
		if err != nil {
			return err
		}
		session.ID = id
		delete(session.Values, replacedValue)
	}
	http.SetCookie(w, sessions.NewCookie(session.Name(), session.ID, session.Options))
	return nil
}

// cookieOptions makes a browser-session cookie (no Max-Age): the server
// enforces every deadline, and closing the browser drops the cookie.
func (d *sessionStore) cookieOptions() sessions.Options {
	return sessions.Options{
		Path:     "/",
		HttpOnly: true,
		Secure:   d.secure,
		SameSite: http.SameSiteLaxMode,
	}
}

func newSessionID() (string, error) {
	raw := make([]byte, sessionIDBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

func validSessionID(id string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil && len(raw) == sessionIDBytes
}

func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}
