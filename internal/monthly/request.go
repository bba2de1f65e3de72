package monthly

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Limits of a report's content.
const (
	MaxValues  = 100
	MaxPhotos  = 50
	MaxText    = 10000
	MaxCaption = 500
	// MaxValue bounds any figure: the indicators' own bound, so a report
	// can never carry a figure acceptance would refuse.
	MaxValue = projects.MaxIndicatorValue
	// AbsurdTimes: a cumulative figure more than this many times its
	// target is refused as a typing error rather than flagged.
	AbsurdTimes = 10
)

// Content is what a reporter writes: the figures, the words and the
// photos of the points. A create and an edit both carry all of it.
type Content struct {
	Values        []IndicatorValue
	Narrative     string
	Problems      string
	HelpRequested string
	Photos        []ReportPhoto
}

// NewReport is a report as the phone first files it. The client makes the
// ID (a UUID) so a retry after a lost answer files nothing twice.
type NewReport struct {
	ID        string
	ProjectID string
	Period    string
	Content
}

// Validate checks the shape rules that need no stored data.
func (n NewReport) Validate() error {
	v := errs.NewValidation(errs.KindUnprocessable)
	v.Check(!isUUID(n.ID), "id", "invalid", "id must be a UUID made by the client")
	v.Check(n.ProjectID == "", "project_id", "required", "project_id is required")
	if _, err := ParsePeriod("period", n.Period); err != nil {
		v.Add("period", "invalid", "a period is a month, YYYY-MM (e.g. 2026-06)")
	}
	n.Content.check(v)
	return v.Err()
}

// Validate checks an edit's content.
func (c Content) Validate() error {
	v := errs.NewValidation(errs.KindUnprocessable)
	c.check(v)
	return v.Err()
}

func (c Content) check(v *errs.Validation) {
	v.Check(len(c.Narrative) > MaxText, "narrative", "too_long", "at most 10000 characters")
	v.Check(len(c.Problems) > MaxText, "problems", "too_long", "at most 10000 characters")
	v.Check(len(c.HelpRequested) > MaxText, "help_requested", "too_long", "at most 10000 characters")
	v.Check(len(c.Values) > MaxValues, "values", "too_many", fmt.Sprintf("at most %d values", MaxValues))
	seen := map[string]bool{}
	for i, x := range c.Values {
		f := fmt.Sprintf("values[%d]", i)
		v.Check(x.IndicatorID == "", f+".indicator_id", "required", "indicator_id is required")
		v.Check(x.IndicatorID != "" && seen[x.IndicatorID], f+".indicator_id", "duplicate", "each indicator once")
		seen[x.IndicatorID] = true
		switch {
		case math.IsNaN(x.Value) || math.IsInf(x.Value, 0):
			v.Add(f+".value", "invalid", "a value must be a finite number")
		case x.Value < 0:
			v.Add(f+".value", "negative", "a cumulative value cannot be negative")
		case x.Value > MaxValue:
			v.Add(f+".value", "absurd", "the value is implausibly large")
		}
	}
	v.Check(len(c.Photos) > MaxPhotos, "photos", "too_many", fmt.Sprintf("at most %d photos", MaxPhotos))
	points, ids := map[string]bool{}, map[string]bool{}
	for i, ph := range c.Photos {
		f := fmt.Sprintf("photos[%d]", i)
		v.Check(ph.PointID == "", f+".point_id", "required", "point_id is required")
		v.Check(ph.PointID != "" && points[ph.PointID], f+".point_id", "duplicate", "one photo per point")
		points[ph.PointID] = true
		v.Check(!isUUID(ph.PhotoID), f+".photo_id", "invalid", "photo_id must be a UUID made by the client")
		v.Check(isUUID(ph.PhotoID) && ids[ph.PhotoID], f+".photo_id", "duplicate", "each photo once")
		ids[ph.PhotoID] = true
		v.Check(len(ph.Caption) > MaxCaption, f+".caption", "too_long", "at most 500 characters")
	}
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Hash is a canonical digest of the request, so a retry (same id, same
// body) is told from a reused id (409).
func (n NewReport) Hash() (string, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return "", fmt.Errorf("hash report request: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
