package ordersdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy/scopesql"
	"github.com/fieldproof/fieldproof/internal/store"
)

// The records this store keeps, as client error codes name them.
var (
	entDelivery        = store.NewEntity("delivery")
	entDeliveryAttempt = store.NewEntity("delivery_attempt")
	entNotification    = store.NewEntity("notification")
	entOrder           = store.NewEntity("order")
	entOrderEvent      = store.NewEntity("order_event")
	entPhoto           = store.NewEntity("photo")
	entResponse        = store.NewEntity("response")
	entTriage          = store.NewEntity("triage")
	entUser            = store.NewEntity("user")
	entWebhook         = store.NewEntity("webhook")
)

// Store implements orders.Store.
type Store struct{ db *store.DB }

var _ orders.Store = (*Store)(nil)

// New returns the order store.
func New(db *store.DB) *Store { return &Store{db: db} }

type orderRow struct {
	Seq                 int64 `gorm:"primaryKey;autoIncrement"`
	ID                  string
	Number              string
	ProjectID           string
	UnitID              string
	SourceCheckID       string
	Items               string
	Defect              string
	Severity            string
	RequiredAction      string
	Notes               string
	Deadline            time.Time
	Status              string
	EscalatedAt         *time.Time
	LastResponseAt      *time.Time
	VerificationCheckID string
	CreatedBy           string
	CreatedAt           time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt           time.Time `gorm:"autoUpdateTime:false"`
	ClosedAt            *time.Time
}

func (orderRow) TableName() string { return "orders" }

func tsp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := store.TS(*t)
	return &u
}

func utcp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toOrderRow(o orders.Order) orderRow {
	items := o.Items
	if items == nil {
		items = []string{}
	}
	b, _ := json.Marshal(items)
	return orderRow{ID: o.ID, Number: o.Number, ProjectID: o.ProjectID, UnitID: o.UnitID, SourceCheckID: o.SourceCheckID,
		Items: string(b), Defect: o.Defect, Severity: string(o.Severity), RequiredAction: o.RequiredAction, Notes: o.Notes,
		Deadline: store.TS(o.Deadline), Status: string(o.Status), EscalatedAt: tsp(o.EscalatedAt),
		LastResponseAt: tsp(o.LastResponseAt), VerificationCheckID: o.VerificationCheckID, CreatedBy: o.CreatedBy,
		CreatedAt: store.TS(o.CreatedAt), UpdatedAt: store.TS(o.UpdatedAt), ClosedAt: tsp(o.ClosedAt)}
}

func (r orderRow) toDomain() (orders.Order, error) {
	o := orders.Order{Seq: r.Seq, ID: r.ID, Number: r.Number, ProjectID: r.ProjectID, UnitID: r.UnitID,
		SourceCheckID: r.SourceCheckID, Defect: r.Defect, Severity: orders.Severity(r.Severity),
		RequiredAction: r.RequiredAction, Notes: r.Notes, Deadline: r.Deadline.UTC(), Status: orders.Status(r.Status),
		EscalatedAt: utcp(r.EscalatedAt), LastResponseAt: utcp(r.LastResponseAt), VerificationCheckID: r.VerificationCheckID,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ClosedAt: utcp(r.ClosedAt)}
	if err := json.Unmarshal([]byte(r.Items), &o.Items); err != nil {
		return orders.Order{}, fmt.Errorf("decode items of order %s: %w", r.ID, err)
	}
	return o, nil
}

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// NextNumber bumps the year's counter with one upsert and returns the new
// value. Inside the order's transaction the counter row stays locked
// (PostgreSQL) or the database stays written (SQLite) until commit, so two
// creations can never read the same value; a rolled-back creation gives
// its number back. The row is held only by transactions that wait for
// nothing global (audit appends take no lock), so it forms no convoy.
func (s *Store) NextNumber(ctx context.Context, year int) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n []int
	err := s.db.Conn(ctx).Raw(`INSERT INTO order_counters (year, last) VALUES (?, 1)
ON CONFLICT (year) DO UPDATE SET last = order_counters.last + 1 RETURNING last`, year).Scan(&n).Error
	if err != nil {
		return 0, store.Translate(err, entOrder, "number order")
	}
	if len(n) != 1 {
		return 0, fmt.Errorf("number order: counter returned %d rows", len(n))
	}
	return n[0], nil
}

// Insert adds an order.
func (s *Store) Insert(ctx context.Context, o orders.Order) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := toOrderRow(o)
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entOrder, "insert order")
}

// Get loads one order.
func (s *Store) Get(ctx context.Context, id string) (orders.Order, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r orderRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return orders.Order{}, store.Translate(err, entOrder, "load order")
	}
	return r.toDomain()
}

// GetMany loads the orders among ids that exist, in one query.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]orders.Order, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []orderRow
	if err := s.db.Conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entOrder, "load orders")
	}
	return store.Convert(rows, orderRow.toDomain)
}

var openStatuses = []string{string(orders.StatusIssued), string(orders.StatusAcknowledged), string(orders.StatusResponded)}

// List runs a filtered keyset page, newest first or overdue first
// (orders.SortDue).
func (s *Store) List(ctx context.Context, f orders.Filter) ([]orders.Order, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Model(&orderRow{})
	for col, v := range map[string]string{"status": f.Status, "project_id": f.ProjectID, "unit_id": f.UnitID,
		"severity": f.Severity} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	scope, scopeArgs := scopesql.Order("orders.id", f.Scope)
	q = q.Where(scope, scopeArgs...)
	if f.Open != nil {
		if *f.Open {
			q = q.Where("status IN ?", openStatuses)
		} else {
			q = q.Where("status NOT IN ?", openStatuses)
		}
	}
	if f.Township != "" {
		q = q.Where("EXISTS (SELECT 1 FROM projects f_p JOIN townships f_t ON f_t.id = f_p.township_id"+
			" WHERE f_p.id = orders.project_id AND f_t.name = ?)", f.Township)
	}
	if f.Category != "" {
		q = q.Where("EXISTS (SELECT 1 FROM projects f_p WHERE f_p.id = orders.project_id AND f_p.category = ?)", f.Category)
	}
	now := store.TS(f.Now)
	if f.Overdue != nil {
		if *f.Overdue {
			q = q.Where("status IN ? AND deadline < ?", openStatuses, now)
		} else {
			q = q.Where("NOT (status IN ? AND deadline < ?)", openStatuses, now)
		}
	}
	if f.Sort == orders.SortDue {
		// overdue (0) before the rest (1), the very condition Order.Overdue
		// and the overdue filter use
		const bucket = "(CASE WHEN status IN ? AND deadline < ? THEN 0 ELSE 1 END)"
		if k := f.After; k != nil {
			b, d := 1, store.TS(k.Deadline)
			if k.Overdue {
				b = 0
			}
			q = q.Where("("+bucket+" > ? OR ("+bucket+" = ? AND (deadline > ? OR (deadline = ? AND seq > ?))))",
				openStatuses, now, b, openStatuses, now, b, d, d, k.Seq)
		}
		// ordered by the selected alias: both dialects sort by an output
		// column's name, and the condition's arguments stay bound
		q = q.Select("orders.*, "+bucket+" AS due_bucket", openStatuses, now).Order("due_bucket, deadline, seq")
	} else {
		if f.BeforeSeq > 0 {
			q = q.Where("seq < ?", f.BeforeSeq)
		}
		q = q.Order("seq DESC")
	}
	var rows []orderRow
	if err := q.Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entOrder, "list orders")
	}
	return store.Convert(rows, orderRow.toDomain)
}

// Transition is a conditional update: only from the status the service
// saw, so of two racing steps exactly one applies.
func (s *Store) Transition(ctx context.Context, t orders.Transition) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	set := map[string]any{"status": string(t.To), "updated_at": store.TS(t.At)}
	if t.LastResponseAt != nil {
		set["last_response_at"] = store.TS(*t.LastResponseAt)
	}
	if t.VerificationCheckID != "" {
		set["verification_check_id"] = t.VerificationCheckID
	}
	if t.ClosedAt != nil {
		set["closed_at"] = store.TS(*t.ClosedAt)
	}
	res := s.db.Conn(ctx).Model(&orderRow{}).Where("id = ? AND status = ?", t.ID, string(t.From)).Updates(set)
	if res.Error != nil {
		return store.Translate(res.Error, entOrder, "update order")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("order %s is no longer %s: %w", t.ID, t.From, store.Conflict(entOrder))
	}
	return nil
}

type orderEventRow struct {
	Seq        int64 `gorm:"primaryKey;autoIncrement"`
	OrderID    string
	Action     string
	FromStatus string
	ToStatus   string
	ActorID    string
	ActorRole  string
	Reason     string
	CheckID    string
	ResponseID string
	At         time.Time
}

func (orderEventRow) TableName() string { return "order_events" }

// InsertEvent appends to an order's timeline.
func (s *Store) InsertEvent(ctx context.Context, e orders.Event) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := orderEventRow{OrderID: e.OrderID, Action: string(e.Action), FromStatus: string(e.From), ToStatus: string(e.To),
		ActorID: e.ActorID, ActorRole: string(e.ActorRole), Reason: e.Reason, CheckID: e.CheckID,
		ResponseID: e.ResponseID, At: store.TS(e.At)}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entOrderEvent, "insert order event")
}

// Events is an order's timeline, oldest first.
func (s *Store) Events(ctx context.Context, orderID string) ([]orders.Event, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []orderEventRow
	if err := s.db.Conn(ctx).Where("order_id = ?", orderID).Order("seq").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entOrderEvent, "list order events")
	}
	out := make([]orders.Event, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

func (r orderEventRow) toDomain() orders.Event {
	return orders.Event{Seq: r.Seq, OrderID: r.OrderID, Action: orders.Action(r.Action),
		From: orders.Status(r.FromStatus), To: orders.Status(r.ToStatus), ActorID: r.ActorID,
		ActorRole: auth.Role(r.ActorRole), Reason: r.Reason, CheckID: r.CheckID, ResponseID: r.ResponseID, At: r.At.UTC()}
}

// EventsOf is Events for many orders in one query.
func (s *Store) EventsOf(ctx context.Context, orderIDs []string) (map[string][]orders.Event, error) {
	out := map[string][]orders.Event{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []orderEventRow
	if err := s.db.Conn(ctx).Where("order_id IN ?", orderIDs).Order("seq").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entOrderEvent, "list order events")
	}
	for _, r := range rows {
		out[r.OrderID] = append(out[r.OrderID], r.toDomain())
	}
	return out, nil
}

type orderResponseRow struct {
	ID              string `gorm:"primaryKey"`
	OrderID         string
	ProjectID       string
	Text            string
	PhotoIds        string
	Lat, Lon        *float64
	AccuracyM       *float64
	CapturedAt      *time.Time
	CapturedOffsetS int
	SubmittedBy     string
	SubmittedAt     time.Time
}

func (orderResponseRow) TableName() string { return "order_responses" }

func (r orderResponseRow) toDomain() (orders.Response, error) {
	o := orders.Response{ID: r.ID, OrderID: r.OrderID, ProjectID: r.ProjectID, Text: r.Text,
		SubmittedBy: r.SubmittedBy, SubmittedAt: r.SubmittedAt.UTC()}
	if r.Lat != nil && r.Lon != nil {
		o.Location = &orders.Location{Lat: *r.Lat, Lon: *r.Lon}
		if r.AccuracyM != nil {
			o.Location.AccuracyM = *r.AccuracyM
		}
	}
	if r.CapturedAt != nil {
		t := r.CapturedAt.In(store.ZoneOf(r.CapturedOffsetS))
		o.CapturedAt = &t
	}
	if err := json.Unmarshal([]byte(r.PhotoIds), &o.PhotoIDs); err != nil {
		return orders.Response{}, fmt.Errorf("decode photo ids of response %s: %w", r.ID, err)
	}
	return o, nil
}

// InsertResponse stores a response.
func (s *Store) InsertResponse(ctx context.Context, r orders.Response) error {
	ids := r.PhotoIDs
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	row := orderResponseRow{ID: r.ID, OrderID: r.OrderID, ProjectID: r.ProjectID, Text: r.Text, PhotoIds: string(b),
		SubmittedBy: r.SubmittedBy, SubmittedAt: store.TS(r.SubmittedAt)}
	if l := r.Location; l != nil {
		row.Lat, row.Lon, row.AccuracyM = &l.Lat, &l.Lon, &l.AccuracyM
	}
	if r.CapturedAt != nil {
		_, off := r.CapturedAt.Zone()
		row.CapturedAt, row.CapturedOffsetS = tsp(r.CapturedAt), off
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return store.Translate(s.db.Conn(ctx).Create(&row).Error, entResponse, "insert response")
}

// Response loads one response.
func (s *Store) Response(ctx context.Context, id string) (orders.Response, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r orderResponseRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return orders.Response{}, store.Translate(err, entResponse, "load response")
	}
	return r.toDomain()
}

// Responses lists an order's responses, oldest first.
func (s *Store) Responses(ctx context.Context, orderID string) ([]orders.Response, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []orderResponseRow
	if err := s.db.Conn(ctx).Where("order_id = ?", orderID).Order("submitted_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entResponse, "list responses")
	}
	return store.Convert(rows, orderResponseRow.toDomain)
}

// ResponsesOf is Responses for many orders in one query.
func (s *Store) ResponsesOf(ctx context.Context, orderIDs []string) (map[string][]orders.Response, error) {
	out := map[string][]orders.Response{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rows []orderResponseRow
	if err := s.db.Conn(ctx).Where("order_id IN ?", orderIDs).Order("submitted_at, id").Find(&rows).Error; err != nil {
		return nil, store.Translate(err, entResponse, "list responses")
	}
	list, err := store.Convert(rows, orderResponseRow.toDomain)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		out[r.OrderID] = append(out[r.OrderID], r)
	}
	return out, nil
}

// IsResponse reports whether id names a response (one primary-key probe).
func (s *Store) IsResponse(ctx context.Context, id string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int64
	err := s.db.Conn(ctx).Model(&orderResponseRow{}).Where("id = ?", id).Count(&n).Error
	return n > 0, store.Translate(err, entResponse, "find response")
}

// OverdueIDs lists open orders past their deadline not yet escalated.
func (s *Store) OverdueIDs(ctx context.Context, now time.Time, limit int) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var ids []string
	err := s.db.Conn(ctx).Model(&orderRow{}).Where("status IN ? AND deadline < ? AND escalated_at IS NULL",
		openStatuses, store.TS(now)).Order("deadline, seq").Limit(limit).Pluck("id", &ids).Error
	return ids, store.Translate(err, entOrder, "list overdue orders")
}

// MarkEscalated sets escalated_at only where it is still NULL: the
// conditional update is the whole exactly-once guarantee. On PostgreSQL a
// concurrent update of the same row waits for the first to commit and then
// re-checks the condition, matching nothing.
func (s *Store) MarkEscalated(ctx context.Context, id string, at time.Time) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res := s.db.Conn(ctx).Model(&orderRow{}).Where("id = ? AND escalated_at IS NULL", id).
		Updates(map[string]any{"escalated_at": store.TS(at)})
	if res.Error != nil {
		return false, store.Translate(res.Error, entOrder, "escalate order")
	}
	return res.RowsAffected == 1, nil
}

type triageRow struct {
	CheckID   string `gorm:"primaryKey"`
	Decision  string
	Reason    string
	OrderID   string
	DecidedBy string
	DecidedAt time.Time
}

func (triageRow) TableName() string { return "order_triage" }

// TriageQueue lists volunteers' failed, current checks without a triage
// decision, newest first.
func (s *Store) TriageQueue(ctx context.Context, beforeSeq int64, limit int) ([]orders.TriageItem, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	q := s.db.Conn(ctx).Table("checks").
		Select("seq, id, project_id, author_id, type, items, notes, captured_at, captured_offset_s, created_at").
		Where("author_role = ? AND result = ? AND superseded_by = ''", string(auth.RoleVolunteer), "fail").
		Where("NOT EXISTS (SELECT 1 FROM order_triage t WHERE t.check_id = checks.id)")
	if beforeSeq > 0 {
		q = q.Where("seq < ?", beforeSeq)
	}
	var rows []struct {
		Seq             int64
		ID              string
		ProjectID       string
		AuthorID        string
		Type            string
		Items           string
		Notes           string
		CapturedAt      time.Time
		CapturedOffsetS int
		CreatedAt       time.Time
	}
	if err := q.Order("seq DESC").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err, entTriage, "list triage queue")
	}
	out := make([]orders.TriageItem, len(rows))
	for i, r := range rows {
		var items []struct {
			Key    string `json:"key"`
			Result string `json:"result"`
		}
		if err := json.Unmarshal([]byte(r.Items), &items); err != nil {
			return nil, fmt.Errorf("decode items of check %s: %w", r.ID, err)
		}
		failed := []string{}
		for _, it := range items {
			if it.Result == "fail" {
				failed = append(failed, it.Key)
			}
		}
		out[i] = orders.TriageItem{Seq: r.Seq, CheckID: r.ID, ProjectID: r.ProjectID, AuthorID: r.AuthorID, Type: r.Type,
			FailedItems: failed, Notes: r.Notes, CapturedAt: r.CapturedAt.In(store.ZoneOf(r.CapturedOffsetS)),
			SubmittedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// InsertTriage records the office's decision; a decided check conflicts.
func (s *Store) InsertTriage(ctx context.Context, d orders.TriageDecision) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	r := triageRow{CheckID: d.CheckID, Decision: d.Decision, Reason: d.Reason, OrderID: d.OrderID,
		DecidedBy: d.DecidedBy, DecidedAt: store.TS(d.DecidedAt)}
	return store.Translate(s.db.Conn(ctx).Create(&r).Error, entTriage, "insert triage")
}

// Triage loads the decision on one check.
func (s *Store) Triage(ctx context.Context, checkID string) (orders.TriageDecision, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var r triageRow
	if err := s.db.Conn(ctx).Where("check_id = ?", checkID).Take(&r).Error; err != nil {
		return orders.TriageDecision{}, store.Translate(err, entTriage, "load triage")
	}
	return orders.TriageDecision{CheckID: r.CheckID, Decision: r.Decision, Reason: r.Reason, OrderID: r.OrderID,
		DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt.UTC()}, nil
}

// Recipients resolves an audience to active users, without duplicates.
func (s *Store) Recipients(ctx context.Context, a orders.Audience) ([]string, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var conds []string
	var args []any
	if len(a.Roles) > 0 {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = string(r)
		}
		conds, args = append(conds, "role IN ?"), append(args, roles)
	}
	if a.UnitContractors != "" {
		conds, args = append(conds, "(role = ? AND unit_id = ?)"), append(args, string(auth.RoleContractor), a.UnitContractors)
	}
	if a.ProjectInspectors != "" {
		conds = append(conds, "(role = ? AND id IN (SELECT user_id FROM project_assignments WHERE project_id = ?))")
		args = append(args, string(auth.RoleInspector), a.ProjectInspectors)
	}
	if len(a.UserIDs) > 0 {
		conds, args = append(conds, "id IN ?"), append(args, a.UserIDs)
	}
	if len(conds) == 0 {
		return nil, nil
	}
	q := s.db.Conn(ctx).Table("users").Where("disabled = ?", false).Where("("+strings.Join(conds, " OR ")+")", args...)
	if a.Except != "" {
		q = q.Where("id <> ?", a.Except)
	}
	var ids []string
	if err := q.Order("id").Distinct().Pluck("id", &ids).Error; err != nil {
		return nil, store.Translate(err, entUser, "list recipients")
	}
	return ids, nil
}
