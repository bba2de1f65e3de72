package campaigns

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/checks"
)

// A check filed before task_id existed must hash as it did, or its phone's
// retry would be refused as id_reused: TaskID is omitted when empty, like
// Supersedes. This is the canonical form as it was before the field.
func TestCheckHashWithoutTaskIsUnchanged(t *testing.T) {
	n := checks.NewCheck{ID: "0b6b2f3e-6f0a-4a7e-9a39-5b9f1c1f2d11", ProjectID: "p1", Type: "post_completion",
		TemplateVersion: 1, Answers: map[string]any{"in_use": true}, Notes: "n",
		Location:   checks.Location{Lat: 30, Lon: 110, AccuracyM: 5},
		CapturedAt: time.Date(2026, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), PhotoIDs: []string{}}
	old := struct {
		ID, ProjectID, Type string
		TemplateVersion     int
		Answers             map[string]any
		Notes               string
		Lat, Lon, AccuracyM float64
		CapturedAt          string
		PhotoIDs            []string
		Supersedes          string `json:",omitempty"`
	}{n.ID, n.ProjectID, n.Type, n.TemplateVersion, n.Answers, n.Notes, n.Location.Lat, n.Location.Lon,
		n.Location.AccuracyM, n.CapturedAt.Format(time.RFC3339Nano), n.PhotoIDs, ""}
	b, _ := json.Marshal(old)
	sum := sha256.Sum256(b)
	got, err := n.Hash()
	if err != nil || got != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash without task_id changed: %s %v", got, err)
	}
	n.TaskID = "7c1a4b1e-7a57-4d0e-8b4d-1f0c2b3a4d5e"
	if with, _ := n.Hash(); with == got {
		t.Fatal("task_id does not change the hash")
	}
}

func TestSelectionIsASet(t *testing.T) {
	a := NewCampaign{ID: "0b6b2f3e-6f0a-4a7e-9a39-5b9f1c1f2d11", Name: " Look-back ", Categories: []string{"school", "road"},
		Townships: []string{"B", "A"}, CompletedBefore: "2021-01-01", DueDate: "2026-12-31"}
	b := a
	b.Name, b.Categories, b.Townships = "Look-back", []string{"road", "school", "road"}, []string{"A", " B", "A"}
	sa, err := a.validate()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.validate()
	if err != nil {
		t.Fatal(err)
	}
	ha, _ := sa.hash(a.ID)
	hb, _ := sb.hash(b.ID)
	if ha != hb {
		t.Error("order or repeats changed the hash")
	}
	b.DueDate = "2026-12-30"
	sb, _ = b.validate()
	if hc, _ := sb.hash(b.ID); hc == ha {
		t.Error("another due date, same hash")
	}
}

func TestSummarise(t *testing.T) {
	f := summarise([]FindingRow{
		{Category: "school", Township: "B", Tasks: 2, Inspected: 1, Failed: 1},
		{Category: "drinking_water", Township: "B", Tasks: 1, Inspected: 1, Failed: 0},
		{Category: "drinking_water", Township: "A", Tasks: 3, Inspected: 2, Failed: 2},
	})
	if f.Inspected != 4 || f.Failed != 3 {
		t.Fatalf("totals %+v", f)
	}
	wantCat := []Finding{{"drinking_water", 4, 3, 2}, {"school", 2, 1, 1}}
	wantTown := []Finding{{"A", 3, 2, 2}, {"B", 3, 2, 1}}
	for i := range wantCat {
		if f.ByCategory[i] != wantCat[i] || f.ByTownship[i] != wantTown[i] {
			t.Fatalf("by category %+v, by township %+v", f.ByCategory, f.ByTownship)
		}
	}
}
