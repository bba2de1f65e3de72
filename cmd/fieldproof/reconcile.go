package main

import (
	"context"
	"fmt"
	"io"

	"github.com/fieldproof/fieldproof/internal/photos"
)

// reconcileCommand: `fieldproof reconcile` streams every stored original,
// hashes it, and reports rows whose object is missing or whose bytes no
// longer match the recorded SHA-256. It changes nothing: damaged evidence
// is for a person to investigate. A non-zero exit means problems were found.
func reconcileCommand(ctx context.Context, stdout io.Writer) error {
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	n := 0
	err = a.srv.Photos.Reconcile(ctx, func(p photos.Problem) {
		n++
		fmt.Fprintf(stdout, "%s\tphoto %s\tkey %s\t%s\n", p.Issue, p.PhotoID, p.Key, p.Detail)
	})
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("reconcile: %d photos with problems", n)
	}
	fmt.Fprintln(stdout, "reconcile: every photo's original is present and matches its SHA-256")
	return nil
}
