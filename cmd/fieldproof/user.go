package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fieldproof/fieldproof/internal/auth"
)

func userCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError("usage: fieldproof user add --username NAME --role ROLE [--unit UNIT] [--badge NO] [--name DISPLAY] [--phone P]\n" +
			"the password is read from FIELDPROOF_NEW_USER_PASSWORD, or generated and printed\n")
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
