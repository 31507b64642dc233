package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"gatehouse/server"
	"gatehouse/server/auth"
	"gatehouse/server/store"
)

// UserCmd groups the user commands.
type UserCmd struct {
	List    ListUsersCmd   `cmd:"" help:"List an organisation's users."`
	Create  CreateUserCmd  `cmd:"" help:"Create a user (password from stdin)."`
	Disable DisableUserCmd `cmd:"" help:"Disable a user and end their sessions."`
	// The break-glass way back in for a locked-out admin.
	Reset2FA ResetTwoFactorCmd `cmd:"" name:"reset-2fa" help:"Give a user a new pending key."`
}

// ListUsersCmd lists users.
type ListUsersCmd struct {
	StoreFlags
	OrgID int64  `name:"org-id" default:"1" help:"Organisation id (setup prints it)."`
	Query string `help:"Keep users whose email or name starts with this."`
}

// Run prints one line per user.
func (cmd *ListUsersCmd) Run() error {
	ctx := context.Background()
	st, _, err := cmd.StoreFlags.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.OrganizationByID(ctx, cmd.OrgID); err != nil {
		return fmt.Errorf("organisation %d: %w", cmd.OrgID, err)
	}

	out := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(out, "ID\tEMAIL\tNAME\tROLE\tTWO-STEP\tDISABLED")
	const pageSize = 500
	for offset := 0; ; offset += pageSize {
		page, err := st.ListUsers(ctx, cmd.OrgID, store.UserFilter{Query: cmd.Query}, offset,
			pageSize)
		if err != nil {
			return err
		}
		for _, u := range page.Users {
			fmt.Fprintf(out, "%d\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.Name, u.Role,
				u.TOTPStatus, u.Disabled)
		}
		if len(page.Users) < pageSize {
			break
		}
	}
	return out.Flush()
}

// CreateUserCmd creates a user.
type CreateUserCmd struct {
	StoreFlags
	OrgID int64  `name:"org-id" default:"1" help:"Organisation id (setup prints it)."`
	Email string `required:"" help:"Email of the new user."`
	Name  string `required:"" help:"Name of the new user."`
	Role  string `default:"member" enum:"admin,member" help:"Role: admin or member."`
}

// Run reads the password from stdin and creates the user, who sets up
// two-step verification at first sign-in.
func (cmd *CreateUserCmd) Run() error {
	ctx := context.Background()
	password, err := readPassword(os.Stdin, "Password for "+cmd.Email+": ")
	if err != nil {
		return err
	}
	_, user, err := server.ValidateSetup("organisation", cmd.Name, cmd.Email, password)
	if err != nil {
		return err
	}
	st, _, err := cmd.StoreFlags.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.OrganizationByID(ctx, cmd.OrgID); err != nil {
		return fmt.Errorf("organisation %d: %w", cmd.OrgID, err)
	}

	user.OrganizationID = cmd.OrgID
	user.Role = cmd.Role
	if user.PasswordHash, err = auth.NewHasher(auth.DefaultArgon2, 1, 0, 0).Hash(ctx,
		password); err != nil {
		return err
	}
	err = st.CreateUser(ctx, user)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("a user with the email %s exists already", user.Email)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Created %s %s (id %d).\n", user.Role, user.Email, user.ID)
	return nil
}

// DisableUserCmd disables a user.
type DisableUserCmd struct {
	StoreFlags
	Email string `required:"" help:"Email of the user to disable."`
}

// Run disables the user and revokes their sessions; the last admin of an
// organisation can't be disabled.
func (cmd *DisableUserCmd) Run() error {
	ctx := context.Background()
	st, _, err := cmd.StoreFlags.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	user, err := st.UserByEmail(ctx, cmd.Email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user has the email %q", cmd.Email)
	}
	if err != nil {
		return err
	}

	disabled := true
	_, err = st.UpdateUser(ctx, user.OrganizationID, user.ID, store.UserChange{Disabled: &disabled})
	if errors.Is(err, store.ErrLastAdmin) {
		return errors.New("this is the organisation's last active admin: make another " +
			"user an admin first")
	}
	if err != nil {
		return err
	}
	fmt.Printf("Disabled %s and ended their sessions.\n", user.Email)
	return nil
}

// ResetTwoFactorCmd is the break-glass key reset.
type ResetTwoFactorCmd struct {
	StoreFlags
	Email string `required:"" help:"Email of the user whose key to replace."`
}

// Run retires the user's key, ends their sessions and leaves a new pending
// key that they set up at their next sign-in.
func (cmd *ResetTwoFactorCmd) Run() error {
	ctx := context.Background()
	st, keys, err := cmd.StoreFlags.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := server.BreakGlassReset(ctx, st, keys, cmd.Email); err != nil {
		return err
	}
	fmt.Printf("%s has a new pending key: they set it up at their next sign-in, after "+
		"their password. An email telling them so waits in the outbox for `gatehouse serve` "+
		"with --smtp-url to send.\n", cmd.Email)
	return nil
}
