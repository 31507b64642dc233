package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// profileFetchGrace is how long a profile download may take beyond the
// time the profile covers.
const profileFetchGrace = 15 * time.Second

// serverProfiler downloads profiles from a server started with
// --pprof-addr into a folder.
type serverProfiler struct {
	dir string
	// pprofBase is the server's pprof address as an http:// URL.
	pprofBase string
	// prefix starts every file name, such as "sqlite-100000".
	prefix string
}

// fileName returns the file name of a profile of kind ("cpu" or "heap")
// taken at a step such as "code step, c=16", in lowercase letters, digits
// and dashes.
func (p *serverProfiler) fileName(step, kind string) string {
	words := strings.FieldsFunc(strings.ToLower(step), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	return p.prefix + "-" + strings.Join(words, "-") + "." + kind + ".pprof"
}

// startCPU starts a CPU profile of the server covering duration, rounded up
// to whole seconds, and returns a function that waits for it and saves it.
func (p *serverProfiler) startCPU(ctx context.Context, duration time.Duration, name string) func() error {
	seconds := max(1, int(math.Ceil(duration.Seconds())))
	done := make(chan error, 1)
	go func() {
		path := fmt.Sprintf("/debug/pprof/profile?seconds=%d", seconds)
		timeout := time.Duration(seconds)*time.Second + profileFetchGrace
		done <- p.fetch(ctx, path, timeout, name)
	}()
	return func() error { return <-done }
}

// saveHeap saves the server's heap profile now.
func (p *serverProfiler) saveHeap(ctx context.Context, name string) error {
	return p.fetch(ctx, "/debug/pprof/heap", profileFetchGrace, name)
}

func (p *serverProfiler) fetch(ctx context.Context, path string, timeout time.Duration, name string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, p.pprofBase+path, nil)
	if err != nil {
		return err
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return fmt.Errorf("download the server profile %s: %w", path, err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("download the server profile %s: status %d", path, response.StatusCode)
	}

	file, err := os.Create(filepath.Join(p.dir, name))
	if err != nil {
		return fmt.Errorf("save the server profile: %w", err)
	}
	if _, err := io.Copy(file, response.Body); err != nil {
		file.Close()
		return fmt.Errorf("save the server profile %s: %w", name, err)
	}
	return file.Close()
}
