package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// healthTimeout bounds the wait for a started server's first healthy response.
	healthTimeout = 30 * time.Second
	// healthPollInterval is the pause between two GET /healthz attempts while
	// a server starts, so it bounds the error of the start-to-healthy time.
	healthPollInterval = 2 * time.Millisecond
	// stopTimeout is how long a server may drain after SIGTERM before SIGKILL.
	stopTimeout = 25 * time.Second
	// clockTicksPerSecond is the unit of utime and stime in /proc/PID/stat.
	// NOTE: this is USER_HZ, which Linux fixes at 100 on x86 and arm64;
	// reading it at run time would need sysconf and cgo.
	clockTicksPerSecond = 100
)

// started lists every process this program started, so the smoke test can
// check that none outlives the run.
var started struct {
	sync.Mutex
	processes []*childProcess
}

// childProcess is a server this program started on 127.0.0.1.
type childProcess struct {
	name    string
	cmd     *exec.Cmd
	base    *url.URL
	logPath string
	exited  chan struct{}
	waitErr error
	// profiler downloads the server's profiles, when it serves them.
	profiler *serverProfiler
}

// startChild starts cmd with its output in logPath and waits until the
// process responds to GET /healthz at addr with 200. It returns the time
// from exec to that response.
func startChild(ctx context.Context, name string, cmd *exec.Cmd, addr, logPath string) (
	*childProcess, time.Duration, error,
) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, 0, fmt.Errorf("create the %s log: %w", name, err)
	}
	defer logFile.Close()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// The kernel kills the child if this program dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	child := &childProcess{
		name:    name,
		cmd:     cmd,
		base:    &url.URL{Scheme: "http", Host: addr},
		logPath: logPath,
		exited:  make(chan struct{}),
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", name, err)
	}
	started.Lock()
	started.processes = append(started.processes, child)
	started.Unlock()
	go func() {
		child.waitErr = cmd.Wait()
		close(child.exited)
	}()

	if err := child.waitHealthy(ctx); err != nil {
		child.stop()
		return nil, 0, fmt.Errorf("%w\n%s", err, child.logTail())
	}
	return child, time.Since(began), nil
}

// waitHealthy polls GET /healthz until it returns 200, the process exits
// or healthTimeout passes.
func (p *childProcess) waitHealthy(ctx context.Context) error {
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	deadline := time.Now().Add(healthTimeout)
	health := p.base.String() + "/healthz"
	for time.Now().Before(deadline) {
		request, err := http.NewRequestWithContext(ctx, http.MethodGet, health, nil)
		if err != nil {
			return err
		}
		if response, err := client.Do(request); err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before GET /healthz returned 200: %v", p.name, p.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(healthPollInterval):
		}
	}
	return fmt.Errorf("GET /healthz of %s did not return 200 within %s", p.name, healthTimeout)
}

// stop sends SIGTERM, waits for the process to drain and exit, and kills it
// after stopTimeout. It returns an error when the process had to be killed
// or exited with a failure.
func (p *childProcess) stop() error {
	select {
	case <-p.exited:
		return p.exitError()
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s: %w", p.name, err)
	}
	select {
	case <-p.exited:
		return p.exitError()
	case <-time.After(stopTimeout):
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("%s did not stop within %s of SIGTERM and was killed", p.name, stopTimeout)
}

func (p *childProcess) exitError() error {
	if p.waitErr != nil {
		return fmt.Errorf("%s exited with an error: %w\n%s", p.name, p.waitErr, p.logTail())
	}
	return nil
}

func (p *childProcess) pid() int { return p.cmd.Process.Pid }

// logTail returns the last lines of the process's log, for error messages.
func (p *childProcess) logTail() string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines = lines[max(0, len(lines)-15):]
	return "last lines of " + p.logPath + ":\n" + strings.Join(lines, "\n")
}

// memory returns the process's resident set size now (VmRSS) and its peak
// so far (VmHWM), in bytes.
func (p *childProcess) memory() (rss, peak int64, err error) {
	file, err := os.Open(filepath.Join("/proc", strconv.Itoa(p.pid()), "status"))
	if err != nil {
		return 0, 0, fmt.Errorf("read the memory of %s: %w", p.name, err)
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		field, value, found := strings.Cut(scanner.Text(), ":")
		if !found || (field != "VmRSS" && field != "VmHWM") {
			continue
		}
		// The value reads like "   12345 kB".
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("invalid %s line in /proc status: %q", field, value)
		}
		if field == "VmRSS" {
			rss = kib * 1024
		} else {
			peak = kib * 1024
		}
	}
	if err := scanner.Err(); err != nil {
		return 0, 0, err
	}
	return rss, peak, nil
}

// cpuTime returns the user plus system CPU time the process has used, over
// all its threads.
func (p *childProcess) cpuTime() (time.Duration, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.pid()), "stat"))
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of %s: %w", p.name, err)
	}
	// The command name, in brackets, may contain spaces. The fields after it
	// are separated by spaces, and utime and stime are fields 14 and 15.
	end := strings.LastIndexByte(string(data), ')')
	if end < 0 {
		return 0, fmt.Errorf("invalid /proc stat of %s: %q", p.name, data)
	}
	fields := strings.Fields(string(data[end+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("invalid /proc stat of %s: %q", p.name, data)
	}
	var ticks int64
	for _, field := range fields[11:13] {
		value, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid /proc stat of %s: %q", p.name, data)
		}
		ticks += value
	}
	return time.Duration(ticks) * time.Second / clockTicksPerSecond, nil
}

// memorySampler records the highest VmRSS of a process while it runs.
type memorySampler struct {
	stopped chan struct{}
	done    chan struct{}
	maxRSS  int64
}

func sampleMemory(p *childProcess, every time.Duration) *memorySampler {
	sampler := &memorySampler{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(sampler.done)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			if rss, _, err := p.memory(); err == nil {
				sampler.maxRSS = max(sampler.maxRSS, rss)
			}
			select {
			case <-sampler.stopped:
				return
			case <-ticker.C:
			}
		}
	}()
	return sampler
}

// stop ends sampling and returns the highest VmRSS seen, in bytes.
func (s *memorySampler) stop() int64 {
	close(s.stopped)
	<-s.done
	return s.maxRSS
}

// freeLoopbackAddr returns a 127.0.0.1 address with a port that was free a
// moment ago. Another process could take it before the server binds it. The
// server then fails to start and logs the error.
func freeLoopbackAddr() (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port on 127.0.0.1: %w", err)
	}
	addr := listener.Addr().String()
	return addr, listener.Close()
}

// childEnv returns this process's environment without any GATEHOUSE_*
// variable, so the caller's settings do not change what is measured, plus
// extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, entry := range os.Environ() {
		if !strings.HasPrefix(entry, "GATEHOUSE_") {
			env = append(env, entry)
		}
	}
	return append(env, extra...)
}
