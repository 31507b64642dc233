// Package store keeps Gatehouse's state in SQLite or PostgreSQL through GORM.
//
// Every piece of state that several instances must agree on (sessions, sign-in
// throttles, the one-time-code guard, pending keys, notifications) lives here, so
// instances behind one load balancer can share a PostgreSQL database.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Errors the store returns for the caller to map to a response.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("already exists")
	ErrConflict  = errors.New("conflicting change")
)

// Store is the database handle. Reads go to reader and writes to writer; on
// PostgreSQL both are the same pool.
type Store struct {
	dialect Dialect
	writer  *gorm.DB
	reader  *gorm.DB
}

// Open connects to dsn, or to DATA/gatehouse.db when dsn is empty, and applies
// any schema migrations that the database has not seen yet.
func Open(ctx context.Context, dataDir, dsn string) (*Store, error) {
	var s *Store
	var err error
	if IsPostgresDSN(dsn) {
		s, err = openPostgres(dsn)
	} else {
		s, err = openSQLite(dataDir, dsn)
	}
	if err != nil {
		return nil, err
	}

	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// IsPostgresDSN reports whether Open treats dsn as a PostgreSQL URL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLiteFile returns the file that Open uses for a dsn that is not a
// PostgreSQL URL: a plain path, a "sqlite://" or "file:" URL, or
// DATA/gatehouse.db when dsn is empty.
func SQLiteFile(dataDir, dsn string) string {
	if dsn == "" {
		return filepath.Join(dataDir, "gatehouse.db")
	}
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		dsn = strings.TrimPrefix(dsn, prefix)
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return dsn
}

func openSQLite(dataDir, dsn string) (*Store, error) {
	path := SQLiteFile(dataDir, dsn)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	// SQLite creates its file with the process umask (often 0644) and gives
	// the -wal and -shm files the same mode, so make it private first.
	file, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the SQLite file %s: %w", path, err)
	}
	file.Close()

	// WAL lets readers run while one writer commits, and synchronous=NORMAL is
	// safe under WAL (a power cut can lose the last commits, never corrupt the
	// file). busy_timeout makes a second process, such as `gatehouse setup`
	// beside a running server, wait for the write lock instead of failing.
	pragmas := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)",
		"foreign_keys(1)",
	} {
		pragmas.Add("_pragma", p)
	}
	readerDSN := "file:" + path + "?" + pragmas.Encode()
	// Writers take the lock at BEGIN, so two writers queue on busy_timeout
	// instead of one failing when it upgrades a read lock mid-transaction.
	pragmas.Set("_txlock", "immediate")
	writerDSN := "file:" + path + "?" + pragmas.Encode()

	writer, err := gorm.Open(sqlite.Open(writerDSN), gormConfig(false))
	if err != nil {
		return nil, fmt.Errorf("open SQLite file %s: %w", path, err)
	}
	// The readers run no transactions, so caching prepared statements is
	// safe there (see gormConfig).
	reader, err := gorm.Open(sqlite.Open(readerDSN), gormConfig(true))
	if err != nil {
		closeGorm(writer)
		return nil, fmt.Errorf("open SQLite file %s: %w", path, err)
	}

	// SQLite allows one writer at a time: one connection serialises writes in
	// this process without lock errors, while readers use their own pool.
	if err := setPool(writer, 1); err != nil {
		return nil, err
	}
	if err := setPool(reader, max(4, runtime.NumCPU()*2)); err != nil {
		return nil, err
	}
	return &Store{dialect: SQLite, writer: writer, reader: reader}, nil
}

func openPostgres(dsn string) (*Store, error) {
	// pgx caches prepared statements on each connection by itself.
	db, err := gorm.Open(postgres.Open(dsn), gormConfig(false))
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := setPool(db, 20); err != nil {
		return nil, err
	}
	return &Store{dialect: Postgres, writer: db, reader: db}, nil
}

// gormConfig returns the GORM settings; prepareStatements turns on GORM's
// cache of prepared statements. That cache must stay off for a pool that
// runs transactions. In GORM 1.31 a transaction that needs a statement that
// another goroutine is still preparing waits for it and keeps its
// connection. The preparation waits for a free connection, so a busy pool
// deadlocks; the PostgreSQL tests with 30 parallel sign-ins hung this way.
func gormConfig(prepareStatements bool) *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            prepareStatements,
	}
}

func setPool(db *gorm.DB, open int) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(open)
	sqlDB.SetMaxIdleConns(open)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return nil
}

func closeGorm(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		if err := sqlDB.Close(); err != nil {
			slog.Warn("Closing the database failed", "error", err)
		}
	}
}

// Dialect returns which SQL database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database responds.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.reader.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes every connection.
func (s *Store) Close() {
	closeGorm(s.writer)
	if s.reader != s.writer {
		closeGorm(s.reader)
	}
}

func (s *Store) read(ctx context.Context) *gorm.DB  { return s.reader.WithContext(ctx) }
func (s *Store) write(ctx context.Context) *gorm.DB { return s.writer.WithContext(ctx) }

// translate maps GORM's errors to the store's own.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrDuplicate
	default:
		return err
	}
}

// Checkpoint copies SQLite's write-ahead log into the main file; on
// PostgreSQL it does nothing.
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	return s.write(ctx).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}

// Backup writes a consistent copy of an SQLite database to path with
// VACUUM INTO, which reads one snapshot while writers go on. PostgreSQL has
// its own tools for this (pg_dump).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("backup copies SQLite files; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists already: choose a new file", path)
	}
	if err := s.reader.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("copy the database to %s: %w", path, err)
	}
	return os.Chmod(path, 0o600)
}
