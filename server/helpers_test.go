package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// testPassword passes the password policy.
const testPassword = "correct horse battery"

// testClock is a clock that tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testEnv is a real server over a real SQLite file, reached over HTTP.
type testEnv struct {
	t      *testing.T
	dir    string
	store  *store.Store
	keys   *auth.Keyring
	server *Server
	http   *httptest.Server
	clock  *testClock
}

var testAssets = fstest.MapFS{
	"index.html":       {Data: []byte("<!doctype html><title>Gatehouse app</title>")},
	"assets/app-1.js":  {Data: []byte("console.log('app')")},
	"assets/app-1.css": {Data: []byte("body{}")},
}

// newTestEnv starts a server on a fresh SQLite file, or on a fresh
// PostgreSQL schema when GATEHOUSE_TEST_STORE=postgres, so the same tests
// prove both stores behave alike.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "gatehouse.db")
	if os.Getenv("GATEHOUSE_TEST_STORE") == "postgres" {
		dsn = postgresTestDSN(t)
	}
	st, err := store.Open(context.Background(), dir, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	env := newTestEnvOn(t, st)
	env.dir = dir
	return env
}

// postgresTestDSN returns a DSN of a fresh schema on the server that
// GATEHOUSE_TEST_POSTGRES names, and skips the test when it is unset.
func postgresTestDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv("GATEHOUSE_TEST_POSTGRES")
	if base == "" {
		t.Skip("GATEHOUSE_TEST_POSTGRES is not set, so there is no PostgreSQL server to " +
			"test against; set it to a URL such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	dsn, drop, err := store.CreateTestSchema(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return dsn
}

// newTestEnvOn starts a server on an open store.
func newTestEnvOn(t *testing.T, st *store.Store) *testEnv {
	t.Helper()
	keys, err := auth.NewKeyring([]byte("a test master key that is long enough"))
	if err != nil {
		t.Fatal(err)
	}
	// The clock starts at a step boundary, so code steps are easy to reason
	// about.
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	srv, err := New(Config{
		Now:    clock.Now,
		Argon2: auth.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1},
	}, st, keys, testAssets)
	if err != nil {
		t.Fatal(err)
	}
	httpServer := httptest.NewServer(srv.Handler())
	t.Cleanup(httpServer.Close)
	return &testEnv{t: t, store: st, keys: keys, server: srv, http: httpServer, clock: clock}
}

func (e *testEnv) databaseFile() string { return filepath.Join(e.dir, "gatehouse.db") }

// createOrg makes an organisation with an admin whose password is
// testPassword, and returns the admin.
func (e *testEnv) createOrg(name, adminEmail string) *store.User {
	e.t.Helper()
	admin := &store.User{Email: adminEmail, Name: "Admin of " + name}
	admin.PasswordHash = e.hash(testPassword)
	if err := e.store.CreateOrganization(context.Background(),
		&store.Organization{Name: name}, admin); err != nil {
		e.t.Fatal(err)
	}
	return admin
}

func (e *testEnv) hash(password string) string {
	e.t.Helper()
	hash, err := e.server.hasher.Hash(context.Background(), password)
	if err != nil {
		e.t.Fatal(err)
	}
	return hash
}

// createMember adds a member with testPassword to the admin's organisation.
func (e *testEnv) createMember(orgID int64, email string) *store.User {
	e.t.Helper()
	user := &store.User{
		OrganizationID: orgID, Email: email, Name: "Member " + email,
		Role: store.RoleMember, PasswordHash: e.hash(testPassword),
	}
	if err := e.store.CreateUser(context.Background(), user); err != nil {
		e.t.Fatal(err)
	}
	return user
}

// code returns the code of secret at the test clock's time.
func (e *testEnv) code(secret string) string {
	e.t.Helper()
	code, err := auth.CodeAt(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// nextStep moves the clock to the next time step, so a fresh code exists.
func (e *testEnv) nextStep() { e.clock.Advance(30 * time.Second) }

// client is a browser-like API client with its own cookie jar.
type client struct {
	env *testEnv
	jar *cookiejar.Jar
	hc  *http.Client
	// acceptLanguage, when set, is sent as the Accept-Language header.
	acceptLanguage string
}

func (e *testEnv) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{env: e, jar: jar, hc: &http.Client{Jar: jar}}
}

// response is a decoded API response.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (c *client) call(method, path string, body any) response {
	c.env.t.Helper()
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			c.env.t.Fatal(err)
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequest(method, c.env.http.URL+path, reader)
	if err != nil {
		c.env.t.Fatal(err)
	}
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	if c.acceptLanguage != "" {
		request.Header.Set("Accept-Language", c.acceptLanguage)
	}
	return c.send(request)
}

func (c *client) send(request *http.Request) response {
	c.env.t.Helper()
	answer, err := c.hc.Do(request)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer answer.Body.Close()
	raw, err := io.ReadAll(answer.Body)
	if err != nil {
		c.env.t.Fatal(err)
	}
	r := response{status: answer.StatusCode, header: answer.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (c *client) get(path string) response { return c.call(http.MethodGet, path, nil) }

func (c *client) post(path string, body any) response {
	return c.call(http.MethodPost, path, body)
}

// sessionCookie returns the value of the client's session cookie.
func (c *client) sessionCookie() string {
	request, _ := http.NewRequest(http.MethodGet, c.env.http.URL, nil)
	for _, cookie := range c.jar.Cookies(request.URL) {
		if cookie.Name == sessionCookieName {
			return cookie.Value
		}
	}
	return ""
}

// signInPassword does the password step and returns the state.
func (c *client) signInPassword(email string) string {
	c.env.t.Helper()
	r := c.post("/api/session", map[string]string{"email": email, "password": testPassword})
	expectStatus(c.env.t, r, http.StatusOK)
	return r.body["state"].(string)
}

// enroll takes a session that must enrol through enrolment and returns the
// new key's secret and the recovery codes.
func (c *client) enroll() (string, []string) {
	c.env.t.Helper()
	r := c.get("/api/me/enrollment")
	expectStatus(c.env.t, r, http.StatusOK)
	secret := r.body["secret"].(string)

	r = c.post("/api/me/enrollment", map[string]string{"code": c.env.code(secret)})
	expectStatus(c.env.t, r, http.StatusOK)
	var codes []string
	for _, code := range r.body["recovery_codes"].([]any) {
		codes = append(codes, code.(string))
	}
	return secret, codes
}

// signInFully signs in with password and code and returns nothing: the
// client's session is authenticated afterwards.
func (c *client) signInFully(email, secret string) {
	c.env.t.Helper()
	if state := c.signInPassword(email); state != stateTOTPRequired {
		c.env.t.Fatalf("state after password = %q, want %q", state, stateTOTPRequired)
	}
	r := c.post("/api/session/totp", map[string]string{"code": c.env.code(secret)})
	expectStatus(c.env.t, r, http.StatusOK)
}

// enrolledAdmin creates an organisation and returns a client signed in as
// its admin, the admin and the admin's secret.
func (e *testEnv) enrolledAdmin(org, email string) (*client, *store.User, string) {
	e.t.Helper()
	admin := e.createOrg(org, email)
	c := e.newClient()
	if state := c.signInPassword(email); state != stateEnrollmentRequired {
		e.t.Fatalf("new admin's state = %q, want %q", state, stateEnrollmentRequired)
	}
	secret, _ := c.enroll()
	return c, admin, secret
}

// enrolledMember creates a member and enrols them; the client returned is
// signed in.
func (e *testEnv) enrolledMember(orgID int64, email string) (*client, *store.User, string) {
	e.t.Helper()
	member := e.createMember(orgID, email)
	c := e.newClient()
	if state := c.signInPassword(email); state != stateEnrollmentRequired {
		e.t.Fatalf("new member's state = %q, want %q", state, stateEnrollmentRequired)
	}
	secret, _ := c.enroll()
	return c, member, secret
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d; body %s", r.status, want, r.raw)
	}
}

func expectError(t *testing.T, r response, status int) {
	t.Helper()
	expectStatus(t, r, status)
	if message, _ := r.body["error"].(string); message == "" {
		t.Fatalf("error body has no message: %s", r.raw)
	}
}
