package server

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInvitationLinkSetsPasswordOnce(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")

	r := c.post("/api/org/users", map[string]any{
		"email": "ada@acme.test", "name": "Ada Lovelace", "role": "member", "invite": true})
	expectStatus(t, r, http.StatusCreated)
	link := r.body["invitation_url"].(string)
	if !strings.HasPrefix(link, env.http.URL+"/invite#token=") {
		t.Fatalf("invitation_url = %q", link)
	}
	token := strings.TrimPrefix(link, env.http.URL+"/invite#token=")

	// Before accepting, no password signs in.
	for _, password := range []string{"", testPassword} {
		expectError(t, env.newClient().post("/api/session",
			map[string]string{"email": "ada@acme.test", "password": password + "x"}),
			http.StatusUnauthorized)
	}

	invitee := env.newClient()
	shown := invitee.post("/api/invitations/show", map[string]string{"token": token})
	expectStatus(t, shown, http.StatusOK)
	if shown.body["email"] != "ada@acme.test" {
		t.Errorf("show = %s", shown.raw)
	}
	expectError(t, invitee.post("/api/invitations/accept",
		map[string]string{"token": token, "password": "password123"}), http.StatusBadRequest)

	// Two accepts of one link at once: exactly one wins.
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, password := range []string{testPassword, "another good passphrase"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = env.newClient().post("/api/invitations/accept",
				map[string]string{"token": token, "password": password}).status
		}()
	}
	wg.Wait()
	ok := (statuses[0] == http.StatusOK) != (statuses[1] == http.StatusOK)
	if !ok || (statuses[0] != http.StatusNotFound && statuses[1] != http.StatusNotFound) {
		t.Fatalf("two accepts of one link: %v, want one 200 and one 404", statuses)
	}
	expectError(t, invitee.post("/api/invitations/accept",
		map[string]string{"token": token, "password": testPassword}), http.StatusNotFound)

	password := testPassword
	if statuses[1] == http.StatusOK {
		password = "another good passphrase"
	}
	state := env.newClient().post("/api/session",
		map[string]string{"email": "ada@acme.test", "password": password})
	expectStatus(t, state, http.StatusOK)
	if state.body["state"] != stateEnrollmentRequired {
		t.Errorf("state = %v, want enrollment_required", state.body["state"])
	}
}

func TestInvitationExpiresAndRejectsForgedTokens(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	r := c.post("/api/org/users", map[string]any{
		"email": "ada@acme.test", "name": "Ada", "role": "member", "invite": true})
	token := strings.SplitN(r.body["invitation_url"].(string), "#token=", 2)[1]

	for _, forged := range []string{"", "x", token + "x", strings.ToUpper(token)} {
		expectError(t, env.newClient().post("/api/invitations/accept",
			map[string]string{"token": forged, "password": testPassword}), http.StatusNotFound)
	}
	both := c.post("/api/org/users", map[string]any{"email": "b@acme.test", "name": "B",
		"role": "member", "invite": true, "password": testPassword})
	expectError(t, both, http.StatusBadRequest)

	env.clock.Advance(7*24*time.Hour + time.Minute)
	expectError(t, env.newClient().post("/api/invitations/accept",
		map[string]string{"token": token, "password": testPassword}), http.StatusNotFound)
}
