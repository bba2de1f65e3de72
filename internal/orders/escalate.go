package orders

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// system is the actor of background work (the audit log records it as
// "system").
var system = auth.Principal{}

// EscalateOverdue escalates every open order past its deadline at now that
// was not escalated before: the flag, a timeline event, an audit entry, and
// the notifications and webhooks of order.overdue, in one transaction per
// order. The flag is set by a conditional UPDATE (WHERE escalated_at IS
// NULL), so however many workers or replicas run this at once, each order
// is escalated exactly once: the loser's update matches no row and it
// writes nothing.
func (s *Service) EscalateOverdue(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	done := 0
	for {
		ids, err := s.d.Store.OverdueIDs(ctx, now, 100)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		progressed := false
		for _, id := range ids {
			won, err := s.escalate(ctx, id, now)
			if err != nil {
				return done, err
			}
			if won {
				done++
				progressed = true
			}
		}
		if !progressed {
			// Every candidate was taken by another worker; the next round
			// of the loop would see none of them again anyway.
			return done, nil
		}
	}
}

func (s *Service) escalate(ctx context.Context, id string, now time.Time) (bool, error) {
	won := false
	err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
		ok, err := s.d.Store.MarkEscalated(ctx, id, now)
		if err != nil || !ok {
			return err
		}
		o, err := s.d.Store.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := s.d.Store.InsertEvent(ctx, Event{OrderID: id, Action: ActEscalate, From: o.Status, To: o.Status,
			ActorID: "system", ActorRole: "system", Reason: "deadline " + o.Deadline.Format(time.RFC3339) + " passed",
			At: now}); err != nil {
			return err
		}
		if err := s.notify(ctx, EventOverdue, o, Audience{Roles: []auth.Role{auth.RoleOffice},
			UnitContractors: o.UnitID, UserIDs: []string{o.CreatedBy}}, now); err != nil {
			return err
		}
		won = true
		// last, so the audit chain's turn is held only until the commit
		return s.audit(ctx, system, "order.escalate", id, map[string]any{"deadline": o.Deadline})
	})
	if err != nil {
		return false, err
	}
	return won, nil
}

// RunEscalation escalates overdue orders every interval until ctx ends.
func (s *Service) RunEscalation(ctx context.Context) {
	t := time.NewTicker(s.o.EscalationInterval)
	defer t.Stop()
	for {
		if n, err := s.EscalateOverdue(ctx, s.d.Now()); err != nil && ctx.Err() == nil {
			s.d.Log.Warn("escalate overdue orders", "err", err)
		} else if n > 0 {
			s.d.Log.Info("escalated overdue orders", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
