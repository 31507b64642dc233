package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// CreateTestSchema makes a fresh, empty schema on the PostgreSQL server at
// baseDSN and returns a DSN that uses it and a function that drops it. It
// lets tests share one server without seeing each other's rows.
func CreateTestSchema(ctx context.Context, baseDSN string) (string, func(), error) {
	admin, err := gorm.Open(postgres.Open(baseDSN), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redactDSN(baseDSN), err)
	}
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	schema := "gatehouse_test_" + hex.EncodeToString(raw)
	if err := admin.WithContext(ctx).Exec("CREATE SCHEMA " + schema).Error; err != nil {
		closeGorm(admin)
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}

	drop := func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		closeGorm(admin)
	}
	separator := "?"
	if strings.Contains(baseDSN, "?") {
		separator = "&"
	}
	return baseDSN + separator + "search_path=" + schema, drop, nil
}

// redactDSN hides the password of a database URL, for error messages.
func redactDSN(dsn string) string {
	parsed, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return parsed.Redacted()
}
