package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	env := newTestEnv(t)
	c, admin, secret := env.enrolledAdmin("Acme", "admin@acme.test")
	env.nextStep()
	other := env.newClient()
	other.signInFully(admin.Email, secret)

	wrong := c.post("/api/me/password", map[string]string{
		"current_password": "not it at all", "new_password": "a brand new passphrase"})
	expectError(t, wrong, http.StatusUnauthorized)
	weak := c.post("/api/me/password", map[string]string{
		"current_password": testPassword, "new_password": "password1234"})
	expectError(t, weak, http.StatusBadRequest)
	expectStatus(t, other.get("/api/me"), http.StatusOK)

	r := c.post("/api/me/password", map[string]string{
		"current_password": testPassword, "new_password": "a brand new passphrase"})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, c.get("/api/me"), http.StatusOK)
	expectError(t, other.get("/api/me"), http.StatusUnauthorized)

	old := env.newClient().post("/api/session",
		map[string]string{"email": admin.Email, "password": testPassword})
	expectError(t, old, http.StatusUnauthorized)
	fresh := env.newClient().post("/api/session",
		map[string]string{"email": admin.Email, "password": "a brand new passphrase"})
	expectStatus(t, fresh, http.StatusOK)
}

func TestOrganisationSettings(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	memberClient, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")

	r := c.get("/api/org")
	expectStatus(t, r, http.StatusOK)
	if r.body["two_factor_policy"] != "all" || r.body["pending_key_hours"] != float64(72) {
		t.Errorf("defaults = %s", r.raw)
	}
	expectError(t, memberClient.get("/api/org"), http.StatusForbidden)
	for _, bad := range []map[string]any{{}, {"pending_key_hours": 0},
		{"pending_key_hours": 721}, {"two_factor_policy": "nobody"}, {"name": ""}} {
		expectError(t, c.call(http.MethodPatch, "/api/org", bad), http.StatusBadRequest)
	}

	r = c.call(http.MethodPatch, "/api/org", map[string]any{"pending_key_hours": 1})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, c.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil), http.StatusOK)
	env.clock.Advance(61 * time.Minute)
	late := env.newClient().post("/api/session",
		map[string]string{"email": member.Email, "password": testPassword})
	expectError(t, late, http.StatusForbidden)
}

func TestAdminsOnlyPolicyLetsMembersSkipEnrolment(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	expectStatus(t, c.call(http.MethodPatch, "/api/org",
		map[string]any{"two_factor_policy": "admins"}), http.StatusOK)

	m := env.newClient()
	if state := m.signInPassword(member.Email); state != stateAuthenticated {
		t.Errorf("member state = %q, want authenticated", state)
	}
	expectStatus(t, m.get("/api/me"), http.StatusOK)
	second := env.createMember(admin.OrganizationID, "boss@acme.test")
	expectStatus(t, c.call(http.MethodPatch, "/api/org/users/"+itoa(second.ID),
		map[string]any{"role": "admin"}), http.StatusOK)
	if state := env.newClient().signInPassword(second.Email); state != stateEnrollmentRequired {
		t.Errorf("new admin's state = %q, want enrollment_required", state)
	}
}

// A member let in with the password alone must not become an admin in
// that same session, nor keep it once everyone needs a second step.
func TestPasswordOnlySessionEndsWhenMoreIsRequired(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	expectStatus(t, c.call(http.MethodPatch, "/api/org",
		map[string]any{"two_factor_policy": "admins"}), http.StatusOK)
	promoted := env.createMember(admin.OrganizationID, "ada@acme.test")
	stays := env.createMember(admin.OrganizationID, "bob@acme.test")
	promotedClient, staysClient := env.newClient(), env.newClient()
	promotedClient.signInPassword(promoted.Email)
	staysClient.signInPassword(stays.Email)

	// A password-only session never counts as a fresh second factor.
	record, _, err := env.store.SessionWithUser(context.Background(),
		hashSessionID(promotedClient.sessionCookie()))
	if err != nil {
		t.Fatal(err)
	}
	if record.SecondFactorAt != nil {
		t.Errorf("a password-only session has second_factor_at %v", record.SecondFactorAt)
	}

	expectStatus(t, c.call(http.MethodPatch, "/api/org/users/"+itoa(promoted.ID),
		map[string]any{"role": "admin"}), http.StatusOK)
	expectError(t, promotedClient.get("/api/org/users"), http.StatusUnauthorized)
	expectError(t, promotedClient.get("/api/me"), http.StatusUnauthorized)
	expectStatus(t, staysClient.get("/api/me"), http.StatusOK)

	expectStatus(t, c.call(http.MethodPatch, "/api/org",
		map[string]any{"two_factor_policy": "all"}), http.StatusOK)
	expectError(t, staysClient.get("/api/me"), http.StatusUnauthorized)
	// The admin's own session, opened with a code, goes on.
	expectStatus(t, c.get("/api/me"), http.StatusOK)
}

// TestDatabaseHoldsNoSecretInClear reads the SQLite file itself after a
// sign-up, a sign-in and a reset, looking for any secret in plain text.
func TestDatabaseHoldsNoSecretInClear(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, adminSecret := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	c := env.newClient()
	c.signInPassword(member.Email)
	memberSecret, recovery := c.enroll()
	cookie := c.sessionCookie()
	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)
	c = env.newClient()
	c.signInPassword(member.Email)
	pendingSecret := c.get("/api/me/enrollment").body["secret"].(string)

	if env.store.Dialect() != store.SQLite {
		t.Skip("reads the SQLite file; PostgreSQL keeps the same rows")
	}
	dir := filepath.Dir(env.databaseFile())
	if err := env.store.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	var contents []byte
	entries, _ := os.ReadDir(dir)
	for _, entry := range entries {
		if strings.HasPrefix(entry.Name(), "gatehouse.db") {
			data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
			if err != nil {
				t.Fatal(err)
			}
			contents = append(contents, data...)
		}
	}
	if !bytes.Contains(contents, []byte("ada@acme.test")) {
		t.Fatal("the file does not even contain the email: the test reads the wrong file")
	}
	for name, value := range map[string]string{
		"admin's key": adminSecret, "member's old key": memberSecret,
		"member's pending key": pendingSecret, "recovery code": recovery[0],
		"recovery code without dash": strings.ReplaceAll(recovery[0], "-", ""),
		"password":                   testPassword, "session id": cookie,
	} {
		if bytes.Contains(contents, []byte(value)) {
			t.Errorf("the database contains the %s in clear", name)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"email":"a@b.c","password":"x"}`, `{`, `[]`, `null`,
		`{"email":1}`, `{"email":"a"}{"email":"b"}`, `{"extra":true}`, "\x00", `"str"`} {
		f.Add(seed)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body string) {
		request, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		request.Header.Set("Content-Type", "application/json")
		c := e.NewContext(request, newRecorder())
		var target credentialsRequest
		err := decodeJSON(c, &target)
		if err == nil {
			return
		}
		status, _ := errorResponse(err, c)
		if status < 400 || status >= 500 {
			t.Fatalf("body %q: status %d, want a 4xx", body, status)
		}
	})
}

// The password check takes tens of milliseconds, so the user a sign-in read
// may change before its session is stored. The store refuses that session.
func TestSessionIsNotStoredForAChangedUser(t *testing.T) {
	env := newTestEnv(t)
	_, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	ctx := context.Background()
	newSession := func() *store.Session {
		now := env.clock.Now()
		return &store.Session{IDHash: hashSessionID(strconv.Itoa(int(now.UnixNano()))),
			UserID: member.ID, Stage: store.StageAuthenticated, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	}

	read, err := env.store.UserByID(ctx, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.store.ReplaceSession(ctx, "", newSession(), nil, nil, read); err != nil {
		t.Fatalf("unchanged user: %v", err)
	}
	err = env.store.ReplaceSession(ctx, "no-such-session", newSession(), nil, nil, read)
	if !errors.Is(err, store.ErrSessionChanged) {
		t.Errorf("revoked old session: err = %v, want ErrSessionChanged", err)
	}

	role := store.RoleAdmin
	if _, err := env.store.UpdateUser(ctx, admin.OrganizationID, member.ID,
		store.UserChange{Role: &role}); err != nil {
		t.Fatal(err)
	}
	err = env.store.ReplaceSession(ctx, "", newSession(), nil, nil, read)
	if !errors.Is(err, store.ErrSessionChanged) {
		t.Errorf("promoted user: err = %v, want ErrSessionChanged", err)
	}

	read, _ = env.store.UserByID(ctx, member.ID)
	if err := env.store.SetPassword(ctx, member.ID, env.hash("another password 2468"),
		""); err != nil {
		t.Fatal(err)
	}
	err = env.store.ReplaceSession(ctx, "", newSession(), nil, nil, read)
	if !errors.Is(err, store.ErrSessionChanged) {
		t.Errorf("changed password: err = %v, want ErrSessionChanged", err)
	}
}

// A member who signs in while an admin promotes them must not end up with
// an admin session opened with the password alone, whichever comes first.
func TestPromotionDuringPasswordSignIn(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	expectStatus(t, c.call(http.MethodPatch, "/api/org",
		map[string]any{"two_factor_policy": "admins"}), http.StatusOK)

	for i := range 10 {
		member := env.createMember(admin.OrganizationID, "m"+strconv.Itoa(i)+"@acme.test")
		m := env.newClient()
		var wg sync.WaitGroup
		var signIn response
		wg.Go(func() {
			signIn = m.post("/api/session",
				map[string]string{"email": member.Email, "password": testPassword})
		})
		expectStatus(t, c.call(http.MethodPatch, "/api/org/users/"+itoa(member.ID),
			map[string]any{"role": "admin"}), http.StatusOK)
		wg.Wait()

		if signIn.status == http.StatusOK && signIn.body["state"] == stateAuthenticated {
			if r := m.get("/api/org/users"); r.status == http.StatusOK {
				t.Fatalf("round %d: a password-only session reached the admin list", i)
			}
		}
	}
}
