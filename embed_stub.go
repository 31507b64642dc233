//go:build nofrontend

package main

import (
	"io/fs"
	"testing/fstest"
)

// appAssets returns no files: this build has no SPA (go build -tags
// nofrontend), so Go can be built and tested without a Node.js build, and
// every page shows how to build the app.
func appAssets() (fs.FS, error) {
	return fstest.MapFS{}, nil
}
