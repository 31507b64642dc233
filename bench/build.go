package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// buildInfo is the binary under test and the sizes measured at build time.
type buildInfo struct {
	binary     string
	binarySize int64
	// builtHere is false when -gatehouse named a binary built elsewhere.
	builtHere bool
	// spaFiles and spaGzipSize are the SPA's JavaScript files and the sum of
	// their sizes after gzip at the default level (6).
	spaFiles    int
	spaGzipSize int64
}

// moduleRoot returns the folder of the go.mod that contains the working
// directory, through `go env GOMOD`.
func moduleRoot(ctx context.Context) (string, error) {
	output, err := exec.CommandContext(ctx, goCommand(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("run go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(output))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("the working directory is not inside the gatehouse module: " +
			"run the benchmark from the repository")
	}
	return filepath.Dir(gomod), nil
}

// goCommand returns the go command on PATH, or Go's usual install path.
func goCommand() string {
	if path, err := exec.LookPath("go"); err == nil {
		return path
	}
	return "/usr/local/go/bin/go"
}

// buildGatehouse builds the server as `make build` does (static, stripped,
// trimmed paths) into dir, unless bin names a binary to use instead.
func buildGatehouse(ctx context.Context, root, dir, bin string) (*buildInfo, error) {
	info := &buildInfo{binary: bin}
	if bin == "" {
		info.binary = filepath.Join(dir, "gatehouse")
		info.builtHere = true
		cmd := exec.CommandContext(ctx, goCommand(), "build", "-trimpath",
			"-ldflags", "-s -w -X main.version=bench", "-o", info.binary, ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		var output bytes.Buffer
		cmd.Stdout = &output
		cmd.Stderr = &output
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build gatehouse: %w\n%s", err, output.String())
		}
	}
	stat, err := os.Stat(info.binary)
	if err != nil {
		return nil, fmt.Errorf("read the gatehouse binary's size: %w", err)
	}
	info.binarySize = stat.Size()

	info.spaFiles, info.spaGzipSize, err = gzipSizes(filepath.Join(root, "frontend", "dist",
		"assets", "*.js"))
	if err != nil {
		return nil, err
	}
	return info, nil
}

// gzipSizes compresses each file matching pattern and returns how many
// there are and the sum of their compressed sizes.
func gzipSizes(pattern string) (int, int64, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return 0, 0, err
	}
	if len(files) == 0 {
		return 0, 0, fmt.Errorf("no file matches %s: build the SPA first with `make frontend`",
			pattern)
	}
	var total int64
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return 0, 0, err
		}
		counter := &countingWriter{}
		writer := gzip.NewWriter(counter)
		if _, err := writer.Write(data); err != nil {
			return 0, 0, err
		}
		if err := writer.Close(); err != nil {
			return 0, 0, err
		}
		total += counter.written
	}
	return len(files), total, nil
}

// countingWriter counts the bytes written to it and keeps none.
type countingWriter struct{ written int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.written += int64(len(p))
	return len(p), nil
}
