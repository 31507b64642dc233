package cli

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the Go heap size past which the garbage collector
// works harder, unless GOMEMLIMIT sets another. Each password hash
// allocates 19 MiB that is garbage a moment later. Without a limit the heap
// may double before a collection, so a burst of sign-ins would use twice
// the memory it needs.
const defaultMemoryLimit = 96 << 20

// releaseStartupMemory sets the memory limit and hands back to the OS the
// heap that start-up needed only once (the password dictionaries are built
// at start, and the migrations run).
func releaseStartupMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	debug.FreeOSMemory()
	slog.Debug("Released start-up memory", "memory_limit_bytes", debug.SetMemoryLimit(-1))
}
