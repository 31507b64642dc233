package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// postgresTimeout bounds connecting to PostgreSQL and each schema statement.
const postgresTimeout = 5 * time.Second

// postgresSchema is a schema this run created for its PostgreSQL store.
type postgresSchema struct {
	admin *gorm.DB
	name  string
	// dsn is the -postgres URL with search_path set to the schema.
	dsn string
}

// checkLoopbackURL returns an error unless rawURL names a host on the
// loopback interface: the benchmark talks to no other host.
func checkLoopbackURL(rawURL string) (*url.URL, error) {
	parsed, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid -postgres URL: %w", err)
	}
	if parsed.Scheme != "postgres" && parsed.Scheme != "postgresql" {
		return nil, fmt.Errorf("invalid -postgres URL %q: the scheme must be postgres://",
			parsed.Redacted())
	}
	host := parsed.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("the -postgres URL names host %q: the benchmark uses only a "+
			"PostgreSQL on the loopback interface, such as 127.0.0.1", host)
	}
	return parsed, nil
}

// createPostgresSchema connects to the server at rawURL and creates a fresh
// schema for this run. It returns errPostgresDown when the connection fails.
func createPostgresSchema(ctx context.Context, rawURL string) (*postgresSchema, error) {
	parsed, err := checkLoopbackURL(rawURL)
	if err != nil {
		return nil, err
	}
	query := parsed.Query()
	if query.Get("connect_timeout") == "" {
		query.Set("connect_timeout", fmt.Sprint(int(postgresTimeout.Seconds())))
	}
	parsed.RawQuery = query.Encode()

	admin, err := gorm.Open(postgres.Open(parsed.String()),
		&gorm.Config{Logger: logger.Discard, DisableAutomaticPing: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errPostgresDown, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, postgresTimeout)
	defer cancel()
	sqlDB, err := admin.DB()
	if err == nil {
		err = sqlDB.PingContext(pingCtx)
	}
	if err != nil {
		closePostgres(admin)
		return nil, fmt.Errorf("%w: %w", errPostgresDown, err)
	}

	schema := &postgresSchema{
		admin: admin,
		name:  fmt.Sprintf("gatehouse_bench_%d_%d", time.Now().Unix(), os.Getpid()),
	}
	execCtx, cancelExec := context.WithTimeout(ctx, postgresTimeout)
	defer cancelExec()
	if err := admin.WithContext(execCtx).Exec(`CREATE SCHEMA "` + schema.name + `"`).Error; err != nil {
		closePostgres(admin)
		return nil, fmt.Errorf("create schema %s: %w", schema.name, err)
	}
	query.Set("search_path", schema.name)
	parsed.RawQuery = query.Encode()
	schema.dsn = parsed.String()
	return schema, nil
}

// errPostgresDown marks a failed connection to PostgreSQL.
var errPostgresDown = errors.New("connecting to PostgreSQL failed")

// vacuumAnalyze runs VACUUM ANALYZE on every table of the schema. Right
// after a bulk import PostgreSQL has no planner statistics and no
// visibility map, so counts and offsets read every row from the table.
// Autovacuum does the same at its next round (autovacuum_naptime, one
// minute by default), so without this the figures would depend on whether
// that round fell inside a scenario.
func (s *postgresSchema) vacuumAnalyze(ctx context.Context) error {
	var tables []string
	err := s.admin.WithContext(ctx).Raw(
		"SELECT table_name FROM information_schema.tables WHERE table_schema = ? "+
			"AND table_type = 'BASE TABLE'", s.name).Scan(&tables).Error
	if err != nil {
		return fmt.Errorf("list the tables of schema %s: %w", s.name, err)
	}
	for _, table := range tables {
		statement := fmt.Sprintf(`VACUUM ANALYZE "%s"."%s"`, s.name, table)
		if err := s.admin.WithContext(ctx).Exec(statement).Error; err != nil {
			return fmt.Errorf("run %s: %w", statement, err)
		}
	}
	return nil
}

// drop deletes the schema and everything in it, and closes the connection.
func (s *postgresSchema) drop() error {
	defer closePostgres(s.admin)
	// The run's context may be cancelled already, and the schema must go.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.admin.WithContext(ctx).Exec(`DROP SCHEMA "` + s.name + `" CASCADE`).Error; err != nil {
		return fmt.Errorf("drop schema %s: %w", s.name, err)
	}
	return nil
}

func closePostgres(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}
