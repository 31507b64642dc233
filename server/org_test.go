package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestAdminEndpointsRefuseOutsiders sends every admin endpoint as a member,
// as another organisation's admin, unauthenticated and half-authenticated.
func TestAdminEndpointsRefuseOutsiders(t *testing.T) {
	env := newTestEnv(t)
	_, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	target := env.createMember(admin.OrganizationID, "target@acme.test")
	memberClient, _, _ := env.enrolledMember(admin.OrganizationID, "member@acme.test")
	otherAdminClient, _, _ := env.enrolledAdmin("Beta", "admin@beta.test")
	anonymous := env.newClient()
	halfDone := env.newClient()
	halfDone.signInPassword(admin.Email)

	id := itoa(target.ID)
	endpoints := []struct {
		method, path string
		body         any
		// perUser endpoints return 404 to another organisation's admin.
		perUser bool
	}{
		{http.MethodGet, "/api/org/users", nil, false},
		{http.MethodPost, "/api/org/users", map[string]string{
			"email": "new@acme.test", "name": "New", "role": "admin", "password": testPassword,
		}, false},
		{http.MethodGet, "/api/org/users/" + id, nil, true},
		{http.MethodPatch, "/api/org/users/" + id, map[string]any{"role": "admin"}, true},
		{http.MethodPost, "/api/org/users/" + id + "/totp-key", map[string]string{}, true},
		{http.MethodGet, "/api/org/audit", nil, false},
	}
	callers := []struct {
		name   string
		client *client
		status int
	}{
		{"anonymous", anonymous, http.StatusUnauthorized},
		{"half-authenticated", halfDone, http.StatusUnauthorized},
		{"member", memberClient, http.StatusForbidden},
	}

	for _, endpoint := range endpoints {
		for _, caller := range callers {
			r := caller.client.call(endpoint.method, endpoint.path, endpoint.body)
			if r.status != caller.status {
				t.Errorf("%s %s as %s: status %d, want %d", endpoint.method, endpoint.path,
					caller.name, r.status, caller.status)
			}
		}
		if endpoint.perUser {
			r := otherAdminClient.call(endpoint.method, endpoint.path, endpoint.body)
			if r.status != http.StatusNotFound {
				t.Errorf("%s %s as another organisation's admin: status %d, want 404",
					endpoint.method, endpoint.path, r.status)
			}
		}
	}

	// Nothing above changed the target.
	user, _ := env.store.UserByID(t.Context(), target.ID)
	if user.Role != "member" || user.TOTPStatus != "off" {
		t.Errorf("target changed: role %q, totp_status %q", user.Role, user.TOTPStatus)
	}
}

func TestOtherOrganisationsDataStaysHidden(t *testing.T) {
	env := newTestEnv(t)
	acmeClient, acmeAdmin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	env.createMember(acmeAdmin.OrganizationID, "ada@acme.test")
	betaClient, _, _ := env.enrolledAdmin("Beta", "admin@beta.test")

	r := betaClient.get("/api/org/users")
	expectStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.raw), "acme.test") || r.body["total"] != float64(1) {
		t.Errorf("Beta's list shows Acme's users: %s", r.raw)
	}
	r = betaClient.get("/api/org/audit?user_id=" + itoa(acmeAdmin.ID))
	expectStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.raw), "acme.test") {
		t.Errorf("Beta's audit shows Acme's events: %s", r.raw)
	}
	r = acmeClient.get("/api/org/users")
	if r.body["total"] != float64(2) {
		t.Errorf("Acme's total = %v, want 2", r.body["total"])
	}
}

func TestCreateUserAndValidation(t *testing.T) {
	env := newTestEnv(t)
	c, _, _ := env.enrolledAdmin("Acme", "admin@acme.test")

	r := c.post("/api/org/users", map[string]string{
		"email": " Ada@Acme.Test ", "name": "Ada Lovelace", "role": "member",
		"password": testPassword})
	expectStatus(t, r, http.StatusCreated)
	if r.body["email"] != "ada@acme.test" || r.body["totp_status"] != "off" ||
		r.body["role"] != "member" || r.body["disabled"] != false {
		t.Errorf("created user = %s", r.raw)
	}
	if strings.Contains(string(r.raw), "argon2") || strings.Contains(string(r.raw), "password") {
		t.Errorf("the answer leaks the password hash: %s", r.raw)
	}

	duplicate := c.post("/api/org/users", map[string]string{
		"email": "ADA@acme.test", "name": "Ada", "role": "member", "password": testPassword})
	expectError(t, duplicate, http.StatusConflict)

	invalid := []map[string]string{
		{"email": "not-an-email", "name": "X", "role": "member", "password": testPassword},
		{"email": "Ada <ada2@acme.test>", "name": "X", "role": "member", "password": testPassword},
		{"email": "b@acme.test", "name": "", "role": "member", "password": testPassword},
		{"email": "b@acme.test", "name": "X\x00", "role": "member", "password": testPassword},
		{"email": "b@acme.test", "name": strings.Repeat("n", 101), "role": "member",
			"password": testPassword},
		{"email": "b@acme.test", "name": "X", "role": "owner", "password": testPassword},
		{"email": "b@acme.test", "name": "X", "role": "member", "password": "short"},
		{"email": "b@acme.test", "name": "X", "role": "member", "password": "password123"},
		{"email": "b@acme.test", "name": "X", "role": "member",
			"password": strings.Repeat("a", 257)},
	}
	for _, body := range invalid {
		expectError(t, c.post("/api/org/users", body), http.StatusBadRequest)
	}
	list := c.get("/api/org/users")
	if list.body["total"] != float64(2) {
		t.Errorf("total = %v after invalid creations, want 2", list.body["total"])
	}
}

func TestUsersListSearchAndPages(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	for i := range 7 {
		env.createMember(admin.OrganizationID, "user"+strconv.Itoa(i)+"@acme.test")
	}
	env.createMember(admin.OrganizationID, "grace@acme.test")

	r := c.get("/api/org/users?per_page=3&page=2")
	expectStatus(t, r, http.StatusOK)
	users := r.body["users"].([]any)
	if r.body["total"] != float64(9) || len(users) != 3 {
		t.Fatalf("page 2: total %v, %d users", r.body["total"], len(users))
	}
	if first := users[0].(map[string]any)["email"]; first != "user1@acme.test" {
		t.Errorf("page 2 starts with %v, want user1@acme.test (sorted by email)", first)
	}

	r = c.get("/api/org/users?q=GRA")
	if r.body["total"] != float64(1) {
		t.Errorf("search GRA: total %v, want 1", r.body["total"])
	}
	r = c.get("/api/org/users?q=member") // names are "Member <email>"
	if r.body["total"] != float64(8) {
		t.Errorf("search by name: total %v, want 8", r.body["total"])
	}
	r = c.get("/api/org/users?q=%25")
	if r.body["total"] != float64(0) {
		t.Errorf("search %%: total %v, want 0 (no wildcards)", r.body["total"])
	}

	for _, query := range []string{"page=0", "page=x", "per_page=101", "per_page=-1",
		"q=" + strings.Repeat("a", 101)} {
		expectError(t, c.get("/api/org/users?"+query), http.StatusBadRequest)
	}
}

func TestLastAdminCannotBeDemotedOrDisabled(t *testing.T) {
	env := newTestEnv(t)
	c, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	path := "/api/org/users/" + itoa(admin.ID)

	expectError(t, c.call(http.MethodPatch, path, map[string]any{"role": "member"}),
		http.StatusConflict)
	expectError(t, c.call(http.MethodPatch, path, map[string]any{"disabled": true}),
		http.StatusConflict)

	second := env.createMember(admin.OrganizationID, "second@acme.test")
	r := c.call(http.MethodPatch, "/api/org/users/"+itoa(second.ID),
		map[string]any{"role": "admin"})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, c.call(http.MethodPatch, path, map[string]any{"role": "member"}),
		http.StatusOK)
	// The first admin is a member now and loses the admin endpoints.
	expectError(t, c.get("/api/org/users"), http.StatusForbidden)
}

func TestNotificationsBelongToTheirUser(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	memberClient, _, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")

	mine := adminClient.get("/api/me/notifications").body["notifications"].([]any)
	if len(mine) == 0 {
		t.Fatal("the admin has no notification after enrolment")
	}
	id := itoa(int64(mine[0].(map[string]any)["id"].(float64)))

	expectError(t, memberClient.post("/api/me/notifications/"+id+"/read", nil),
		http.StatusNotFound)
	r := adminClient.post("/api/me/notifications/"+id+"/read", nil)
	expectStatus(t, r, http.StatusOK)
	if r.body["read"] != true {
		t.Errorf("read = %v", r.body["read"])
	}
	if adminClient.get("/api/me").body["unread_notifications"] != float64(len(mine)-1) {
		t.Error("the unread count did not drop")
	}
	expectError(t, adminClient.post("/api/me/notifications/abc/read", nil), http.StatusNotFound)
}
