package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"gatehouse/server/store"
)

// withStdin runs fn with line as standard input.
func withStdin(t *testing.T, line string, fn func() error) error {
	t.Helper()
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
	writer.Close()
	previous := os.Stdin
	os.Stdin = reader
	defer func() { os.Stdin = previous; reader.Close() }()
	return fn()
}

func TestUserCommandsAndBackup(t *testing.T) {
	dir := t.TempDir()
	flags := StoreFlags{Data: dir}
	setup := &SetupCmd{StoreFlags: flags, Org: "Acme", Email: "admin@acme.test"}
	if err := withStdin(t, "correct horse battery", setup.Run); err != nil {
		t.Fatal(err)
	}
	second := &SetupCmd{StoreFlags: flags, Org: "Beta", Email: "admin@beta.test"}
	if err := withStdin(t, "correct horse battery", second.Run); err != nil {
		t.Fatalf("a second setup on the same store failed: %v", err)
	}
	weak := &SetupCmd{StoreFlags: flags, Org: "Gamma", Email: "admin@gamma.test"}
	if err := withStdin(t, "password1", weak.Run); err == nil {
		t.Error("setup accepted a 9-character common password")
	}

	create := &CreateUserCmd{StoreFlags: flags, OrgID: 1, Email: "ada@acme.test",
		Name: "Ada", Role: "member"}
	if err := withStdin(t, "a long enough passphrase", create.Run); err != nil {
		t.Fatal(err)
	}
	if err := (&DisableUserCmd{StoreFlags: flags, Email: "admin@acme.test"}).Run(); err == nil {
		t.Error("the last admin was disabled")
	}
	if err := (&DisableUserCmd{StoreFlags: flags, Email: "ada@acme.test"}).Run(); err != nil {
		t.Fatal(err)
	}
	if err := (&ResetTwoFactorCmd{StoreFlags: flags, Email: "admin@acme.test"}).Run(); err != nil {
		t.Fatal(err)
	}

	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := (&BackupCmd{StoreFlags: flags, Out: copyPath}).Run(); err != nil {
		t.Fatal(err)
	}
	copied, err := store.Open(context.Background(), t.TempDir(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	ada, err := copied.UserByEmail(context.Background(), "ada@acme.test")
	if err != nil || !ada.Disabled {
		t.Errorf("the copy has ada = %+v, %v; want a disabled user", ada, err)
	}
	admin, _ := copied.UserByEmail(context.Background(), "admin@acme.test")
	if admin == nil || admin.TOTPStatus != store.TOTPPending {
		t.Errorf("the copy has admin = %+v; want a pending key after reset-2fa", admin)
	}
	info, _ := os.Stat(copyPath)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600", info.Mode().Perm())
	}
}

// TestServeLogsSetupLinkAndStopsOnSIGTERM runs `serve` in a child process
// (this test binary again), so the signal reaches only the child.
func TestServeLogsSetupLinkAndStopsOnSIGTERM(t *testing.T) {
	if os.Getenv("GATEHOUSE_CLI_TEST_SERVE") != "" {
		return
	}
	listener, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := listener.Addr().String()
	listener.Close()

	child := exec.Command(os.Args[0], "-test.run=TestHelperServe")
	child.Env = append(os.Environ(), "GATEHOUSE_CLI_TEST_SERVE="+addr,
		"GATEHOUSE_CLI_TEST_DATA="+t.TempDir())
	stderr, _ := child.StderrPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()

	waitHealthy(t, "http://"+addr+"/healthz")
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err != nil {
		t.Fatalf("serve exited with %v after SIGTERM, want 0", err)
	}
	var log strings.Builder
	for line := range lines {
		log.WriteString(line + "\n")
	}
	if !strings.Contains(log.String(), "http://"+addr+"/setup#token=") {
		t.Errorf("no setup link in the log:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "msg=Stopped") {
		t.Errorf("no clean stop in the log:\n%s", log.String())
	}
}

// TestHelperServe is the child of TestServeLogsSetupLinkAndStopsOnSIGTERM.
func TestHelperServe(t *testing.T) {
	addr := os.Getenv("GATEHOUSE_CLI_TEST_SERVE")
	if addr == "" {
		t.Skip("runs only as the child of TestServeLogsSetupLinkAndStopsOnSIGTERM")
	}
	cmd := &ServeCmd{
		StoreFlags: StoreFlags{Data: os.Getenv("GATEHOUSE_CLI_TEST_DATA")},
		LogFlags:   LogFlags{LogFormat: "text", LogLevel: "info"},
		Addr:       addr,
	}
	if err := cmd.Run(Build{Version: "test", Assets: emptyAssets}); err != nil {
		t.Fatal(err)
	}
}

func emptyAssets() (fs.FS, error) { return fstest.MapFS{}, nil }

func waitHealthy(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		answer, err := http.Get(url)
		if err == nil {
			io.Copy(io.Discard, answer.Body)
			answer.Body.Close()
			if answer.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within 30 s", url)
}

func TestReadCommandsRejectMissingDatabase(t *testing.T) {
	commands := map[string]func(StoreFlags) error{
		"user list": func(flags StoreFlags) error {
			return (&ListUsersCmd{StoreFlags: flags, OrgID: 1}).Run()
		},
		"user create": func(flags StoreFlags) error {
			create := &CreateUserCmd{StoreFlags: flags, OrgID: 1, Email: "ada@acme.test",
				Name: "Ada", Role: "member"}
			return withStdin(t, "a long enough passphrase", create.Run)
		},
		"user disable": func(flags StoreFlags) error {
			return (&DisableUserCmd{StoreFlags: flags, Email: "ada@acme.test"}).Run()
		},
		"user reset-2fa": func(flags StoreFlags) error {
			return (&ResetTwoFactorCmd{StoreFlags: flags, Email: "ada@acme.test"}).Run()
		},
		"backup": func(flags StoreFlags) error {
			out := filepath.Join(t.TempDir(), "copy.db")
			return (&BackupCmd{StoreFlags: flags, Out: out}).Run()
		},
	}
	for name, run := range commands {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			data := filepath.Join(parent, "typo")
			err := run(StoreFlags{Data: data})
			want := filepath.Join(data, "gatehouse.db")
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error = %v, want one naming %s", err, want)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("the command created %s", entries[0].Name())
			}

			dbFile := filepath.Join(parent, "other.db")
			err = run(StoreFlags{Data: parent, DB: dbFile})
			if err == nil || !strings.Contains(err.Error(), dbFile) {
				t.Errorf("error = %v, want one naming %s", err, dbFile)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("the command created %s", entries[0].Name())
			}
		})
	}
}

func TestReadCommandsRequireSecretKey(t *testing.T) {
	dir := t.TempDir()
	flags := StoreFlags{Data: dir}
	setup := &SetupCmd{StoreFlags: flags, Org: "Acme", Email: "admin@acme.test"}
	if err := withStdin(t, "correct horse battery", setup.Run); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "secret.key")
	if err := os.Rename(keyPath, filepath.Join(t.TempDir(), "secret.key")); err != nil {
		t.Fatal(err)
	}

	err := (&ListUsersCmd{StoreFlags: flags, OrgID: 1}).Run()
	if err == nil || !strings.Contains(err.Error(), keyPath) {
		t.Errorf("error = %v, want one naming %s", err, keyPath)
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("user list wrote a new secret key")
	}
}

func TestBackupRejectsPostgresBeforeConnecting(t *testing.T) {
	data := t.TempDir()
	// Nothing listens on port 1, so any connection attempt fails with
	// another error.
	flags := StoreFlags{Data: data, DB: "postgres://gatehouse@127.0.0.1:1/gatehouse"}
	err := (&BackupCmd{StoreFlags: flags, Out: filepath.Join(data, "copy.db")}).Run()
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("error = %v, want the pg_dump advice", err)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("backup created %s", entries[0].Name())
	}
}

// TestReadCommandsRejectEmptyPostgres needs GATEHOUSE_TEST_POSTGRES, the URL
// of a PostgreSQL database in which it may create and drop a schema.
func TestReadCommandsRejectEmptyPostgres(t *testing.T) {
	base := os.Getenv("GATEHOUSE_TEST_POSTGRES")
	if base == "" {
		t.Skip("set GATEHOUSE_TEST_POSTGRES to a PostgreSQL URL to run this test")
	}
	ctx := context.Background()
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("cli_fix_%d", time.Now().UnixNano())
	if err := admin.WithContext(ctx).Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	separator := "?"
	if strings.Contains(base, "?") {
		separator = "&"
	}
	dsn := base + separator + "search_path=" + schema

	err = (&ListUsersCmd{StoreFlags: StoreFlags{Data: t.TempDir(), DB: dsn}, OrgID: 1}).Run()
	if err == nil || !strings.Contains(err.Error(), "no Gatehouse database") {
		t.Errorf("error = %v, want no Gatehouse database", err)
	}
	var tables int64
	err = admin.WithContext(ctx).Raw("SELECT count(*) FROM information_schema.tables "+
		"WHERE table_schema = ?", schema).Scan(&tables).Error
	if err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("user list created %d tables in an empty schema", tables)
	}
}
