package circulars

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/i18n"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/keyset"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/storage"
)

// KindCirculars is the object-store key kind of published circulars. It is
// not storage.KindOriginals: the photo sweeper removes originals no photo
// row references, and a circular is referenced by its own row.
const KindCirculars = "circulars"

// JobRetain is the job kind that puts a published circular's files under
// object-lock retention once its row is committed, as photo originals are.
const JobRetain = "circular.retain"

// Deps are the service's collaborators.
type Deps struct {
	Store    Store
	Gather   Gatherer
	Renderer Renderer
	Objects  storage.Store
	Jobs     Jobs
	Audit    Auditor
	// County is the county's name the circular is headed with.
	County string
	// Zone is the county's: months start at its midnight and dates print
	// in it. Nil is Asia/Shanghai.
	Zone *time.Location
	// RetentionDays is the object-lock period of the files, the same as
	// photo originals' (0: none).
	RetentionDays int
	// StorageDeadline bounds one object-store call.
	StorageDeadline time.Duration
	Log             *slog.Logger
	Now             func() time.Time
}

// Service generates, publishes and serves circulars.
type Service struct{ d Deps }

// NewService builds the service.
func NewService(d Deps) (*Service, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.StorageDeadline <= 0 {
		d.StorageDeadline = 30 * time.Second
	}
	if d.Zone == nil {
		z, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("circulars: county zone: %w", err)
		}
		d.Zone = z
	}
	return &Service{d: d}, nil
}

// Draft is a computed circular not (yet) stored: a preview, or what a
// publication stores.
type Draft struct {
	Circular Circular
	Meta     Meta
	renderer Renderer
}

// Write renders the draft in format f to w. The PDF is laid out whole
// before its first byte is written, so a failure writes nothing; CSV and
// JSON stream as they are made.
func (d Draft) Write(w io.Writer, f Format, lang i18n.Lang) error {
	switch f {
	case PDF:
		return d.renderer.CircularPDF(d.Circular, d.Meta, lang, w)
	case CSV:
		return WriteCSV(w, d.Circular, d.Meta, lang)
	case JSON:
		return WriteJSON(w, d.Circular, d.Meta)
	}
	return fmt.Errorf("circulars: unknown format %q", f)
}

// ParseFormat reads ?format= ("" is json); anything else is a 400 on
// field "format".
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "":
		return JSON, nil
	case PDF, CSV, JSON:
		return f, nil
	}
	v := errs.NewValidation(errs.KindInvalid)
	v.Add("format", "invalid", "format is one of json, csv, pdf")
	return "", v.Err()
}

// judgedAt is the instant whose schedule a period's circular reports: the
// end of the period's last day (the first instant of the next, in UTC
// dates as projects' plans are written), or now while the month runs. A
// period that has not begun has no circular.
func (s *Service) judgedAt(p Period) (time.Time, error) {
	now := s.d.Now()
	if now.Before(p.Start(s.d.Zone)) {
		v := errs.NewValidation(errs.KindUnprocessable)
		v.Add("period", "not_started", "the period "+p.String()+" has not begun")
		return time.Time{}, v.Err()
	}
	end := p.LastDay().AddDate(0, 0, 1)
	if now.Before(end) {
		return now.UTC(), nil
	}
	return end, nil
}

// draft gathers and computes a period's circular.
func (s *Service) draft(ctx context.Context, period string, version int) (Draft, error) {
	p, err := ParsePeriod(period)
	if err != nil {
		return Draft{}, err
	}
	at, err := s.judgedAt(p)
	if err != nil {
		return Draft{}, err
	}
	in, err := s.d.Gather.Gather(ctx, p, at)
	if err != nil {
		return Draft{}, err
	}
	in.County, in.Period, in.At = s.d.County, p, dayBefore(at)
	return Draft{Circular: Compute(in), Meta: Meta{Version: version, Made: s.d.Now().UTC().Truncate(time.Microsecond), Zone: s.d.Zone},
		renderer: s.d.Renderer}, nil
}

// Preview computes a period's circular as it would be published now,
// storing nothing. Office and admin only.
func (s *Service) Preview(ctx context.Context, p auth.Principal, period string) (Draft, error) {
	if err := policy.Circulars(p, policy.GenerateCircular); err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, period, 0)
}

// maxRaces bounds how often a publication retries when another one took
// its version number in the meantime.
const maxRaces = 3

// Publish computes the period's circular and stores it for good as the
// period's next version: each format's bytes are rendered, hashed and put
// in the object store under a fresh key; then the row, its audit entry
// (with every file's SHA-256) and the retention job commit together. A
// publication never overwrites: a second one of the same period is
// version n+1, and two racing ones end as two versions.
func (s *Service) Publish(ctx context.Context, p auth.Principal, period string, lang i18n.Lang) (Published, error) {
	if err := policy.Circulars(p, policy.PublishCircular); err != nil {
		return Published{}, err
	}
	if _, err := ParsePeriod(period); err != nil {
		return Published{}, err
	}
	for race := 0; ; race++ {
		last, err := s.d.Store.LastVersion(ctx, period)
		if err != nil {
			return Published{}, err
		}
		pub, err := s.publish(ctx, p, period, last+1, lang)
		if errors.Is(err, errs.ErrConflict) && race < maxRaces {
			continue
		}
		return pub, err
	}
}

func (s *Service) publish(ctx context.Context, p auth.Principal, period string, version int, lang i18n.Lang) (Published, error) {
	d, err := s.draft(ctx, period, version)
	if err != nil {
		return Published{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Published{}, fmt.Errorf("new id: %w", err)
	}
	pub := Published{ID: id.String(), Period: period, Version: version, County: d.Circular.County,
		AsOf: d.Circular.At, Figures: d.Circular.Figures, PublishedBy: p.UserID, PublishedAt: d.Meta.Made}
	for _, f := range Formats {
		file, err := s.put(ctx, d, f, lang)
		if err != nil {
			s.drop(pub.Files)
			return Published{}, err
		}
		pub.Files = append(pub.Files, file)
	}
	pdf, _ := pub.File(PDF)
	pub.SHA256 = pdf.SHA256
	hashes := map[string]any{}
	for _, f := range pub.Files {
		hashes[string(f.Format)] = map[string]any{"sha256": f.SHA256, "size": f.Size, "key": f.Key}
	}
	err = s.d.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.Insert(ctx, pub); err != nil {
			return err
		}
		if s.d.RetentionDays > 0 && s.d.Jobs != nil {
			if err := s.d.Jobs.Enqueue(ctx, retainJob(pub.ID), s.d.Now().UTC()); err != nil {
				return err
			}
		}
		if s.d.Audit == nil {
			return nil
		}
		// Last: the audit append holds the chain's turn until the commit.
		return s.d.Audit.Record(ctx, p, "circular.publish", "circular", pub.ID, map[string]any{
			"period": period, "version": version, "sha256": pub.SHA256, "files": hashes, "figures": figuresDoc(pub.Figures)})
	})
	if err != nil {
		// Nothing references the objects unless the commit happened; a
		// conflict (another publication took this version) certainly did
		// not, and then the next attempt makes fresh objects.
		if errors.Is(err, errs.ErrConflict) {
			s.drop(pub.Files)
		}
		return Published{}, err
	}
	return pub, nil
}

// put renders one format, hashes it and stores it under a fresh key with
// its SHA-256 verified by the backend.
func (s *Service) put(ctx context.Context, d Draft, f Format, lang i18n.Lang) (File, error) {
	var buf bytes.Buffer
	if err := d.Write(&buf, f, lang); err != nil {
		return File{}, fmt.Errorf("render circular %s: %w", f, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	file := File{Format: f, Key: storage.Key(KindCirculars, uuid.NewString()), SHA256: hex.EncodeToString(sum[:]),
		Size: int64(buf.Len()), ContentType: f.ContentType()}
	sctx, cancel := context.WithTimeout(ctx, s.d.StorageDeadline)
	defer cancel()
	if _, err := s.d.Objects.Put(sctx, file.Key, &buf, file.Size,
		storage.PutOptions{ContentType: file.ContentType, SHA256: file.SHA256}); err != nil {
		if errors.Is(err, storage.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			return File{}, errs.Unavailable("storage_unavailable", 30*time.Second, err)
		}
		return File{}, fmt.Errorf("store circular %s: %w", f, err)
	}
	return file, nil
}

// drop removes objects no row references, best effort.
func (s *Service) drop(files []File) {
	for _, f := range files {
		ctx, cancel := context.WithTimeout(context.Background(), s.d.StorageDeadline)
		if err := s.d.Objects.Delete(ctx, f.Key); err != nil && !errors.Is(err, storage.ErrNotExist) {
			s.d.Log.Warn("drop unpublished circular file", "key", f.Key, "err", err)
		}
		cancel()
	}
}

// Page is one page of published circulars; Next is empty on the last.
type Page struct {
	Circulars []Published
	Next      string
}

// List lists published circulars, newest first, optionally of one period.
func (s *Service) List(ctx context.Context, p auth.Principal, period, cursor string, limit *int) (Page, error) {
	if err := policy.Circulars(p, policy.ViewCirculars); err != nil {
		return Page{}, err
	}
	v := errs.NewValidation(errs.KindInvalid)
	before, n := keyset.Args(v, cursor, limit)
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	if period != "" {
		if _, err := ParsePeriod(period); err != nil {
			return Page{}, err
		}
	}
	cs, err := s.d.Store.List(ctx, period, before, n+1)
	if err != nil {
		return Page{}, err
	}
	var pg Page
	if len(cs) > n {
		cs = cs[:n]
		pg.Next = keyset.Encode(cs[n-1].Seq)
	}
	pg.Circulars = cs
	return pg, nil
}

// Get returns one published circular's record.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Published, error) {
	if err := policy.Circulars(p, policy.ViewCirculars); err != nil {
		return Published{}, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return Published{}, errs.NotFound("circular")
	}
	return s.d.Store.Get(ctx, id)
}

// Download returns the stored bytes of one format of a published circular,
// after checking them against the SHA-256 recorded at publication: a file
// that no longer matches is never served as the circular (an internal
// error, logged). Files are a few hundred kilobytes, read whole to check.
func (s *Service) Download(ctx context.Context, p auth.Principal, id string, f Format) (Published, []byte, error) {
	pub, err := s.Get(ctx, p, id)
	if err != nil {
		return Published{}, nil, err
	}
	file, ok := pub.File(f)
	if !ok {
		return Published{}, nil, errs.NotFound("circular")
	}
	sctx, cancel := context.WithTimeout(ctx, s.d.StorageDeadline)
	defer cancel()
	rc, _, err := s.d.Objects.Get(sctx, file.Key)
	if err != nil {
		if errors.Is(err, storage.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			return Published{}, nil, errs.Unavailable("storage_unavailable", 30*time.Second, err)
		}
		return Published{}, nil, fmt.Errorf("read circular %s %s: %w", id, f, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, file.Size+1))
	if err != nil {
		return Published{}, nil, fmt.Errorf("read circular %s %s: %w", id, f, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != file.SHA256 || int64(len(b)) != file.Size {
		return Published{}, nil, fmt.Errorf("circular %s %s: stored bytes hash to %s (%d bytes), recorded %s (%d bytes)",
			id, f, got, len(b), file.SHA256, file.Size)
	}
	return pub, b, nil
}

type retainPayload struct {
	CircularID string `json:"circular_id"`
}

func retainJob(id string) jobs.Job {
	b, _ := json.Marshal(retainPayload{CircularID: id})
	return jobs.Job{ID: "retain-circular-" + id, Kind: JobRetain, Payload: b, MaxAttempts: 20}
}

// RetainHandler locks a published circular's files until publication plus
// the retention period. A bucket without object locking is not an error:
// there is nothing more this job can do there.
func (s *Service) RetainHandler(ctx context.Context, j jobs.Job) error {
	var pl retainPayload
	if err := json.Unmarshal(j.Payload, &pl); err != nil {
		return fmt.Errorf("retain payload: %w", err)
	}
	pub, err := s.d.Store.Get(ctx, pl.CircularID)
	if err != nil {
		return err
	}
	until := pub.PublishedAt.Add(time.Duration(s.d.RetentionDays) * 24 * time.Hour)
	for _, f := range pub.Files {
		sctx, cancel := context.WithTimeout(ctx, s.d.StorageDeadline)
		err := s.d.Objects.Retain(sctx, f.Key, until)
		cancel()
		if errors.Is(err, storage.ErrNotSupported) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Handlers are the service's job handlers, by kind.
func (s *Service) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobRetain: s.RetainHandler}
}
