package ordersdb

import (
	"context"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/policy/scopesql"
	"github.com/fieldproof/fieldproof/internal/store"
)

type notificationRow struct {
	Seq         int64 `gorm:"primaryKey;autoIncrement"`
	ID          string
	UserID      string
	Event       string
	OrderID     string
	OrderNumber string
	Message     string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	ReadAt      *time.Time
}

func (notificationRow) TableName() string { return "notifications" }

func (r notificationRow) toDomain() orders.Notification {
	return orders.Notification{Seq: r.Seq, ID: r.ID, UserID: r.UserID, Event: r.Event, OrderID: r.OrderID,
		OrderNumber: r.OrderNumber, Message: r.Message, CreatedAt: r.CreatedAt.UTC(), ReadAt: utcp(r.ReadAt)}
}

// InsertNotifications adds one row per recipient.
func (s *Store) InsertNotifications(ctx context.Context, ns []orders.Notification) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows := make([]notificationRow, len(ns))
	for i, n := range ns {
		rows[i] = notificationRow{ID: n.ID, UserID: n.UserID, Event: n.Event, OrderID: n.OrderID,
			OrderNumber: n.OrderNumber, Message: n.Message, CreatedAt: store.TS(n.CreatedAt)}
	}
	return store.Translate(s.db.Conn(ctx).Create(&rows).Error, entNotification, "insert notifications")
}

// ListNotifications pages one user's notifications about the orders of
// scope, newest first.
func (s *Store) ListNotifications(ctx context.Context, userID string, scope policy.OrderScope, unreadOnly bool, beforeSeq int64, limit int) ([]orders.Notification, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	cond, args := noticeScope(scope)
	q := s.db.Conn(ctx).Where("user_id = ?", userID).Where(cond, args...)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	if beforeSeq > 0 {
		q = q.Where("seq < ?", beforeSeq)
	}
	var rows []notificationRow
	if err := q.Order("seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entNotification, "list notifications")
	}
	out := make([]orders.Notification, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// MarkRead marks a user's notification about an order of scope read; the
// first read time stays.
func (s *Store) MarkRead(ctx context.Context, userID string, scope policy.OrderScope, id string, at time.Time) (orders.Notification, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	cond, args := noticeScope(scope)
	if err := s.db.Conn(ctx).Model(&notificationRow{}).Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
		Where(cond, args...).Update("read_at", store.TS(at)).Error; err != nil {
		return orders.Notification{}, store.Translate(err, entNotification, "mark notification")
	}
	var r notificationRow
	if err := s.db.Conn(ctx).Where("id = ? AND user_id = ?", id, userID).Where(cond, args...).Take(&r).Error; err != nil {
		return orders.Notification{}, store.Translate(err, entNotification, "load notification")
	}
	return r.toDomain(), nil
}

// noticeScope is the order scope of a user's notifications; a notice not
// tied to an order (the monthly cycle's reminders: an empty order_id) is its
// addressee's whatever their scope.
func noticeScope(scope policy.OrderScope) (string, []any) {
	cond, args := scopesql.Order("notifications.order_id", scope)
	return "(notifications.order_id = '' OR " + cond + ")", args
}

type webhookRow struct {
	ID        string `gorm:"primaryKey"`
	URL       string `gorm:"column:url"`
	Secret    string
	Events    string
	Active    bool
	CreatedBy string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (webhookRow) TableName() string { return "webhooks" }

func (r webhookRow) toDomain() orders.Webhook {
	w := orders.Webhook{ID: r.ID, URL: r.URL, Secret: r.Secret, Events: []string{}, Active: r.Active,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	for _, e := range strings.Split(r.Events, ",") {
		if e != "" {
			w.Events = append(w.Events, e)
		}
	}
	return w
}

// InsertWebhook adds an endpoint.
func (s *Store) InsertWebhook(ctx context.Context, w orders.Webhook) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := webhookRow{ID: w.ID, URL: w.URL, Secret: w.Secret, Events: "," + strings.Join(w.Events, ",") + ",",
		Active: w.Active, CreatedBy: w.CreatedBy, CreatedAt: store.TS(w.CreatedAt)}
	if len(w.Events) == 0 {
		r.Events = ","
	}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entWebhook, "insert webhook")
}

// Webhook loads one endpoint.
func (s *Store) Webhook(ctx context.Context, id string) (orders.Webhook, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r webhookRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return orders.Webhook{}, store.Translate(err, entWebhook, "load webhook")
	}
	return r.toDomain(), nil
}

// DeactivateWebhook marks an endpoint inactive.
func (s *Store) DeactivateWebhook(ctx context.Context, id string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&webhookRow{}).Where("id = ?", id).Update("active", false)
	if res.Error != nil {
		return store.Translate(res.Error, entWebhook, "deactivate webhook")
	}
	if res.RowsAffected == 0 {
		return errs.ErrNotFound
	}
	return nil
}

// ListWebhooks lists every endpoint, oldest first (a county has a few).
func (s *Store) ListWebhooks(ctx context.Context) ([]orders.Webhook, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []webhookRow
	if err := s.db.Conn(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entWebhook, "list webhooks")
	}
	out := make([]orders.Webhook, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

type deliveryRow struct {
	Seq         int64 `gorm:"primaryKey;autoIncrement"`
	ID          string
	WebhookID   string
	Event       string
	OrderID     string
	Payload     string
	Status      string
	Attempts    int
	LastStatus  int
	LastError   string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	DeliveredAt *time.Time
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

func (r deliveryRow) toDomain() orders.Delivery {
	return orders.Delivery{Seq: r.Seq, ID: r.ID, WebhookID: r.WebhookID, Event: r.Event, OrderID: r.OrderID,
		Payload: r.Payload, Status: r.Status, Attempts: r.Attempts, LastStatus: r.LastStatus, LastError: r.LastError,
		CreatedAt: r.CreatedAt.UTC(), DeliveredAt: utcp(r.DeliveredAt)}
}

type attemptRow struct {
	Seq        int64 `gorm:"primaryKey;autoIncrement"`
	DeliveryID string
	Attempt    int
	StatusCode int
	Error      string
	DurationMs int64
	At         time.Time
}

func (attemptRow) TableName() string { return "webhook_attempts" }

// InsertDelivery adds a pending delivery.
func (s *Store) InsertDelivery(ctx context.Context, d orders.Delivery) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := deliveryRow{ID: d.ID, WebhookID: d.WebhookID, Event: d.Event, OrderID: d.OrderID, Payload: d.Payload,
		Status: d.Status, CreatedAt: store.TS(d.CreatedAt)}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entDelivery, "insert delivery")
}

// Delivery loads one delivery (without its log).
func (s *Store) Delivery(ctx context.Context, id string) (orders.Delivery, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r deliveryRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return orders.Delivery{}, store.Translate(err, entDelivery, "load delivery")
	}
	return r.toDomain(), nil
}

// RecordAttempt logs an attempt and updates its delivery, together.
func (s *Store) RecordAttempt(ctx context.Context, a orders.Attempt, status string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		ctx, cancel := s.db.Ctx(ctx)
		defer cancel()
		r := attemptRow{DeliveryID: a.DeliveryID, Attempt: a.N, StatusCode: a.StatusCode, Error: a.Error,
			DurationMs: a.Duration.Milliseconds(), At: store.TS(a.At)}
		if err := s.db.Conn(ctx).Create(&r).Error; err != nil {
			return store.Translate(err, entDeliveryAttempt, "insert delivery attempt")
		}
		set := map[string]any{"status": status, "attempts": a.N, "last_status": a.StatusCode, "last_error": a.Error}
		if status == orders.DeliveryDelivered {
			set["delivered_at"] = store.TS(a.At)
		}
		return store.Translate(s.db.Conn(ctx).Model(&deliveryRow{}).Where("id = ?", a.DeliveryID).Updates(set).Error,
			entDelivery, "update delivery")
	})
}

// ListDeliveries pages a webhook's deliveries, newest first, each with its
// attempts.
func (s *Store) ListDeliveries(ctx context.Context, webhookID string, beforeSeq int64, limit int) ([]orders.Delivery, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Where("webhook_id = ?", webhookID)
	if beforeSeq > 0 {
		q = q.Where("seq < ?", beforeSeq)
	}
	var rows []deliveryRow
	if err := q.Order("seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entDelivery, "list deliveries")
	}
	out := make([]orders.Delivery, len(rows))
	ids := make([]string, len(rows))
	at := map[string]int{}
	for i, r := range rows {
		out[i], ids[i], at[r.ID] = r.toDomain(), r.ID, i
		out[i].Log = []orders.Attempt{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var atts []attemptRow
	if err := s.db.Conn(ctx).Where("delivery_id IN ?", ids).Order("seq").Find(&atts).Error; err != nil {
		return nil, store.Translate(err, entDeliveryAttempt, "list delivery attempts")
	}
	for _, a := range atts {
		i := at[a.DeliveryID]
		out[i].Log = append(out[i].Log, orders.Attempt{DeliveryID: a.DeliveryID, N: a.Attempt, StatusCode: a.StatusCode,
			Error: a.Error, Duration: time.Duration(a.DurationMs) * time.Millisecond, At: a.At.UTC()})
	}
	return out, nil
}
