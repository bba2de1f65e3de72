package orders

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Event names of notifications and webhooks.
const (
	EventIssued    = "order.issued"
	EventResponded = "order.response_submitted"
	EventRejected  = "order.rejected"
	EventOverdue   = "order.overdue"
)

// Events lists every event a webhook may subscribe to.
var Events = []string{EventIssued, EventResponded, EventRejected, EventOverdue, EventMonthlyReminder, EventMonthlyOverdue}

func validEvent(e string) bool {
	for _, k := range Events {
		if k == e {
			return true
		}
	}
	return false
}

// Notification is one message for one user.
type Notification struct {
	Seq         int64
	ID          string
	UserID      string
	Event       string
	OrderID     string
	OrderNumber string
	Message     string
	CreatedAt   time.Time
	ReadAt      *time.Time
}

// Audience says who an event concerns; the store resolves it to active
// users.
type Audience struct {
	// Roles: every user of these roles (the office).
	Roles []auth.Role
	// UnitContractors: the contractors of this unit.
	UnitContractors string
	// ProjectInspectors: the inspectors assigned to this project.
	ProjectInspectors string
	// UserIDs: these users (the order's issuer).
	UserIDs []string
	// Except: the user who acted, who needs no message about it.
	Except string
}

// Webhook is an endpoint of the county's own messaging.
type Webhook struct {
	ID     string
	URL    string
	Secret string
	// Events subscribed; empty is every event.
	Events    []string
	Active    bool
	CreatedBy string
	CreatedAt time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one event for one webhook, retried until it is delivered or
// its attempts run out.
type Delivery struct {
	Seq         int64
	ID          string
	WebhookID   string
	Event       string
	OrderID     string
	Payload     string
	Status      string
	Attempts    int
	LastStatus  int
	LastError   string
	CreatedAt   time.Time
	DeliveredAt *time.Time
	Log         []Attempt
}

// Attempt is one try of a delivery, as the delivery log keeps it.
type Attempt struct {
	DeliveryID string
	N          int
	StatusCode int
	Error      string
	Duration   time.Duration
	At         time.Time
}

// NotifyStore keeps notifications, webhooks and the delivery log.
type NotifyStore interface {
	Recipients(ctx context.Context, a Audience) ([]string, error)
	InsertNotifications(ctx context.Context, ns []Notification) error
	ListNotifications(ctx context.Context, userID string, scope policy.OrderScope, unreadOnly bool, beforeSeq int64, limit int) ([]Notification, error)
	// MarkRead marks one of the user's notifications read (first read
	// wins); errs.ErrNotFound if it is not theirs.
	MarkRead(ctx context.Context, userID string, scope policy.OrderScope, id string, at time.Time) (Notification, error)

	InsertWebhook(ctx context.Context, w Webhook) error
	Webhook(ctx context.Context, id string) (Webhook, error)
	ListWebhooks(ctx context.Context) ([]Webhook, error)
	// DeactivateWebhook stops an endpoint for good; errs.ErrNotFound if
	// there is none. Its delivery log stays.
	DeactivateWebhook(ctx context.Context, id string) error
	InsertDelivery(ctx context.Context, d Delivery) error
	Delivery(ctx context.Context, id string) (Delivery, error)
	// RecordAttempt logs an attempt and sets the delivery's status.
	RecordAttempt(ctx context.Context, a Attempt, status string) error
	ListDeliveries(ctx context.Context, webhookID string, beforeSeq int64, limit int) ([]Delivery, error)
}
