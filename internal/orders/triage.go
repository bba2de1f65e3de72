package orders

import (
	"context"
	"errors"
	"strings"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// TriagePage is one page of the office's triage queue.
type TriagePage struct {
	Items []TriageItem
	Next  string
}

// TriageQueue lists volunteers' failed checks the office has not yet
// decided on, newest first.
func (s *Service) TriageQueue(ctx context.Context, p auth.Principal, cursor string, limit *int) (TriagePage, error) {
	if err := policy.Triage(p); err != nil {
		return TriagePage{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	before, n := keyset.Args(v, cursor, limit)
	if err := v.Err(); err != nil {
		return TriagePage{}, err
	}
	items, err := s.d.Store.TriageQueue(ctx, before, n+1)
	if err != nil {
		return TriagePage{}, err
	}
	pg := TriagePage{Items: items}
	if len(items) > n {
		pg.Items = items[:n]
		pg.Next = keyset.Encode(items[n-1].Seq)
	}
	return pg, nil
}

// triageable loads a check that belongs in the triage queue.
func (s *Service) triageable(ctx context.Context, p auth.Principal, checkID string) error {
	if err := policy.Triage(p); err != nil {
		return err
	}
	c, err := s.d.Checks.Get(ctx, p, checkID)
	if err != nil {
		return err
	}
	if c.AuthorRole != auth.RoleVolunteer || c.Result != checklists.Fail || c.SupersededBy != "" {
		return errs.Conflict("not_in_triage", "only a volunteer's failed, current check is triaged")
	}
	if d, err := s.d.Store.Triage(ctx, checkID); err == nil {
		return alreadyTriaged(d)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return err
	}
	return nil
}

func alreadyTriaged(d TriageDecision) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "already_triaged", Message: "the office already decided on this report: " + d.Decision,
		Extra: map[string]any{"decision": d.Decision, "order_id": d.OrderID}}
}

// Dismiss closes a volunteer's report without an order, with the reason.
func (s *Service) Dismiss(ctx context.Context, p auth.Principal, checkID, reason string) (TriageDecision, error) {
	if err := reasonRequired(reason); err != nil {
		return TriageDecision{}, err
	}
	if err := s.triageable(ctx, p, checkID); err != nil {
		return TriageDecision{}, err
	}
	d := TriageDecision{CheckID: checkID, Decision: TriageDismissed, Reason: strings.TrimSpace(reason),
		DecidedBy: p.UserID, DecidedAt: s.now()}
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertTriage(ctx, d); err != nil {
			return err
		}
		if s.d.Audit == nil {
			return nil
		}
		return s.d.Audit.Record(ctx, p, "triage.dismiss", "check", checkID, map[string]any{"reason": d.Reason})
	})
	if errors.Is(err, errs.ErrConflict) {
		prev, gerr := s.d.Store.Triage(ctx, checkID)
		if gerr != nil {
			return TriageDecision{}, gerr
		}
		return TriageDecision{}, alreadyTriaged(prev)
	}
	return d, err
}

// IssueFromTriage issues an order from a volunteer's failed check; the
// triage decision and the order commit together.
func (s *Service) IssueFromTriage(ctx context.Context, p auth.Principal, checkID string, n NewOrder) (Detail, error) {
	if err := s.triageable(ctx, p, checkID); err != nil {
		return Detail{}, err
	}
	n.CheckID = checkID
	o, err := s.prepare(ctx, p, n, true)
	if err != nil {
		return Detail{}, err
	}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertTriage(ctx, TriageDecision{CheckID: checkID, Decision: TriageIssued, OrderID: o.ID,
			DecidedBy: p.UserID, DecidedAt: o.CreatedAt}); err != nil {
			return err
		}
		return s.issue(ctx, p, &o)
	})
	if errors.Is(err, errs.ErrConflict) {
		if prev, gerr := s.d.Store.Triage(ctx, checkID); gerr == nil {
			return Detail{}, alreadyTriaged(prev)
		}
	}
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, p, o.ID)
}
