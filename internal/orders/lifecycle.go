package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/idempotency"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Refused is the 409 for a transition the order's status does not allow;
// it names the status and the actions that are allowed.
func Refused(s Status, a Action) error {
	acts := AllowedActions(s)
	names := make([]string, len(acts))
	for i, x := range acts {
		names[i] = string(x)
	}
	msg := fmt.Sprintf("an order that is %s cannot take %q", s, a)
	if len(names) == 0 {
		msg += "; it is finished and takes no further action"
	} else {
		msg += "; allowed: " + strings.Join(names, ", ")
	}
	return &errs.Error{Kind: errs.KindConflict, Code: "transition_not_allowed", Message: msg,
		Extra: map[string]any{"order_status": string(s), "allowed_actions": names}}
}

// actionPolicy names each caller-taken step as the policy knows it.
var actionPolicy = map[Action]policy.Action{ActAcknowledge: policy.AcknowledgeOrder, ActRespond: policy.RespondOrder,
	ActVerify: policy.VerifyOrder, ActReject: policy.RejectOrder, ActCancel: policy.CancelOrder}

// actionsFor lists the steps p may take on o now: allowed by its status
// and by the policy, so a page offers exactly what the service accepts.
func actionsFor(p auth.Principal, o Order, rel policy.OrderRelation) []Action {
	out := []Action{}
	for _, a := range AllowedActions(o.Status) {
		if pa, ok := actionPolicy[a]; ok && policy.Order(p, pa, rel) == nil {
			out = append(out, a)
		}
	}
	return out
}

// step is one lifecycle transition as apply carries it out.
type step struct {
	act        Action
	to         Status
	reason     string
	checkID    string
	responseID string
	// before runs first in the transaction (the response's insert).
	before func(ctx context.Context) error
	// tweak adds columns to the conditional update.
	tweak func(t *Transition)
	// event and audience: who is told (empty event: nobody).
	event    string
	audience func(o Order) Audience
	audit    map[string]any
}

// errRaced: the order left the status the step started from while the step
// ran; the loser is answered as if it had come second, which it did.
var errRaced = errors.New("orders: status changed concurrently")

// apply moves o through st in one transaction: the conditional status
// update, the timeline event, the audit entry and the notifications.
func (s *Service) apply(ctx context.Context, p auth.Principal, o Order, st step) error {
	if !permits(o.Status, st.act) {
		return Refused(o.Status, st.act)
	}
	now := s.now()
	t := Transition{ID: o.ID, From: o.Status, To: st.to, At: now}
	if st.tweak != nil {
		st.tweak(&t)
	}
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if st.before != nil {
			if err := st.before(ctx); err != nil {
				return err
			}
		}
		if err := s.d.Store.Transition(ctx, t); errors.Is(err, errs.ErrConflict) {
			return errRaced
		} else if err != nil {
			return err
		}
		if err := s.d.Store.InsertEvent(ctx, Event{OrderID: o.ID, Action: st.act, From: o.Status, To: st.to,
			ActorID: p.UserID, ActorRole: p.Role, Reason: st.reason, CheckID: st.checkID, ResponseID: st.responseID,
			At: now}); err != nil {
			return err
		}
		changes := map[string]any{"status": []Status{o.Status, st.to}}
		if st.reason != "" {
			changes["reason"] = st.reason
		}
		for k, v := range st.audit {
			changes[k] = v
		}
		if st.event != "" {
			// o is the order's earlier state for the audit's "from";
			// the notice carries the new one.
			n := o
			n.Status, n.UpdatedAt = st.to, now
			a := st.audience(n)
			a.Except = p.UserID
			if err := s.notify(ctx, st.event, n, a, now); err != nil {
				return err
			}
		}
		// Last: the audit append waits for, then holds, the chain's turn
		// until commit (see store.Audit.Append).
		return s.audit(ctx, p, "order."+string(st.act), o.ID, changes)
	})
	if errors.Is(err, errRaced) {
		cur, gerr := s.d.Store.Get(ctx, o.ID)
		if gerr != nil {
			return gerr
		}
		return Refused(cur.Status, st.act)
	}
	return err
}

func contractors(o Order) Audience { return Audience{UnitContractors: o.UnitID} }

func reasonRequired(reason string) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(strings.TrimSpace(reason) == "", "reason", "required", "say why")
	v.Check(len(reason) > 4000, "reason", "too_long", "at most 4000 characters")
	return v.Err()
}

// Acknowledge: the responsible unit has received the order.
func (s *Service) Acknowledge(ctx context.Context, p auth.Principal, id, note string) (Detail, error) {
	if len(note) > 4000 {
		return Detail{}, unprocessable("note", "too_long", "at most 4000 characters")
	}
	o, err := s.authorize(ctx, p, id, policy.AcknowledgeOrder)
	if err != nil {
		return Detail{}, err
	}
	if err := s.apply(ctx, p, o, step{act: ActAcknowledge, to: StatusAcknowledged, reason: strings.TrimSpace(note)}); err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, p, id)
}

// NewResponse is the responsible unit's answer.
type NewResponse struct {
	Text string
	// PhotoIDs are the client photo UUIDs the response will carry; they
	// are uploaded to /orders/{id}/responses/{rid}/photos afterwards.
	PhotoIDs   []string
	Location   *Location
	CapturedAt *time.Time
}

// FutureAllowance is how far ahead of the server a phone clock may run.
const FutureAllowance = 10 * time.Minute

func (n NewResponse) validate(now time.Time) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(strings.TrimSpace(n.Text) == "", "text", "required", "say what was done")
	v.Check(len(n.Text) > 10000, "text", "too_long", "at most 10000 characters")
	v.Check(len(n.PhotoIDs) == 0, "photo_ids", "required", "a response carries at least one photo of the result")
	v.Check(len(n.PhotoIDs) > 50, "photo_ids", "too_many", "at most 50 photos")
	seen := map[string]bool{}
	for i, id := range n.PhotoIDs {
		_, err := uuid.Parse(id)
		f := fmt.Sprintf("photo_ids[%d]", i)
		v.Check(err != nil, f, "invalid", "must be a UUID")
		v.Check(seen[id], f, "duplicate", "named twice")
		seen[id] = true
	}
	if l := n.Location; l != nil {
		v.Check(l.Lat < -90 || l.Lat > 90, "location.lat", "out_of_range", "must be within ±90")
		v.Check(l.Lon < -180 || l.Lon > 180, "location.lon", "out_of_range", "must be within ±180")
		v.Check(l.AccuracyM < 0, "location.accuracy_m", "out_of_range", "must not be negative")
	}
	v.Check(n.CapturedAt != nil && n.CapturedAt.After(now.Add(FutureAllowance)), "captured_at", "in_the_future",
		"lies ahead of the server clock")
	return v.Err()
}

// Respond files the responsible unit's answer and moves the order to
// response_submitted. The response's photos follow through the photo
// pipeline; until they are stored it shows them as missing.
func (s *Service) Respond(ctx context.Context, p auth.Principal, id string, n NewResponse) (Detail, string, error) {
	now := s.now()
	if err := n.validate(now); err != nil {
		return Detail{}, "", err
	}
	rid, derived := idempotency.DerivedID(ctx, "order_response")
	if derived {
		// A retry of a response that committed without its answer being
		// recorded answers that response, not "already responded".
		if d, ok, err := s.respondedBefore(ctx, p, id, rid); ok || err != nil {
			return d, rid, err
		}
	}
	o, err := s.authorize(ctx, p, id, policy.RespondOrder)
	if err != nil {
		return Detail{}, "", err
	}
	r := Response{ID: rid, OrderID: o.ID, ProjectID: o.ProjectID, Text: strings.TrimSpace(n.Text),
		PhotoIDs: n.PhotoIDs, Location: n.Location, CapturedAt: n.CapturedAt, SubmittedBy: p.UserID, SubmittedAt: now}
	err = s.apply(ctx, p, o, step{act: ActRespond, to: StatusResponded, responseID: r.ID,
		before: func(ctx context.Context) error { return s.d.Store.InsertResponse(ctx, r) },
		tweak:  func(t *Transition) { t.LastResponseAt = &now },
		event:  EventResponded,
		audience: func(o Order) Audience {
			return Audience{Roles: []auth.Role{auth.RoleOffice}, ProjectInspectors: o.ProjectID, UserIDs: []string{o.CreatedBy}}
		},
		audit: map[string]any{"response_id": r.ID, "photo_ids": r.PhotoIDs}})
	if err != nil {
		return Detail{}, "", err
	}
	d, err := s.Get(ctx, p, id)
	return d, r.ID, err
}

// Verify closes an order on the strength of an on-site verification check
// filed after the response, or — when that check failed — sends it back to
// the responsible unit with the check's failed items as the reason.
func (s *Service) Verify(ctx context.Context, p auth.Principal, id, checkID, note string) (Detail, error) {
	if len(note) > 4000 {
		return Detail{}, unprocessable("reason", "too_long", "at most 4000 characters")
	}
	o, err := s.authorize(ctx, p, id, policy.VerifyOrder)
	if err != nil {
		return Detail{}, err
	}
	if !permits(o.Status, ActVerify) {
		return Detail{}, Refused(o.Status, ActVerify)
	}
	if strings.TrimSpace(checkID) == "" {
		return Detail{}, unprocessable("check_id", "required", "name the verification check")
	}
	c, err := s.d.Checks.Get(ctx, p, checkID)
	if errors.Is(err, errs.ErrNotFound) {
		return Detail{}, unprocessable("check_id", "not_found", "no such check")
	} else if err != nil {
		return Detail{}, err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	switch {
	case c.Type != checklists.TypeVerification:
		v.Add("check_id", "not_verification", "the check must be of type verification")
	case c.ProjectID != o.ProjectID:
		v.Add("check_id", "other_project", "the check is of another project")
	case c.AuthorRole != auth.RoleInspector && c.AuthorRole != auth.RoleOffice && c.AuthorRole != auth.RoleAdmin:
		v.Add("check_id", "not_an_inspector", "verification is filed by an inspector or the office")
	case o.LastResponseAt == nil || !c.CapturedAt.After(*o.LastResponseAt):
		v.Add("check_id", "before_response", "the check must be captured after the response was submitted")
	case len(c.PhotoIDs) == 0 || len(c.MissingPhotoIDs) == len(c.PhotoIDs):
		v.Add("check_id", "no_photos", "the verification check needs at least one stored photo")
	case len(c.MissingPhotoIDs) > 0:
		v.Add("check_id", "incomplete", "photos announced by the check are still missing")
	case c.SupersededBy != "":
		v.Add("check_id", "superseded", "the check was amended; name the amendment")
	}
	if err := v.Err(); err != nil {
		return Detail{}, err
	}
	note = strings.TrimSpace(note)
	if c.Result == checklists.Pass {
		err = s.apply(ctx, p, o, step{act: ActVerify, to: StatusClosed, reason: note, checkID: c.ID,
			tweak: func(t *Transition) { t.VerificationCheckID, t.ClosedAt = c.ID, &t.At },
			audit: map[string]any{"check_id": c.ID, "result": c.Result}})
	} else {
		reason := "verification check failed: " + strings.Join(failedItems(c), ", ")
		if note != "" {
			reason += "; " + note
		}
		err = s.apply(ctx, p, o, step{act: ActReject, to: StatusAcknowledged, reason: reason, checkID: c.ID,
			event: EventRejected, audience: contractors,
			audit: map[string]any{"check_id": c.ID, "result": c.Result}})
	}
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, p, id)
}

// Reject sends a response back to the responsible unit with the reason.
func (s *Service) Reject(ctx context.Context, p auth.Principal, id, reason string) (Detail, error) {
	if err := reasonRequired(reason); err != nil {
		return Detail{}, err
	}
	o, err := s.authorize(ctx, p, id, policy.RejectOrder)
	if err != nil {
		return Detail{}, err
	}
	err = s.apply(ctx, p, o, step{act: ActReject, to: StatusAcknowledged, reason: strings.TrimSpace(reason),
		event: EventRejected, audience: contractors})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, p, id)
}

// Cancel withdraws an order, with the reason.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id, reason string) (Detail, error) {
	if err := reasonRequired(reason); err != nil {
		return Detail{}, err
	}
	o, err := s.authorize(ctx, p, id, policy.CancelOrder)
	if err != nil {
		return Detail{}, err
	}
	if err := s.apply(ctx, p, o, step{act: ActCancel, to: StatusCancelled, reason: strings.TrimSpace(reason)}); err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, p, id)
}

// respondedBefore finds the response rid on order id by this user, made by
// an earlier run of the same keyed request (see idempotency.DerivedID).
func (s *Service) respondedBefore(ctx context.Context, p auth.Principal, id, rid string) (Detail, bool, error) {
	if _, _, _, err := s.access(ctx, p, id); err != nil {
		return Detail{}, false, nil // the normal path gives the right refusal
	}
	rs, err := s.d.Store.Responses(ctx, id)
	if err != nil {
		return Detail{}, false, err
	}
	for _, r := range rs {
		if r.ID == rid && r.SubmittedBy == p.UserID {
			d, err := s.Get(ctx, p, id)
			return d, true, err
		}
	}
	return Detail{}, false, nil
}
