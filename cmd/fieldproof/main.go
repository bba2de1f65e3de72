// Command fieldproof is the whole server: `fieldproof` (or `fieldproof
// serve`) runs the API; the other subcommands operate on the same
// configuration. Everything is read from the environment (see README).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: fieldproof [command] [flags]

commands:
  serve [--demo]     run the API (the default command)
  migrate            apply database migrations and exit
  demo               load the demo county into the database and exit
  user add ...       create a user (fieldproof user add --help)
  user set-password --username U
                     set a user's password (the admin's, if its one-time password is lost)
  audit verify       seal what is pending, then check the live audit log's tree
                     against its signed checkpoints; names the first bad entry
  audit verify --export FILE --key VERIFIERKEY
                     check an export offline with only the published key
  audit export FILE  write the sealed log, checkpoints and verifier key (JSON lines)
  audit verify-proof --proof FILE --key VERIFIERKEY
                     check one inclusion proof (the API's, or a report's)
  audit key          print the verifier key to publish
  audit keygen [NAME]
                     make a new audit signing key (for FIELDPROOF_AUDIT_KEY)
  version            print the schema version

Configuration comes from FIELDPROOF_* environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprint(os.Stderr, ue.Error())
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "fieldproof:", err)
		os.Exit(1)
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		demo := fs.Bool("demo", false, "load the demo county on start (same as FIELDPROOF_DEMO=true)")
		if err := fs.Parse(args); err != nil {
			return usageError(usage)
		}
		return serve(ctx, *demo, stdout)
	case "migrate":
		return migrate(ctx, stdout)
	case "demo":
		return loadDemo(ctx, stdout)
	case "user":
		return userCommand(ctx, args, stdout, stderr)
	case "audit":
		return auditCommand(ctx, args, stdout)
	case "reconcile":
		return reconcileCommand(ctx, stdout)
	case "version":
		return version(ctx, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError("unknown command " + cmd + "\n" + usage)
}
