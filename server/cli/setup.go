package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"gatehouse/server"
	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// SetupCmd creates an organisation and its first admin.
type SetupCmd struct {
	StoreFlags
	Org   string `required:"" help:"Name of the new organisation."`
	Email string `required:"" help:"Email of its first admin."`
	Name  string `help:"Name of the first admin (default: the part of the email before @)."`
}

// Run reads the admin's password from stdin and creates the organisation.
// It works beside a running server on the same SQLite file, which WAL mode
// and the busy timeout allow.
func (cmd *SetupCmd) Run() error {
	ctx := context.Background()
	password, err := readPassword(os.Stdin, "Password for "+cmd.Email+": ")
	if err != nil {
		return err
	}
	name := cmd.Name
	if name == "" {
		name, _, _ = strings.Cut(cmd.Email, "@")
	}
	org, admin, err := server.ValidateSetup(cmd.Org, name, cmd.Email, password)
	if err != nil {
		return err
	}

	st, _, err := cmd.StoreFlags.openOrCreate(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	hasher := auth.NewHasher(auth.DefaultArgon2, 1, 0, 0)
	if admin.PasswordHash, err = hasher.Hash(ctx, password); err != nil {
		return err
	}
	err = st.CreateOrganization(ctx, org, admin)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("a user with the email %s exists already", admin.Email)
	}
	if err != nil {
		return err
	}
	recordSetup(ctx, st, admin)
	fmt.Printf("Created organisation %q (id %d) with admin %s. Sign in to set up "+
		"two-step verification.\n", org.Name, org.ID, admin.Email)
	return nil
}

// recordSetup writes the organization.created event that setup in the
// browser writes too. A failure is logged and does not fail the command,
// because the organisation exists already and a retry would be rejected.
func recordSetup(ctx context.Context, st *store.Store, admin *store.User) {
	event := &store.AuditEvent{
		OrganizationID: &admin.OrganizationID,
		ActorID:        &admin.ID,
		ActorEmail:     admin.Email,
		TargetID:       &admin.ID,
		TargetEmail:    admin.Email,
		Action:         "organization.created",
		Detail:         "from the command line (gatehouse setup)",
		CreatedAt:      time.Now().UTC(),
	}
	if err := st.RecordAudit(ctx, event); err != nil {
		slog.Error("Recording the organization.created audit event failed",
			"organization_id", admin.OrganizationID, "user_id", admin.ID, "error", err)
	}
}
