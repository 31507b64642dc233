package main

import (
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
