package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

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
	fmt.Printf("Created organisation %q (id %d) with admin %s. Sign in to set up "+
		"two-step verification.\n", org.Name, org.ID, admin.Email)
	return nil
}
