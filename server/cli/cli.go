// Package cli holds Gatehouse's sub-commands.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"gatehouse/server"
	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// Build contains the version and assets that main passes to every command.
type Build struct {
	Version string
	Assets  func() (fs.FS, error)
}

// Commands is the command line.
type Commands struct {
	Serve   ServeCmd   `cmd:"" help:"Run the web server."`
	Setup   SetupCmd   `cmd:"" help:"Create an organisation and its first admin."`
	User    UserCmd    `cmd:"" help:"Manage users from the command line."`
	Backup  BackupCmd  `cmd:"" help:"Copy the SQLite database while the server runs."`
	Version VersionCmd `cmd:"" help:"Print the version."`
}

// StoreFlags choose the database and the data folder.
type StoreFlags struct {
	Data string `default:"./data" help:"Folder for the SQLite file and the secret key."`
	DB   string `name:"db" help:"A postgres:// URL, or an SQLite file (default DATA/gatehouse.db)."`
}

// LogFlags choose how logs look.
type LogFlags struct {
	LogFormat string `default:"text" enum:"text,json" help:"Log format: text or json."`
	LogLevel  string `default:"info" enum:"debug,info,warn,error" help:"Lowest log level written."`
}

func (f LogFlags) setUp() {
	var level slog.Level
	_ = level.UnmarshalText([]byte(f.LogLevel))
	options := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, options)
	if f.LogFormat == "json" {
		handler = slog.NewJSONHandler(os.Stderr, options)
	}
	slog.SetDefault(slog.New(handler))
}

// open opens the store and the keyring, and checks that the keyring is the
// one the store was set up with.
func (f StoreFlags) open(ctx context.Context) (*store.Store, *auth.Keyring, error) {
	st, err := store.Open(ctx, f.Data, f.DB)
	if err != nil {
		return nil, nil, err
	}
	master, err := auth.LoadOrCreateMasterKey(os.Getenv("GATEHOUSE_SECRET_KEY"), f.Data)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	keys, err := auth.NewKeyring(master)
	if err == nil {
		err = server.VerifyKeyring(ctx, st, keys)
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keys, nil
}

// Fail prints a command's error for a person to read.
func Fail(err error) {
	fmt.Fprintln(os.Stderr, "gatehouse:", err)
}

// readPassword reads one line from stdin, without echo when stdin is a
// terminal.
func readPassword(stdin *os.File, prompt string) (string, error) {
	if term.IsTerminal(int(stdin.Fd())) {
		fmt.Fprint(os.Stderr, prompt)
		password, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		return string(password), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input: pipe it in, one line")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints the version.
func (VersionCmd) Run(build Build) error {
	fmt.Println("gatehouse", build.Version)
	return nil
}
