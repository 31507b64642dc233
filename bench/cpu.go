package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSnapshot is the CPU time used so far by the server, by this program
// and by the whole machine.
type cpuSnapshot struct {
	at      time.Time
	server  time.Duration
	self    time.Duration
	machine time.Duration
}

// takeCPUSnapshot reads the CPU times now. With a nil server it reads only
// this program's and the machine's.
func takeCPUSnapshot(server *childProcess) (cpuSnapshot, error) {
	snapshot := cpuSnapshot{at: time.Now()}
	if server != nil {
		var err error
		if snapshot.server, err = server.cpuTime(); err != nil {
			return snapshot, err
		}
	}
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return snapshot, fmt.Errorf("read this program's CPU time: %w", err)
	}
	snapshot.self = time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	var err error
	snapshot.machine, err = machineBusyTime()
	return snapshot, err
}

// takeSelfSnapshot reads the CPU times of this program and the machine.
func takeSelfSnapshot() (cpuSnapshot, error) { return takeCPUSnapshot(nil) }

// cpuUsage is the CPU used between two snapshots, in cores: CPU seconds per
// second of wall time.
type cpuUsage struct {
	server float64
	// other is everything but the server and this program: PostgreSQL,
	// other people's work on the machine, and time the hypervisor took.
	other float64
}

func cpuBetween(before, after cpuSnapshot) cpuUsage {
	wall := after.at.Sub(before.at).Seconds()
	server := (after.server - before.server).Seconds()
	self := (after.self - before.self).Seconds()
	machine := (after.machine - before.machine).Seconds()
	// The three counters tick at different resolutions, so a small negative
	// remainder is rounding, not a measurement.
	return cpuUsage{server: server / wall, other: max(0, machine-server-self) / wall}
}

// machineBusyTime returns the CPU time of all cores that was not idle, from
// the first line of /proc/stat, including time stolen by the hypervisor.
func machineBusyTime() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("read the machine's CPU time: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	// The fields are user, nice, system, idle, iowait, irq, softirq, steal.
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, fmt.Errorf("invalid first line of /proc/stat: %q", line)
	}
	var ticks int64
	for i, field := range fields[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		value, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid first line of /proc/stat: %q", line)
		}
		ticks += value
	}
	return time.Duration(ticks) * time.Second / clockTicksPerSecond, nil
}

// quietGate delays measurements while other processes keep the machine
// busy, within a total waiting budget for the whole run, so that a burst
// of someone else's work does not land in a measurement when it can be
// avoided.
type quietGate struct {
	// maxOther is the CPU, in cores, that other processes may use for the
	// machine to count as quiet.
	maxOther float64
	// budget is the waiting time left for the rest of the run.
	budget time.Duration
	// waited is the total time waited so far.
	waited time.Duration
}

// quietSampleTime is how long the gate watches the machine per check.
const quietSampleTime = 500 * time.Millisecond

// wait returns once other processes used at most maxOther cores over the
// last quietSampleTime, or when the budget runs out. A gate with no budget
// returns at once.
func (g *quietGate) wait(ctx context.Context) error {
	if g.budget <= 0 {
		return nil
	}
	began := time.Now()
	for {
		before, err := takeSelfSnapshot()
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(quietSampleTime):
		}
		after, err := takeSelfSnapshot()
		if err != nil {
			return err
		}
		// The first check is part of every measurement, not a wait.
		waited := max(0, time.Since(began)-quietSampleTime)
		if cpuBetween(before, after).other <= g.maxOther || waited >= g.budget {
			g.budget -= waited
			g.waited += waited
			return nil
		}
	}
}
