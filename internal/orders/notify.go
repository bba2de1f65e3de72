package orders

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// JobDeliver is the job kind that sends one webhook delivery.
const JobDeliver = "webhook.deliver"

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>" keyed
// with the webhook's secret.
const SignatureHeader = "X-Fieldproof-Signature"

// Sign is the signature header value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func message(event string, o Order) string {
	switch event {
	case EventIssued:
		return fmt.Sprintf("New rectification order %s (%s): %s — due %s", o.Number, o.Severity, o.Defect,
			o.Deadline.Format("2006-01-02"))
	case EventResponded:
		return fmt.Sprintf("Order %s: the responsible unit submitted its rectification; verify it on site", o.Number)
	case EventRejected:
		return fmt.Sprintf("Order %s: the rectification was not accepted; see the reason and answer again", o.Number)
	case EventOverdue:
		return fmt.Sprintf("Order %s is overdue: its deadline %s has passed", o.Number, o.Deadline.Format("2006-01-02"))
	}
	return "Order " + o.Number + ": " + event
}

// webhookBody is what every endpoint receives for an event.
type webhookBody struct {
	Event      string       `json:"event"`
	OccurredAt time.Time    `json:"occurred_at"`
	Order      webhookOrder `json:"order"`
}

type webhookOrder struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	ProjectID string    `json:"project_id"`
	UnitID    string    `json:"unit_id"`
	Status    Status    `json:"status"`
	Severity  Severity  `json:"severity"`
	Deadline  time.Time `json:"deadline"`
	Message   string    `json:"message"`
}

// notify tells the audience and every subscribed webhook about an event,
// in the caller's transaction: the event, its notifications and its
// deliveries commit together or not at all.
func (s *Service) notify(ctx context.Context, event string, o Order, a Audience, at time.Time) error {
	users, err := s.d.Store.Recipients(ctx, a)
	if err != nil {
		return err
	}
	msg := message(event, o)
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		ns = append(ns, Notification{ID: uuid.NewString(), UserID: u, Event: event, OrderID: o.ID,
			OrderNumber: o.Number, Message: msg, CreatedAt: at})
	}
	if len(ns) > 0 {
		if err := s.d.Store.InsertNotifications(ctx, ns); err != nil {
			return err
		}
	}
	body, err := json.Marshal(webhookBody{Event: event, OccurredAt: at, Order: webhookOrder{ID: o.ID, Number: o.Number,
		ProjectID: o.ProjectID, UnitID: o.UnitID, Status: o.Status, Severity: o.Severity, Deadline: o.Deadline, Message: msg}})
	if err != nil {
		return err
	}
	return s.queueDeliveries(ctx, event, o.ID, body, at)
}

// queueDeliveries queues body for every active webhook subscribed to event, in the
// caller's transaction (orderID is empty for notices not about an order).
func (s *Service) queueDeliveries(ctx context.Context, event, orderID string, body []byte, at time.Time) error {
	hooks, err := s.d.Store.ListWebhooks(ctx)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if !h.Active || !subscribed(h, event) {
			continue
		}
		d := Delivery{ID: uuid.NewString(), WebhookID: h.ID, Event: event, OrderID: orderID, Payload: string(body),
			Status: DeliveryPending, CreatedAt: at}
		if err := s.d.Store.InsertDelivery(ctx, d); err != nil {
			return err
		}
		if s.d.Jobs == nil {
			continue
		}
		p, _ := json.Marshal(deliveryPayload{DeliveryID: d.ID})
		if err := s.d.Jobs.Enqueue(ctx, jobs.Job{ID: "webhook-" + d.ID, Kind: JobDeliver, Payload: p,
			MaxAttempts: s.o.WebhookMaxAttempts}, at); err != nil {
			return err
		}
	}
	return nil
}

func subscribed(h Webhook, event string) bool {
	if len(h.Events) == 0 {
		return true
	}
	for _, e := range h.Events {
		if e == event {
			return true
		}
	}
	return false
}

type deliveryPayload struct {
	DeliveryID string `json:"delivery_id"`
}

// Handlers are the job handlers the webhook worker runs.
func (s *Service) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobDeliver: s.deliver}
}

// deliver sends one delivery and logs the attempt. An error makes the job
// queue retry it with backoff; the last attempt leaves it failed.
func (s *Service) deliver(ctx context.Context, j jobs.Job) error {
	var pl deliveryPayload
	if err := json.Unmarshal(j.Payload, &pl); err != nil {
		return fmt.Errorf("delivery payload: %w", err)
	}
	d, err := s.d.Store.Delivery(ctx, pl.DeliveryID)
	if err != nil {
		return err
	}
	if d.Status == DeliveryDelivered {
		return nil // a retry of an attempt whose outcome was recorded
	}
	h, err := s.d.Store.Webhook(ctx, d.WebhookID)
	if err != nil {
		return err
	}
	start := s.d.Now()
	if !h.Active {
		// Deactivated after this delivery was queued: never sent, logged
		// as failed so the log says why.
		a := Attempt{DeliveryID: d.ID, N: j.Attempts, Error: "the webhook was deactivated; not sent",
			At: start.UTC().Truncate(time.Microsecond)}
		return s.d.Store.RecordAttempt(ctx, a, DeliveryFailed)
	}
	code, sendErr := s.send(ctx, h, d)
	a := Attempt{DeliveryID: d.ID, N: j.Attempts, StatusCode: code, Duration: s.d.Now().Sub(start),
		At: start.UTC().Truncate(time.Microsecond)}
	status := DeliveryDelivered
	if sendErr != nil {
		a.Error = sendErr.Error()
		if len(a.Error) > 1000 {
			a.Error = a.Error[:1000]
		}
		status = DeliveryPending
		if j.Attempts >= j.MaxAttempts {
			status = DeliveryFailed
		}
	}
	// The log must be written even if the worker is stopping.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.d.Store.RecordAttempt(wctx, a, status); err != nil {
		return err
	}
	return sendErr
}

func (s *Service) send(ctx context.Context, h Webhook, d Delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.WebhookTimeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fieldproof-webhooks/1")
	req.Header.Set("X-Fieldproof-Event", d.Event)
	req.Header.Set("X-Fieldproof-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Sign([]byte(h.Secret), body))
	resp, err := s.d.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("endpoint answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// NotificationPage is one page of a user's notifications.
type NotificationPage struct {
	Items []Notification
	Next  string
}

// Notifications lists the caller's own notifications, newest first.
func (s *Service) Notifications(ctx context.Context, p auth.Principal, unreadOnly bool, cursor string, limit *int) (NotificationPage, error) {
	v := errs.NewValidation(errs.KindInvalid)
	before, n := keyset.Args(v, cursor, limit)
	if err := v.Err(); err != nil {
		return NotificationPage{}, err
	}
	ns, err := s.d.Store.ListNotifications(ctx, p.UserID, policy.OrderListScope(p), unreadOnly, before, n+1)
	if err != nil {
		return NotificationPage{}, err
	}
	pg := NotificationPage{Items: ns}
	if len(ns) > n {
		pg.Items = ns[:n]
		pg.Next = keyset.Encode(ns[n-1].Seq)
	}
	return pg, nil
}

// MarkRead marks one of the caller's notifications read; anyone else's is
// not found.
func (s *Service) MarkRead(ctx context.Context, p auth.Principal, id string) (Notification, error) {
	n, err := s.d.Store.MarkRead(ctx, p.UserID, policy.OrderListScope(p), id, s.now())
	if errors.Is(err, errs.ErrNotFound) {
		return Notification{}, errs.NotFound("notification")
	}
	return n, err
}

// NewWebhook is an endpoint to register.
type NewWebhook struct {
	URL    string
	Secret string
	Events []string
}

// CreateWebhook registers an endpoint (admin).
func (s *Service) CreateWebhook(ctx context.Context, p auth.Principal, n NewWebhook) (Webhook, error) {
	if err := policy.Webhooks(p); err != nil {
		return Webhook{}, err
	}
	v := errs.NewValidation(errs.KindUnprocessable)
	u, err := url.Parse(n.URL)
	v.Check(err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(n.URL) > 2000,
		"url", "invalid", "must be an absolute http or https URL")
	v.Check(len(n.Secret) < 16 || len(n.Secret) > 200, "secret", "invalid", "must be 16 to 200 characters")
	seen := map[string]bool{}
	for i, e := range n.Events {
		f := fmt.Sprintf("events[%d]", i)
		v.Check(!validEvent(e), f, "invalid", "must be one of "+strings.Join(Events, ", "))
		v.Check(seen[e], f, "duplicate", "named twice")
		seen[e] = true
	}
	if err := v.Err(); err != nil {
		return Webhook{}, err
	}
	w := Webhook{ID: uuid.NewString(), URL: n.URL, Secret: n.Secret, Events: n.Events, Active: true,
		CreatedBy: p.UserID, CreatedAt: s.now()}
	if w.Events == nil {
		w.Events = []string{}
	}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.InsertWebhook(ctx, w); err != nil {
			return err
		}
		if s.d.Audit == nil {
			return nil
		}
		// Never the secret.
		return s.d.Audit.Record(ctx, p, "webhook.create", "webhook", w.ID, map[string]any{"url": w.URL, "events": w.Events})
	})
	return w, err
}

// DeactivateWebhook stops an endpoint (admin): no new deliveries are made
// for it and those still queued end failed without being sent. It is kept,
// with its delivery log, as the record of what was sent where.
func (s *Service) DeactivateWebhook(ctx context.Context, p auth.Principal, id string) error {
	if err := policy.Webhooks(p); err != nil {
		return err
	}
	return s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.DeactivateWebhook(ctx, id); errors.Is(err, errs.ErrNotFound) {
			return errs.NotFound("webhook")
		} else if err != nil {
			return err
		}
		if s.d.Audit == nil {
			return nil
		}
		return s.d.Audit.Record(ctx, p, "webhook.deactivate", "webhook", id, nil)
	})
}

// Webhooks lists the endpoints (admin).
func (s *Service) Webhooks(ctx context.Context, p auth.Principal) ([]Webhook, error) {
	if err := policy.Webhooks(p); err != nil {
		return nil, err
	}
	return s.d.Store.ListWebhooks(ctx)
}

// DeliveryPage is one page of a webhook's delivery log.
type DeliveryPage struct {
	Items []Delivery
	Next  string
}

// Deliveries is a webhook's delivery log, newest first, each delivery with
// its attempts (admin).
func (s *Service) Deliveries(ctx context.Context, p auth.Principal, webhookID, cursor string, limit *int) (DeliveryPage, error) {
	if err := policy.Webhooks(p); err != nil {
		return DeliveryPage{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	before, n := keyset.Args(v, cursor, limit)
	if err := v.Err(); err != nil {
		return DeliveryPage{}, err
	}
	if _, err := s.d.Store.Webhook(ctx, webhookID); errors.Is(err, errs.ErrNotFound) {
		return DeliveryPage{}, errs.NotFound("webhook")
	} else if err != nil {
		return DeliveryPage{}, err
	}
	ds, err := s.d.Store.ListDeliveries(ctx, webhookID, before, n+1)
	if err != nil {
		return DeliveryPage{}, err
	}
	pg := DeliveryPage{Items: ds}
	if len(ds) > n {
		pg.Items = ds[:n]
		pg.Next = keyset.Encode(ds[n-1].Seq)
	}
	return pg, nil
}
