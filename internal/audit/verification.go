package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// ByCLI is the actor recorded for a verification run from the operator's
// command line (`fieldproof audit verify`), which has no signed-in user.
const ByCLI = "cli"

// Verification is one recorded run of Verify: the office must be able to
// say when the log was last proven intact, so every run is kept.
type Verification struct {
	ID string
	At time.Time
	// By is the user who asked, or ByCLI.
	By string
	// OK: the whole chain was walked and every entry followed from its
	// predecessor.
	OK bool
	// Complete is false when the run stopped at its deadline before the
	// chain's end; Entries is then how far it got.
	Complete bool
	Entries  int64
	// FirstBad is the first entry that does not follow (nil when none).
	FirstBad *int64
	Reason   string
	// Head is the latest checkpoint's root (hex) the run checked against.
	Head string
}

// VerificationStore keeps the runs.
type VerificationStore interface {
	SaveVerification(ctx context.Context, v Verification) error
	// LastVerification is the newest run; found is false before the first.
	LastVerification(ctx context.Context) (v Verification, found bool, err error)
}

// saveTimeout bounds recording a run whose own deadline has passed.
const saveTimeout = 5 * time.Second

// VerifyAs runs Verify for p, who must be allowed to view the audit log,
// and records the run. A run cut short by ctx's deadline is recorded as
// incomplete with the entries it checked, and returned without error: the
// office sees how far it got.
func (s *Service) VerifyAs(ctx context.Context, p auth.Principal) (Verification, error) {
	if err := policy.Global(p, policy.ViewAudit); err != nil {
		return Verification{}, err
	}
	v, _, err := s.run(ctx, p.UserID)
	return v, err
}

// VerifyFromCLI runs Verify for the command line and records the run as
// ByCLI; the report is for the CLI's own output.
func (s *Service) VerifyFromCLI(ctx context.Context) (Verification, Report, error) {
	return s.run(ctx, ByCLI)
}

func (s *Service) run(ctx context.Context, by string) (Verification, Report, error) {
	if s.verifications == nil {
		return Verification{}, Report{}, errors.New("audit: no verification store")
	}
	r, err := s.Verify(ctx)
	v := Verification{ID: uuid.NewString(), At: s.now().UTC().Truncate(time.Microsecond), By: by,
		Entries: r.Entries, Head: r.Root, Complete: err == nil}
	switch {
	case err != nil && ctx.Err() != nil:
		v.Reason = "the run stopped at its deadline before the end of the chain"
	case err != nil:
		return Verification{}, r, err
	case r.Problem != nil:
		seq := r.Problem.Seq
		v.FirstBad, v.Reason = &seq, r.Problem.Reason
	default:
		v.OK = true
	}
	// A run that met its deadline is still recorded, on a context of its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if err := s.verifications.SaveVerification(sctx, v); err != nil {
		return Verification{}, r, fmt.Errorf("record audit verification: %w", err)
	}
	return v, r, nil
}

// LastVerification is the newest recorded run, for p who must be allowed
// to view the audit log; nil before the first run.
func (s *Service) LastVerification(ctx context.Context, p auth.Principal) (*Verification, error) {
	if err := policy.Global(p, policy.ViewAudit); err != nil {
		return nil, err
	}
	if s.verifications == nil {
		return nil, nil
	}
	v, found, err := s.verifications.LastVerification(ctx)
	if err != nil || !found {
		return nil, err
	}
	return &v, nil
}
