package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fieldproof/fieldproof/internal/audit"
)

const auditUsage = `usage:
  fieldproof audit verify
  fieldproof audit verify --export FILE --key VERIFIERKEY
  fieldproof audit export FILE
  fieldproof audit verify-proof --proof FILE --key VERIFIERKEY
  fieldproof audit key
  fieldproof audit keygen [NAME]
`

// auditCommand runs the audit log's operator commands. verify against the
// live database is recorded (as "cli"), so the console can show when the
// log was last verified; verify --export needs no database at all — it is
// what an outside party runs.
func auditCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError(auditUsage)
	}
	switch args[0] {
	case "verify":
		fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		file := fs.String("export", "", "")
		key := fs.String("key", "", "")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || (*file == "") != (*key == "") {
			return usageError(auditUsage)
		}
		if *file != "" {
			return verifyExport(*file, *key, stdout)
		}
		return verifyLive(ctx, stdout)
	case "export":
		if len(args) != 2 {
			return usageError(auditUsage)
		}
		return exportLog(ctx, args[1], stdout)
	case "verify-proof":
		fs := flag.NewFlagSet("audit verify-proof", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		file := fs.String("proof", "", "")
		key := fs.String("key", "", "")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || *file == "" || *key == "" {
			return usageError(auditUsage)
		}
		return verifyProof(*file, *key, stdout)
	case "keygen":
		if len(args) > 2 {
			return usageError(auditUsage)
		}
		name := "fieldproof-audit"
		if len(args) == 2 {
			name = args[1]
		}
		skey, err := audit.GenerateKey(name)
		if err != nil {
			return err
		}
		k, err := audit.ParseKey(skey, "-")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "FIELDPROOF_AUDIT_KEY=%s\n# verifier key, to publish:\n%s\n", skey, k.VerifierKey)
		return nil
	case "key":
		a, err := open(ctx, io.Discard, false)
		if err != nil {
			return err
		}
		defer a.close()
		fmt.Fprintln(stdout, a.srv.Audit.VerifierKey())
		return nil
	}
	return usageError(auditUsage)
}

func verifyLive(ctx context.Context, stdout io.Writer) error {
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	if _, err := a.srv.Audit.SealNow(ctx); err != nil {
		var broken *audit.ChainBrokenError
		if !errors.As(err, &broken) {
			return err
		}
		fmt.Fprintf(stdout, "the old hash chain is BROKEN at entry %d: %s\n", broken.Seq, broken.Reason)
	}
	_, r, err := a.srv.Audit.VerifyFromCLI(ctx)
	if err != nil {
		return err
	}
	return report(r, stdout)
}

func verifyExport(file, key string, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := audit.VerifyExport(f, key)
	if err != nil {
		return err
	}
	return report(r, stdout)
}

func report(r audit.Report, stdout io.Writer) error {
	if r.Problem != nil {
		fmt.Fprintf(stdout, "audit log BROKEN at entry %d: %s\n(%d entries before it verified)\n", r.Problem.Seq, r.Problem.Reason, r.Entries)
		return errors.New("audit log verification failed")
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, checkpoint size %d, root %s\n", r.Entries, r.Size, r.Root)
	return nil
}

func exportLog(ctx context.Context, file string, stdout io.Writer) error {
	a, err := open(ctx, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.close()
	if _, err := a.srv.Audit.SealNow(ctx); err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	n, err := a.srv.Audit.Export(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d entries to %s; verifier key %s\n", n, file, a.srv.Audit.VerifierKey())
	return nil
}

// verifyProof checks one inclusion proof, as GET /api/v1/audit/entries/{seq}/proof
// answers it or as copied from a report's appendix: leaf_data, leaf_index,
// checkpoint.note and hashes are all it reads.
func verifyProof(file, key string, stdout io.Writer) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var p struct {
		LeafData   string `json:"leaf_data"`
		LeafIndex  int64  `json:"leaf_index"`
		Checkpoint struct {
			Note string `json:"note"`
		} `json:"checkpoint"`
		Hashes [][]byte `json:"hashes"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := audit.VerifyLeafProof([]byte(p.LeafData), p.LeafIndex, p.Checkpoint.Note, p.Hashes, key); err != nil {
		fmt.Fprintf(stdout, "proof FAILS: %v\n", err)
		return errors.New("audit proof verification failed")
	}
	fmt.Fprintf(stdout, "proof holds: entry %d is in the signed log\n", p.LeafIndex+1)
	return nil
}
