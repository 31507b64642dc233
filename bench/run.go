package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// memorySampleInterval is how often a run reads the server's VmRSS.
const memorySampleInterval = 50 * time.Millisecond

// quietMaxOther is the CPU, in cores, that other processes may use while the
// machine still counts as quiet enough to start a measurement.
const quietMaxOther = 0.3

// storeSpec is one store to seed and measure.
type storeSpec struct {
	label string
	users int
	// dsn is empty for SQLite in the store's data folder.
	dsn string
	// listOnly limits the scenarios to the users list at concurrency 1.
	listOnly bool
	// afterSeed, when set, runs between seeding and the first server start.
	afterSeed func(ctx context.Context) error
}

// storeResult is the set of measurements on one store.
type storeResult struct {
	spec     storeSpec
	seedTime time.Duration
	// startTimes are the times from exec to the first healthy response, one
	// per start.
	startTimes []time.Duration
	idleRSS    int64
	// signInPeakRSS is the server's VmHWM right after the sign-in scenarios.
	signInPeakRSS int64
	// argon2Rate is the raw argon2id rate measured right before the full
	// sign-in run at concurrency 16, and argon2Other the CPU that other
	// processes used meanwhile. On the 2-core development VM the raw rate
	// moved between 55 and 73 hashes/s in runs minutes apart with no other
	// process busy, so the sign-in ratio compares with this nearby figure.
	argon2Rate  float64
	argon2Other float64
	runs        []runResult
	// skipped is the reason the store was not measured, or "" when it was.
	skipped string
}

func (r *storeResult) medianStart() time.Duration {
	if len(r.startTimes) == 0 {
		return 0
	}
	sorted := slices.Clone(r.startTimes)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// find returns the run of scenario at concurrency, or nil.
func (r *storeResult) find(scenario string, concurrency int) *runResult {
	for i := range r.runs {
		if r.runs[i].scenario == scenario && r.runs[i].concurrency == concurrency {
			return &r.runs[i]
		}
	}
	return nil
}

// runResult is one scenario at one concurrency.
type runResult struct {
	scenario    string
	concurrency int
	load        *loadResult
	// maxRSS is the highest server VmRSS sampled during the run.
	maxRSS int64
	cpu    cpuUsage
}

// report is everything one run measured.
type report struct {
	cfg      config
	started  time.Time
	machine  machine
	build    *buildInfo
	ceilings ceilings
	stores   []*storeResult
	gate     *quietGate
}

// broken reports whether a scenario run had no successful operation, which
// means the harness or the server is broken rather than slow.
func (r *report) broken() bool {
	for _, result := range r.stores {
		for _, run := range result.runs {
			if run.load.ok == 0 {
				return true
			}
		}
	}
	return false
}

// run measures everything and writes progress lines and the final tables to
// out, and the tables to cfg.resultsPath when it is set.
func run(ctx context.Context, cfg config, out io.Writer) (*report, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	tempDir, err := os.MkdirTemp("", "gatehouse-bench-")
	if err != nil {
		return nil, err
	}
	if cfg.keepTemp {
		fmt.Fprintln(out, "Stores and server logs stay in", tempDir)
	} else {
		defer os.RemoveAll(tempDir)
	}

	rep := &report{cfg: cfg, started: time.Now(), machine: describeMachine(ctx, root),
		gate: &quietGate{maxOther: quietMaxOther, budget: cfg.quietBudget}}
	fmt.Fprintf(out, "Building gatehouse in %s\n", root)
	if rep.build, err = buildGatehouse(ctx, root, tempDir, cfg.gatehouseBin); err != nil {
		return nil, err
	}

	fmt.Fprintln(out, "Measuring the ceilings: raw argon2id and a bare Echo handler")
	if rep.ceilings, err = measureCeilings(ctx, cfg.ceilingTime, tempDir, rep.gate); err != nil {
		return nil, err
	}

	// One hash for every user: hashing per user would take minutes.
	hash, err := auth.NewHasher(auth.DefaultArgon2, 1, 0, 0).Hash(ctx, benchPassword)
	if err != nil {
		return nil, fmt.Errorf("hash the benchmark password: %w", err)
	}
	keys, err := auth.NewKeyring([]byte(benchMasterKey))
	if err != nil {
		return nil, err
	}
	stage := &storeStage{cfg: cfg, out: out, tempDir: tempDir, binary: rep.build.binary,
		passwordHash: hash, keys: keys, gate: rep.gate}

	for _, spec := range []storeSpec{
		{label: "SQLite", users: cfg.users / 10, listOnly: true},
		{label: "SQLite", users: cfg.users},
	} {
		result, err := stage.measure(ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("%s store with %d users: %w", spec.label, spec.users, err)
		}
		rep.stores = append(rep.stores, result)
	}
	postgresResult, err := stage.measurePostgres(ctx)
	if err != nil {
		return nil, err
	}
	rep.stores = append(rep.stores, postgresResult)

	text := rep.markdown()
	fmt.Fprintln(out)
	fmt.Fprint(out, text)
	if cfg.resultsPath == "" {
		return rep, nil
	}
	path := cfg.resultsPath
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	if err := writeResults(path, text); err != nil {
		return nil, err
	}
	fmt.Fprintln(out, "Wrote", path)
	return rep, nil
}

// storeStage seeds stores and measures a server on each.
type storeStage struct {
	cfg          config
	out          io.Writer
	tempDir      string
	binary       string
	passwordHash string
	keys         *auth.Keyring
	gate         *quietGate
}

// measurePostgres measures a PostgreSQL store in a schema of its own, or
// returns a skipped result when connecting to cfg.postgresURL fails.
func (s *storeStage) measurePostgres(ctx context.Context) (*storeResult, error) {
	spec := storeSpec{label: "PostgreSQL", users: s.cfg.users}
	if s.cfg.postgresURL == "" {
		return &storeResult{spec: spec, skipped: "-postgres is empty"}, nil
	}
	schema, err := createPostgresSchema(ctx, s.cfg.postgresURL)
	if errors.Is(err, errPostgresDown) {
		fmt.Fprintf(s.out, "Skipping the PostgreSQL rows: %v\n", err)
		return &storeResult{spec: spec, skipped: "connecting to the -postgres URL failed"}, nil
	}
	if err != nil {
		return nil, err
	}
	spec.dsn = schema.dsn
	spec.afterSeed = schema.vacuumAnalyze
	result, err := s.measure(ctx, spec)
	if err != nil {
		err = fmt.Errorf("PostgreSQL store with %d users: %w", spec.users, err)
	}
	return result, errors.Join(err, schema.drop())
}

// measure seeds a store, starts the server on it cfg.starts times and runs
// the scenarios against the last start.
func (s *storeStage) measure(ctx context.Context, spec storeSpec) (*storeResult, error) {
	result := &storeResult{spec: spec}
	name := strings.ToLower(spec.label) + "-" + fmt.Sprint(spec.users)
	dataDir := filepath.Join(s.tempDir, name)
	st, err := store.Open(ctx, dataDir, spec.dsn)
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	defer st.Close()

	fmt.Fprintf(s.out, "%s: seeding %d users\n", spec.label, spec.users)
	seeded, seedTime, err := seedStore(ctx, st, spec.users, s.passwordHash, s.keys)
	if err != nil {
		return nil, err
	}
	result.seedTime = seedTime
	fmt.Fprintf(s.out, "%s: seeded %d users in %.1f s\n", spec.label, spec.users, seedTime.Seconds())
	if spec.afterSeed != nil {
		if err := spec.afterSeed(ctx); err != nil {
			return nil, err
		}
	}

	server, err := s.startServers(ctx, spec, dataDir, name, result)
	if err != nil {
		return nil, err
	}
	runErr := s.runScenarios(ctx, spec, seeded, server, result)
	return result, errors.Join(runErr, server.stop())
}

// startServers starts the server cfg.starts times, recording each start
// time, and returns the last one still running with its idle RSS recorded.
func (s *storeStage) startServers(
	ctx context.Context,
	spec storeSpec,
	dataDir, name string,
	result *storeResult,
) (*childProcess, error) {
	for i := range s.cfg.starts {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return nil, err
		}
		// The clients pose as users at different addresses behind a proxy on
		// loopback, so the per-address sign-in throttle treats them as such.
		args := []string{"serve", "--addr", addr, "--data", dataDir,
			"--trusted-proxies", "127.0.0.0/8"}
		if spec.dsn != "" {
			args = append(args, "--db", spec.dsn)
		}
		var profiler *serverProfiler
		if s.cfg.profileDir != "" {
			pprofAddr, err := freeLoopbackAddr()
			if err != nil {
				return nil, err
			}
			args = append(args, "--pprof-addr", pprofAddr)
			profiler = &serverProfiler{dir: s.cfg.profileDir, pprofBase: "http://" + pprofAddr,
				prefix: name}
		}
		cmd := exec.Command(s.binary, args...)
		cmd.Env = childEnv("GATEHOUSE_SECRET_KEY=" + benchMasterKey)
		logPath := filepath.Join(s.tempDir, fmt.Sprintf("%s-server-%d.log", name, i+1))
		if err := s.gate.wait(ctx); err != nil {
			return nil, err
		}
		server, startTime, err := startChild(ctx, "gatehouse", cmd, addr, logPath)
		if err != nil {
			return nil, err
		}
		result.startTimes = append(result.startTimes, startTime)
		if i < s.cfg.starts-1 {
			if err := server.stop(); err != nil {
				return nil, err
			}
			continue
		}

		select {
		case <-time.After(s.cfg.idleSettle):
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), server.stop())
		}
		if result.idleRSS, _, err = server.memory(); err != nil {
			return nil, errors.Join(err, server.stop())
		}
		server.profiler = profiler
		if profiler != nil {
			if err := profiler.saveHeap(ctx, profiler.fileName("idle", "heap")); err != nil {
				return nil, errors.Join(err, server.stop())
			}
		}
		fmt.Fprintf(s.out, "%s, %d users: start to healthy %s, idle RSS %s\n", spec.label,
			spec.users, formatMillis(result.medianStart()), formatMiB(result.idleRSS))
		return server, nil
	}
	return nil, errors.New("no server start was requested")
}

// runScenarios runs each scenario at each concurrency against server.
func (s *storeStage) runScenarios(
	ctx context.Context,
	spec storeSpec,
	seeded *seededStore,
	server *childProcess,
	result *storeResult,
) error {
	scenarios := fullScenarios(seeded)
	levels := concurrencies
	if spec.listOnly {
		scenarios = listScenarios(seeded)
		levels = []int{1}
	}
	for _, sc := range scenarios {
		if s.cfg.scenarioFilter != nil && !s.cfg.scenarioFilter.MatchString(sc.name) {
			continue
		}
		for _, concurrency := range levels {
			if sc.name == scenarioFullSignIn && concurrency == 16 {
				if err := s.measureArgon2Beside(ctx, result); err != nil {
					return err
				}
			}
			runResult, err := s.runOne(ctx, sc, concurrency, server)
			if err != nil {
				return fmt.Errorf("%s at concurrency %d: %w", sc.name, concurrency, err)
			}
			result.runs = append(result.runs, *runResult)
			fmt.Fprintf(s.out, "%s, %d users: %s\n", spec.label, spec.users, runResult.summary())
		}
		if sc.name != scenarioFullSignIn {
			continue
		}
		_, peak, err := server.memory()
		if err != nil {
			return err
		}
		result.signInPeakRSS = peak
		if server.profiler != nil {
			name := server.profiler.fileName("after sign-in", "heap")
			if err := server.profiler.saveHeap(ctx, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// measureArgon2Beside measures the raw argon2id rate into result while the
// server is idle.
func (s *storeStage) measureArgon2Beside(ctx context.Context, result *storeResult) error {
	if err := s.gate.wait(ctx); err != nil {
		return err
	}
	var err error
	result.argon2Rate, result.argon2Other, err = measureArgon2(ctx, s.cfg.ceilingTime)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "%s, %d users: raw argon2id %s hashes/s, other CPU %.2f cores\n",
		result.spec.label, result.spec.users, formatRate(result.argon2Rate), result.argon2Other)
	return nil
}

func (s *storeStage) runOne(
	ctx context.Context,
	sc scenario,
	concurrency int,
	server *childProcess,
) (*runResult, error) {
	spec := loadSpec{concurrency: concurrency, duration: s.cfg.runTime}
	if sc.signIn {
		spec.duration = s.cfg.runTime * 8 / 5
	}
	if sc.prepare != nil {
		if err := sc.prepare(ctx, &spec); err != nil {
			return nil, err
		}
	}

	var cpuBefore cpuSnapshot
	saveProfile := func() error { return nil }
	spec.onStart = func() error {
		if server.profiler != nil {
			name := server.profiler.fileName(fmt.Sprintf("%s, c=%d", sc.name, concurrency), "cpu")
			saveProfile = server.profiler.startCPU(ctx, spec.duration, name)
		}
		var err error
		cpuBefore, err = takeCPUSnapshot(server)
		return err
	}
	if err := s.gate.wait(ctx); err != nil {
		return nil, err
	}
	sampler := sampleMemory(server, memorySampleInterval)
	load, err := runLoad(ctx, server.base, spec, sc.setUp, sc.op)
	maxRSS := sampler.stop()
	if err != nil {
		return nil, errors.Join(err, saveProfile())
	}
	// The CPU time includes requests in flight at the deadline, whose
	// results do not count, so the snapshot comes after the last of them.
	cpuAfter, err := takeCPUSnapshot(server)
	if err := errors.Join(err, saveProfile()); err != nil {
		return nil, err
	}
	return &runResult{
		scenario:    sc.name,
		concurrency: concurrency,
		load:        load,
		maxRSS:      maxRSS,
		cpu:         cpuBetween(cpuBefore, cpuAfter),
	}, nil
}
