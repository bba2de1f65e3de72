package monthly

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Events of the notices the cycle sends (notifications and webhooks), the
// names orders.EventMonthlyReminder and EventMonthlyOverdue let webhooks
// subscribe to.
const (
	EventReminder = "monthly.reminder"
	EventOverdue  = "monthly.overdue"
)

// Notice kinds as monthly_notices records them.
const (
	kindReminder = "reminder"
	kindOverdue  = "overdue"
)

// system is the actor of background work.
var system = auth.Principal{}

// SendNotices sends what is due at now: from three days before the due
// day until the due time, a reminder to each unit with a project of the
// current period not yet submitted; after the due time, an overdue notice
// to each unit still missing one, until the month ends. Only the current
// month is looked at: which projects were under construction in an
// earlier month is not known, so an old month is never nagged about. Each
// (period, unit, kind) is claimed by a unique row in the notice's own
// transaction, so however many replicas run this, a unit hears once.
func (s *Service) SendNotices(ctx context.Context, now time.Time) (int, error) {
	if s.d.Notifier == nil {
		return 0, nil
	}
	pd := PeriodOf(now, s.o.Zone)
	kind := ""
	switch {
	case !now.Before(pd.DueAt(s.o.DueDay, s.o.Zone)):
		kind = kindOverdue
	case !now.Before(pd.RemindAt(s.o.DueDay, s.o.Zone)):
		kind = kindReminder
	default:
		return 0, nil
	}
	return s.notifyPeriod(ctx, pd, kind, now)
}

func (s *Service) notifyPeriod(ctx context.Context, pd Period, kind string, now time.Time) (int, error) {
	st, err := s.StatusOf(ctx, string(pd))
	if err != nil || st.Closed {
		return 0, err
	}
	missing := map[string][]string{} // unit → project names not submitted
	for _, pr := range st.Projects {
		if pr.SubmittedAt == nil {
			missing[pr.UnitID] = append(missing[pr.UnitID], pr.ProjectName)
		}
	}
	units := make([]string, 0, len(missing))
	for u := range missing {
		units = append(units, u)
	}
	sort.Strings(units)
	sent := 0
	for _, unit := range units {
		won := false
		err := s.d.Store.InTx(ctx, func(ctx context.Context) error {
			ok, err := s.d.Store.ClaimNotice(ctx, pd, unit, kind, now.UTC().Truncate(time.Microsecond))
			if err != nil || !ok {
				return err
			}
			n := Notice{Event: EventReminder, Subject: string(pd), UnitID: unit, Period: pd, At: now.UTC(),
				Message: fmt.Sprintf("%s 月报将于 %s 截止，尚有 %d 个项目未提交：%s", pd,
					st.DueAt.Add(-time.Nanosecond).In(s.o.Zone).Format("1月2日"), len(missing[unit]), names(missing[unit]))}
			if kind == kindOverdue {
				n.Event = EventOverdue
				n.Message = fmt.Sprintf("%s 月报已过截止时间，尚有 %d 个项目未提交：%s", pd, len(missing[unit]),
					names(missing[unit]))
			}
			if err := s.d.Notifier.NotifyUnit(ctx, n); err != nil {
				return err
			}
			won = true
			return s.audit(ctx, system, "monthly.notice", "unit", unit, map[string]any{"period": pd, "kind": kind})
		})
		if err != nil {
			return sent, err
		}
		if won {
			sent++
		}
	}
	return sent, nil
}

func names(ns []string) string {
	out := ""
	for i, n := range ns {
		if i == 5 {
			return out + fmt.Sprintf(" 等 %d 个", len(ns))
		}
		if i > 0 {
			out += "、"
		}
		out += n
	}
	return out
}

// RunNotices sends due notices every ReminderInterval until ctx ends.
func (s *Service) RunNotices(ctx context.Context) {
	if s.o.ReminderInterval <= 0 {
		return
	}
	t := time.NewTicker(s.o.ReminderInterval)
	defer t.Stop()
	for {
		if n, err := s.SendNotices(ctx, s.d.Now()); err != nil && ctx.Err() == nil {
			s.d.Log.Warn("monthly notices", "err", err)
		} else if n > 0 {
			s.d.Log.Info("monthly notices sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close closes a period (office): its reports can no longer be filed,
// edited, submitted or reviewed. A period closes only after its due time.
func (s *Service) Close(ctx context.Context, p auth.Principal, period string) (PeriodStatus, error) {
	if err := policy.MonthlyGlobal(p, policy.ClosePeriod); err != nil {
		return PeriodStatus{}, err
	}
	pd, err := ParsePeriod("period", period)
	if err != nil {
		return PeriodStatus{}, err
	}
	if s.d.Now().Before(pd.DueAt(s.o.DueDay, s.o.Zone)) {
		return PeriodStatus{}, unprocessable("period", "not_due", "a period closes only after its due time")
	}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.ClosePeriod(ctx, pd, p.UserID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, p, "monthly_period.close", "monthly_period", string(pd), nil)
	})
	if errors.Is(err, errs.ErrConflict) {
		return PeriodStatus{}, periodErr(pd)
	}
	if err != nil {
		return PeriodStatus{}, err
	}
	return s.StatusOf(ctx, period)
}
