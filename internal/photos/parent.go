package photos

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
)

// Parent is what the photo pipeline needs to know about the record a photo
// is attached to: today a check, later a rectification response. The photo
// service never reads checks itself; the checks service answers through
// Parents, so the rule about who may attach or see photos lives with checks
// (and its policy), not here.
type Parent struct {
	Kind      string // "check"
	ID        string
	ProjectID string
	// The check's own GPS fix and capture time, for gps_mismatch and
	// time_mismatch.
	Lat, Lon   float64
	CapturedAt time.Time
	// Route is the project's road line ([lon, lat] positions), nil when it
	// has none; photos with their own GPS get a chainage on it.
	Route [][2]float64
	// ExpectedPhotoIDs are the client photo UUIDs the check announced.
	ExpectedPhotoIDs []string
}

// Parents looks up photo parents and decides access.
type Parents interface {
	// ForUpload returns the check if p may attach photos to it (its author,
	// or the office), else a forbidden/not-found error.
	ForUpload(ctx context.Context, p auth.Principal, checkID string) (Parent, error)
	// ForView returns the check if p may see it and its photos.
	ForView(ctx context.Context, p auth.Principal, checkID string) (Parent, error)
}
