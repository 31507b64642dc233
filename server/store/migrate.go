package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrations lists the schema changes in order; a database's version is the
// number it has applied. Append new ones and never edit an applied one.
// Placeholders in braces become each dialect's type (see columnTypes).
var migrations = []string{
	// 1: organisations, users, keys, sessions, throttles, notifications, audit.
	`
CREATE TABLE organizations (
	id {id},
	name TEXT NOT NULL,
	two_factor_policy TEXT NOT NULL DEFAULT 'all',
	pending_key_hours INTEGER NOT NULL DEFAULT 72,
	created_at {time} NOT NULL
);
CREATE TABLE users (
	id {id},
	organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	email TEXT {bytewise} NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT {bytewise} NOT NULL,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	totp_status TEXT NOT NULL DEFAULT 'off',
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {time} NOT NULL,
	updated_at {time} NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_org_email ON users (organization_id, email);
CREATE INDEX users_org_name ON users (organization_id, name_key);
CREATE TABLE totp_keys (
	id {id},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	status TEXT NOT NULL,
	secret {bytes} NOT NULL,
	last_step BIGINT NOT NULL DEFAULT 0,
	origin TEXT NOT NULL,
	created_by_id BIGINT,
	created_at {time} NOT NULL,
	expires_at {time},
	activated_at {time},
	retired_at {time}
);
CREATE INDEX totp_keys_user_status ON totp_keys (user_id, status);
CREATE TABLE recovery_codes (
	id {id},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash {bytes} NOT NULL,
	used_at {time},
	created_at {time} NOT NULL
);
CREATE UNIQUE INDEX recovery_codes_user_hash ON recovery_codes (user_id, code_hash);
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	stage TEXT NOT NULL,
	created_at {time} NOT NULL,
	last_seen_at {time} NOT NULL,
	expires_at {time} NOT NULL,
	second_factor_at {time},
	client_ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE sign_in_throttles (
	key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_failure_at {time} NOT NULL,
	locked_until {time}
);
CREATE TABLE notifications (
	id {id},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	message TEXT NOT NULL,
	created_at {time} NOT NULL,
	read_at {time}
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE TABLE audit_events (
	id {id},
	organization_id BIGINT,
	actor_id BIGINT,
	actor_email TEXT NOT NULL DEFAULT '',
	target_id BIGINT,
	target_email TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	client_ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	created_at {time} NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (organization_id, id);
CREATE INDEX audit_events_target ON audit_events (target_id, id);
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	// 2: emails waiting to be sent, so a mail server that is down delays
	// them instead of failing the change that caused them.
	`
CREATE TABLE email_outbox (
	id {id},
	recipient TEXT NOT NULL,
	subject TEXT NOT NULL,
	text_body TEXT NOT NULL,
	html_body TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at {time} NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created_at {time} NOT NULL,
	sent_at {time}
);
CREATE INDEX email_outbox_due ON email_outbox (sent_at, next_attempt_at);
`,
	// 3: a notification's kind, so a key-reset notice can be reported as
	// unexpected ("this wasn't me") once.
	`
ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN reported_at {time};
CREATE INDEX users_org_role ON users (organization_id, role);
`,
	// 4: one-time invitation links with which a new user sets a password.
	`
CREATE TABLE invitations (
	id {id},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL,
	created_at {time} NOT NULL,
	expires_at {time} NOT NULL,
	used_at {time}
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
`,
	// 5: a name search sorts its matches by email; with email in the index
	// the search reads no table rows until the page is known.
	`
CREATE INDEX users_org_name_email ON users (organization_id, name_key, email);
DROP INDEX users_org_name;
`,
	// 6: the values of a notification's sentence, so that it can be shown
	// in the reader's language.
	`
ALTER TABLE notifications ADD COLUMN params TEXT NOT NULL DEFAULT '';
`,
	// 7: attempts in flight per throttle key, so a burst of parallel guesses
	// is checked against the limit one by one.
	`
ALTER TABLE sign_in_throttles ADD COLUMN attempts_in_flight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sign_in_throttles ADD COLUMN last_attempt_at {time};
`,
	// 8: at most one pending and one active key per user. Concurrent resets
	// on PostgreSQL could leave two pending keys before; the newest stays.
	`
UPDATE totp_keys SET status = 'retired', retired_at = created_at
	WHERE status IN ('pending', 'active') AND id NOT IN (
		SELECT MAX(id) FROM totp_keys WHERE status IN ('pending', 'active')
		GROUP BY user_id, status);
CREATE UNIQUE INDEX totp_keys_one_pending ON totp_keys (user_id) WHERE status = 'pending';
CREATE UNIQUE INDEX totp_keys_one_active ON totp_keys (user_id) WHERE status = 'active';
`,
}

// columnTypes maps each placeholder in migrations to a dialect's SQL.
var columnTypes = map[Dialect]*strings.Replacer{
	SQLite: strings.NewReplacer(
		"{id}", "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{time}", "DATETIME",
		"{bytes}", "BLOB",
		"{bytewise}", "",
	),
	// Search compares byte-wise ranges of email and name_key, so those
	// columns use the "C" collation, which orders by bytes like SQLite.
	Postgres: strings.NewReplacer(
		"{id}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
		"{time}", "TIMESTAMPTZ",
		"{bytes}", "BYTEA",
		"{bytewise}", `COLLATE "C"`,
	),
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	AppliedAt time.Time
}

// migrate applies, each in its own transaction, the migrations the database
// lacks. It refuses a database written by a newer Gatehouse.
func (s *Store) migrate(ctx context.Context) error {
	db := s.write(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at ` + columnTypes[s.dialect].Replace("{time}") +
		` NOT NULL)`).Error; err != nil {
		return fmt.Errorf("create the schema_migrations table: %w", err)
	}

	for {
		applied, err := s.applyNextMigration(db)
		if err != nil {
			return err
		}
		if !applied {
			return nil
		}
	}
}

// applyNextMigration applies the first missing migration, if any. Instances
// that start together take a lock first, so each migration runs once.
func (s *Store) applyNextMigration(db *gorm.DB) (bool, error) {
	applied := false
	err := db.Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			const migrationLockID = 7_305_119_281
			err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockID).Error
			if err != nil {
				return fmt.Errorf("lock the schema for migration: %w", err)
			}
		}

		var version int
		err := tx.Model(&schemaMigration{}).Select("COALESCE(MAX(version), 0)").
			Scan(&version).Error
		if err != nil {
			return fmt.Errorf("read the schema version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("the database has schema version %d but this Gatehouse knows "+
				"only up to %d: run a newer Gatehouse", version, len(migrations))
		}
		if version == len(migrations) {
			return nil
		}

		script := columnTypes[s.dialect].Replace(migrations[version])
		for _, statement := range strings.Split(script, ";") {
			if strings.TrimSpace(statement) == "" {
				continue
			}
			if err := tx.Exec(statement).Error; err != nil {
				return fmt.Errorf("apply schema migration %d: %w", version+1, err)
			}
		}
		record := schemaMigration{Version: version + 1, AppliedAt: time.Now().UTC()}
		if err := tx.Create(&record).Error; err != nil {
			return fmt.Errorf("record schema migration %d: %w", version+1, err)
		}
		slog.Info("Applied schema migration", "version", version+1, "dialect", s.dialect)
		applied = true
		return nil
	})
	return applied, err
}
