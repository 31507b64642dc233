//go:build !nofrontend

package main

import (
	"embed"
	"io/fs"
)

// frontendDist is the SPA that `npm run build` writes to frontend/dist.
//
//go:embed all:frontend/dist
var frontendDist embed.FS

// appAssets returns the built SPA with index.html at its root.
func appAssets() (fs.FS, error) {
	return fs.Sub(frontendDist, "frontend/dist")
}
