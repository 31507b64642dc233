// Command bench measures Gatehouse end to end. It builds the real binary,
// seeds stores with many users through the store layer, starts the server on
// 127.0.0.1 and drives its HTTP API with a load generator at concurrency 1,
// 16 and 256. It compares the results with ceilings measured in the same run
// (raw argon2id hashing and a bare Echo handler) and with the project's
// targets. It prints Markdown tables and writes them to bench/RESULTS.md.
//
// Run it from the repository root:
//
//	make bench         # full run, about 10 minutes on 2 cores
//	make bench-smoke   # a few hundred users, well under a minute
//	go run ./bench -help
//
// Load goes only to servers that this program starts on 127.0.0.1, and every
// request loop stops at a request count and a deadline. PostgreSQL rows need
// a server at the -postgres URL, which must be on the loopback interface.
//
// Profiling: -server-profiles DIR starts each server with --pprof-addr on a
// free loopback port and saves a CPU profile of every run and heap profiles
// at idle and after the sign-in runs. -run REGEXP limits the scenarios, for
// example -run 'code step'. -cpuprofile FILE profiles this program, the load
// generator side. Read either with go tool pprof FILE.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"syscall"
	"time"
)

// childRoleEnv selects a helper role when this program starts a copy of
// itself. An environment variable works for both the `go run` binary and the
// test binary, which parse different flags.
const childRoleEnv = "GATEHOUSE_BENCH_CHILD"

// roleBareEcho makes the process serve the bare Echo handler.
const roleBareEcho = "bare-echo"

func main() {
	if os.Getenv(childRoleEnv) == roleBareEcho {
		if err := serveBareEcho(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: bare Echo server:", err)
			os.Exit(1)
		}
		return
	}

	cfg, cpuProfile, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := runMain(cfg, cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func runMain(cfg config, cpuProfile string) error {
	if cpuProfile != "" {
		file, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("create the CPU profile: %w", err)
		}
		defer file.Close()
		if err := pprof.StartCPUProfile(file); err != nil {
			return fmt.Errorf("start the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	// The store logs its schema migrations at Info, which is noise here.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr,
		&slog.HandlerOptions{Level: slog.LevelWarn})))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.maxTotalTime)
	defer cancel()

	report, err := run(ctx, cfg, os.Stdout)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the whole run took longer than -max-time %s: %w", cfg.maxTotalTime, err)
	}
	if err != nil {
		return err
	}
	if report.broken() {
		return errors.New("some scenarios had no successful request: see the table above")
	}
	return nil
}

// config is the set of run settings: store sizes, durations and paths.
type config struct {
	smoke bool
	// users is the size of the large stores. The small store gets a tenth.
	users int
	// runTime is the measured time of one scenario at one concurrency.
	// Sign-in scenarios, which hash a password per request, get 1.6 times it.
	runTime time.Duration
	// ceilingTime is the measured time of each ceiling.
	ceilingTime time.Duration
	// idleSettle is the wait between the first healthy response and reading
	// the idle RSS.
	idleSettle time.Duration
	// starts is the number of server starts per store. The report shows the
	// median start time, and the scenarios run against the last start.
	starts       int
	postgresURL  string
	resultsPath  string
	gatehouseBin string
	keepTemp     bool
	maxTotalTime time.Duration
	// scenarioFilter selects the scenarios to run by name. Nil runs all.
	scenarioFilter *regexp.Regexp
	// profileDir, when set, receives CPU and heap profiles of the servers.
	profileDir string
	// quietBudget is the total time the run may wait, before its
	// measurements, for other processes to leave the machine quiet.
	quietBudget time.Duration
}

func parseFlags(args []string) (config, string, error) {
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	smoke := flags.Bool("smoke", false,
		"run the smoke mode: 500 users, 0.4 s per run, no results file unless -out is set")
	users := flags.Int("users", 0, "users in the large stores (default 100000, or 500 with -smoke)")
	runTime := flags.Duration("time", 0,
		"measured time per scenario and concurrency (default 5s, or 400ms with -smoke)")
	postgresURL := flags.String("postgres",
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		"PostgreSQL URL on the loopback interface; empty skips the PostgreSQL rows")
	out := flags.String("out", "",
		"Markdown file to write the results to, relative to the repository root "+
			"(default bench/RESULTS.md; none with -smoke)")
	gatehouseBin := flags.String("gatehouse", "",
		"use this gatehouse binary instead of building one from the repository")
	keep := flags.Bool("keep", false, "keep the temporary folder with the stores and server logs")
	cpuProfile := flags.String("cpuprofile", "",
		"write a CPU profile of the load generator (this program) to this file")
	maxTime := flags.Duration("max-time", 0,
		"stop the whole run after this long (default 30m, or 3m with -smoke)")
	scenarioPattern := flags.String("run", "",
		"run only the scenarios whose name matches this regular expression, such as 'code step'")
	quietBudget := flags.Duration("quiet-wait", -1,
		"total time to wait before measurements while other processes use more than "+
			"0.3 cores (default 3m, or 0 with -smoke)")
	profileDir := flags.String("server-profiles", "",
		"start the servers with --pprof-addr and save a CPU profile of each run and heap "+
			"profiles into this folder")
	if err := flags.Parse(args); err != nil {
		return config{}, "", err
	}
	if flags.NArg() > 0 {
		return config{}, "", fmt.Errorf("unexpected argument %q: see -help", flags.Arg(0))
	}

	cfg := config{
		smoke:        *smoke,
		users:        100_000,
		runTime:      5 * time.Second,
		ceilingTime:  5 * time.Second,
		idleSettle:   time.Second,
		starts:       3,
		postgresURL:  *postgresURL,
		resultsPath:  "bench/RESULTS.md",
		gatehouseBin: *gatehouseBin,
		keepTemp:     *keep,
		maxTotalTime: 30 * time.Minute,
		quietBudget:  3 * time.Minute,
	}
	if cfg.smoke {
		cfg.users = 500
		cfg.runTime = 400 * time.Millisecond
		cfg.ceilingTime = 500 * time.Millisecond
		cfg.idleSettle = 200 * time.Millisecond
		cfg.starts = 1
		cfg.resultsPath = ""
		cfg.maxTotalTime = 3 * time.Minute
		cfg.quietBudget = 0
	}
	if *users != 0 {
		cfg.users = *users
	}
	if *runTime != 0 {
		cfg.runTime = *runTime
	}
	if *out != "" {
		cfg.resultsPath = *out
	}
	if *maxTime != 0 {
		cfg.maxTotalTime = *maxTime
	}
	if *quietBudget >= 0 {
		cfg.quietBudget = *quietBudget
	}
	if cfg.users < 100 {
		return config{}, "", fmt.Errorf("-users %d is too few: use at least 100", cfg.users)
	}
	if cfg.runTime <= 0 {
		return config{}, "", fmt.Errorf("-time %s must be positive", cfg.runTime)
	}
	if cfg.postgresURL != "" {
		if _, err := checkLoopbackURL(cfg.postgresURL); err != nil {
			return config{}, "", err
		}
	}
	if *scenarioPattern != "" {
		pattern, err := regexp.Compile(*scenarioPattern)
		if err != nil {
			return config{}, "", fmt.Errorf("invalid -run pattern: %w", err)
		}
		cfg.scenarioFilter = pattern
	}
	if *profileDir != "" {
		dir, err := filepath.Abs(*profileDir)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return config{}, "", fmt.Errorf("create the -server-profiles folder: %w", err)
		}
		cfg.profileDir = dir
	}
	return cfg, *cpuProfile, nil
}
