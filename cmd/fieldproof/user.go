package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/fieldproof/fieldproof/internal/auth"
)

const userUsage = "usage: fieldproof user add --username NAME --role ROLE [--unit UNIT] [--badge NO] [--name DISPLAY] [--phone P]\n" +
	"       fieldproof user set-password --username NAME\n" +
	"the password is read from FIELDPROOF_NEW_USER_PASSWORD, or generated and printed\n"

func userCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "set-password" {
		return setPassword(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError(userUsage)
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var n auth.NewUser
	var role string
	fs.StringVar(&n.Username, "username", "", "login name (required)")
	fs.StringVar(&role, "role", "", "admin, office, inspector, volunteer or contractor (required)")
	fs.StringVar(&n.Unit, "unit", "", "responsible unit name (contractors)")
	fs.StringVar(&n.BadgeNo, "badge", "", "badge number (volunteers)")
	fs.StringVar(&n.DisplayName, "name", "", "display name")
	fs.StringVar(&n.Phone, "phone", "", "phone number")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError("")
	}
	n.Role = auth.Role(role)
	// The password never goes on the command line, where ps and shell
	// history would keep it.
	n.Password = os.Getenv("FIELDPROOF_NEW_USER_PASSWORD")
	generated := ""
	if n.Password == "" {
		var err error
		if generated, err = auth.GeneratePassword(); err != nil {
			return err
		}
		n.Password = generated
	}
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	u, err := a.srv.Auth.CreateUser(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s) id=%s\n", u.Username, u.Role, u.ID)
	if generated != "" {
		fmt.Fprintf(stdout, "password: %s\n", generated)
	}
	return nil
}

// setPassword gives an existing user a new password — the way back in for
// an admin whose one-time password, printed at the first start, is lost.
// Like a reset by an admin, it ends the user's sessions and asks for a new
// password at the next login.
func setPassword(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user set-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "login name (required)")
	if err := fs.Parse(args); err != nil || *username == "" || fs.NArg() > 0 {
		return usageError(userUsage)
	}
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	name := strings.ToLower(strings.TrimSpace(*username))
	found, err := a.srv.Auth.ListUsers(ctx, auth.UserFilter{Query: name, Limit: 100})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(found, func(u auth.User) bool { return u.Username == name })
	if i < 0 {
		return fmt.Errorf("no user %q", name)
	}
	u := found[i]
	// Empty: ResetPassword generates one, printed below.
	_, pw, err := a.srv.Auth.ResetPassword(ctx, u.ID, os.Getenv("FIELDPROOF_NEW_USER_PASSWORD"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s (%s) set; every session of it ended; a new password is asked for at the next login\n", u.Username, u.Role)
	if os.Getenv("FIELDPROOF_NEW_USER_PASSWORD") == "" {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}
