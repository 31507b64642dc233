package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/argon2"

	"gatehouse/server/auth"
)

// bareEchoAddrEnv names the environment variable that passes the listening
// address to the bare Echo child.
const bareEchoAddrEnv = "GATEHOUSE_BENCH_ADDR"

// bareEchoPath is the bare Echo server's only route besides /healthz.
const bareEchoPath = "/ping"

// ceilings is the pair of upper bounds that Gatehouse's own figures are
// compared with.
type ceilings struct {
	argon2Workers int
	argon2Rate    float64
	// argon2Other is the CPU, in cores, that the rest of the machine used
	// while argon2id was measured.
	argon2Other float64
	bareEcho    *loadResult
	bareEchoCPU cpuUsage
}

// measureCeilings measures both ceilings, each for duration, one after the
// other and before any Gatehouse server runs.
func measureCeilings(
	ctx context.Context,
	duration time.Duration,
	tempDir string,
	gate *quietGate,
) (ceilings, error) {
	result := ceilings{argon2Workers: runtime.NumCPU()}
	if err := gate.wait(ctx); err != nil {
		return result, err
	}
	var err error
	if result.argon2Rate, result.argon2Other, err = measureArgon2(ctx, duration); err != nil {
		return result, err
	}
	if err := gate.wait(ctx); err != nil {
		return result, err
	}
	result.bareEcho, result.bareEchoCPU, err = measureBareEcho(ctx, tempDir, duration)
	return result, err
}

// measureArgon2 hashes with auth.DefaultArgon2 on runtime.NumCPU()
// goroutines for duration. It returns the hashes per second and the CPU
// cores that other processes used meanwhile. Each goroutine first hashes
// once unmeasured, so the heap has grown to its working size.
func measureArgon2(ctx context.Context, duration time.Duration) (rate, other float64, err error) {
	params := auth.DefaultArgon2
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return 0, 0, err
	}
	hash := func() {
		argon2.IDKey([]byte("correct horse battery staple"), salt,
			params.Iterations, params.MemoryKiB, params.Parallelism, 32)
	}
	var wait sync.WaitGroup
	for range runtime.NumCPU() {
		wait.Go(hash)
	}
	wait.Wait()

	before, err := takeSelfSnapshot()
	if err != nil {
		return 0, 0, err
	}
	var hashes atomic.Int64
	deadline := time.Now().Add(duration)
	for range runtime.NumCPU() {
		wait.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				hash()
				hashes.Add(1)
			}
		})
	}
	wait.Wait()
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	after, err := takeSelfSnapshot()
	if err != nil {
		return 0, 0, err
	}
	// The last hashes end after the deadline, so divide by the real time.
	usage := cpuBetween(before, after)
	return float64(hashes.Load()) / after.at.Sub(before.at).Seconds(), usage.other, nil
}

// measureBareEcho starts this program as a bare Echo server in its own
// process and drives it at concurrency 16 for duration.
func measureBareEcho(ctx context.Context, tempDir string, duration time.Duration) (
	*loadResult, cpuUsage, error,
) {
	self, err := os.Executable()
	if err != nil {
		return nil, cpuUsage{}, fmt.Errorf("find this program to start the bare Echo server: %w",
			err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, cpuUsage{}, err
	}
	cmd := exec.Command(self)
	cmd.Env = childEnv(childRoleEnv+"="+roleBareEcho, bareEchoAddrEnv+"="+addr)
	child, _, err := startChild(ctx, "bare Echo server", cmd, addr,
		filepath.Join(tempDir, "bare-echo.log"))
	if err != nil {
		return nil, cpuUsage{}, err
	}

	var before cpuSnapshot
	spec := loadSpec{concurrency: 16, duration: duration, onStart: func() error {
		var snapshotErr error
		before, snapshotErr = takeCPUSnapshot(child)
		return snapshotErr
	}}
	result, err := runLoad(ctx, child.base, spec, nil,
		func(ctx context.Context, w *worker) (outcome, error) {
			return w.call(ctx, http.MethodGet, bareEchoPath, nil), nil
		})
	var usage cpuUsage
	if err == nil {
		var after cpuSnapshot
		after, err = takeCPUSnapshot(child)
		usage = cpuBetween(before, after)
	}
	return result, usage, errors.Join(err, child.stop())
}

// serveBareEcho runs the bare Echo server: one handler that returns a small
// JSON object, with no middleware, until SIGTERM or SIGINT.
func serveBareEcho() error {
	addr := os.Getenv(bareEchoAddrEnv)
	if addr == "" {
		return errors.New(bareEchoAddrEnv + " is not set")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	type status struct {
		Status string `json:"status"`
	}
	ok := func(c echo.Context) error { return c.JSON(http.StatusOK, status{Status: "ok"}) }
	e.GET("/healthz", ok)
	e.GET(bareEchoPath, ok)

	// The timeouts match Gatehouse's own HTTP server.
	server := &http.Server{
		Addr:              addr,
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- server.ListenAndServe() }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return server.Shutdown(shutdownCtx)
}
