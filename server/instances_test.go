package server

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"gatehouse/server/store"
)

// twoInstances starts two servers, each with its own connection pool, on
// one PostgreSQL schema, as two instances behind a load balancer would run.
func twoInstances(t *testing.T) (*testEnv, *testEnv) {
	t.Helper()
	dsn := postgresTestDSN(t)
	open := func() *testEnv {
		st, err := store.Open(context.Background(), t.TempDir(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		return newTestEnvOn(t, st)
	}
	first, second := open(), open()
	// Both instances must read the same time for codes and deadlines.
	second.clock = first.clock
	second.server.now = first.clock.Now
	second.server.sessions.now = first.clock.Now
	return first, second
}

// on returns a client that sends its requests to env but keeps c's cookies,
// like a browser whose requests a load balancer spreads over instances.
func (c *client) on(env *testEnv) *client {
	return &client{env: env, jar: c.jar, hc: c.hc}
}

func TestInstancesShareSessions(t *testing.T) {
	a, b := twoInstances(t)
	onA, admin, secret := a.enrolledAdmin("Acme", "admin@acme.test")
	onB := onA.on(b)
	expectStatus(t, onB.get("/api/me"), http.StatusOK)

	// The password step on one instance and the code step on the other.
	a.nextStep()
	fresh := a.newClient()
	fresh.signInPassword(admin.Email)
	r := fresh.on(b).post("/api/session/totp", map[string]string{"code": a.code(secret)})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, fresh.get("/api/me"), http.StatusOK)
}

func TestResetRevokesSessionAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	adminOnA, admin, _ := a.enrolledAdmin("Acme", "admin@acme.test")
	memberOnA, member, _ := a.enrolledMember(admin.OrganizationID, "ada@acme.test")
	memberOnB := memberOnA.on(b)
	expectStatus(t, memberOnB.get("/api/me"), http.StatusOK)

	expectStatus(t, adminOnA.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)
	expectError(t, memberOnB.get("/api/me"), http.StatusUnauthorized)
}

func TestOneCodeSignsInOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	_, admin, secret := a.enrolledAdmin("Acme", "admin@acme.test")
	a.nextStep()
	code := a.code(secret)

	clients := []*client{a.newClient(), b.newClient(), a.newClient(), b.newClient()}
	for _, c := range clients {
		c.signInPassword(admin.Email)
	}
	statuses := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.post("/api/session/totp", map[string]string{"code": code}).status
		}()
	}
	wg.Wait()

	accepted := 0
	for _, status := range statuses {
		if status == http.StatusOK {
			accepted++
		}
	}
	if accepted != 1 {
		t.Errorf("%d of 4 requests across two instances were accepted, want 1 (%v)",
			accepted, statuses)
	}
}

func TestThrottlingCountsAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	a.createOrg("Acme", "admin@acme.test")
	wrong := map[string]string{"email": "admin@acme.test", "password": "wrong password!"}
	for _, env := range []*testEnv{a, b, a, b, a} {
		expectError(t, env.newClient().post("/api/session", wrong), http.StatusUnauthorized)
	}
	expectError(t, b.newClient().post("/api/session", wrong), http.StatusTooManyRequests)
	expectError(t, a.newClient().post("/api/session", wrong), http.StatusTooManyRequests)
}

func TestParallelGuessesAcrossInstancesStopAtTheLimit(t *testing.T) {
	a, b := twoInstances(t)
	a.createOrg("Acme", "admin@acme.test")
	clients := make([]*client, 30)
	for i := range clients {
		clients[i] = []*testEnv{a, b}[i%2].newClient()
	}

	wrong := map[string]string{"email": "admin@acme.test", "password": "wrong password!"}
	counts := sendInParallel(t, clients, "/api/session", wrong)
	expectAtMostTheLimitChecked(t, counts, len(clients))
}
