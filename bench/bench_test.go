package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the smoke run start this test binary as the bare Echo
// server, as the bench binary does.
func TestMain(m *testing.M) {
	if os.Getenv(childRoleEnv) == roleBareEcho {
		if err := serveBareEcho(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: bare Echo server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSmokeRun runs the smoke mode end to end. It checks that every
// scenario completed operations and that no server outlives the run, and
// asserts nothing about speed. PostgreSQL rows run when
// GATEHOUSE_TEST_POSTGRES names a server, as in the server's tests.
func TestSmokeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("the smoke run builds and starts the server for about 40 s; it runs without -short")
	}
	cfg, _, err := parseFlags([]string{"-smoke",
		"-postgres", os.Getenv("GATEHOUSE_TEST_POSTGRES")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(killLeftovers)

	ctx, cancel := context.WithTimeout(context.Background(), cfg.maxTotalTime)
	defer cancel()
	rep, err := run(ctx, cfg, t.Output())
	checkNoProcessLeft(t)
	if err != nil {
		t.Fatal(err)
	}

	if cfg.postgresURL == "" {
		t.Log("GATEHOUSE_TEST_POSTGRES is not set: the PostgreSQL rows are skipped")
	}
	// SQLite with a tenth of the users, SQLite, and PostgreSQL (maybe skipped).
	if len(rep.stores) != 3 {
		t.Fatalf("the report has %d stores, want 3", len(rep.stores))
	}
	for _, result := range rep.stores {
		checkStore(t, result)
	}
	if text := rep.markdown(); !strings.Contains(text, "### Targets") {
		t.Errorf("the Markdown report has no targets table:\n%s", text)
	}
}

func checkStore(t *testing.T, result *storeResult) {
	t.Helper()
	label := result.spec.label + " with " + strconv.Itoa(result.spec.users) + " users"
	if result.skipped != "" {
		if result.spec.label != "PostgreSQL" {
			t.Errorf("%s was skipped: %s", label, result.skipped)
		}
		return
	}

	wantRuns := 9 * len(concurrencies)
	if result.spec.listOnly {
		wantRuns = 4
	}
	if len(result.runs) != wantRuns {
		t.Errorf("%s: %d runs, want %d", label, len(result.runs), wantRuns)
	}
	for _, run := range result.runs {
		name := fmt.Sprintf("%s: %s at c=%d", label, run.scenario, run.concurrency)
		// A smoke run lasts well under a second. When more clients than the
		// hasher's queue holds (64) send passwords at once on a loaded
		// machine, the queue may turn every one away or none may finish in
		// that time, which is the server working as designed.
		onlyBusy := true
		for status := range run.load.failures {
			onlyBusy = onlyBusy && status == 503
		}
		if run.load.ok == 0 && !(onlyBusy && run.concurrency > 64) {
			t.Errorf("%s: no successful operation; first failure: %s", name,
				run.load.firstFailure)
		}
		for status, count := range run.load.failures {
			// Only the password hasher's queue may turn requests away.
			if status != 503 {
				t.Errorf("%s: %d failures with status %d; first failure: %s", name, count,
					status, run.load.firstFailure)
			}
		}
	}
	if len(result.startTimes) == 0 || result.idleRSS == 0 {
		t.Errorf("%s: no start time or idle RSS recorded", label)
	}
}

// checkNoProcessLeft fails the test for each process the run started that
// has not exited.
func checkNoProcessLeft(t *testing.T) {
	t.Helper()
	started.Lock()
	defer started.Unlock()
	if len(started.processes) == 0 {
		t.Error("the run started no process")
	}
	for _, process := range started.processes {
		// exited closes after cmd.Wait has reaped the process.
		select {
		case <-process.exited:
		default:
			t.Errorf("%s (pid %d) still runs after the run returned", process.name,
				process.pid())
		}
	}
}

// killLeftovers kills any started process that is still running, so a
// failed test leaves none behind.
func killLeftovers() {
	started.Lock()
	defer started.Unlock()
	for _, process := range started.processes {
		select {
		case <-process.exited:
		default:
			_ = process.cmd.Process.Kill()
			<-process.exited
		}
	}
}

// TestWriteResultsKeepsChanges checks that a new run replaces the generated
// part of the results file and keeps the hand-written part, even though the
// generated part names the heading in a sentence.
func TestWriteResultsKeepsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	first := "# Results\n\nThe part below " + changesHeading + " is written by hand.\n\nrun 1\n"
	if err := writeResults(path, first); err != nil {
		t.Fatal(err)
	}
	created, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(created), first+changesHeading+"\n") {
		t.Fatalf("a new file does not start with the run and then the heading:\n%s", created)
	}

	handWritten := changesHeading + "\n\n- 2026-12-04: a change by hand\n"
	if err := os.WriteFile(path, []byte(first+handWritten), 0o644); err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(first, "run 1", "run 2", 1)
	if err := writeResults(path, second); err != nil {
		t.Fatal(err)
	}
	replaced, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := second + handWritten; string(replaced) != want {
		t.Errorf("after the second run the file is\n%s\nwant\n%s", replaced, want)
	}
}
