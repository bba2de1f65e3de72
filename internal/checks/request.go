package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// MaxPhotos is how many photos one check may announce.
const MaxPhotos = 50

// NewCheck is what a client files. The client generates ID so a phone can
// retry after a lost response without making a second check.
type NewCheck struct {
	ID              string
	ProjectID       string
	Type            string
	TemplateVersion int
	Answers         map[string]any
	Notes           string
	Location        Location
	// CapturedAt keeps the phone's UTC offset, for display in local time.
	CapturedAt time.Time
	PhotoIDs   []string
	// Supersedes names the returned check this one amends.
	Supersedes string
	// TaskID names the look-back campaign task this post-completion
	// inspection answers (see Deps.Tasks).
	TaskID string
}

// Validate checks the shape rules that do not need the template or the
// project; the answers are judged by checklists.Evaluate. now is the server
// clock; future is how far a phone clock may run ahead.
func (n NewCheck) Validate(now time.Time, future time.Duration) error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(!isUUID(n.ID), "id", "invalid", "id must be a UUID made by the client")
	v.Check(n.ProjectID == "", "project_id", "required", "project_id is required")
	v.Check(n.Type == "", "type", "required", "type is required")
	v.Check(n.TemplateVersion < 1, "template_version", "invalid", "template_version must be 1 or more")
	v.Check(len(n.Notes) > 10000, "notes", "too_long", "notes are at most 10000 characters")
	v.Check(n.Location.Lat < -90 || n.Location.Lat > 90, "location.lat", "out_of_range", "lat must be between -90 and 90")
	v.Check(n.Location.Lon < -180 || n.Location.Lon > 180, "location.lon", "out_of_range", "lon must be between -180 and 180")
	v.Check(n.Location.AccuracyM < 0, "location.accuracy_m", "out_of_range", "accuracy_m must not be negative")
	v.Check(n.CapturedAt.IsZero(), "captured_at", "required", "captured_at is required")
	v.Check(n.CapturedAt.After(now.Add(future)), "captured_at", "in_future", "captured_at is later than now")
	v.Check(n.Supersedes != "" && !isUUID(n.Supersedes), "supersedes", "invalid", "supersedes must be the id of a returned check")
	v.Check(n.Supersedes != "" && n.Supersedes == n.ID, "supersedes", "invalid", "a check cannot supersede itself")
	v.Check(n.TaskID != "" && !isUUID(n.TaskID), "task_id", "invalid", "task_id must be the id of a campaign task")
	v.Check(len(n.PhotoIDs) > MaxPhotos, "photo_ids", "too_many", fmt.Sprintf("at most %d photos", MaxPhotos))
	seen := map[string]bool{}
	for i, id := range n.PhotoIDs {
		f := fmt.Sprintf("photo_ids[%d]", i)
		v.Check(!isUUID(id), f, "invalid", "photo ids must be UUIDs")
		v.Check(seen[id], f, "duplicate", "photo ids must be unique")
		seen[id] = true
	}
	return v.Err()
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Hash is a canonical digest of the request: a retry with the same body
// gives the same hash whatever the key order of its JSON, so the service can
// tell a retry (answer the stored check) from a reused id (409).
func (n NewCheck) Hash() (string, error) {
	canon := struct {
		ID, ProjectID, Type string
		TemplateVersion     int
		Answers             map[string]any // encoding/json sorts map keys
		Notes               string
		Lat, Lon, AccuracyM float64
		CapturedAt          string
		PhotoIDs            []string
		Supersedes          string `json:",omitempty"` // omitted when empty: older hashes stay valid
		TaskID              string `json:",omitempty"` // likewise
	}{n.ID, n.ProjectID, n.Type, n.TemplateVersion, n.Answers, n.Notes,
		n.Location.Lat, n.Location.Lon, n.Location.AccuracyM, n.CapturedAt.Format(time.RFC3339Nano), n.PhotoIDs,
		n.Supersedes, n.TaskID}
	b, err := json.Marshal(canon)
	if err != nil {
		return "", fmt.Errorf("hash check request: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
