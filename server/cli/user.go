package cli

import (
	"context"
	"fmt"

	"gatehouse/server"
)

// UserCmd groups the user commands.
type UserCmd struct {
	// The break-glass way back in for a locked-out admin.
	Reset2FA ResetTwoFactorCmd `cmd:"" name:"reset-2fa" help:"Give a user a new pending key."`
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
	st, keys, err := cmd.StoreFlags.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := server.BreakGlassReset(ctx, st, keys, cmd.Email); err != nil {
		return err
	}
	fmt.Printf("%s has a new pending key: they set it up at their next sign-in, after "+
		"their password.\n", cmd.Email)
	return nil
}
