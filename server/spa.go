package server

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// missingAppPage is served when the binary was built without the SPA.
const missingAppPage = `<!doctype html><title>Gatehouse</title>
<p>The web app is not built into this binary. Run <code>npm ci && npm run build</code>
and then <code>go build .</code> again.</p>`

// newSPAHandler serves the built app: a file when one exists at the path,
// and index.html for every other path, so the app's own routes work on
// reload. Vite names assets by content hash, so they can be cached for good.
func newSPAHandler(assets fs.FS) (echo.HandlerFunc, error) {
	index, err := fs.ReadFile(assets, "index.html")
	if errors.Is(err, fs.ErrNotExist) {
		index = []byte(missingAppPage)
	} else if err != nil {
		return nil, err
	}
	started := time.Now()

	return func(c echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		if name != "" && name != "index.html" {
			if info, err := fs.Stat(assets, name); err == nil && !info.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					c.Response().Header().Set("Cache-Control",
						"public, max-age=31536000, immutable")
				}
				http.ServeFileFS(c.Response(), c.Request(), assets, name)
				return nil
			}
		}

		c.Response().Header().Set("Cache-Control", "no-cache")
		http.ServeContent(c.Response(), c.Request(), "index.html", started,
			bytes.NewReader(index))
		return nil
	}, nil
}
