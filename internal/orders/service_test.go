package orders_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// These tests drive internal/orders through its Service, with the real
// stores the server wires, on both backends, and with the clock injected:
// they start half an hour before New Year in the county (orders are
// numbered in Asia/Shanghai by default), so nothing in them depends on the
// day they run.
var start = time.Date(2026, 12, 31, 15, 30, 0, 0, time.UTC)

// clock is the server's clock: fixed, moved only by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world: Unit A's road and Unit B's school, one principal of each role
// (the contractor of Unit A), the server's services over one backend.
type world struct {
	srv   *server.Server
	db    *store.DB
	clk   *clock
	road  string
	other string // Unit B's school

	admin, office, inspector, contractor, volunteer auth.Principal
	photo                                           []byte
}

func eachBackend(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Run("sqlite+local", func(t *testing.T) {
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, newWorld(t, storetest.SQLite(t), objs))
	})
	t.Run("postgres+minio", func(t *testing.T) {
		db := storetest.Postgres(t)
		fn(t, newWorld(t, db, apitest.S3(t)))
	})
}

func newWorld(t *testing.T, db *store.DB, objs storage.Store) *world {
	t.Helper()
	clk := &clock{t: start}
	srv, err := server.New(server.Options{Config: apitest.Config(), DB: db, Objects: objs, Log: storetest.Logger(t),
		JWTKey: apitest.JWTKey, Now: clk.Now, HashCost: apitest.HashCost})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{srv: srv, db: db, clk: clk}
	ctx := context.Background()
	user := func(name string, role auth.Role, unit, badge string) auth.Principal {
		u, err := srv.Auth.CreateUser(ctx, auth.NewUser{Username: name, Role: role, Unit: unit, BadgeNo: badge,
			Password: apitest.Password, DisplayName: name})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return u.Principal()
	}
	w.admin = user("admin1", auth.RoleAdmin, "", "")
	w.office = user("office1", auth.RoleOffice, "", "")
	w.inspector = user("inspector1", auth.RoleInspector, "", "")
	w.contractor = user("contractor1", auth.RoleContractor, "Unit A", "")
	w.volunteer = user("volunteer1", auth.RoleVolunteer, "", "JT-0001")
	road, err := srv.Projects.Create(ctx, w.admin, projects.NewProject{Code: "R-1", Name: "Shizi village road",
		Category: projects.CatRoad, Township: "Qingshan", Unit: "Unit A", Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
	if err != nil {
		t.Fatal(err)
	}
	school, err := srv.Projects.Create(ctx, w.admin, projects.NewProject{Code: "S-1", Name: "Qingshan school",
		Category: projects.CatSchool, Township: "Qingshan", Unit: "Unit B", Location: &projects.Point{Lat: 28.2, Lon: 112.9}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.Projects.Assign(ctx, w.admin, road.ID, projects.NewAssignment{UserID: w.volunteer.UserID}); err != nil {
		t.Fatal(err)
	}
	w.road, w.other = road.ID, school.ID
	w.photo, err = os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "gps", "DSCN0010.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) issue(t *testing.T, deadline *time.Time) orders.Detail {
	t.Helper()
	d, err := w.srv.Orders.Create(context.Background(), w.office, orders.NewOrder{ProjectID: w.road,
		Defect: "Pavement joints not cut at K0+200", Severity: orders.SeverityMajor,
		RequiredAction: "Cut the transverse joints", Deadline: deadline})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return d
}

// verification files an inspector's verification check on project at
// capturedAt announcing nPhotos photos (through its photo item) and
// stores the first `stored` of them.
func (w *world) verification(t *testing.T, project string, fixed bool, capturedAt time.Time, nPhotos, stored int) string {
	t.Helper()
	ids := make([]string, nPhotos)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	return w.verificationNaming(t, project, fixed, capturedAt, ids, stored)
}

// verificationNaming is verification announcing the given photo ids.
func (w *world) verificationNaming(t *testing.T, project string, fixed bool, capturedAt time.Time, ids []string, stored int) string {
	t.Helper()
	c, _, err := w.srv.Checks.Create(context.Background(), w.inspector, checks.NewCheck{ID: uuid.NewString(),
		ProjectID: project, Type: "verification", TemplateVersion: 1,
		Answers:  map[string]any{"defect_fixed": fixed, "fixed_photo": ids},
		Location: checks.Location{Lat: 28.2, Lon: 112.9, AccuracyM: 5}, CapturedAt: capturedAt})
	if err != nil {
		t.Fatalf("verification check: %v", err)
	}
	for _, id := range ids[:stored] {
		ph, _, err := w.srv.Photos.Upload(context.Background(), w.inspector, photos.UploadInput{ParentID: c.ID,
			PhotoID: id, Body: bytes.NewReader(w.photo)})
		if err != nil {
			t.Fatalf("verification photo: %v", err)
		}
		// The server's one clock reaches the photo pipeline too.
		if !ph.CreatedAt.Equal(w.clk.Now()) {
			t.Fatalf("photo created at %v, want the server clock's %v", ph.CreatedAt, w.clk.Now())
		}
	}
	return c.ID
}

func (w *world) get(t *testing.T, id string) orders.Detail {
	t.Helper()
	d, err := w.srv.Orders.Get(context.Background(), w.office, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// do carries out one action on order id with the role that may take it.
func (w *world) do(t *testing.T, id string, a orders.Action) error {
	t.Helper()
	ctx := context.Background()
	var err error
	switch a {
	case orders.ActAcknowledge:
		_, err = w.srv.Orders.Acknowledge(ctx, w.contractor, id, "")
	case orders.ActRespond:
		_, _, err = w.srv.Orders.Respond(ctx, w.contractor, id, orders.NewResponse{Text: "Joints cut",
			PhotoIDs: []string{uuid.NewString()}})
	case orders.ActVerify:
		// A check that would close the order, filed only where the
		// status lets Verify look at it.
		check := uuid.NewString()
		if w.get(t, id).Status == orders.StatusResponded {
			w.clk.Add(time.Minute)
			check = w.verification(t, w.road, true, w.clk.Now(), 1, 1)
		}
		_, err = w.srv.Orders.Verify(ctx, w.inspector, id, check, "")
	case orders.ActReject:
		_, err = w.srv.Orders.Reject(ctx, w.office, id, "photo of another site")
	case orders.ActCancel:
		_, err = w.srv.Orders.Cancel(ctx, w.office, id, "issued twice")
	default:
		t.Fatalf("no action %s", a)
	}
	return err
}

// reach brings a new order to status s by allowed steps.
func (w *world) reach(t *testing.T, s orders.Status) string {
	t.Helper()
	id := w.issue(t, nil).ID
	path := map[orders.Status][]orders.Action{
		orders.StatusIssued:       nil,
		orders.StatusAcknowledged: {orders.ActAcknowledge},
		orders.StatusResponded:    {orders.ActAcknowledge, orders.ActRespond},
		orders.StatusClosed:       {orders.ActAcknowledge, orders.ActRespond, orders.ActVerify},
		orders.StatusCancelled:    {orders.ActCancel},
	}[s]
	for _, a := range path {
		if err := w.do(t, id, a); err != nil {
			t.Fatalf("reach %s: %s: %v", s, a, err)
		}
	}
	if got := w.get(t, id).Status; got != s {
		t.Fatalf("reached %s, want %s", got, s)
	}
	return id
}

func validationCodes(err error) string {
	e, ok := errs.As(err)
	if !ok {
		return fmt.Sprintf("not a domain error: %v", err)
	}
	return fmt.Sprint(e.Fields)
}

// TestServiceEveryTransition tries every action on an order in every
// status, through the service with its real store: the allowed ones move
// the order where the lifecycle says and write one timeline event; every
// other is a conflict naming what is allowed, and changes nothing.
func TestServiceEveryTransition(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		after := map[orders.Action]orders.Status{
			orders.ActAcknowledge: orders.StatusAcknowledged, orders.ActRespond: orders.StatusResponded,
			orders.ActVerify: orders.StatusClosed, orders.ActReject: orders.StatusAcknowledged,
			orders.ActCancel: orders.StatusCancelled,
		}
		allowed := map[orders.Status]map[orders.Action]bool{
			orders.StatusIssued:       {orders.ActAcknowledge: true, orders.ActCancel: true},
			orders.StatusAcknowledged: {orders.ActRespond: true, orders.ActCancel: true},
			orders.StatusResponded:    {orders.ActVerify: true, orders.ActReject: true, orders.ActCancel: true},
		}
		acts := []orders.Action{orders.ActAcknowledge, orders.ActRespond, orders.ActVerify, orders.ActReject, orders.ActCancel}
		for _, s := range orders.Statuses {
			for _, a := range acts {
				id := w.reach(t, s)
				before := w.get(t, id)
				err := w.do(t, id, a)
				got := w.get(t, id)
				if allowed[s][a] {
					if err != nil {
						t.Errorf("%s → %s refused: %v", s, a, err)
						continue
					}
					if got.Status != after[a] || len(got.Events) != len(before.Events)+1 ||
						got.Events[len(got.Events)-1].Action != a || got.Events[len(got.Events)-1].From != s {
						t.Errorf("%s → %s: status %s, events %+v", s, a, got.Status, got.Events)
					}
					continue
				}
				e, ok := errs.As(err)
				if !ok || !errors.Is(err, errs.ErrConflict) || e.Code != "transition_not_allowed" ||
					e.Extra["order_status"] != string(s) {
					t.Errorf("%s → %s: err %v, want transition_not_allowed", s, a, err)
				}
				if got.Status != s || len(got.Events) != len(before.Events) || !got.UpdatedAt.Equal(before.UpdatedAt) {
					t.Errorf("%s → %s refused but the order changed: %s, %d events", s, a, got.Status, len(got.Events))
				}
			}
		}
	})
}

// TestServiceClosureRules: an order closes only on an inspector's passing
// verification check of its project, captured after the last response,
// with every announced photo stored and at least one; each way of falling
// short is refused with its own code and leaves the order as it was. A
// failing verification sends it back to the unit.
func TestServiceClosureRules(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		id := w.reach(t, orders.StatusResponded)
		respondedAt := *w.get(t, id).LastResponseAt
		if !respondedAt.Equal(w.clk.Now()) {
			t.Fatalf("response at %v, want the injected clock %v", respondedAt, w.clk.Now())
		}
		w.clk.Add(time.Hour)
		now := w.clk.Now()

		safety, _, err := w.srv.Checks.Create(ctx, w.inspector, checks.NewCheck{ID: uuid.NewString(), ProjectID: w.road,
			Type: "safety", TemplateVersion: 1, Answers: map[string]any{"fenced": true, "warning_signs": true,
				"protective_gear": true, "safe_storage": true, "night_lighting": true},
			Location: checks.Location{Lat: 28.2, Lon: 112.9, AccuracyM: 5}, CapturedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		// The unit's own photo of the result, stored under its response:
		// naming it does not make an inspection "with its own photos".
		resp := w.get(t, id).Responses[0]
		if _, _, err := w.srv.Orders.UploadResponsePhoto(ctx, w.contractor, id, resp.ID,
			photos.UploadInput{PhotoID: resp.PhotoIDs[0], Body: bytes.NewReader(w.photo)}); err != nil {
			t.Fatalf("response photo: %v", err)
		}
		borrowed := w.verificationNaming(t, w.road, true, now, []string{resp.PhotoIDs[0]}, 0)
		cases := []struct {
			name, check, code string
		}{
			{"only the response's photo", borrowed, "no_photos"},
			{"no check named", "", "required"},
			{"no such check", uuid.NewString(), "not_found"},
			{"not a verification", safety.ID, "not_verification"},
			{"another project", w.verification(t, w.other, true, now, 1, 1), "other_project"},
			{"captured before the response", w.verification(t, w.road, true, respondedAt.Add(-time.Minute), 1, 1), "before_response"},
			{"captured at the response", w.verification(t, w.road, true, respondedAt, 1, 1), "before_response"},
			{"its photo never stored", w.verification(t, w.road, true, now, 1, 0), "no_photos"},
			{"one of two photos stored", w.verification(t, w.road, true, now, 2, 1), "incomplete"},
		}
		before := w.get(t, id)
		for _, c := range cases {
			_, err := w.srv.Orders.Verify(ctx, w.inspector, id, c.check, "")
			if !errors.Is(err, errs.ErrUnprocessable) || !strings.Contains(validationCodes(err), c.code) {
				t.Errorf("%s: err %v (%s), want %s", c.name, err, validationCodes(err), c.code)
			}
		}
		if got := w.get(t, id); got.Status != orders.StatusResponded || got.ClosedAt != nil ||
			got.VerificationCheckID != "" || len(got.Events) != len(before.Events) {
			t.Fatalf("refused verifications changed the order: %+v", got.Order)
		}
		// Only staff verify: the contractor cannot close its own order.
		good := w.verification(t, w.road, true, now, 1, 1)
		if _, err := w.srv.Orders.Verify(ctx, w.contractor, id, good, ""); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("contractor verifies: %v", err)
		}

		// A failing verification with its photo sends the order back, the
		// failed item as the reason.
		failing := w.verification(t, w.road, false, now, 1, 1)
		d, err := w.srv.Orders.Verify(ctx, w.inspector, id, failing, "still uncut at K0+250")
		if err != nil || d.Status != orders.StatusAcknowledged || d.ClosedAt != nil {
			t.Fatalf("failing verification: %v %+v", err, d.Order)
		}
		last := d.Events[len(d.Events)-1]
		if last.Action != orders.ActReject || last.CheckID != failing || !strings.Contains(last.Reason, "defect_fixed") ||
			!strings.Contains(last.Reason, "K0+250") {
			t.Errorf("reject event %+v", last)
		}
		// The earlier passing check predates the new response: refused.
		w.clk.Add(time.Minute)
		if err := w.do(t, id, orders.ActRespond); err != nil {
			t.Fatal(err)
		}
		if _, err := w.srv.Orders.Verify(ctx, w.inspector, id, good, ""); !strings.Contains(validationCodes(err), "before_response") {
			t.Errorf("a check from before the second response closes the order: %v", err)
		}
		// A passing one after it, with its photo stored, closes it at the
		// injected time.
		w.clk.Add(time.Minute)
		closing := w.verification(t, w.road, true, w.clk.Now(), 1, 1)
		d, err = w.srv.Orders.Verify(ctx, w.inspector, id, closing, "")
		if err != nil || d.Status != orders.StatusClosed || d.VerificationCheckID != closing ||
			d.ClosedAt == nil || !d.ClosedAt.Equal(w.clk.Now()) {
			t.Fatalf("passing verification: %v %+v", err, d.Order)
		}
		if _, err := w.srv.Orders.Verify(ctx, w.inspector, id, closing, ""); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("verify a closed order: %v", err)
		}
	})
}

// TestServiceEscalatesOverdueOnce drives the escalation step with the
// injected clock: nothing at the deadline itself, the open order once just
// after it, nothing on later runs, and never a closed or cancelled order.
func TestServiceEscalatesOverdueOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		// Bounded: an escalation that is not once-only never runs out of
		// candidates, and the test should say so rather than hang.
		escalate := func(at time.Time) (int, error) {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			return w.srv.Orders.EscalateOverdue(ctx, at)
		}
		deadline := start.Add(48 * time.Hour)
		open := w.issue(t, &deadline).ID
		cancelled := w.issue(t, &deadline).ID
		if _, err := w.srv.Orders.Cancel(ctx, w.office, cancelled, "issued twice"); err != nil {
			t.Fatal(err)
		}
		later := deadline.Add(time.Hour)
		notDue := w.issue(t, &later).ID

		if n, err := escalate(deadline); err != nil || n != 0 {
			t.Fatalf("at the deadline: escalated %d, %v", n, err)
		}
		at := deadline.Add(time.Microsecond)
		if n, err := escalate(at); err != nil || n != 1 {
			t.Fatalf("just past the deadline: escalated %d, %v; want 1", n, err)
		}
		for _, again := range []time.Time{at, at.Add(time.Minute), later.Add(24 * time.Hour)} {
			n, err := escalate(again)
			// notDue falls due on the last run, once.
			want := 0
			if again.After(later) {
				want = 1
			}
			if err != nil || n != want {
				t.Fatalf("run at %v: escalated %d, %v; want %d", again, n, err, want)
			}
		}
		d := w.get(t, open)
		if d.EscalatedAt == nil || !d.EscalatedAt.Equal(at) {
			t.Errorf("escalated_at %v, want %v", d.EscalatedAt, at)
		}
		if n := countActions(d, orders.ActEscalate); n != 1 {
			t.Errorf("%d escalate events, want 1", n)
		}
		if c := w.get(t, cancelled); c.EscalatedAt != nil || countActions(c, orders.ActEscalate) != 0 {
			t.Errorf("cancelled order escalated: %+v", c.Order)
		}
		if c := w.get(t, notDue); c.EscalatedAt == nil || countActions(c, orders.ActEscalate) != 1 {
			t.Errorf("later order: %+v", c.Order)
		}
	})
}

// TestRunEscalationUsesTheInjectedClock runs the background loop itself:
// its first iteration reads the service clock, so an order overdue by that
// clock (and not by the wall clock, which is earlier) is escalated at the
// clock's time.
func TestRunEscalationUsesTheInjectedClock(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		deadline := start.Add(time.Hour)
		id := w.issue(t, &deadline).ID
		w.clk.Add(2 * time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.srv.Orders.RunEscalation(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		limit := time.Now().Add(30 * time.Second)
		for {
			d := w.get(t, id)
			if d.EscalatedAt != nil {
				if !d.EscalatedAt.Equal(w.clk.Now()) {
					t.Errorf("escalated at %v, want the injected %v", d.EscalatedAt, w.clk.Now())
				}
				return
			}
			if time.Now().After(limit) {
				t.Fatal("the escalation loop's first iteration did not escalate the overdue order within 30s")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestServiceNumbersFollowTheInjectedYear: the number's year is the
// service clock's, in the numbering zone (Asia/Shanghai: 16:00 UTC is
// midnight there), and restarts at 0001 on 1 January.
func TestServiceNumbersFollowTheInjectedYear(t *testing.T) {
	eachBackend(t, func(t *testing.T, w *world) {
		a, b := w.issue(t, nil), w.issue(t, nil)
		w.clk.Add(30 * time.Minute) // 2027-01-01T00:00+08:00
		c := w.issue(t, nil)
		got := []string{a.Number, b.Number, c.Number}
		if fmt.Sprint(got) != "[ZG-2026-0001 ZG-2026-0002 ZG-2027-0001]" {
			t.Errorf("numbers %v", got)
		}
		if !a.CreatedAt.Equal(start) || !c.CreatedAt.Equal(start.Add(30*time.Minute)) {
			t.Errorf("created %v %v, want the injected clock", a.CreatedAt, c.CreatedAt)
		}
	})
}

func countActions(d orders.Detail, a orders.Action) int {
	n := 0
	for _, e := range d.Events {
		if e.Action == a {
			n++
		}
	}
	return n
}
