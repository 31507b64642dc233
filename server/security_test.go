package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWrongPasswordsAreThrottled(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	c := env.newClient()
	wrong := map[string]string{"email": "admin@acme.test", "password": "wrong password!"}

	for i := range 5 {
		expectError(t, c.post("/api/session", wrong), http.StatusUnauthorized)
		_ = i
	}
	r := c.post("/api/session", wrong)
	expectError(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After = %q, want 60", r.header.Get("Retry-After"))
	}
	// The right password waits too: the lock is on the account.
	right := map[string]string{"email": "admin@acme.test", "password": testPassword}
	expectError(t, env.newClient().post("/api/session", right), http.StatusTooManyRequests)

	// After the lock, one more failure locks for twice as long.
	env.clock.Advance(61 * time.Second)
	expectError(t, c.post("/api/session", wrong), http.StatusUnauthorized)
	r = c.post("/api/session", wrong)
	if r.header.Get("Retry-After") != "120" {
		t.Errorf("second lock: Retry-After = %q, want 120", r.header.Get("Retry-After"))
	}

	// A correct sign-in after the lock clears the count.
	env.clock.Advance(121 * time.Second)
	expectStatus(t, env.newClient().post("/api/session", right), http.StatusOK)
	r = env.newClient().post("/api/session", wrong)
	expectError(t, r, http.StatusUnauthorized)
}

func TestCorrectPasswordStepDoesNotResetCodeFailures(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	wrongCode := map[string]string{"code": "000000"}
	if env.code(secret) == "000000" {
		wrongCode["code"] = "111111"
	}

	// An attacker who has the password signs in again before each guess.
	for range 5 {
		c := env.newClient()
		c.signInPassword(admin.Email)
		expectError(t, c.post("/api/session/totp", wrongCode), http.StatusUnauthorized)
	}
	r := env.newClient().post("/api/session",
		map[string]string{"email": admin.Email, "password": testPassword})
	expectError(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestUnknownEmailsAreThrottledToo(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	body := map[string]string{"email": "ghost@acme.test", "password": "wrong password!"}
	for range 5 {
		expectError(t, c.post("/api/session", body), http.StatusUnauthorized)
	}
	expectError(t, c.post("/api/session", body), http.StatusTooManyRequests)
}

func TestClientAddressIsThrottledAcrossAccounts(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	for i := range 20 {
		r := c.post("/api/session", map[string]string{
			"email": "user" + strconv.Itoa(i) + "@acme.test", "password": "wrong password!"})
		expectError(t, r, http.StatusUnauthorized)
	}
	r := c.post("/api/session", map[string]string{
		"email": "fresh@acme.test", "password": "wrong password!"})
	expectError(t, r, http.StatusTooManyRequests)
}

func TestCrossOriginWritesAreRejected(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	c := env.newClient()

	body := `{"email":"admin@acme.test","password":"` + testPassword + `"}`
	for _, header := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
			strings.NewReader(body))
		request.Header.Set("Content-Type", "application/json")
		for name, value := range header {
			request.Header.Set(name, value)
		}
		r := c.send(request)
		expectError(t, r, http.StatusForbidden)
		if c.sessionCookie() != "" {
			t.Errorf("a cross-origin sign-in (%v) set a session", header)
		}
	}

	sameOrigin, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
		strings.NewReader(body))
	sameOrigin.Header.Set("Content-Type", "application/json")
	sameOrigin.Header.Set("Sec-Fetch-Site", "same-origin")
	expectStatus(t, c.send(sameOrigin), http.StatusOK)
}

func TestSessionCookieAttributes(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
		strings.NewReader(`{"email":"admin@acme.test","password":"`+testPassword+`"}`))
	request.Header.Set("Content-Type", "application/json")
	answer, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	answer.Body.Close()

	cookies := answer.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	cookie := cookies[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	if cookie.Secure {
		t.Error("cookie is Secure on plain HTTP without --secure-cookies")
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	api := c.get("/api/session")
	page := c.get("/org/users")

	for name, r := range map[string]response{"API": api, "page": page} {
		csp := r.header.Get("Content-Security-Policy")
		for _, part := range []string{"script-src 'self'", "frame-ancestors 'none'",
			"default-src 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, part) {
				t.Errorf("%s CSP %q lacks %q", name, csp, part)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s CSP allows inline or eval: %q", name, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s lacks nosniff", name)
		}
		if r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s Referrer-Policy = %q", name, r.header.Get("Referrer-Policy"))
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s sends HSTS over plain HTTP", name)
		}
	}
	if api.header.Get("Cache-Control") != "no-store" {
		t.Errorf("API Cache-Control = %q, want no-store", api.header.Get("Cache-Control"))
	}
}

func TestHSTSWithSecureCookies(t *testing.T) {
	env := newTestEnv(t)
	srv, err := New(Config{SecureCookies: true, Now: env.clock.Now}, env.store, env.keys,
		testAssets)
	if err != nil {
		t.Fatal(err)
	}
	request, _ := http.NewRequest(http.MethodGet, "/api/session", nil)
	recorder := newRecorder()
	srv.Handler().ServeHTTP(recorder, request)
	if !strings.HasPrefix(recorder.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HSTS = %q", recorder.Header().Get("Strict-Transport-Security"))
	}
}

func TestMalformedBodiesGetClear4xx(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	cases := []struct {
		name, contentType, body string
		status                  int
	}{
		{"not JSON", "application/json", "{nope", http.StatusBadRequest},
		{"empty", "application/json", "", http.StatusBadRequest},
		{"unknown field", "application/json", `{"email":"a@b.c","password":"x","admin":true}`,
			http.StatusBadRequest},
		{"wrong type", "application/json", `{"email":1,"password":"x"}`, http.StatusBadRequest},
		{"two values", "application/json", `{"email":"a","password":"b"}{}`,
			http.StatusBadRequest},
		{"array", "application/json", `[1,2]`, http.StatusBadRequest},
		{"form", "application/x-www-form-urlencoded", "email=a&password=b",
			http.StatusUnsupportedMediaType},
		{"too large", "application/json",
			`{"email":"` + strings.Repeat("a", 70*1024) + `","password":"x"}`,
			http.StatusRequestEntityTooLarge},
	}
	for _, tc := range cases {
		request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
			strings.NewReader(tc.body))
		request.Header.Set("Content-Type", tc.contentType)
		r := c.send(request)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d; body %s", tc.name, r.status, tc.status, r.raw)
		}
		if message, _ := r.body["error"].(string); message == "" {
			t.Errorf("%s: no error message: %s", tc.name, r.raw)
		}
	}

	// A body sent in chunks has no length to check up front; it is cut off
	// while it is read.
	chunked := io.MultiReader(strings.NewReader(`{"email":"` + strings.Repeat("a", 70*1024) +
		`","password":"x"}`))
	request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session", chunked)
	request.Header.Set("Content-Type", "application/json")
	r := c.send(request)
	expectError(t, r, http.StatusRequestEntityTooLarge)
	if r.body["error"] != "The request body is larger than 64 KiB." {
		t.Errorf("chunked: error = %q", r.body["error"])
	}

	for _, body := range []string{`[]`, `"text"`, `42`, `null`} {
		request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
			strings.NewReader(body))
		request.Header.Set("Content-Type", "application/json")
		r := c.send(request)
		expectError(t, r, http.StatusBadRequest)
		if body != "null" && r.body["error"] != "The request body must hold a single JSON object." {
			t.Errorf("body %s: error = %q", body, r.body["error"])
		}
	}
}

func TestUnknownAPIPathsAndAppPages(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	admin, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")

	// Under /api/org the admin check runs first, so only an admin learns
	// that a path there does not exist.
	for _, r := range []response{c.get("/api/nope"), c.get("/api/"),
		admin.get("/api/org/nope/deeper"), admin.call(http.MethodPut, "/api/me/x", nil)} {
		expectError(t, r, http.StatusNotFound)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
		}
	}
	// A path that exists with another method gets 405 and the methods it has.
	for path, allow := range map[string]string{
		"/api/session":               "DELETE, GET, POST",
		"/api/me":                    "GET",
		"/api/org/users/12/totp-key": "POST",
	} {
		r := admin.call(http.MethodPut, path, nil)
		if r.status != http.StatusMethodNotAllowed {
			t.Errorf("PUT %s: status %d, want 405", path, r.status)
		}
		if r.header.Get("Allow") != allow {
			t.Errorf("PUT %s: Allow = %q, want %q", path, r.header.Get("Allow"), allow)
		}
	}
	for _, path := range []string{"/", "/login", "/org/users/12", "/enroll?x=1"} {
		r := c.get(path)
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.raw), "Gatehouse app") {
			t.Errorf("%s did not serve index.html: %s", path, r.raw)
		}
	}
	asset := c.get("/assets/app-1.js")
	expectStatus(t, asset, http.StatusOK)
	if !strings.Contains(asset.header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset Cache-Control = %q", asset.header.Get("Cache-Control"))
	}
	expectStatus(t, c.get("/healthz"), http.StatusOK)
}

// TestLogsHoldNoSecrets runs a whole sign-in, enrolment and reset with the
// log captured, then looks for every secret in it.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu},
		&slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(previous) })

	env := newTestEnv(t)
	admin := env.createOrg("Acme", "admin@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)
	halfDoneID := c.sessionCookie()
	secret, recovery := c.enroll()
	signedInID := c.sessionCookie()
	env.nextStep()
	code := env.code(secret)
	other := env.newClient()
	other.signInPassword(admin.Email)
	other.post("/api/session/totp", map[string]string{"code": code})
	other.post("/api/session/totp", map[string]string{"code": code})
	third := env.newClient()
	third.signInPassword(admin.Email)
	third.post("/api/session/recovery", map[string]string{"code": recovery[0]})
	third.post("/api/session",
		map[string]string{"email": admin.Email, "password": "wrong password!"})

	mu.Lock()
	defer mu.Unlock()
	text := logs.String()
	if !strings.Contains(text, "HTTP request") {
		t.Fatal("nothing was logged, so the test proves nothing")
	}
	for name, value := range map[string]string{
		"password": testPassword, "wrong password": "wrong password!", "TOTP secret": secret,
		"code": code, "recovery code": recovery[0], "half-done session id": halfDoneID,
		"session id": signedInID, "other session id": other.sessionCookie(),
	} {
		if value != "" && strings.Contains(text, value) {
			t.Errorf("the log contains the %s", name)
		}
	}
}

// sendInParallel posts body to path from all clients at once and returns
// how many responses had each status.
func sendInParallel(t *testing.T, clients []*client, path string, body any) map[int]int {
	t.Helper()
	statuses := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { statuses[i] = c.post(path, body).status })
	}
	wg.Wait()
	counts := map[int]int{}
	for _, status := range statuses {
		counts[status]++
	}
	return counts
}

// expectAtMostTheLimitChecked fails the test unless between one and the
// account's limit of the sent guesses were checked (401) and the rest
// turned away (429).
func expectAtMostTheLimitChecked(t *testing.T, counts map[int]int, sent int) {
	t.Helper()
	checked := counts[http.StatusUnauthorized]
	if checked < 1 || checked > accountFailureLimit {
		t.Errorf("%d of %d parallel guesses were checked, want 1 to %d (statuses %v)",
			checked, sent, accountFailureLimit, counts)
	}
	if checked+counts[http.StatusTooManyRequests] != sent {
		t.Errorf("statuses %v, want only 401 and 429", counts)
	}
}

func TestParallelWrongPasswordsStopAtTheLimit(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	clients := make([]*client, 30)
	for i := range clients {
		clients[i] = env.newClient()
	}

	wrong := map[string]string{"email": "admin@acme.test", "password": "wrong password!"}
	counts := sendInParallel(t, clients, "/api/session", wrong)
	expectAtMostTheLimitChecked(t, counts, len(clients))

	// Once the burst is over, the failures count as usual.
	for range 5 - counts[http.StatusUnauthorized] {
		expectError(t, env.newClient().post("/api/session", wrong), http.StatusUnauthorized)
	}
	right := map[string]string{"email": "admin@acme.test", "password": testPassword}
	expectError(t, env.newClient().post("/api/session", right), http.StatusTooManyRequests)
}

func TestParallelWrongCodesStopAtTheLimit(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	wrongCode := map[string]string{"code": "000000"}
	if env.code(secret) == "000000" {
		wrongCode["code"] = "111111"
	}
	clients := make([]*client, 30)
	for i := range clients {
		clients[i] = env.newClient()
		clients[i].signInPassword(admin.Email)
	}

	counts := sendInParallel(t, clients, "/api/session/totp", wrongCode)
	expectAtMostTheLimitChecked(t, counts, len(clients))
}

// An attempt whose request never finished, as when its instance stopped,
// holds its place in the limit only for a while.
func TestUnfinishedAttemptsStopCountingAfterTimeout(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	rules := throttleRules("admin@acme.test", "192.0.2.1")
	for range accountFailureLimit {
		until, err := env.store.ClaimAttempt(context.Background(), env.clock.Now(), rules...)
		if err != nil || !until.IsZero() {
			t.Fatalf("ClaimAttempt = %v, %v; want a claim", until, err)
		}
	}

	right := map[string]string{"email": "admin@acme.test", "password": testPassword}
	r := env.newClient().post("/api/session", right)
	expectError(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q while attempts are in flight, want 1",
			r.header.Get("Retry-After"))
	}
	env.clock.Advance(31 * time.Second)
	expectStatus(t, env.newClient().post("/api/session", right), http.StatusOK)
}

func TestNamesRejectInvisibleAndDirectionCharacters(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	cases := map[string]string{
		"\u200b":            "Enter the name.",
		" \u200b\u2060 ":    "Enter the name.",
		"evil\u202egnp.exe": "The name must not contain control characters or direction marks.",
		"ada\u2066x\u2069":  "The name must not contain control characters or direction marks.",
		"\u3164":            "Enter the name.",
		"\u2800\u115F":      "Enter the name.",
		"\u0301\uFE0F":      "Enter the name.",
		"ada\u2028lovelace": "The name must not contain control characters or direction marks.",
	}
	for name, want := range cases {
		r := c.post("/api/org/users", map[string]any{
			"email": "new@acme.test", "name": name, "password": "a long new password 9876"})
		expectError(t, r, http.StatusBadRequest)
		if r.body["error"] != want {
			t.Errorf("name %q: error = %q, want %q", name, r.body["error"], want)
		}
	}

	// Scripts that join letters with U+200C and U+200D keep working.
	r := c.post("/api/org/users", map[string]any{
		"email": "new@acme.test", "name": "می\u200cخواهم", "password": "a long new password 9876"})
	expectStatus(t, r, http.StatusCreated)
}

func TestClientRequestIDLimits(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	for id, kept := range map[string]bool{
		"abc-123.DEF_4:5":           true,
		strings.Repeat("a", 128):    true,
		strings.Repeat("a", 129):    false,
		`a b" level=ERROR msg=fake`: false,
	} {
		request, _ := http.NewRequest(http.MethodGet, env.http.URL+"/healthz", nil)
		request.Header.Set("X-Request-Id", id)
		r := c.send(request)
		got := r.header.Get("X-Request-Id")
		if (got == id) != kept || got == "" {
			t.Errorf("X-Request-Id %.20q came back as %.20q; kept = %v, want %v",
				id, got, got == id, kept)
		}
	}
}

// A client that sends a guess and closes its side of the connection at
// once cancels the request's context. A guess that was checked (the client
// can still read the 401) must count all the same.
func TestGuessFromClosedConnectionStillCounts(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	body := `{"email":"admin@acme.test","password":"wrong password!"}`
	raw := "POST /api/session HTTP/1.1\r\nHost: " + env.http.Listener.Addr().String() +
		"\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body

	checked := 0
	for i := range 2 * accountFailureLimit {
		conn, err := net.Dial("tcp", env.http.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		conn.(*net.TCPConn).CloseWrite()
		answer, _ := io.ReadAll(conn)
		conn.Close()
		if bytes.Contains(answer, []byte(" 500 ")) {
			t.Errorf("guess %d: a closed connection got a 500: %s", i, answer)
		}
		if bytes.HasPrefix(answer, []byte("HTTP/1.1 401 ")) {
			checked++
		}
	}

	wrong := map[string]string{"email": "admin@acme.test", "password": "wrong password!"}
	for checked < accountFailureLimit+1 {
		r := env.newClient().post("/api/session", wrong)
		if r.status == http.StatusTooManyRequests {
			return
		}
		expectError(t, r, http.StatusUnauthorized)
		checked++
	}
	t.Errorf("%d guesses were checked without a lock, want at most %d", checked,
		accountFailureLimit)
}

func TestLongEmailsShareOneBoundedThrottleKey(t *testing.T) {
	long := strings.Repeat("a", 10_000) + "@acme.test"
	key := accountThrottleKey(long)
	if len(key) != len("account:")+maxEmailLength {
		t.Errorf("key length = %d, want %d", len(key), len("account:")+maxEmailLength)
	}
	if accountThrottleKey(long+"x") != key {
		t.Error("two emails with the same first 254 bytes got different keys")
	}
	if got := accountThrottleKey(" Ada@Acme.TEST "); got != "account:ada@acme.test" {
		t.Errorf("accountThrottleKey = %q, want the normalised email", got)
	}
}
