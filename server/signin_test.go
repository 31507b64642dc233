package server

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestWrongPasswordAndUnknownEmailLookAlike(t *testing.T) {
	env := newTestEnv(t)
	env.createOrg("Acme", "admin@acme.test")
	c := env.newClient()

	wrong := c.post("/api/session", map[string]string{
		"email": "admin@acme.test", "password": "not the password"})
	unknown := c.post("/api/session", map[string]string{
		"email": "nobody@acme.test", "password": "not the password"})

	expectError(t, wrong, http.StatusUnauthorized)
	expectError(t, unknown, http.StatusUnauthorized)
	if string(wrong.raw) != string(unknown.raw) {
		t.Errorf("bodies differ: %s vs %s", wrong.raw, unknown.raw)
	}
	if c.sessionCookie() != "" {
		t.Error("a failed sign-in set a session cookie")
	}
}

func TestPasswordStepAloneReachesOnlyTheCodeStep(t *testing.T) {
	env := newTestEnv(t)
	_, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	c := env.newClient()
	if state := c.signInPassword(admin.Email); state != stateTOTPRequired {
		t.Fatalf("state = %q, want totp_required", state)
	}

	for _, path := range []string{"/api/me", "/api/me/notifications", "/api/org/users",
		"/api/org/users/1", "/api/org/audit"} {
		expectError(t, c.get(path), http.StatusUnauthorized)
	}
	expectError(t, c.post("/api/org/users/1/totp-key", map[string]string{}),
		http.StatusUnauthorized)
	expectError(t, c.post("/api/session/step-up", map[string]string{"code": "123456"}),
		http.StatusUnauthorized)
	// The active key is never shown again, not even after the password.
	expectError(t, c.get("/api/me/enrollment"), http.StatusForbidden)
	expectError(t, c.post("/api/me/enrollment", map[string]string{"code": "123456"}),
		http.StatusForbidden)

	r := c.get("/api/session")
	expectStatus(t, r, http.StatusOK)
	if r.body["state"] != stateTOTPRequired {
		t.Errorf("GET /api/session state = %v, want totp_required", r.body["state"])
	}
}

func TestCodeStepSignsIn(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	c := env.newClient()
	c.signInPassword(admin.Email)

	r := c.post("/api/session/totp", map[string]string{"code": env.code(secret)})
	expectStatus(t, r, http.StatusOK)
	if r.body["state"] != stateAuthenticated {
		t.Errorf("state = %v, want authenticated", r.body["state"])
	}

	me := c.get("/api/me")
	expectStatus(t, me, http.StatusOK)
	if me.body["email"] != "admin@acme.test" || me.body["role"] != "admin" ||
		me.body["totp_status"] != "active" {
		t.Errorf("GET /api/me = %s", me.raw)
	}
	org := me.body["organization"].(map[string]any)
	if org["name"] != "Acme" {
		t.Errorf("organization = %v, want Acme", org)
	}
}

func TestCodeStepRejectsWrongAndMalformedCodes(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	c := env.newClient()
	c.signInPassword(admin.Email)

	right := env.code(secret)
	wrong := strconv.Itoa((mustAtoi(t, right) + 1) % 1_000_000)
	for len(wrong) < 6 {
		wrong = "0" + wrong
	}
	expectError(t, c.post("/api/session/totp", map[string]string{"code": wrong}),
		http.StatusUnauthorized)
	for _, malformed := range []string{"", "12345", "1234567", "12a456", "１２３４５６"} {
		expectError(t, c.post("/api/session/totp", map[string]string{"code": malformed}),
			http.StatusBadRequest)
	}
	expectError(t, c.get("/api/me"), http.StatusUnauthorized)

	// Spaces inside a code are fine.
	spaced := right[:3] + " " + right[3:]
	expectStatus(t, c.post("/api/session/totp", map[string]string{"code": spaced}),
		http.StatusOK)
}

func TestCodeIsAcceptedOnce(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	code := env.code(secret)

	first := env.newClient()
	first.signInPassword(admin.Email)
	expectStatus(t, first.post("/api/session/totp", map[string]string{"code": code}),
		http.StatusOK)

	second := env.newClient()
	second.signInPassword(admin.Email)
	expectError(t, second.post("/api/session/totp", map[string]string{"code": code}),
		http.StatusUnauthorized)

	// A code of an earlier step, still inside the skew window, is refused
	// too: the guard stores the latest step.
	env.nextStep()
	earlier, _ := codeAt(t, secret, env.clock.Now().Add(-30*time.Second))
	expectError(t, second.post("/api/session/totp", map[string]string{"code": earlier}),
		http.StatusUnauthorized)
	expectStatus(t, second.post("/api/session/totp", map[string]string{"code": env.code(secret)}),
		http.StatusOK)
}

func TestConcurrentRequestsWithOneCodeSignInOnce(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	code := env.code(secret)

	const attempts = 8
	clients := make([]*client, attempts)
	for i := range clients {
		clients[i] = env.newClient()
		clients[i].signInPassword(admin.Email)
	}
	statuses := make([]int, attempts)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = clients[i].post("/api/session/totp",
				map[string]string{"code": code}).status
		}()
	}
	close(start)
	wg.Wait()

	accepted := 0
	for _, status := range statuses {
		switch status {
		case http.StatusOK:
			accepted++
		case http.StatusUnauthorized, http.StatusTooManyRequests:
			// A replay counts as a failure, so the sixth one finds the
			// account locked.
		default:
			t.Errorf("unexpected status %d", status)
		}
	}
	if accepted != 1 {
		t.Errorf("%d requests with one code were accepted, want 1 (statuses %v)",
			accepted, statuses)
	}
}

func TestSessionIDChangesAtEachStep(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	c := env.newClient()

	c.signInPassword(admin.Email)
	halfDone := c.sessionCookie()
	expectStatus(t, c.post("/api/session/totp", map[string]string{"code": env.code(secret)}),
		http.StatusOK)
	signedIn := c.sessionCookie()
	if halfDone == "" || signedIn == "" || halfDone == signedIn {
		t.Fatalf("session ids: after password %q, after code %q", halfDone, signedIn)
	}

	// The half-done id is dead: a stolen copy of it can't ride on the
	// completed sign-in.
	stale := env.newClient()
	stale.setSessionCookie(halfDone)
	expectError(t, stale.get("/api/me"), http.StatusUnauthorized)
	r := stale.get("/api/session")
	if r.body["state"] != stateSignedOut {
		t.Errorf("stale session state = %v, want signed_out", r.body["state"])
	}
}

func TestForgedSessionCookieIsRejected(t *testing.T) {
	env := newTestEnv(t)
	env.enrolledAdmin("Acme", "admin@acme.test")
	for _, forged := range []string{"x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"../../etc/passwd", "' OR 1=1 --"} {
		c := env.newClient()
		c.setSessionCookie(forged)
		expectError(t, c.get("/api/me"), http.StatusUnauthorized)
	}
}

func TestHalfDoneSessionExpiresAfterFiveMinutes(t *testing.T) {
	env := newTestEnv(t)
	_, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)

	env.clock.Advance(5*time.Minute + time.Second)
	expectError(t, c.post("/api/session/totp", map[string]string{"code": env.code(secret)}),
		http.StatusUnauthorized)
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")

	// Requests every 20 minutes keep the session alive past the idle limit...
	for range 3 {
		env.clock.Advance(20 * time.Minute)
		expectStatus(t, c.get("/api/me"), http.StatusOK)
	}
	// ...but 31 quiet minutes end it.
	env.clock.Advance(31 * time.Minute)
	expectError(t, c.get("/api/me"), http.StatusUnauthorized)

	// Requests every 25 minutes keep a session for at most 12 hours.
	other, _, _ := env.enrolledAdmin("Beta", "admin@beta.test")
	for range 28 {
		env.clock.Advance(25 * time.Minute)
		expectStatus(t, other.get("/api/me"), http.StatusOK)
	}
	env.clock.Advance(25 * time.Minute) // 12 h 5 min after sign-in
	expectError(t, other.get("/api/me"), http.StatusUnauthorized)
}

func TestSignOutEndsTheSession(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	cookie := c.sessionCookie()

	r := c.call(http.MethodDelete, "/api/session", nil)
	expectStatus(t, r, http.StatusOK)
	expectError(t, c.get("/api/me"), http.StatusUnauthorized)

	replay := env.newClient()
	replay.setSessionCookie(cookie)
	expectError(t, replay.get("/api/me"), http.StatusUnauthorized)
}

func TestRecoveryCodeSignsInOnce(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme", "admin@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)
	_, codes := c.enroll()
	if len(codes) != 10 {
		t.Fatalf("got %d recovery codes, want 10", len(codes))
	}

	second := env.newClient()
	second.signInPassword(admin.Email)
	r := second.post("/api/session/recovery", map[string]string{"code": codes[3]})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, second.get("/api/me"), http.StatusOK)

	third := env.newClient()
	third.signInPassword(admin.Email)
	expectError(t, third.post("/api/session/recovery", map[string]string{"code": codes[3]}),
		http.StatusUnauthorized)
	expectError(t, third.post("/api/session/recovery", map[string]string{"code": "ABCDE-23456"}),
		http.StatusUnauthorized)
	expectError(t, third.post("/api/session/recovery", map[string]string{"code": "nonsense"}),
		http.StatusBadRequest)
	// Lower case with a space works as typed.
	typed := codes[4][:5] + " " + codes[4][6:]
	expectStatus(t, third.post("/api/session/recovery", map[string]string{"code": typed}),
		http.StatusOK)

	notifications := third.get("/api/me/notifications")
	expectStatus(t, notifications, http.StatusOK)
	list := notifications.body["notifications"].([]any)
	if len(list) == 0 {
		t.Fatal("no notification after a recovery code was used")
	}
	message := list[0].(map[string]any)["message"].(string)
	if want := "You have 8 left."; !contains(message, want) {
		t.Errorf("latest notification %q does not say %q", message, want)
	}
}

func TestDisabledUserCannotSignIn(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	memberClient, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")

	r := adminClient.call(http.MethodPatch, "/api/org/users/"+itoa(member.ID),
		map[string]any{"disabled": true})
	expectStatus(t, r, http.StatusOK)
	expectError(t, memberClient.get("/api/me"), http.StatusUnauthorized)

	again := env.newClient()
	r = again.post("/api/session",
		map[string]string{"email": member.Email, "password": testPassword})
	expectError(t, r, http.StatusForbidden)
	if again.sessionCookie() != "" {
		t.Error("a disabled user got a session cookie")
	}
}
