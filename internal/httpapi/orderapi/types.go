package orderapi

import (
	"encoding/json"
	"time"

	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
)

type orderJSON struct {
	ID                  string     `json:"id"`
	Number              string     `json:"number"`
	ProjectID           string     `json:"project_id"`
	UnitID              string     `json:"unit_id"`
	SourceCheckID       *string    `json:"source_check_id"`
	Items               []string   `json:"items"`
	Defect              string     `json:"defect"`
	Severity            string     `json:"severity"`
	RequiredAction      string     `json:"required_action"`
	Deadline            time.Time  `json:"deadline"`
	Status              string     `json:"status"`
	Overdue             bool       `json:"overdue"`
	EscalatedAt         *time.Time `json:"escalated_at"`
	AllowedActions      []string   `json:"allowed_actions"`
	VerificationCheckID *string    `json:"verification_check_id"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	ClosedAt            *time.Time `json:"closed_at"`
	// Only for county staff (and the contractor sees who issued it).
	CreatedBy *string `json:"created_by,omitempty"`
	Notes     *string `json:"notes,omitempty"`
}

type eventJSON struct {
	Action     string    `json:"action"`
	From       *string   `json:"from"`
	To         string    `json:"to"`
	At         time.Time `json:"at"`
	ActorID    *string   `json:"actor_id,omitempty"`
	ActorRole  *string   `json:"actor_role,omitempty"`
	Reason     *string   `json:"reason,omitempty"`
	CheckID    *string   `json:"check_id,omitempty"`
	ResponseID *string   `json:"response_id,omitempty"`
}

type locationJSON struct {
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	AccuracyM float64 `json:"accuracy_m"`
}

type photoJSON struct {
	ID              string          `json:"id"`
	UploadedBy      string          `json:"uploaded_by"`
	SHA256          string          `json:"sha256"`
	SizeBytes       int64           `json:"size_bytes"`
	ContentType     string          `json:"content_type"`
	Width           int             `json:"width"`
	Height          int             `json:"height"`
	Flags           json.RawMessage `json:"flags"`
	RenditionStatus string          `json:"rendition_status"`
	CreatedAt       time.Time       `json:"created_at"`
}

type responseJSON struct {
	ID              string        `json:"id"`
	Text            string        `json:"text"`
	PhotoIDs        []string      `json:"photo_ids"`
	MissingPhotoIDs []string      `json:"missing_photo_ids"`
	Status          string        `json:"status"`
	Location        *locationJSON `json:"location"`
	CapturedAt      *string       `json:"captured_at"`
	SubmittedBy     string        `json:"submitted_by"`
	SubmittedAt     time.Time     `json:"submitted_at"`
	Photos          []photoJSON   `json:"photos"`
}

type detailJSON struct {
	orderJSON
	Timeline  []eventJSON    `json:"timeline"`
	Responses []responseJSON `json:"responses"`
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toOrderJSON(o orders.Order, view orders.ViewLevel, now time.Time) orderJSON {
	acts := orders.AllowedActions(o.Status)
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = string(a)
	}
	out := orderJSON{ID: o.ID, Number: o.Number, ProjectID: o.ProjectID, UnitID: o.UnitID,
		SourceCheckID: opt(o.SourceCheckID), Items: nonNil(o.Items), Defect: o.Defect, Severity: string(o.Severity),
		RequiredAction: o.RequiredAction, Deadline: o.Deadline, Status: string(o.Status), Overdue: o.Overdue(now),
		EscalatedAt: o.EscalatedAt, AllowedActions: names, VerificationCheckID: opt(o.VerificationCheckID),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ClosedAt: o.ClosedAt}
	if view >= orders.ViewUnit {
		out.CreatedBy = &o.CreatedBy
	}
	if view >= orders.ViewFull {
		out.Notes = &o.Notes
	}
	return out
}

func toDetailJSON(d orders.Detail) detailJSON {
	out := detailJSON{orderJSON: toOrderJSON(d.Order, d.View, d.Now), Timeline: make([]eventJSON, 0, len(d.Events)),
		Responses: make([]responseJSON, 0, len(d.Responses))}
	for _, e := range d.Events {
		ej := eventJSON{Action: string(e.Action), From: opt(string(e.From)), To: string(e.To), At: e.At}
		if d.View >= orders.ViewUnit {
			// A volunteer sees the steps, not who took them or why.
			role := string(e.ActorRole)
			ej.ActorID, ej.ActorRole, ej.Reason = &e.ActorID, &role, opt(e.Reason)
			ej.CheckID, ej.ResponseID = opt(e.CheckID), opt(e.ResponseID)
		}
		out.Timeline = append(out.Timeline, ej)
	}
	for _, r := range d.Responses {
		rj := responseJSON{ID: r.ID, Text: r.Text, PhotoIDs: nonNil(r.PhotoIDs), MissingPhotoIDs: nonNil(r.MissingPhotoIDs),
			Status: "complete", SubmittedBy: r.SubmittedBy, SubmittedAt: r.SubmittedAt, Photos: make([]photoJSON, 0, len(r.Photos))}
		if len(r.MissingPhotoIDs) > 0 {
			rj.Status = "incomplete"
		}
		if l := r.Location; l != nil {
			rj.Location = &locationJSON{Lat: l.Lat, Lon: l.Lon, AccuracyM: l.AccuracyM}
		}
		if r.CapturedAt != nil {
			s := r.CapturedAt.Format(time.RFC3339)
			rj.CapturedAt = &s
		}
		for _, ph := range r.Photos {
			rj.Photos = append(rj.Photos, toPhotoJSON(ph))
		}
		out.Responses = append(out.Responses, rj)
	}
	return out
}

func toPhotoJSON(ph photos.Photo) photoJSON {
	flags, err := json.Marshal(ph.Flags)
	if err != nil {
		flags = []byte("{}")
	}
	return photoJSON{ID: ph.ID, UploadedBy: ph.UploadedBy, SHA256: ph.SHA256, SizeBytes: ph.SizeBytes,
		ContentType: ph.ContentType, Width: ph.Width, Height: ph.Height, Flags: flags,
		RenditionStatus: ph.RenditionStatus, CreatedAt: ph.CreatedAt}
}

type triageJSON struct {
	CheckID     string    `json:"check_id"`
	ProjectID   string    `json:"project_id"`
	AuthorID    string    `json:"author_id"`
	Type        string    `json:"type"`
	FailedItems []string  `json:"failed_items"`
	Notes       string    `json:"notes"`
	CapturedAt  string    `json:"captured_at"`
	SubmittedAt time.Time `json:"submitted_at"`
}

type decisionJSON struct {
	CheckID   string    `json:"check_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	OrderID   *string   `json:"order_id"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

type notificationJSON struct {
	ID          string     `json:"id"`
	Event       string     `json:"event"`
	OrderID     string     `json:"order_id"`
	OrderNumber string     `json:"order_number"`
	Message     string     `json:"message"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

func toNotificationJSON(n orders.Notification) notificationJSON {
	return notificationJSON{ID: n.ID, Event: n.Event, OrderID: n.OrderID, OrderNumber: n.OrderNumber,
		Message: n.Message, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
}

type webhookJSON struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toWebhookJSON(w orders.Webhook) webhookJSON {
	return webhookJSON{ID: w.ID, URL: w.URL, Events: nonNil(w.Events), Active: w.Active, CreatedBy: w.CreatedBy,
		CreatedAt: w.CreatedAt}
}

type attemptJSON struct {
	Attempt    int       `json:"attempt"`
	StatusCode *int      `json:"status_code"`
	Error      *string   `json:"error"`
	DurationMS int64     `json:"duration_ms"`
	At         time.Time `json:"at"`
}

type deliveryJSON struct {
	ID          string        `json:"id"`
	Event       string        `json:"event"`
	OrderID     string        `json:"order_id"`
	Status      string        `json:"status"`
	Attempts    int           `json:"attempts"`
	CreatedAt   time.Time     `json:"created_at"`
	DeliveredAt *time.Time    `json:"delivered_at"`
	Log         []attemptJSON `json:"log"`
}

func toDeliveryJSON(d orders.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, Event: d.Event, OrderID: d.OrderID, Status: d.Status, Attempts: d.Attempts,
		CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, Log: make([]attemptJSON, 0, len(d.Log))}
	for _, a := range d.Log {
		aj := attemptJSON{Attempt: a.N, Error: opt(a.Error), DurationMS: a.Duration.Milliseconds(), At: a.At}
		if a.StatusCode != 0 {
			c := a.StatusCode
			aj.StatusCode = &c
		}
		out.Log = append(out.Log, aj)
	}
	return out
}

// DetailJSON is an order with its timeline as GET /orders/{id} shows it to
// the caller the detail was read for (the phones' sync embeds it).
func DetailJSON(d orders.Detail) any { return toDetailJSON(d) }
