package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// auditCommand: `fieldproof audit verify` walks the hash chain of the audit
// log and names the first entry that was edited, removed or reordered. The
// run is recorded (as "cli"), so the console can show when the chain was
// last verified.
func auditCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return usageError("usage: fieldproof audit verify\n")
	}
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	_, r, err := a.srv.Audit.VerifyFromCLI(ctx)
	if err != nil {
		return err
	}
	if r.Problem != nil {
		fmt.Fprintf(stdout, "audit log BROKEN at entry %d: %s\n(%d entries before it verified)\n", r.Problem.Seq, r.Problem.Reason, r.Entries)
		return errors.New("audit chain verification failed")
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, head %s\n", r.Entries, r.Head)
	return nil
}
