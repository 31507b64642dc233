package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// concurrencies are the numbers of simultaneous clients of every scenario.
var concurrencies = []int{1, 16, 256}

// Scenario names, as the tables show them.
const (
	scenarioPassword     = "password step"
	scenarioFullSignIn   = "full sign-in"
	scenarioCode         = "code step"
	scenarioMe           = "GET /api/me"
	scenarioListFirst    = "users list, first page"
	scenarioListMiddle   = "users list, middle page"
	scenarioSearchFirst  = "users search, first page"
	scenarioSearchMiddle = "users search, middle page"
	scenarioGenerateKey  = "Generate new key"
)

// Shares of a store's users that one run of a scenario may use up. Each
// user takes part in at most one code check per store, and these shares
// keep the sum of all runs below the number of users.
const (
	codeStepShare    = 0.15
	fullSignInShare  = 0.02
	generateKeyShare = 0.04
	usersPerPage     = 50
)

// scenario is one kind of operation, run at each concurrency.
type scenario struct {
	name string
	// signIn marks scenarios that hash a password per operation. Their runs
	// take 1.6 times as long, because each completes few operations.
	signIn bool
	// prepare runs before each run, outside the measured time, and may set
	// the run's operation bound.
	prepare func(ctx context.Context, spec *loadSpec) error
	// setUp runs once per worker before the run.
	setUp func(ctx context.Context, w *worker) error
	op    operation
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type codeRequest struct {
	Code string `json:"code"`
}

// fullScenarios returns every scenario, in the order they run. The
// sign-in scenarios come first, so the server's peak RSS read after them is
// theirs.
func fullScenarios(s *seededStore) []scenario {
	list := []scenario{
		passwordStep(s),
		fullSignIn(s),
		codeStep(s),
		{name: scenarioMe, setUp: signedInWorker(s), op: get("/api/me")},
	}
	list = append(list, listScenarios(s)...)
	return append(list, generateKey(s))
}

// listScenarios returns the four users-list requests: the first page and a
// page in the middle, without and with a search term.
func listScenarios(s *seededStore) []scenario {
	total := len(s.users) + 1 // the admin is listed too
	base := "/api/org/users?per_page=" + strconv.Itoa(usersPerPage)
	search := base + "&q=" + searchTerm
	adminWorker := adminWorker(s)
	return []scenario{
		{name: scenarioListFirst, setUp: adminWorker, op: get(base)},
		{name: scenarioListMiddle, setUp: adminWorker, op: get(base + "&page=" + middlePage(total))},
		{name: scenarioSearchFirst, setUp: adminWorker, op: get(search)},
		{name: scenarioSearchMiddle, setUp: adminWorker,
			op: get(search + "&page=" + middlePage(s.searchTotal))},
	}
}

func middlePage(total int) string {
	pages := max(1, (total+usersPerPage-1)/usersPerPage)
	return strconv.Itoa(pages/2 + 1)
}

func get(path string) operation {
	return func(ctx context.Context, w *worker) (outcome, error) {
		return w.call(ctx, http.MethodGet, path, nil), nil
	}
}

// passwordStep signs in with email and password as a new visitor each
// time, cycling through all users.
func passwordStep(s *seededStore) scenario {
	var next atomic.Int64
	return scenario{
		name:   scenarioPassword,
		signIn: true,
		op: func(ctx context.Context, w *worker) (outcome, error) {
			user := s.anyUser(next.Add(1))
			w.resetCookies()
			return w.call(ctx, http.MethodPost, "/api/session",
				credentials{Email: user.email, Password: benchPassword}), nil
		},
	}
}

// fullSignIn does both steps as a new visitor, each time as a user that no
// code check used before.
func fullSignIn(s *seededStore) scenario {
	return scenario{
		name:   scenarioFullSignIn,
		signIn: true,
		prepare: func(_ context.Context, spec *loadSpec) error {
			spec.maxOperations = max(1, int(fullSignInShare*float64(len(s.users))))
			return nil
		},
		op: func(ctx context.Context, w *worker) (outcome, error) {
			user, ok := s.takeUser()
			if !ok {
				return outcome{}, errExhausted
			}
			w.resetCookies()
			result := w.call(ctx, http.MethodPost, "/api/session",
				credentials{Email: user.email, Password: benchPassword})
			if !result.ok {
				return result, nil
			}
			return sendCode(ctx, w, user)
		},
	}
}

// codeStep sends the second step for sessions that the store created past
// the password step, one session and user per operation.
func codeStep(s *seededStore) scenario {
	return scenario{
		name: scenarioCode,
		prepare: func(ctx context.Context, spec *loadSpec) error {
			budget := max(1, int(codeStepShare*float64(len(s.users))))
			spec.maxOperations = budget
			return s.fillHalfDone(ctx, budget)
		},
		op: func(ctx context.Context, w *worker) (outcome, error) {
			session, ok := s.takeHalfDone()
			if !ok {
				return outcome{}, errExhausted
			}
			w.setSession(session.id)
			return sendCode(ctx, w, session.user)
		},
	}
}

func sendCode(ctx context.Context, w *worker, user seededUser) (outcome, error) {
	code, err := auth.CodeAt(user.secret, time.Now())
	if err != nil {
		return outcome{}, fmt.Errorf("compute the code of user %d: %w", user.id, err)
	}
	return w.call(ctx, http.MethodPost, "/api/session/totp", codeRequest{Code: code}), nil
}

// generateKey makes the admin press Generate new key for a different user
// each time.
func generateKey(s *seededStore) scenario {
	type keyRequest struct {
		Reason string `json:"reason"`
	}
	return scenario{
		name: scenarioGenerateKey,
		prepare: func(_ context.Context, spec *loadSpec) error {
			spec.maxOperations = max(1, int(generateKeyShare*float64(len(s.users))))
			return nil
		},
		setUp: adminWorker(s),
		op: func(ctx context.Context, w *worker) (outcome, error) {
			user, ok := s.takeUser()
			if !ok {
				return outcome{}, errExhausted
			}
			path := "/api/org/users/" + strconv.FormatInt(user.id, 10) + "/totp-key"
			return w.call(ctx, http.MethodPost, path, keyRequest{Reason: "benchmark"}), nil
		},
	}
}

// signedInWorker gives each worker a signed-in session of a member. Reading
// /api/me changes nothing that a later code check depends on, so the users
// need not be ones that no code check used.
func signedInWorker(s *seededStore) func(context.Context, *worker) error {
	var next atomic.Int64
	return func(ctx context.Context, w *worker) error {
		user := s.anyUser(next.Add(1))
		id, err := s.createSession(ctx, user.id, store.StageAuthenticated)
		if err != nil {
			return err
		}
		w.setSession(id)
		return nil
	}
}

// adminWorker gives each worker its own signed-in admin session, whose
// second factor is fresh enough for Generate new key.
func adminWorker(s *seededStore) func(context.Context, *worker) error {
	return func(ctx context.Context, w *worker) error {
		id, err := s.createSession(ctx, s.admin.id, store.StageAuthenticated)
		if err != nil {
			return err
		}
		w.setSession(id)
		return nil
	}
}
