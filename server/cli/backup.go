package cli

import (
	"context"
	"errors"
	"fmt"
)

// BackupCmd copies the SQLite database.
type BackupCmd struct {
	StoreFlags
	Out string `required:"" help:"File to write the copy to; it must not exist yet."`
}

// Run writes a consistent copy of the database while the server keeps
// running. Back up the secret key too: without it no TOTP key can be read.
func (cmd *BackupCmd) Run() error {
	// Checked before connecting, so a PostgreSQL database is never migrated
	// by a command that cannot copy it.
	if cmd.usesPostgres() {
		return errors.New("backup copies SQLite files; for PostgreSQL use pg_dump")
	}
	ctx := context.Background()
	st, _, err := cmd.StoreFlags.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, cmd.Out); err != nil {
		return err
	}
	fmt.Printf("Wrote a copy of the database to %s. Keep the secret key (GATEHOUSE_SECRET_KEY "+
		"or DATA/secret.key) with it.\n", cmd.Out)
	return nil
}
