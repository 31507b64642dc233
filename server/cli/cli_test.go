package cli

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"math/big"
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
	addr := freeAddr(t)
	child, lines := startServeChild(t, addr)

	waitHealthy(t, http.DefaultClient, "http://"+addr+"/healthz")
	log := stopServeChild(t, child, lines)
	if !strings.Contains(log, "http://"+addr+"/setup#token=") {
		t.Errorf("no setup link in the log:\n%s", log)
	}
	if !strings.Contains(log, "msg=Stopped") {
		t.Errorf("no clean stop in the log:\n%s", log)
	}
}

func TestServeServesTLS(t *testing.T) {
	if os.Getenv("GATEHOUSE_CLI_TEST_SERVE") != "" {
		return
	}
	certFile, keyFile, pool := writeTestCertificate(t)
	addr := freeAddr(t)
	child, lines := startServeChild(t, addr, "GATEHOUSE_CLI_TEST_TLS_CERT="+certFile,
		"GATEHOUSE_CLI_TEST_TLS_KEY="+keyFile)

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
	waitHealthy(t, client, "https://"+addr+"/healthz")
	log := stopServeChild(t, child, lines)
	if !strings.Contains(log, "https://"+addr+"/setup#token=") {
		t.Errorf("no https setup link in the log:\n%s", log)
	}
}

// TestHelperServe is the child process of the serve tests.
func TestHelperServe(t *testing.T) {
	addr := os.Getenv("GATEHOUSE_CLI_TEST_SERVE")
	if addr == "" {
		t.Skip("runs only as the child process of the serve tests")
	}
	cmd := &ServeCmd{
		StoreFlags: StoreFlags{Data: os.Getenv("GATEHOUSE_CLI_TEST_DATA")},
		LogFlags:   LogFlags{LogFormat: "text", LogLevel: "info"},
		Addr:       addr,
		TLSCert:    os.Getenv("GATEHOUSE_CLI_TEST_TLS_CERT"),
		TLSKey:     os.Getenv("GATEHOUSE_CLI_TEST_TLS_KEY"),
	}
	if cmd.TLSCert != "" {
		cmd.BaseURL = "https://" + addr
	}
	if err := cmd.Run(Build{Version: "test", Assets: emptyAssets}); err != nil {
		t.Fatal(err)
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().String()
}

// startServeChild starts TestHelperServe on addr with a new data folder and
// the extra environment variables, and returns its standard error lines.
func startServeChild(t *testing.T, addr string, env ...string) (*exec.Cmd, chan string) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=TestHelperServe")
	child.Env = append(os.Environ(), "GATEHOUSE_CLI_TEST_SERVE="+addr,
		"GATEHOUSE_CLI_TEST_DATA="+t.TempDir())
	child.Env = append(child.Env, env...)
	stderr, _ := child.StderrPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill() })
	lines := make(chan string, 100)
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	return child, lines
}

// stopServeChild sends SIGTERM to the child, expects a clean exit, and
// returns its log.
func stopServeChild(t *testing.T, child *exec.Cmd, lines chan string) string {
	t.Helper()
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
	return log.String()
}

// writeTestCertificate writes a self-signed certificate for 127.0.0.1 and
// its key, and returns their paths and a pool that trusts the certificate.
func writeTestCertificate(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	certFile := filepath.Join(dir, "cert.pem")
	keyFile := filepath.Join(dir, "key.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, pool
}

func TestServeRejectsBadSettingsFirst(t *testing.T) {
	if os.Getenv("GATEHOUSE_CLI_TEST_SERVE") != "" {
		return
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		name      string
		set       func(*ServeCmd)
		secretKey string
		want      string
	}{
		{"invalid addr", func(c *ServeCmd) { c.Addr = "nonsense" }, "", "nonsense"},
		{"port in use", func(c *ServeCmd) { c.Addr = busy.Addr().String() }, "",
			busy.Addr().String()},
		{"short secret key", func(*ServeCmd) {}, "short", "GATEHOUSE_SECRET_KEY"},
		{"relative base URL", func(c *ServeCmd) { c.BaseURL = "notaurl" }, "", "notaurl"},
		{"ftp base URL", func(c *ServeCmd) { c.BaseURL = "ftp://acme.test" }, "",
			"ftp://acme.test"},
		{"base URL without host", func(c *ServeCmd) { c.BaseURL = "https://" }, "",
			"--base-url"},
		{"base URL with query", func(c *ServeCmd) { c.BaseURL = "https://acme.test/?a=b" }, "",
			"--base-url"},
		{"invalid smtp-from", func(c *ServeCmd) { c.SMTPFrom = "bad from" }, "", "bad from"},
		{"invalid smtp-url", func(c *ServeCmd) {
			c.SMTPURL, c.SMTPFrom = "ftp://mail.acme.test", "gatehouse@acme.test"
		}, "", "ftp"},
		{"missing TLS files", func(c *ServeCmd) {
			c.TLSCert, c.TLSKey = "/nonexistent/cert.pem", "/nonexistent/key.pem"
		}, "", "/nonexistent/cert.pem"},
		{"TLS cert without key", func(c *ServeCmd) { c.TLSCert = "/nonexistent" }, "",
			"--tls-key"},
		{"public pprof addr", func(c *ServeCmd) { c.PprofAddr = "0.0.0.0:0" }, "", "loopback"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GATEHOUSE_SECRET_KEY", tc.secretKey)
			data := filepath.Join(t.TempDir(), "data")
			cmd := &ServeCmd{
				StoreFlags: StoreFlags{Data: data},
				LogFlags:   LogFlags{LogFormat: "text", LogLevel: "error"},
				Addr:       "127.0.0.1:0",
			}
			tc.set(cmd)

			done := make(chan error, 1)
			go func() { done <- cmd.Run(Build{Version: "test", Assets: emptyAssets}) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error = %v, want one containing %q", err, tc.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve kept running with the bad setting")
			}
			if _, err := os.Stat(data); err == nil {
				t.Errorf("serve created %s before rejecting the setting", data)
			}
		})
	}
}

func emptyAssets() (fs.FS, error) { return fstest.MapFS{}, nil }

func waitHealthy(t *testing.T, client *http.Client, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		answer, err := client.Get(url)
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

			// An empty file is no database either, and stays empty.
			empty := filepath.Join(parent, "empty.db")
			if err := os.WriteFile(empty, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("GATEHOUSE_SECRET_KEY", strings.Repeat("k", 32))
			err = run(StoreFlags{Data: parent, DB: empty})
			if err == nil || !strings.Contains(err.Error(), "not a Gatehouse database") {
				t.Errorf("empty file: error = %v, want it named not a Gatehouse database", err)
			}
			if info, _ := os.Stat(empty); info == nil || info.Size() != 0 {
				t.Error("the command wrote into the empty file")
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

func TestResetTwoFactorQueuesEmail(t *testing.T) {
	flags := StoreFlags{Data: t.TempDir()}
	setup := &SetupCmd{StoreFlags: flags, Org: "Acme", Email: "admin@acme.test"}
	if err := withStdin(t, "correct horse battery", setup.Run); err != nil {
		t.Fatal(err)
	}
	if err := (&ResetTwoFactorCmd{StoreFlags: flags, Email: "admin@acme.test"}).Run(); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	st, _, err := flags.openExisting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A running serve claims due emails the same way before sending them.
	emails, err := st.ClaimDueEmails(ctx, time.Now().UTC(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != 1 {
		t.Fatalf("the outbox has %d due emails, want 1", len(emails))
	}
	if emails[0].Recipient != "admin@acme.test" {
		t.Errorf("recipient = %q, want admin@acme.test", emails[0].Recipient)
	}
	if !strings.Contains(emails[0].Subject, "new two-step key") {
		t.Errorf("subject = %q, want the key reset email", emails[0].Subject)
	}
}

func TestSetupRecordsAuditEvent(t *testing.T) {
	flags := StoreFlags{Data: t.TempDir()}
	setup := &SetupCmd{StoreFlags: flags, Org: "Acme", Email: "admin@acme.test"}
	if err := withStdin(t, "correct horse battery", setup.Run); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	st, _, err := flags.openExisting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, err := st.AuditEvents(ctx, 1, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("the audit log has %d events, want 1: %+v", len(events), events)
	}
	event := events[0]
	if event.Action != "organization.created" {
		t.Errorf("action = %q, want organization.created", event.Action)
	}
	if event.ActorEmail != "admin@acme.test" {
		t.Errorf("actor = %q, want admin@acme.test", event.ActorEmail)
	}
	if event.TargetEmail != "admin@acme.test" {
		t.Errorf("target = %q, want admin@acme.test", event.TargetEmail)
	}
	if event.OrganizationID == nil || *event.OrganizationID != 1 {
		t.Errorf("organization id = %v, want 1", event.OrganizationID)
	}
}
