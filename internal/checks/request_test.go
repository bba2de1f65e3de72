package checks

import (
	"errors"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

func validCheck(now time.Time) NewCheck {
	return NewCheck{
		ID: "0b6b2f3e-6f0a-4a7e-9a39-5b9f1c1f2d11", ProjectID: "p1", Type: "concrete_mix", TemplateVersion: 1,
		Answers:  map[string]any{"curing": true, "slump_mm": 30.0},
		Location: Location{Lat: 30, Lon: 110, AccuracyM: 5}, CapturedAt: now.In(time.FixedZone("CST", 8*3600)),
		PhotoIDs: []string{"7c1a4b1e-7a57-4d0e-8b4d-1f0c2b3a4d5e"},
	}
}

func TestValidate(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	if err := validCheck(now).Validate(now, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	n := validCheck(now)
	n.Location.Lat, n.Location.Lon = 91, -181
	n.CapturedAt = now.Add(11 * time.Minute)
	n.PhotoIDs = []string{"x", "x"}
	err := n.Validate(now, 10*time.Minute)
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindUnprocessable {
		t.Fatalf("got %v", err)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"location.lat", "location.lon", "captured_at", "photo_ids[0]", "photo_ids[1]"} {
		if !got[f] {
			t.Errorf("missing %s in %v", f, e.Fields)
		}
	}
}

func TestHash(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, _ := validCheck(now).Hash()
	b := validCheck(now)
	b.Answers = map[string]any{"slump_mm": 30.0, "curing": true}
	hb, _ := b.Hash()
	if a != hb {
		t.Fatal("key order changed the hash")
	}
	b.Answers["curing"] = false
	hc, _ := b.Hash()
	if a == hc {
		t.Fatal("different answers, same hash")
	}
}
