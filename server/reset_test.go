package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gatehouse/server/store"
)

func TestEnrollmentShowsKeyAndQRCode(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme: R&D", "ada@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)

	r := c.get("/api/me/enrollment")
	expectStatus(t, r, http.StatusOK)
	secret := r.body["secret"].(string)
	wantURL := "otpauth://totp/Acme%20R%26D:ada%40acme.test?secret=" + secret +
		"&issuer=Acme%3A%20R%26D&algorithm=SHA1&digits=6&period=30"
	if r.body["otpauth_url"] != wantURL {
		t.Errorf("otpauth_url = %v, want %s", r.body["otpauth_url"], wantURL)
	}
	if got := decodeQR(t, r.body["qr_png"].(string)); got != wantURL {
		t.Errorf("QR code holds %q, want %q", got, wantURL)
	}
	if r.body["previous_key"] != false {
		t.Errorf("previous_key = %v for a first key", r.body["previous_key"])
	}

	// Until confirmed, the same pending key is shown again.
	again := c.get("/api/me/enrollment")
	if again.body["secret"] != secret {
		t.Error("a second GET showed a different pending key")
	}
	// The TOTP step is closed while enrolment is required.
	expectError(t, c.post("/api/session/totp", map[string]string{"code": env.code(secret)}),
		http.StatusForbidden)
	expectError(t, c.get("/api/me"), http.StatusUnauthorized)
}

func TestEnrollmentRejectsWrongCodeAndKeepsKeyPending(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme", "ada@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)
	secret := c.get("/api/me/enrollment").body["secret"].(string)

	stale, _ := codeAt(t, secret, env.clock.Now().Add(-3*time.Minute))
	r := c.post("/api/me/enrollment", map[string]string{"code": stale})
	expectError(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.body["error"].(string), "180 seconds behind") {
		t.Errorf("error %q does not mention the clock offset", r.body["error"])
	}
	user, _ := env.store.UserByID(context.Background(), admin.ID)
	if user.TOTPStatus != store.TOTPPending {
		t.Errorf("totp_status = %q after a wrong code, want pending", user.TOTPStatus)
	}

	r = c.post("/api/me/enrollment", map[string]string{"code": env.code(secret)})
	expectStatus(t, r, http.StatusOK)
	if r.body["state"] != stateAuthenticated {
		t.Errorf("state = %v", r.body["state"])
	}
	// Once active, the key is never shown again.
	expectError(t, c.get("/api/me/enrollment"), http.StatusNotFound)
}

func TestEnrollmentCodeCannotBeReusedForSignIn(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme", "ada@acme.test")
	c := env.newClient()
	c.signInPassword(admin.Email)
	secret := c.get("/api/me/enrollment").body["secret"].(string)
	code := env.code(secret)
	expectStatus(t, c.post("/api/me/enrollment", map[string]string{"code": code}),
		http.StatusOK)

	other := env.newClient()
	other.signInPassword(admin.Email)
	expectError(t, other.post("/api/session/totp", map[string]string{"code": code}),
		http.StatusUnauthorized)
}

// TestGenerateNewKeyFlow walks the whole reset: the admin generates a key,
// the member's session and old key die, the member gets the notice, enrols
// the new key, and the old key's codes stay refused.
func TestGenerateNewKeyFlow(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	memberClient, member, oldSecret := env.enrolledMember(admin.OrganizationID, "ada@acme.test")
	env.nextStep()

	r := adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key",
		map[string]string{"reason": "lost phone"})
	expectStatus(t, r, http.StatusOK)
	if r.body["totp_status"] != "pending" || len(r.body) != 1 {
		t.Errorf("reset answer = %s, want only totp_status pending", r.raw)
	}
	if strings.Contains(string(r.raw), oldSecret) {
		t.Error("the reset answer contains a key")
	}

	// The member's open session died at once.
	expectError(t, memberClient.get("/api/me"), http.StatusUnauthorized)

	// The old key no longer signs in: the password step sends the member to
	// enrolment, and the code step is closed.
	c := env.newClient()
	if state := c.signInPassword(member.Email); state != stateEnrollmentRequired {
		t.Fatalf("state = %q, want enrollment_required", state)
	}
	expectError(t, c.post("/api/session/totp", map[string]string{"code": env.code(oldSecret)}),
		http.StatusForbidden)

	enrollment := c.get("/api/me/enrollment")
	expectStatus(t, enrollment, http.StatusOK)
	newSecret := enrollment.body["secret"].(string)
	if newSecret == oldSecret {
		t.Fatal("the new key equals the old one")
	}
	if enrollment.body["previous_key"] != true {
		t.Error("previous_key is not true after a reset")
	}
	// The newest unread notification comes first: the reset notice.
	notices := enrollment.body["notifications"].([]any)
	if len(notices) == 0 {
		t.Fatal("enrolment shows no notification")
	}
	notice := notices[0].(map[string]any)["message"].(string)
	if !strings.Contains(notice, "Two-step verification has been activated") ||
		!strings.Contains(notice, "new key") {
		t.Errorf("newest notice = %q", notice)
	}

	// A code of the old key is recognised and refused.
	r = c.post("/api/me/enrollment", map[string]string{"code": env.code(oldSecret)})
	expectError(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.body["error"].(string), "previous key") {
		t.Errorf("error = %q, want a hint about the previous key", r.body["error"])
	}
	r = c.post("/api/me/enrollment", map[string]string{"code": env.code(newSecret)})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, c.get("/api/me"), http.StatusOK)

	// From now on only the new key works.
	env.nextStep()
	later := env.newClient()
	later.signInPassword(member.Email)
	expectError(t, later.post("/api/session/totp", map[string]string{"code": env.code(oldSecret)}),
		http.StatusUnauthorized)
	expectStatus(t, later.post("/api/session/totp",
		map[string]string{"code": env.code(newSecret)}), http.StatusOK)

	audit := adminClient.get("/api/org/audit?user_id=" + itoa(member.ID))
	expectStatus(t, audit, http.StatusOK)
	if !hasAuditEvent(audit, "totp.reset", admin.Email, member.Email, "lost phone") {
		t.Errorf("no totp.reset event by the admin: %s", audit.raw)
	}
}

func TestResetRevokesOldRecoveryCodes(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	c := env.newClient()
	c.signInPassword(member.Email)
	_, codes := c.enroll()

	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)
	again := env.newClient()
	again.signInPassword(member.Email)
	expectError(t, again.post("/api/session/recovery", map[string]string{"code": codes[0]}),
		http.StatusForbidden)
	n, _ := env.store.CountUnusedRecoveryCodes(context.Background(), member.ID)
	if n != 0 {
		t.Errorf("%d recovery codes survived the reset", n)
	}
}

func TestGenerateKeyNeedsRecentCode(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, adminSecret := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	path := "/api/org/users/" + itoa(member.ID) + "/totp-key"

	env.clock.Advance(9 * time.Minute)
	expectStatus(t, adminClient.get("/api/me"), http.StatusOK)
	env.clock.Advance(2 * time.Minute)
	r := adminClient.post(path, nil)
	expectError(t, r, http.StatusForbidden)
	if r.body["step_up"] != true {
		t.Fatalf("answer = %s, want step_up true", r.raw)
	}
	user, _ := env.store.UserByID(context.Background(), member.ID)
	if user.TOTPStatus != store.TOTPOff {
		t.Errorf("totp_status = %q: the refused reset changed the user", user.TOTPStatus)
	}

	expectError(t, adminClient.post("/api/session/step-up", map[string]string{"code": "000000"}),
		http.StatusUnauthorized)
	expectStatus(t, adminClient.post("/api/session/step-up",
		map[string]string{"code": env.code(adminSecret)}), http.StatusOK)
	expectStatus(t, adminClient.post(path, nil), http.StatusOK)
}

func TestAccessChangesNeedRecentCode(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, adminSecret := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	path := "/api/org/users/" + itoa(member.ID)
	env.clock.Advance(9 * time.Minute)
	expectStatus(t, adminClient.get("/api/me"), http.StatusOK)
	env.clock.Advance(2 * time.Minute)

	for _, change := range []map[string]any{{"role": "admin"}, {"disabled": true}} {
		r := adminClient.call(http.MethodPatch, path, change)
		expectError(t, r, http.StatusForbidden)
		if r.body["step_up"] != true {
			t.Errorf("PATCH %v: answer = %s, want step_up true", change, r.raw)
		}
	}
	r := adminClient.call(http.MethodDelete, path, nil)
	expectError(t, r, http.StatusForbidden)
	if r.body["step_up"] != true {
		t.Errorf("DELETE: answer = %s, want step_up true", r.raw)
	}
	user, err := env.store.UserByID(context.Background(), member.ID)
	if err != nil || user.Role != store.RoleMember || user.Disabled {
		t.Fatalf("a refused change changed the user: %+v, %v", user, err)
	}
	// A new name changes no access, so it needs no fresh code.
	expectStatus(t, adminClient.call(http.MethodPatch, path, map[string]any{"name": "Ada L."}),
		http.StatusOK)

	expectStatus(t, adminClient.post("/api/session/step-up",
		map[string]string{"code": env.code(adminSecret)}), http.StatusOK)
	expectStatus(t, adminClient.call(http.MethodPatch, path, map[string]any{"role": "admin"}),
		http.StatusOK)
	expectStatus(t, adminClient.call(http.MethodDelete, path, nil), http.StatusOK)
}

func TestExpiredResetKeyBlocksPasswordStep(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	_, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")
	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)

	env.clock.Advance(72*time.Hour + time.Minute)
	c := env.newClient()
	r := c.post("/api/session", map[string]string{"email": member.Email, "password": testPassword})
	expectError(t, r, http.StatusForbidden)
	if !strings.Contains(r.body["error"].(string), "Ask an administrator") {
		t.Errorf("error = %q", r.body["error"])
	}
	if c.sessionCookie() != "" {
		t.Error("an expired reset still gave a session")
	}
}

func TestBreakGlassResetFromCommandLine(t *testing.T) {
	env := newTestEnv(t)
	_, admin, oldSecret := env.enrolledAdmin("Acme", "admin@acme.test")

	ctx := context.Background()
	if err := BreakGlassReset(ctx, env.store, env.keys, "ADMIN@acme.test"); err != nil {
		t.Fatal(err)
	}
	c := env.newClient()
	if state := c.signInPassword(admin.Email); state != stateEnrollmentRequired {
		t.Fatalf("state = %q, want enrollment_required", state)
	}
	newSecret, _ := c.enroll()
	if newSecret == oldSecret {
		t.Error("the break-glass reset kept the old key")
	}
	if err := BreakGlassReset(ctx, env.store, env.keys, "nobody@x.test"); err == nil {
		t.Error("a reset of an unknown email succeeded")
	}
}

func hasAuditEvent(r response, action, actor, target, detail string) bool {
	for _, raw := range r.body["events"].([]any) {
		event := raw.(map[string]any)
		if event["action"] == action && event["actor_email"] == actor &&
			event["target_email"] == target && event["detail"] == detail {
			return true
		}
	}
	return false
}

// Two admins pressing Generate new key at the same moment must leave one
// pending key: a second one would let the password alone set up a new key
// after the user confirmed the first.
func TestParallelResetsLeaveOnePendingKey(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	_, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")

	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key",
				nil).status
		})
	}
	wg.Wait()
	for i, status := range statuses {
		if status != http.StatusOK {
			t.Errorf("reset %d answered %d, want 200", i, status)
		}
	}

	c := env.newClient()
	c.signInPassword(member.Email)
	c.enroll()
	if _, err := env.store.KeyByStatus(context.Background(), member.ID,
		store.KeyPending); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a pending key is left after confirming one (err %v)", err)
	}
	env.nextStep()
	r := env.newClient().post("/api/session",
		map[string]string{"email": member.Email, "password": testPassword})
	expectStatus(t, r, http.StatusOK)
	if r.body["state"] != stateTOTPRequired {
		t.Errorf("state after the password = %v, want %s", r.body["state"], stateTOTPRequired)
	}
}

// A second reset before the user enrolled replaces a pending key that was
// never in their app; the hint still recognises the key that is.
func TestPreviousKeyHintAfterTwoResets(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	_, member, oldSecret := env.enrolledMember(admin.OrganizationID, "ada@acme.test")
	resetPath := "/api/org/users/" + itoa(member.ID) + "/totp-key"
	expectStatus(t, adminClient.post(resetPath, nil), http.StatusOK)
	expectStatus(t, adminClient.post(resetPath, nil), http.StatusOK)

	c := env.newClient()
	c.signInPassword(member.Email)
	enrollment := c.get("/api/me/enrollment")
	if enrollment.body["previous_key"] != true {
		t.Error("previous_key is not true after two resets")
	}
	r := c.post("/api/me/enrollment", map[string]string{"code": env.code(oldSecret)})
	expectError(t, r, http.StatusUnauthorized)
	if !strings.Contains(r.body["error"].(string), "previous key") {
		t.Errorf("error = %q, want a hint about the previous key", r.body["error"])
	}
}

func TestUserPageShowsWhenThePendingKeyLapses(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	_, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")
	path := "/api/org/users/" + itoa(member.ID)
	if r := adminClient.get(path); r.body["pending_key_expires_at"] != nil {
		t.Errorf("an active key shows an expiry: %s", r.raw)
	}

	resetAt := env.clock.Now()
	expectStatus(t, adminClient.post(path+"/totp-key", nil), http.StatusOK)
	r := adminClient.get(path)
	expectStatus(t, r, http.StatusOK)
	raw, _ := r.body["pending_key_expires_at"].(string)
	expires, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		t.Fatalf("pending_key_expires_at = %q: %v", raw, err)
	}
	if want := resetAt.Add(72 * time.Hour); !expires.Equal(want) {
		t.Errorf("pending_key_expires_at = %v, want %v", expires, want)
	}
}
