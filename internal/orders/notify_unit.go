package orders

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Events of the monthly cycle (internal/monthly sends them through
// NotifyUnit under these names).
const (
	EventMonthlyReminder = "monthly.reminder"
	EventMonthlyOverdue  = "monthly.overdue"
)

// Notice is a message not tied to an order (the monthly cycle's reminders):
// it goes to a unit's contractors and the office, and to the webhooks, by
// the same notifications and delivery queue as order events.
type Notice struct {
	// Event names it for webhooks ("monthly.reminder").
	Event string
	// Subject is what it is about ("2026-06"); notifications keep it where
	// an order's number would be.
	Subject string
	Message string
	// UnitID: the unit whose contractors are told.
	UnitID string
	At     time.Time
	// Data is added to the webhook body as "notice".
	Data map[string]any
}

type noticeBody struct {
	Event      string         `json:"event"`
	OccurredAt time.Time      `json:"occurred_at"`
	Notice     map[string]any `json:"notice"`
}

// NotifyUnit tells a unit's contractors and the office about n, and every
// webhook subscribed to all events, in the caller's transaction. Order
// notifications are untouched: this only adds rows with no order.
func (s *Service) NotifyUnit(ctx context.Context, n Notice) error {
	at := n.At.UTC().Truncate(time.Microsecond)
	users, err := s.d.Store.Recipients(ctx, Audience{Roles: []auth.Role{auth.RoleOffice}, UnitContractors: n.UnitID})
	if err != nil {
		return err
	}
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		ns = append(ns, Notification{ID: uuid.NewString(), UserID: u, Event: n.Event, OrderNumber: n.Subject,
			Message: n.Message, CreatedAt: at})
	}
	if len(ns) > 0 {
		if err := s.d.Store.InsertNotifications(ctx, ns); err != nil {
			return err
		}
	}
	data := map[string]any{"subject": n.Subject, "unit_id": n.UnitID, "message": n.Message}
	for k, v := range n.Data {
		data[k] = v
	}
	body, err := json.Marshal(noticeBody{Event: n.Event, OccurredAt: at, Notice: data})
	if err != nil {
		return err
	}
	return s.queueDeliveries(ctx, n.Event, "", body, at)
}
