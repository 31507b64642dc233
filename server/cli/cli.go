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
	"path/filepath"
	"strings"

	"golang.org/x/term"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

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

// openOrCreate opens the store and the keyring, creating the database and
// the secret key when they are missing, as `setup` and `serve` do on first
// use. It checks that the keyring is the one the store was set up with.
func (f StoreFlags) openOrCreate(ctx context.Context) (*store.Store, *auth.Keyring, error) {
	master, err := auth.LoadOrCreateMasterKey(os.Getenv("GATEHOUSE_SECRET_KEY"), f.Data)
	if err != nil {
		return nil, nil, err
	}
	return f.openWithKey(ctx, master)
}

// openExisting opens a store that `setup` or `serve` created before. A
// mistyped --data or --db would otherwise leave a new empty database and a
// new secret key behind, so it rejects a missing database or key instead.
func (f StoreFlags) openExisting(ctx context.Context) (*store.Store, *auth.Keyring, error) {
	if err := f.requireDatabase(ctx); err != nil {
		return nil, nil, err
	}
	fromEnv := os.Getenv("GATEHOUSE_SECRET_KEY")
	if fromEnv == "" {
		path := filepath.Join(f.Data, "secret.key")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("no secret key at %s: set GATEHOUSE_SECRET_KEY or "+
				"--data to the key the database was set up with", path)
		}
	}
	master, err := auth.LoadOrCreateMasterKey(fromEnv, f.Data)
	if err != nil {
		return nil, nil, err
	}
	return f.openWithKey(ctx, master)
}

func (f StoreFlags) openWithKey(
	ctx context.Context,
	master []byte,
) (*store.Store, *auth.Keyring, error) {
	keys, err := auth.NewKeyring(master)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, f.Data, f.DB)
	if err != nil {
		return nil, nil, err
	}
	if err := server.VerifyKeyring(ctx, st, keys); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keys, nil
}

// usesPostgres reports whether --db is a PostgreSQL URL.
func (f StoreFlags) usesPostgres() bool { return store.IsPostgresDSN(f.DB) }

// requireDatabase returns an error unless the database that the flags name
// exists. Unlike store.Open, it creates and migrates nothing.
func (f StoreFlags) requireDatabase(ctx context.Context) error {
	if f.usesPostgres() {
		return requirePostgresSchema(ctx, f.DB)
	}
	path := store.SQLiteFile(f.Data, f.DB)
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no Gatehouse database at %s: check --data or --db, or run "+
			"`gatehouse setup` to create one", path)
	}
	if err != nil {
		return fmt.Errorf("read the database %s: %w", path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("%s is a folder, not a Gatehouse database: check --data or --db",
			path)
	}
	return requireSQLiteHeader(path)
}

// requireSQLiteHeader returns an error unless the file starts with the
// SQLite header, so an empty or foreign file is never given a schema.
// TODO: an SQLite file of another program still passes and is migrated;
// telling it apart needs a read-only open that WAL files make awkward.
func requireSQLiteHeader(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read the database %s: %w", path, err)
	}
	defer file.Close()
	header := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(file, header); err != nil || string(header) != sqliteHeader {
		return fmt.Errorf("%s is not a Gatehouse database (no SQLite header): check --data "+
			"or --db, or run `gatehouse setup` to create one", path)
	}
	return nil
}

// sqliteHeader is the first 16 bytes of every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// requirePostgresSchema returns an error unless the database at dsn has the
// schema_migrations table that every Gatehouse schema starts with. The
// table is looked up in the search_path, as store.Open's queries are.
func requirePostgresSchema(ctx context.Context, dsn string) error {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	var found bool
	err = db.WithContext(ctx).Raw("SELECT to_regclass('schema_migrations') IS NOT NULL").
		Scan(&found).Error
	if err != nil {
		return fmt.Errorf("look for the Gatehouse schema in PostgreSQL: %w", err)
	}
	if !found {
		return errors.New("no Gatehouse database at the --db URL (no schema_migrations " +
			"table in its search_path): check --db, or run `gatehouse setup` to create one")
	}
	return nil
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
