package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestMetricsCountSignInsFailuresAndResets(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	c := env.newClient()
	c.post("/api/session", map[string]string{"email": admin.Email, "password": "wrong password!"})
	c.signInPassword(admin.Email)
	c.post("/api/session/totp", map[string]string{"code": "000000"})
	adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil)

	r := c.get("/metrics")
	expectStatus(t, r, http.StatusOK)
	text := string(r.raw)
	for _, line := range []string{
		`gatehouse_sign_ins_total{result="success"} 1`,
		`gatehouse_sign_ins_total{result="failure"} 2`,
		`gatehouse_code_failures_total 1`,
		`gatehouse_key_resets_total 1`,
		`gatehouse_http_request_duration_seconds_count{method="POST",` +
			`route="/api/org/users/:id/totp-key",status="200"} 1`,
	} {
		if !strings.Contains(text, line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	for _, path := range []string{"/healthz", "/readyz"} {
		r := c.get(path)
		expectStatus(t, r, http.StatusOK)
		if r.body["status"] != "ok" {
			t.Errorf("%s body = %s, want status ok", path, r.raw)
		}
	}

	// The process still runs, but the database is gone.
	env.store.Close()
	expectStatus(t, c.get("/healthz"), http.StatusOK)
	expectError(t, c.get("/readyz"), http.StatusServiceUnavailable)
}

func TestMetricsGroupUnknownMethods(t *testing.T) {
	env := newTestEnv(t)
	c := env.newClient()
	for _, method := range []string{"FOO1", "FOO2", "BREW"} {
		c.call(method, "/api/session", nil)
	}

	text := string(c.get("/metrics").raw)
	if strings.Contains(text, "FOO1") || strings.Contains(text, "BREW") {
		t.Error("/metrics has a series for a client's own method")
	}
	if !strings.Contains(text, `method="other"`) {
		t.Error(`/metrics has no method="other" series`)
	}
}
