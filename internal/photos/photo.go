// Package photos is the photo-evidence pipeline: accepting an upload
// (idempotent by the client's photo UUID), verifying it is a real image
// within limits, storing the original byte-for-byte with its SHA-256,
// computing the review flags, making renditions in background jobs, and
// keeping the object store and the rows consistent (sweeper, reconcile).
// Originals are legal evidence: nothing here rewrites or deletes a stored
// original that a row references.
package photos

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fieldproof/fieldproof/internal/jobs"
)

// Photo is one stored original and what is known about it.
type Photo struct {
	ID          string // the client's photo UUID
	ParentKind  string
	ParentID    string
	ProjectID   string
	UploadedBy  string
	ObjectKey   string
	SHA256      string
	SizeBytes   int64
	ContentType string
	Width       int
	Height      int
	EXIF        EXIF
	// What the phone reported beside the file.
	PhoneLat, PhoneLon *float64
	PhoneTime          *time.Time
	Flags              Flags
	ChainageM, OffsetM *float64
	Side               string
	PHash              *uint64
	RenditionStatus    string
	CreatedAt          time.Time
}

// EXIF is what was read from the file; Warnings lists what could not be.
// Its JSON is the stored document, not the API's shape.
type EXIF struct {
	// Present: the file has an EXIF block at all (see exif.Meta.Present).
	Present  bool     `json:"present,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	Altitude *float64 `json:"altitude,omitempty"`
	// TakenAt is an instant only when OffsetKnown; otherwise it carries the
	// camera's wall clock in time.UTC as a placeholder (exif.Meta.CapturedAt).
	// Read it through TakenInstant and TakenLocal.
	TakenAt     *time.Time `json:"taken_at,omitempty"`
	OffsetKnown bool       `json:"offset_known"`
	Make        string     `json:"make,omitempty"`
	Model       string     `json:"model,omitempty"`
	Orientation int        `json:"orientation"`
	Warnings    []string   `json:"warnings,omitempty"`
}

// Flags are the per-photo findings the office reviews.
type Flags struct {
	// NoEXIF: the file has no EXIF block at all (stripped by an app, a
	// screenshot, an edited export).
	NoEXIF bool `json:"no_exif,omitempty"`
	// NoCaptureMetadata: the file has EXIF, but it records none of GPS,
	// capture time, make or model (often only an orientation, as editors
	// and messaging apps leave it): nothing in it says where, when or with
	// what the photo was taken.
	NoCaptureMetadata bool      `json:"no_capture_metadata,omitempty"`
	GPSMismatch       *Mismatch `json:"gps_mismatch,omitempty"`
	TimeMismatch      *Mismatch `json:"time_mismatch,omitempty"`
	Duplicate         *Ref      `json:"duplicate,omitempty"`
	PossibleReuse     *Ref      `json:"possible_reuse,omitempty"`
	// Undecodable: the upload's structure checked out but the full decode
	// in the rendition job failed. The original stays (it is what the phone
	// sent); the office decides what it is worth.
	Undecodable *Reason `json:"undecodable,omitempty"`
}

// Reason says why a flag was raised.
type Reason struct {
	Reason string `json:"reason"`
}

// Mismatch records how far apart photo and parent were (metres or seconds).
type Mismatch struct {
	Value float64 `json:"value"`
}

// Ref points at another photo.
type Ref struct {
	PhotoID  string `json:"photo_id"`
	Distance *int   `json:"distance,omitempty"`
}

// Rendition statuses.
const (
	RenditionPending = "pending"
	RenditionReady   = "ready"
	RenditionFailed  = "failed"
)

// JobRenditions is the job kind that makes a photo's renditions.
const JobRenditions = "photo.renditions"

// JobRetain is the job kind that puts an original under object-lock
// retention once its row is committed.
const JobRetain = "photo.retain"

type renditionPayload struct {
	PhotoID string `json:"photo_id"`
}

func renditionJob(photoID string) jobs.Job {
	b, _ := json.Marshal(renditionPayload{PhotoID: photoID})
	return jobs.Job{ID: "renditions-" + photoID, Kind: JobRenditions, Payload: b, MaxAttempts: 5}
}

func retainJob(photoID string) jobs.Job {
	b, _ := json.Marshal(renditionPayload{PhotoID: photoID})
	return jobs.Job{ID: "retain-" + photoID, Kind: JobRetain, Payload: b, MaxAttempts: 20}
}

// HashRef is a photo's perceptual hash with what decides "another check".
type HashRef struct {
	PhotoID  string
	ParentID string
	PHash    uint64
}

// Store is the persistence the service needs; internal/store implements it.
type Store interface {
	// Insert adds a photo; a photo with the same id gives errs.ErrConflict.
	Insert(ctx context.Context, ph Photo) error
	Get(ctx context.Context, id string) (Photo, error)
	ListByParent(ctx context.Context, parentID string) ([]Photo, error)
	// FirstBySHA256 is the earliest other photo with these bytes.
	FirstBySHA256(ctx context.Context, sha, exceptID string) (Photo, bool, error)
	// PHashes lists hashed photos of parents other than parentID.
	PHashes(ctx context.Context, exceptParentID string) ([]HashRef, error)
	SetRenditions(ctx context.Context, id, status string, phash *uint64, flags Flags) error
	// ExistingKeys returns which of keys some row references.
	ExistingKeys(ctx context.Context, keys []string) (map[string]bool, error)
	// Each visits every photo in id order, for reconcile.
	Each(ctx context.Context, fn func(Photo) error) error
	// InTx runs fn in one transaction that Insert and the job queue join.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
