package circulars

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// memStore keeps publications in memory; steal, when set, makes the next
// Insert find its version taken (another publication won the race).
type memStore struct {
	mu    sync.Mutex
	rows  []Published
	steal bool
}

func (m *memStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}
func (m *memStore) LastVersion(_ context.Context, period string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := 0
	for _, r := range m.rows {
		if r.Period == period {
			v = max(v, r.Version)
		}
	}
	return v, nil
}
func (m *memStore) Insert(_ context.Context, c Published) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.steal {
		m.steal = false
		m.rows = append(m.rows, Published{ID: "thief", Period: c.Period, Version: c.Version})
		return errs.Conflict("circular_exists", "taken")
	}
	m.rows = append(m.rows, c)
	return nil
}
func (m *memStore) Get(_ context.Context, id string) (Published, error) {
	for _, r := range m.rows {
		if r.ID == id {
			return r, nil
		}
	}
	return Published{}, errs.NotFound("circular")
}
func (m *memStore) List(context.Context, string, int64, int) ([]Published, error) { return m.rows, nil }

type oneGather struct{ in Input }

func (g oneGather) Gather(context.Context, Period, time.Time) (Input, error) { return g.in, nil }

type fakePDF struct{}

func (fakePDF) CircularPDF(c Circular, m Meta, _ i18n.Lang, w io.Writer) error {
	_, err := io.WriteString(w, "%PDF fake "+c.County+" v"+string(rune('0'+m.Version)))
	return err
}

// retaining records Retain calls over a local store (which cannot lock).
type retaining struct {
	storage.Store
	mu       sync.Mutex
	retained map[string]time.Time
}

func (r *retaining) Retain(_ context.Context, key string, until time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retained[key] = until
	return nil
}

type jobList struct{ jobs []jobs.Job }

func (l *jobList) Enqueue(_ context.Context, j jobs.Job, _ time.Time) error {
	l.jobs = append(l.jobs, j)
	return nil
}

type auditList struct{ entries []map[string]any }

func (a *auditList) Record(_ context.Context, _ auth.Principal, action, _, id string, changes any) error {
	a.entries = append(a.entries, map[string]any{"action": action, "id": id, "changes": changes})
	return nil
}

// Publishing stores every format under a fresh key with its hash, records
// the hashes in the audit entry, queues the retention job, and makes
// version n+1 each time — also when another publication took n+1 in the
// meantime; the retention job locks every file until publication plus the
// retention period.
func TestPublishVersionsHashesAndRetains(t *testing.T) {
	local, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	objs := &retaining{Store: local, retained: map[string]time.Time{}}
	st, jl, al := &memStore{}, &jobList{}, &auditList{}
	now := time.Date(2026, 7, 2, 1, 0, 0, 0, time.UTC)
	svc, err := NewService(Deps{Store: st, Gather: oneGather{Input{Projects: []ProjectFacts{{ID: "p", Code: "A", UnitID: "u", Status: Behind, GapPoints: -5}}}},
		Renderer: fakePDF{}, Objects: objs, Jobs: jl, Audit: al, County: "青山县", RetentionDays: 10,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	office := auth.Principal{UserID: "o", Role: auth.RoleOffice}
	if _, err := svc.Publish(context.Background(), auth.Principal{UserID: "i", Role: auth.RoleInspector}, "2026-06", i18n.ZH); err == nil {
		t.Fatal("an inspector published")
	}
	p1, err := svc.Publish(context.Background(), office, "2026-06", i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	st.steal = true
	p3, err := svc.Publish(context.Background(), office, "2026-06", i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Version != 1 || p3.Version != 3 {
		t.Fatalf("versions %d, %d; want 1 and 3 (2 was taken by the racing one)", p1.Version, p3.Version)
	}
	if p1.AsOf.Format("2006-01-02") != "2026-06-30" || p1.Figures.Behind != 1 || p1.County != "青山县" {
		t.Fatalf("record: %+v", p1)
	}
	for _, f := range p1.Files {
		rc, _, err := objs.Get(context.Background(), f.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: stored bytes do not match the record", f.Format)
		}
	}
	if pdf, _ := p1.File(PDF); p1.SHA256 != pdf.SHA256 || len(p1.Files) != 3 {
		t.Fatalf("files %+v", p1.Files)
	}
	_, b, err := svc.Download(context.Background(), auth.Principal{UserID: "c", Role: auth.RoleContractor, UnitID: "u"}, p3.ID, PDF)
	if err != nil || !bytes.Equal(b, []byte("%PDF fake 青山县 v3")) {
		t.Fatalf("download v3: %q %v", b, err)
	}
	if len(al.entries) != 2 || al.entries[0]["changes"].(map[string]any)["sha256"] != p1.SHA256 {
		t.Fatalf("audit: %+v", al.entries)
	}
	if len(jl.jobs) != 2 || jl.jobs[0].Kind != JobRetain {
		t.Fatalf("jobs: %+v", jl.jobs)
	}
	if err := svc.RetainHandler(context.Background(), jl.jobs[0]); err != nil {
		t.Fatal(err)
	}
	for _, f := range p1.Files {
		if got := objs.retained[f.Key]; !got.Equal(now.Add(10 * 24 * time.Hour)) {
			t.Errorf("%s retained until %v", f.Format, got)
		}
	}
}
