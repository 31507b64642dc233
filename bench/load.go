package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxRequestsPerRun bounds the operations of one run, whatever its duration.
const maxRequestsPerRun = 2_000_000

// requestTimeout bounds each HTTP request, so a stuck server cannot hold a
// worker past the run's deadline for long.
const requestTimeout = 30 * time.Second

// errExhausted ends a worker when its scenario has no more users or
// sessions left for it.
var errExhausted = errors.New("no more users or sessions for this scenario")

// outcome is the result of one operation, which may take several requests.
type outcome struct {
	ok bool
	// status is the HTTP status of the response that failed the operation,
	// or 0 for a transport error.
	status int
	// retryAfter is the wait that a 429 or 503 response asked for.
	retryAfter time.Duration
	// detail is the failing response's body or the transport error.
	detail string
}

// operation is one unit of a worker's work: typically one request, or the
// two requests of a full sign-in. It returns errExhausted when there is
// nothing left to do.
type operation func(ctx context.Context, w *worker) (outcome, error)

// worker is one simulated client: its own cookie jar on a transport shared
// by all workers of a run, so connections are reused.
type worker struct {
	index  int
	base   *url.URL
	client *http.Client
}

func newWorker(index int, base *url.URL, transport http.RoundTripper) *worker {
	w := &worker{
		index:  index,
		base:   base,
		client: &http.Client{Transport: transport, Timeout: requestTimeout},
	}
	w.resetCookies()
	return w
}

// address returns the client address that the worker claims, one per
// worker in 10.0.0.0/8. The bare Echo server ignores it.
func (w *worker) address() string {
	return fmt.Sprintf("10.%d.%d.%d", w.index>>16&0xff, w.index>>8&0xff, w.index&0xff)
}

// resetCookies gives the worker an empty cookie jar, as a new visitor has.
func (w *worker) resetCookies() {
	jar, _ := cookiejar.New(nil) // cookiejar.New returns no error without options
	w.client.Jar = jar
}

// setSession puts a session id into the worker's jar as the session cookie.
func (w *worker) setSession(id string) {
	w.client.Jar.SetCookies(w.base, []*http.Cookie{
		{Name: sessionCookieName, Value: id, Path: "/"},
	})
}

// call sends one request with an optional JSON body to the path (with any
// query string) and returns the outcome: ok for a 2xx status.
func (w *worker) call(ctx context.Context, method, path string, body any) outcome {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return outcome{detail: "encode the request body: " + err.Error()}
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, method, w.base.String()+path, reader)
	if err != nil {
		return outcome{detail: err.Error()}
	}
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	request.Header.Set("X-Forwarded-For", w.address())

	response, err := w.client.Do(request)
	if err != nil {
		return outcome{detail: err.Error()}
	}
	defer response.Body.Close()
	if response.StatusCode/100 == 2 {
		// Reading the body to the end lets the transport reuse the connection.
		_, err := io.Copy(io.Discard, response.Body)
		if err != nil {
			return outcome{detail: "read the response: " + err.Error()}
		}
		return outcome{ok: true, status: response.StatusCode}
	}

	text, _ := io.ReadAll(io.LimitReader(response.Body, 512))
	_, _ = io.Copy(io.Discard, response.Body)
	failed := outcome{status: response.StatusCode, detail: string(bytes.TrimSpace(text))}
	if seconds, err := strconv.Atoi(response.Header.Get("Retry-After")); err == nil && seconds > 0 {
		failed.retryAfter = time.Duration(seconds) * time.Second
	}
	return failed
}

// loadSpec is the concurrency and the bounds of one run.
type loadSpec struct {
	concurrency int
	duration    time.Duration
	// maxOperations bounds the operations of the run. Zero means
	// maxRequestsPerRun.
	maxOperations int
	// onStart, when set, is called as the measured time starts, after the
	// workers' set-up and warm-up.
	onStart func() error
}

// loadResult is the measurement of one run. Only operations that completed
// inside the measured window count.
type loadResult struct {
	ok       int
	failures map[int]int
	// firstFailure is one failure's status and body, for diagnosis.
	firstFailure string
	elapsed      time.Duration
	latencies    []time.Duration
	// endedBy is "time", "count" or "no more users".
	endedBy string
}

func (r *loadResult) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ok) / r.elapsed.Seconds()
}

// percentile returns the latency below which the fraction p of successful
// operations fall, by the nearest-rank method.
func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	rank := int(p*float64(len(r.latencies))+0.999999) - 1
	return r.latencies[min(max(rank, 0), len(r.latencies)-1)]
}

// workerTally is one worker's share of a run's result.
type workerTally struct {
	ok           int
	failures     map[int]int
	firstFailure string
	latencies    []time.Duration
	lastDone     time.Time
	exhausted    bool
}

// runLoad drives base with spec.concurrency workers. Each worker first sends
// GET /healthz to open its connection, which is not measured. Then all
// start together and repeat op until the deadline, the operation count or
// errExhausted. A worker that gets 429 or 503 waits for the Retry-After
// time, but never past the deadline.
func runLoad(
	ctx context.Context,
	base *url.URL,
	spec loadSpec,
	setUp func(ctx context.Context, w *worker) error,
	op operation,
) (*loadResult, error) {
	transport := &http.Transport{
		MaxIdleConns:        spec.concurrency,
		MaxIdleConnsPerHost: spec.concurrency,
		IdleConnTimeout:     time.Minute,
	}
	defer transport.CloseIdleConnections()

	workers := make([]*worker, spec.concurrency)
	for i := range workers {
		workers[i] = newWorker(i, base, transport)
		if setUp != nil {
			if err := setUp(ctx, workers[i]); err != nil {
				return nil, fmt.Errorf("set up worker %d: %w", i, err)
			}
		}
	}
	if err := warmUp(ctx, workers); err != nil {
		return nil, err
	}

	maxOperations := spec.maxOperations
	if maxOperations <= 0 {
		maxOperations = maxRequestsPerRun
	}
	if spec.onStart != nil {
		if err := spec.onStart(); err != nil {
			return nil, err
		}
	}
	var issued atomic.Int64
	start := time.Now()
	deadline := start.Add(spec.duration)
	// Requests in flight at the deadline may finish, within requestTimeout.
	runCtx, cancel := context.WithDeadline(ctx, deadline.Add(requestTimeout))
	defer cancel()

	tallies := make([]workerTally, len(workers))
	var wait sync.WaitGroup
	var opErr error
	var opErrOnce sync.Once
	for i, w := range workers {
		wait.Go(func() {
			err := drive(runCtx, w, op, &tallies[i], deadline, &issued, int64(maxOperations))
			if err != nil {
				opErrOnce.Do(func() { opErr = err })
			}
		})
	}
	wait.Wait()
	if opErr != nil {
		return nil, opErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return mergeTallies(tallies, start, deadline, issued.Load() > int64(maxOperations)), nil
}

// warmUp opens one connection per worker, all at once.
func warmUp(ctx context.Context, workers []*worker) error {
	warmCtx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	errs := make([]error, len(workers))
	var wait sync.WaitGroup
	for i, w := range workers {
		wait.Go(func() {
			if result := w.call(warmCtx, http.MethodGet, "/healthz", nil); !result.ok {
				errs[i] = fmt.Errorf("warm-up GET /healthz failed: status %d: %s",
					result.status, result.detail)
			}
		})
	}
	wait.Wait()
	return errors.Join(errs...)
}

// drive repeats op for one worker until the deadline, the shared operation
// count or errExhausted. It returns only errors other than errExhausted.
func drive(
	ctx context.Context,
	w *worker,
	op operation,
	tally *workerTally,
	deadline time.Time,
	issued *atomic.Int64,
	maxOperations int64,
) error {
	tally.failures = map[int]int{}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if issued.Add(1) > maxOperations {
			return nil
		}
		began := time.Now()
		result, err := op(ctx, w)
		if errors.Is(err, errExhausted) {
			tally.exhausted = true
			return nil
		}
		if err != nil {
			return err
		}
		done := time.Now()
		if done.After(deadline) {
			return nil
		}

		tally.lastDone = done
		if result.ok {
			tally.ok++
			tally.latencies = append(tally.latencies, done.Sub(began))
			continue
		}
		tally.failures[result.status]++
		if tally.firstFailure == "" {
			tally.firstFailure = fmt.Sprintf("status %d: %s", result.status, result.detail)
		}
		if result.retryAfter > 0 {
			pause := min(result.retryAfter, time.Until(deadline))
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return nil
			}
		}
	}
	return nil
}

func mergeTallies(tallies []workerTally, start, deadline time.Time, countReached bool) *loadResult {
	result := &loadResult{failures: map[int]int{}, endedBy: "time"}
	lastDone := start
	exhausted := false
	for _, tally := range tallies {
		result.ok += tally.ok
		for status, count := range tally.failures {
			result.failures[status] += count
		}
		if result.firstFailure == "" {
			result.firstFailure = tally.firstFailure
		}
		result.latencies = append(result.latencies, tally.latencies...)
		if tally.lastDone.After(lastDone) {
			lastDone = tally.lastDone
		}
		exhausted = exhausted || tally.exhausted
	}
	slices.Sort(result.latencies)

	// A run that ran out of work early is measured up to its last completion.
	result.elapsed = deadline.Sub(start)
	switch {
	case countReached:
		result.endedBy = "count"
		result.elapsed = lastDone.Sub(start)
	case exhausted:
		result.endedBy = "no more users"
		result.elapsed = lastDone.Sub(start)
	}
	return result
}
