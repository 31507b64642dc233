package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"gatehouse/server/auth"
)

// changesHeading starts the hand-written part of the results file, which
// writeResults keeps.
const changesHeading = "## What changed each figure"

// Targets, with sizes in bytes.
const (
	targetSignInShare  = 0.90
	targetCodeStepRate = 4000.0
	targetMeShare      = 0.50
	targetListP99      = 25 * time.Millisecond
	targetIdleRSS      = 25 << 20
	targetPeakRSS      = 150 << 20
	targetStart        = 300 * time.Millisecond
	targetBinary       = 30 << 20
	targetSPAGzip      = 80 << 10
)

// target is one measure compared with its target.
type target struct {
	measure string
	value   string
	goal    string
	// met is "pass", "miss" or why there is no value.
	met string
}

func check(pass bool) string {
	if pass {
		return "pass"
	}
	return "miss"
}

// targets compares the run's figures with the targets.
func (r *report) targets() []target {
	list := []target{
		{
			measure: "binary size",
			value:   formatMiB(r.build.binarySize),
			goal:    "≤ " + formatMiB(targetBinary),
			met:     check(r.build.binarySize <= targetBinary),
		},
		{
			measure: "SPA JavaScript, gzipped",
			value:   formatKiB(r.build.spaGzipSize),
			goal:    "≤ " + formatKiB(targetSPAGzip),
			met:     check(r.build.spaGzipSize <= targetSPAGzip),
		},
	}
	for _, result := range r.stores {
		if !result.spec.listOnly {
			list = append(list, r.storeTargets(result)...)
		}
	}
	return list
}

func (r *report) storeTargets(result *storeResult) []target {
	list := []target{
		r.signInTarget(result),
		codeStepTarget(result),
		r.meTarget(result),
		listTarget(result),
		{
			measure: "idle RSS",
			value:   formatMiB(result.idleRSS),
			goal:    "≤ " + formatMiB(targetIdleRSS),
			met:     check(result.idleRSS <= targetIdleRSS),
		},
		peakTarget(result),
		{
			measure: "start to healthy",
			value:   formatMillis(result.medianStart()),
			goal:    "≤ " + formatMillis(targetStart),
			met:     check(result.medianStart() <= targetStart),
		},
	}
	store := fmt.Sprintf("%s, %s users", result.spec.label, formatCount(result.spec.users))
	for i := range list {
		list[i].measure += ", " + store
		if result.skipped != "" {
			list[i].value = "–"
			list[i].met = "skipped: " + result.skipped
		}
	}
	return list
}

// notRun marks a target whose scenario the -run pattern left out.
func notRun(t target) target {
	t.value = "–"
	t.met = "not run"
	return t
}

func (r *report) signInTarget(result *storeResult) target {
	t := target{measure: "full sign-in ÷ raw argon2id, c=16",
		goal: fmt.Sprintf("≥ %.2f", targetSignInShare)}
	run := result.find(scenarioFullSignIn, 16)
	if run == nil {
		return notRun(t)
	}
	rate := run.load.throughput()
	share := rate / result.argon2Rate
	t.value = fmt.Sprintf("%.2f (%s/s ÷ %s/s raw, measured just before)", share,
		formatRate(rate), formatRate(result.argon2Rate))
	t.met = check(share >= targetSignInShare)
	return t
}

func codeStepTarget(result *storeResult) target {
	t := target{measure: "code step, c=16", goal: "≥ " + formatRate(targetCodeStepRate) + "/s"}
	run := result.find(scenarioCode, 16)
	if run == nil {
		return notRun(t)
	}
	rate := run.load.throughput()
	t.value = formatRate(rate) + "/s"
	t.met = check(rate >= targetCodeStepRate)
	return t
}

func (r *report) meTarget(result *storeResult) target {
	t := target{measure: "GET /api/me ÷ bare Echo, c=16", goal: fmt.Sprintf("≥ %.2f", targetMeShare)}
	run := result.find(scenarioMe, 16)
	if run == nil {
		return notRun(t)
	}
	me := run.load.throughput()
	bare := r.ceilings.bareEcho.throughput()
	t.value = fmt.Sprintf("%.2f (%s/s ÷ %s/s)", me/bare, formatRate(me), formatRate(bare))
	t.met = check(me/bare >= targetMeShare)
	return t
}

// listTarget compares the highest p99 latency at concurrency 1 among the
// four users-list requests with the target.
func listTarget(result *storeResult) target {
	t := target{measure: "users list p99, c=1, slowest of 4 requests",
		goal: "≤ " + formatMillis(targetListP99)}
	slowest, slowestName := time.Duration(-1), ""
	for _, name := range []string{scenarioListFirst, scenarioListMiddle, scenarioSearchFirst,
		scenarioSearchMiddle} {
		run := result.find(name, 1)
		if run == nil {
			continue
		}
		if p99 := run.load.percentile(0.99); p99 > slowest {
			slowest, slowestName = p99, name
		}
	}
	if slowestName == "" {
		return notRun(t)
	}
	t.value = formatMillis(slowest) + " (" + slowestName + ")"
	t.met = check(slowest <= targetListP99)
	return t
}

func peakTarget(result *storeResult) target {
	t := target{measure: "peak RSS after 256 concurrent sign-ins",
		goal: "≤ " + formatMiB(targetPeakRSS)}
	if result.find(scenarioFullSignIn, 256) == nil {
		return notRun(t)
	}
	t.value = formatMiB(result.signInPeakRSS)
	t.met = check(result.signInPeakRSS <= targetPeakRSS)
	return t
}

// markdown returns the run's tables, down to but not including the
// hand-written part of the results file.
func (r *report) markdown() string {
	var b strings.Builder
	m := r.machine
	fmt.Fprintf(&b, "# Benchmark results\n\n")
	fmt.Fprintf(&b, "`make bench` (`go run ./bench`) writes everything above %q; "+
		"the section below it is written by hand.\n\n", changesHeading)
	fmt.Fprintf(&b, "## Run of %s\n\n", r.started.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %s memory, %s, %s\n", m.cpuModel, m.cores,
		m.memory, m.kernel, m.goVersion)
	fmt.Fprintf(&b, "- Other load: 1-minute load average %s before the run, %s after it; "+
		"the run waited %s in total, of at most %s, for other processes to use at most "+
		"%.1f cores before its measurements\n", m.loadBefore, loadAverage(),
		r.gate.waited.Round(time.Second), r.cfg.quietBudget, quietMaxOther)
	fmt.Fprintf(&b, "- Code: `%s`%s\n", m.commit, r.binaryNote())
	mode := ""
	if r.cfg.smoke {
		mode = "; smoke mode, so the figures are not comparable with the targets"
	}
	fmt.Fprintf(&b, "- Settings: %s users in the large stores, %s per run and %s per sign-in "+
		"run%s\n", formatCount(r.cfg.users), r.cfg.runTime, r.cfg.runTime*8/5, mode)
	fmt.Fprintf(&b, "- Load: clients on the same machine, each with its own cookie jar "+
		"and its own X-Forwarded-For address (Gatehouse trusts the loopback proxy), "+
		"reusing connections; rates count successful operations per second; latencies "+
		"are of successful operations; a client that gets 429 or 503 waits for the "+
		"Retry-After time. MiB and KiB are 2^20 and 2^10 bytes.\n")
	fmt.Fprintf(&b, "- Stores: seeded through the store layer, all users with one password "+
		"hash and an active TOTP key; PostgreSQL tables get VACUUM ANALYZE after "+
		"seeding, as autovacuum would soon after an import; SQLite has no such "+
		"automatic step, so it gets none.\n\n")

	r.writeTargets(&b)
	r.writeSizes(&b)
	r.writeCeilings(&b)
	r.writeScenarios(&b)
	return b.String()
}

func (r *report) binaryNote() string {
	if r.build.builtHere {
		return ", built with `CGO_ENABLED=0 go build -trimpath -ldflags \"-s -w\"`"
	}
	return ", binary given with -gatehouse " + r.build.binary
}

func (r *report) writeTargets(b *strings.Builder) {
	targets := r.targets()
	misses := 0
	for _, t := range targets {
		if t.met == "miss" {
			misses++
		}
	}
	fmt.Fprintf(b, "### Targets: %d of %d missed\n\n", misses, len(targets))
	fmt.Fprintf(b, "| measure | value | target | result |\n|---|---|---|---|\n")
	for _, t := range targets {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", t.measure, t.value, t.goal, t.met)
	}
	fmt.Fprintln(b)
}

func (r *report) writeSizes(b *strings.Builder) {
	fmt.Fprintf(b, "### Size, seeding, start and memory\n\n")
	fmt.Fprintf(b, "Binary: %s. SPA JavaScript: %s gzipped (level 6), the sum over "+
		"the %d .js files in frontend/dist/assets.\n\n", formatMiB(r.build.binarySize),
		formatKiB(r.build.spaGzipSize), r.build.spaFiles)
	fmt.Fprintf(b, "| store | users | seed time | start to healthy | idle RSS | "+
		"peak RSS after 256 concurrent sign-ins |\n|---|---|---|---|---|---|\n")
	for _, result := range r.stores {
		users := formatCount(result.spec.users)
		if result.skipped != "" {
			fmt.Fprintf(b, "| %s | %s | skipped: %s | | | |\n", result.spec.label, users,
				result.skipped)
			continue
		}
		peak := "not measured"
		if result.find(scenarioFullSignIn, 256) != nil {
			peak = formatMiB(result.signInPeakRSS)
		}
		fmt.Fprintf(b, "| %s | %s | %.1f s | %s (median of %d) | %s | %s |\n",
			result.spec.label, users, result.seedTime.Seconds(),
			formatMillis(result.medianStart()), len(result.startTimes),
			formatMiB(result.idleRSS), peak)
	}
	fmt.Fprintln(b)
}

func (r *report) writeCeilings(b *strings.Builder) {
	params := auth.DefaultArgon2
	bare := r.ceilings.bareEcho
	fmt.Fprintf(b, "### Ceilings\n\n")
	fmt.Fprintf(b, "- Raw argon2id (m=%d KiB, t=%d, p=%d) on %d goroutines at once: "+
		"%s hashes/s; other CPU meanwhile %.2f cores\n", params.MemoryKiB, params.Iterations,
		params.Parallelism, r.ceilings.argon2Workers, formatRate(r.ceilings.argon2Rate),
		r.ceilings.argon2Other)
	for _, result := range r.stores {
		if result.argon2Rate > 0 {
			fmt.Fprintf(b, "- Raw argon2id again, just before the full sign-in run at c=16 on "+
				"%s: %s hashes/s; other CPU meanwhile %.2f cores\n", result.spec.label,
				formatRate(result.argon2Rate), result.argon2Other)
		}
	}
	fmt.Fprintf(b, "- Bare Echo handler returning a small JSON object, own process, "+
		"c=16: %s requests/s, p50 %s, p99 %s, failures: %s; server CPU %.2f cores, other "+
		"CPU %.2f cores\n\n", formatRate(bare.throughput()), formatMillis(bare.percentile(0.5)),
		formatMillis(bare.percentile(0.99)), formatFailures(bare), r.ceilings.bareEchoCPU.server,
		r.ceilings.bareEchoCPU.other)
}

func (r *report) writeScenarios(b *strings.Builder) {
	fmt.Fprintf(b, "### Scenarios\n\n")
	fmt.Fprintf(b, "CPU is in cores. Other CPU is the machine's busy time minus the server's "+
		"and the load generator's: PostgreSQL, other work on the machine, and time the "+
		"hypervisor stole. A row with much other CPU on SQLite measured a busy machine.\n\n")
	fmt.Fprintf(b, "| store | users | scenario | c | ok/s | p50 | p99 | failures | "+
		"server RSS max | server CPU | other CPU | ended by |\n")
	fmt.Fprintf(b, "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, result := range r.stores {
		if result.skipped != "" {
			fmt.Fprintf(b, "| %s | %s | skipped: %s | | | | | | | | | |\n", result.spec.label,
				formatCount(result.spec.users), result.skipped)
			continue
		}
		for _, run := range result.runs {
			load := run.load
			fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %s | %s | %s | %s | %.2f | %.2f | %s |\n",
				result.spec.label, formatCount(result.spec.users), run.scenario,
				run.concurrency, formatRate(load.throughput()),
				formatMillis(load.percentile(0.5)), formatMillis(load.percentile(0.99)),
				formatFailures(load), formatMiB(run.maxRSS), run.cpu.server, run.cpu.other,
				load.endedBy)
		}
	}
	fmt.Fprintln(b)
}

// summary is one progress line for a run.
func (r *runResult) summary() string {
	load := r.load
	line := fmt.Sprintf("%s, c=%d: %s/s, p50 %s, p99 %s, failures %s, server RSS max %s, "+
		"server CPU %.2f cores, other CPU %.2f cores, ended by %s", r.scenario, r.concurrency,
		formatRate(load.throughput()), formatMillis(load.percentile(0.5)),
		formatMillis(load.percentile(0.99)), formatFailures(load), formatMiB(r.maxRSS),
		r.cpu.server, r.cpu.other, load.endedBy)
	if load.firstFailure != "" {
		line += "; first failure: " + load.firstFailure
	}
	return line
}

// formatFailures lists failed operations by status, with "transport" for
// requests that got no response.
func formatFailures(load *loadResult) string {
	if len(load.failures) == 0 {
		return "none"
	}
	statuses := make([]int, 0, len(load.failures))
	for status := range load.failures {
		statuses = append(statuses, status)
	}
	slices.Sort(statuses)
	parts := make([]string, len(statuses))
	for i, status := range statuses {
		name := fmt.Sprint(status)
		if status == 0 {
			name = "transport"
		}
		parts[i] = fmt.Sprintf("%d × %s", load.failures[status], name)
	}
	return strings.Join(parts, ", ")
}

func formatMillis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.0f ms", ms)
	}
}

func formatRate(rate float64) string {
	if rate < 100 {
		return fmt.Sprintf("%.1f", rate)
	}
	return formatCount(int(rate + 0.5))
}

// formatCount writes n with its digits in groups of three: 100 000.
func formatCount(n int) string {
	digits := fmt.Sprint(n)
	var groups []string
	for len(digits) > 3 {
		groups = append([]string{digits[len(digits)-3:]}, groups...)
		digits = digits[:len(digits)-3]
	}
	return strings.Join(append([]string{digits}, groups...), " ")
}

func formatMiB(bytes int64) string {
	return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20))
}

func formatKiB(bytes int64) string {
	return fmt.Sprintf("%.1f KiB", float64(bytes)/(1<<10))
}

// writeResults replaces everything in path before changesHeading with text,
// keeping the hand-written part. A new file gets an empty hand-written part.
func writeResults(path, text string) error {
	handWritten := changesHeading + "\n\nOne line per change that moved a figure: date, " +
		"commit, figure, and why it moved.\n"
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		// The heading must start a line: the generated text names it in a
		// sentence too.
		if i := strings.Index(string(old), "\n"+changesHeading+"\n"); i >= 0 {
			handWritten = string(old[i+1:])
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read the previous results: %w", err)
	}
	if err := os.WriteFile(path, []byte(text+handWritten), 0o644); err != nil {
		return fmt.Errorf("write the results: %w", err)
	}
	return nil
}
