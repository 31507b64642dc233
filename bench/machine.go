package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine describes the computer and the code that a run measured.
type machine struct {
	cpuModel  string
	cores     int
	memory    string
	kernel    string
	goVersion string
	commit    string
	// loadBefore is the 1-minute load average when the run started: other
	// work on the machine skews every figure.
	loadBefore string
}

func describeMachine(ctx context.Context, root string) machine {
	m := machine{
		cpuModel:   procField("/proc/cpuinfo", "model name"),
		cores:      runtime.NumCPU(),
		memory:     "unknown",
		kernel:     "unknown",
		goVersion:  runtime.Version(),
		commit:     "unknown",
		loadBefore: loadAverage(),
	}
	if m.cpuModel == "" {
		m.cpuModel = "unknown CPU"
	}
	// MemTotal reads like "24683744 kB".
	if total := procField("/proc/meminfo", "MemTotal"); total != "" {
		kib, err := strconv.ParseInt(strings.TrimSuffix(total, " kB"), 10, 64)
		if err == nil {
			m.memory = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
		}
	}
	if release, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(release))
	}

	git := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	git.Dir = root
	if output, err := git.Output(); err == nil {
		m.commit = strings.TrimSpace(string(output))
	}
	return m
}

// procField returns the value of the first "name: value" line of a /proc
// file, or "" when there is none.
func procField(path, name string) string {
	file, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		field, value, found := strings.Cut(scanner.Text(), ":")
		if found && strings.TrimSpace(field) == name {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// loadAverage returns the 1-minute load average from /proc/loadavg.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return "unknown"
	}
	return fields[0]
}
