package photos

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/renditions"
	"github.com/fieldproof/fieldproof/storage"
)

// Direct upload is for large photos over bad networks: instead of holding
// one API request open for the whole file, the phone declares the photo
// (its UUID, size and SHA-256), receives a short-lived URL, PUTs the bytes
// there (to MinIO directly, or to fieldproof when the store cannot sign),
// and then asks to complete. Until completion the bytes sit under a staging
// key and are not evidence: completion reads them back, holds them to what
// was declared and to every rule of a multipart upload (accept), and only
// then does a photo exist. Whatever fails verification is removed.

// Upload is one direct-upload session.
type Upload struct {
	ID       string
	ParentID string
	PhotoID  string
	// StagingKey is where the client's PUT lands. It is never a photo's
	// key: the URL stays writable until it expires, so the verified bytes
	// are copied to a fresh originals key no client can reach.
	StagingKey     string
	ExpectedSize   int64
	ExpectedSHA256 string
	ContentType    string // as declared; "" when the client did not say
	// The phone's own fix and clock for the photo, declared up front.
	PhoneLat, PhoneLon *float64
	PhoneTime          *time.Time
	ExpiresAt          time.Time
	CreatedBy          string
	CreatedAt          time.Time
}

// dead reports whether nothing may use the session any more. The URL
// stops at ExpiresAt, but a PUT that started in time may still be
// finishing and its completion may come late over a bad network, so the
// session lives on for the same grace period the sweeper gives orphaned
// originals. Completion and the sweeper both decide with this one rule, so
// the sweeper never removes what completion would still accept.
func (u Upload) dead(now time.Time, grace time.Duration) bool {
	return now.After(u.ExpiresAt.Add(grace))
}

// UploadStore persists direct-upload sessions; internal/store implements it.
type UploadStore interface {
	InsertUpload(ctx context.Context, u Upload) error
	// GetUpload gives errs.ErrNotFound for an unknown id.
	GetUpload(ctx context.Context, id string) (Upload, error)
	// LiveUpload is the newest session for photoID that expires after now.
	LiveUpload(ctx context.Context, photoID string, now time.Time) (Upload, bool, error)
	// DeleteUpload removes a session; a missing one is not an error.
	DeleteUpload(ctx context.Context, id string) error
	// DeadUploads lists up to limit sessions that expired before cutoff.
	DeadUploads(ctx context.Context, cutoff time.Time, limit int) ([]Upload, error)
	// StagingKeysInUse returns which of keys a session names.
	StagingKeysInUse(ctx context.Context, keys []string) (map[string]bool, error)
}

// DirectDeps turn direct upload on.
type DirectDeps struct {
	Uploads UploadStore
	// Secret is the server's signing secret (the JWT key, the same on every
	// replica). The key for fieldproof's own upload URLs is derived from
	// it rather than being it, so an upload URL can never pass for a
	// token of another kind or the other way round.
	Secret []byte
}

// urlKeyLabel separates the upload-URL key from every other use of Secret;
// changing it invalidates every outstanding URL.
const urlKeyLabel = "fieldproof direct-upload URL v1"

// enableDirect turns on direct upload while New builds the service.
func (s *Service) enableDirect(d DirectDeps) error {
	if d.Uploads == nil {
		return errors.New("photos: direct upload needs an UploadStore")
	}
	if len(d.Secret) < 32 {
		return errors.New("photos: direct upload needs a secret of at least 32 bytes")
	}
	m := hmac.New(sha256.New, d.Secret)
	m.Write([]byte(urlKeyLabel))
	s.uploads, s.urlKey = d.Uploads, m.Sum(nil)
	return nil
}

var errDirectOff = errs.Unavailable("direct_upload_unavailable", time.Minute, errors.New("photos: direct upload not enabled"))

// UploadRequest declares a photo the client is about to upload directly.
type UploadRequest struct {
	ParentID    string
	PhotoID     string // client UUID
	SizeBytes   int64
	SHA256      string // hex
	ContentType string // optional
	PhoneLat    *float64
	PhoneLon    *float64
	PhoneTime   *time.Time
}

// Ticket tells the client where and how to send the bytes.
type Ticket struct {
	Upload Upload
	Method string
	// URL is set when the object store signed it. Otherwise Token is set
	// and the URL is fieldproof's own PUT /uploads/{token}, which the HTTP
	// layer spells out because only it knows where it is mounted.
	URL     string
	Token   string
	Headers map[string]string
}

// CreateUpload starts a direct upload, or returns the stored photo when the
// declared one is already there (the same replay rule as a multipart
// upload: same check and same bytes, else 409). An unexpired session for
// the same photo is returned again rather than duplicated.
func (s *Service) CreateUpload(ctx context.Context, p auth.Principal, in UploadRequest) (Ticket, *Photo, error) {
	in, err := s.checkRequest(in)
	if err != nil {
		return Ticket{}, nil, err
	}
	if s.uploads == nil {
		return Ticket{}, nil, errDirectOff
	}
	if s.parents == nil {
		return Ticket{}, nil, errNoParents
	}
	parent, err := s.parents.ForUpload(ctx, p, in.ParentID)
	if err != nil {
		return Ticket{}, nil, err
	}
	if err := parent.takes(in.PhotoID); err != nil {
		return Ticket{}, nil, err
	}
	if prev, err := s.store.Get(ctx, in.PhotoID); err == nil {
		ph, _, err := s.replay(prev, parent.ID, in.SHA256)
		if err != nil {
			return Ticket{}, nil, err
		}
		return Ticket{}, &ph, nil
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Ticket{}, nil, err
	}
	now := s.now()
	if u, ok, err := s.uploads.LiveUpload(ctx, in.PhotoID, now); err != nil {
		return Ticket{}, nil, err
	} else if ok {
		if u.ParentID != parent.ID || u.CreatedBy != p.UserID || u.ExpectedSize != in.SizeBytes ||
			u.ExpectedSHA256 != in.SHA256 || u.ContentType != in.ContentType {
			return Ticket{}, nil, errs.Conflict("upload_exists",
				"an upload of this photo_id with a different declaration is in progress")
		}
		t, err := s.ticket(ctx, u)
		return t, nil, err
	}
	id := uuid.NewString()
	ttl := s.cfg.SignedURLTTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	u := Upload{ID: id, ParentID: parent.ID, PhotoID: in.PhotoID, StagingKey: storage.Key(storage.KindStaging, id),
		ExpectedSize: in.SizeBytes, ExpectedSHA256: in.SHA256, ContentType: in.ContentType,
		PhoneLat: in.PhoneLat, PhoneLon: in.PhoneLon, PhoneTime: in.PhoneTime,
		// Whole seconds: the token carries the expiry as Unix seconds and
		// must match the row exactly.
		ExpiresAt: now.Add(ttl).Truncate(time.Second), CreatedBy: p.UserID, CreatedAt: now}
	if u.PhoneTime != nil {
		t := u.PhoneTime.UTC()
		u.PhoneTime = &t
	}
	// The row goes in before any URL leaves, so every staged object has a
	// row while it can still be completed and the sweeper can tell live
	// from abandoned.
	if err := s.uploads.InsertUpload(ctx, u); err != nil {
		return Ticket{}, nil, err
	}
	t, err := s.ticket(ctx, u)
	return t, nil, err
}

func (s *Service) checkRequest(in UploadRequest) (UploadRequest, error) {
	v := errs.NewValidation(errs.KindInvalid)
	id, err := uuid.Parse(in.PhotoID)
	v.Check(err != nil, "photo_id", "invalid_photo_id", "photo_id must be a UUID")
	if err == nil {
		in.PhotoID = id.String()
	}
	v.Check(in.SizeBytes <= 0, "size_bytes", "invalid_size", "size_bytes must be a positive number of bytes")
	in.SHA256 = strings.ToLower(in.SHA256)
	raw, err := hex.DecodeString(in.SHA256)
	v.Check(err != nil || len(raw) != sha256.Size, "sha256", "invalid_sha256", "sha256 must be 64 hex digits")
	v.Check(in.PhoneLat != nil && (*in.PhoneLat < -90 || *in.PhoneLat > 90), "lat", "invalid_coordinate", "lat must be a number within ±90")
	v.Check(in.PhoneLon != nil && (*in.PhoneLon < -180 || *in.PhoneLon > 180), "lon", "invalid_coordinate", "lon must be a number within ±180")
	if err := v.Err(); err != nil {
		return in, err
	}
	if in.SizeBytes > s.cfg.MaxUploadBytes {
		return in, tooLarge(s.cfg.MaxUploadBytes)
	}
	if in.ContentType != "" {
		f, ok := declaredFormat(in.ContentType)
		if !ok {
			return in, errs.New(errs.KindUnsupportedMedia, "unsupported_media_type",
				"content_type must be image/jpeg, image/png, image/webp or image/heic")
		}
		in.ContentType = f.MIMEType()
	}
	return in, nil
}

// declaredFormat maps a client's content type to a format; image/heif is
// what some phones call HEIC.
func declaredFormat(ct string) (renditions.Format, bool) {
	ct, _, _ = strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "image/jpeg", "image/jpg":
		return renditions.JPEG, true
	case "image/png":
		return renditions.PNG, true
	case "image/webp":
		return renditions.WebP, true
	case "image/heic", "image/heif":
		return renditions.HEIC, true
	}
	return renditions.FormatUnknown, false
}

// ticket signs the PUT for u, valid until the session's own expiry.
func (s *Service) ticket(ctx context.Context, u Upload) (Ticket, error) {
	ct := u.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	t := Ticket{Upload: u, Method: "PUT", Headers: map[string]string{"Content-Type": ct}}
	ttl := max(time.Second, u.ExpiresAt.Sub(s.now()))
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	defer cancel()
	url, err := s.objects.SignedURL(sctx, "PUT", u.StagingKey, ttl)
	switch {
	case err == nil:
		t.URL = url
	case errors.Is(err, storage.ErrNotSupported):
		t.Token = s.signToken(u.ID, u.ExpiresAt)
	default:
		return Ticket{}, errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
	return t, nil
}

// signToken makes "<upload id>.<expiry unix>.<mac>": the URL itself is the
// proof, so the PUT needs no bearer token (a phone may have to refresh its
// access token mid-upload) and any replica can check it with the shared key.
func (s *Service) signToken(id string, exp time.Time) string {
	payload := id + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Service) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.urlKey)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

var (
	errBadToken = errs.New(errs.KindForbidden, "invalid_upload_url", "the upload URL is not valid")
	errExpired  = errs.New(errs.KindForbidden, "upload_url_expired", "the upload URL has expired; request a new one")
)

func (s *Service) openToken(tok string) (string, time.Time, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", time.Time{}, errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac(parts[0]+"."+parts[1])) {
		return "", time.Time{}, errBadToken
	}
	sec, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", time.Time{}, errBadToken
	}
	exp := time.Unix(sec, 0).UTC()
	// Checked when the PUT starts, as S3 does: a slow upload that began in
	// time is not cut off halfway.
	if !s.now().Before(exp) {
		return "", time.Time{}, errExpired
	}
	return parts[0], exp, nil
}

// PutStaged receives the bytes of a direct upload on fieldproof's own URL
// (object stores that cannot sign). contentLength is the request's; it
// must equal the declared size, so a body is never read past what was
// declared and a chunked body of unknown length is refused up front.
func (s *Service) PutStaged(ctx context.Context, token string, body io.Reader, contentLength int64) error {
	if s.uploads == nil {
		return errDirectOff
	}
	id, exp, err := s.openToken(token)
	if err != nil {
		return err
	}
	u, err := s.uploads.GetUpload(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.NotFound("upload")
	}
	if err != nil {
		return err
	}
	if !u.ExpiresAt.Equal(exp) {
		return errBadToken
	}
	switch {
	case contentLength > u.ExpectedSize:
		return errs.New(errs.KindTooLarge, "file_too_large",
			fmt.Sprintf("the body is larger than the declared %d bytes", u.ExpectedSize))
	case contentLength != u.ExpectedSize:
		return errs.New(errs.KindInvalid, "content_length_mismatch",
			fmt.Sprintf("Content-Length must be the declared size, %d bytes", u.ExpectedSize))
	}
	br := &countingBody{r: body}
	// The declared SHA-256 goes along so the store refuses wrong bytes as
	// they arrive; completion checks again, as it must for presigned PUTs.
	_, err = s.objects.Put(ctx, u.StagingKey, br, u.ExpectedSize,
		storage.PutOptions{ContentType: u.ContentType, SHA256: u.ExpectedSHA256})
	switch {
	case err == nil:
		return nil
	case isMaxBytes(br.err):
		return errs.New(errs.KindTooLarge, "file_too_large", "the request body is too large")
	case br.err != nil || br.n != u.ExpectedSize:
		return errs.New(errs.KindInvalid, "upload_interrupted", "the upload body could not be read").Wrap(err)
	case errors.Is(err, storage.ErrChecksumMismatch):
		return errs.New(errs.KindUnprocessable, "sha256_mismatch", "the bytes do not match the declared sha256").Wrap(err)
	default:
		return errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
}

// countingBody tells a client's broken body from a failing store.
type countingBody struct {
	r   io.Reader
	n   int64
	err error
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// CompleteUpload verifies a staged upload and makes it a photo. created is
// false when the photo was already stored (completing twice answers the
// same photo). When the bytes fail verification the staged object and the
// session are removed and the error says why (422, or 415 for a file that
// is not a supported image).
func (s *Service) CompleteUpload(ctx context.Context, p auth.Principal, parentID, uploadID string) (Photo, bool, error) {
	if s.uploads == nil {
		return Photo{}, false, errDirectOff
	}
	if s.parents == nil {
		return Photo{}, false, errNoParents
	}
	// The check decides first, as for every photo route; the session is
	// then looked up within it.
	parent, err := s.parents.ForUpload(ctx, p, parentID)
	if err != nil {
		return Photo{}, false, err
	}
	if _, err := uuid.Parse(uploadID); err != nil {
		return Photo{}, false, errs.NotFound("upload")
	}
	u, err := s.uploads.GetUpload(ctx, uploadID)
	if errors.Is(err, errs.ErrNotFound) {
		return Photo{}, false, errs.NotFound("upload")
	}
	if err != nil {
		return Photo{}, false, err
	}
	// A session belongs to whoever opened it; to anyone else it does not
	// exist.
	if u.ParentID != parent.ID || u.CreatedBy != p.UserID {
		return Photo{}, false, errs.NotFound("upload")
	}
	if ph, ok, err := s.stored(ctx, u, parent); ok || err != nil {
		if errors.Is(err, errs.ErrConflict) {
			s.discard(u)
		}
		return ph, false, err
	}
	if u.dead(s.now(), s.cfg.OrphanGrace) {
		s.discard(u)
		return Photo{}, false, errs.New(errs.KindUnprocessable, "upload_expired", "the upload has expired; start a new one")
	}
	ph, created, err := s.completeStaged(ctx, p, u, parent)
	if err != nil {
		if !terminal(err) {
			// The store or database failed, not the bytes: keep both so the
			// client can simply complete again.
			return Photo{}, false, err
		}
		// A concurrent completion of the same session may have won and
		// removed the staged object under us.
		if ph, ok, serr := s.stored(ctx, u, parent); ok && serr == nil {
			return ph, false, nil
		}
		s.discard(u)
		return Photo{}, false, err
	}
	// The session row stays until the sweeper takes it, so that a repeated
	// completion finds it and answers the same photo.
	s.dropObject(u.StagingKey)
	return ph, created, nil
}

// stored answers a session whose photo already exists, by the replay rule.
func (s *Service) stored(ctx context.Context, u Upload, parent Parent) (Photo, bool, error) {
	prev, err := s.store.Get(ctx, u.PhotoID)
	if errors.Is(err, errs.ErrNotFound) {
		return Photo{}, false, nil
	}
	if err != nil {
		return Photo{}, false, err
	}
	ph, _, err := s.replay(prev, parent.ID, u.ExpectedSHA256)
	return ph, true, err
}

func (s *Service) completeStaged(ctx context.Context, p auth.Principal, u Upload, parent Parent) (Photo, bool, error) {
	sctx, cancel := context.WithTimeout(ctx, s.cfg.StorageDeadline)
	info, err := s.objects.Stat(sctx, u.StagingKey)
	cancel()
	if errors.Is(err, storage.ErrNotExist) {
		return Photo{}, false, errMissing
	}
	if err != nil {
		return Photo{}, false, errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
	// Checked before reading: a presigned PUT is not size-limited, and an
	// oversized object is refused without moving its bytes.
	if info.Size != u.ExpectedSize {
		return Photo{}, false, sizeMismatch(info.Size, u.ExpectedSize)
	}
	// The read is bounded by the backend's stall timeout rather than a
	// total deadline: a large photo on a slow store is still progress.
	rc, _, err := s.objects.Get(ctx, u.StagingKey)
	if errors.Is(err, storage.ErrNotExist) {
		return Photo{}, false, errMissing
	}
	if err != nil {
		return Photo{}, false, errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
	defer rc.Close()
	got, err := s.receive(stagedReader{rc})
	if err != nil {
		return Photo{}, false, err
	}
	defer got.close()
	if got.size != u.ExpectedSize {
		return Photo{}, false, sizeMismatch(got.size, u.ExpectedSize)
	}
	if got.sha != u.ExpectedSHA256 {
		return Photo{}, false, errs.New(errs.KindUnprocessable, "sha256_mismatch",
			"the uploaded bytes do not match the declared sha256")
	}
	if f, ok := declaredFormat(u.ContentType); ok && f != got.format {
		return Photo{}, false, errs.New(errs.KindUnprocessable, "content_type_mismatch",
			fmt.Sprintf("the file is %s, not the declared %s", got.format.MIMEType(), u.ContentType))
	}
	in := UploadInput{ParentID: parent.ID, PhotoID: u.PhotoID, PhoneLat: u.PhoneLat, PhoneLon: u.PhoneLon, PhoneTime: u.PhoneTime}
	return s.accept(ctx, p, in, parent, arrival{got: got})
}

var errMissing = errs.New(errs.KindUnprocessable, "upload_missing", "nothing complete was uploaded to the upload URL")

func sizeMismatch(got, want int64) error {
	return errs.New(errs.KindUnprocessable, "size_mismatch",
		fmt.Sprintf("the upload has %d bytes, %d were declared", got, want))
}

// terminal errors are the bytes' or the request's fault: completing again
// cannot succeed.
func terminal(err error) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	switch e.Kind {
	case errs.KindInvalid, errs.KindUnprocessable, errs.KindUnsupportedMedia, errs.KindTooLarge, errs.KindConflict:
		return true
	}
	return false
}

// discard removes a session that can never complete and its staged
// object, best effort: what is left, the sweeper removes.
func (s *Service) discard(u Upload) {
	s.dropObject(u.StagingKey)
	if err := s.uploads.DeleteUpload(context.Background(), u.ID); err != nil {
		s.log.Info("drop failed upload session; sweeper will retry", "upload", u.ID, "err", err)
	}
}

// stagedReader classifies read errors of a staged object as the store's
// (503), except bytes that do not match what the store recorded for them.
type stagedReader struct{ r io.Reader }

func (r stagedReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	switch {
	case err == nil || err == io.EOF:
	case errors.Is(err, storage.ErrChecksumMismatch):
		err = errs.New(errs.KindUnprocessable, "sha256_mismatch", "the uploaded bytes do not match their checksum").Wrap(err)
	case errors.Is(err, storage.ErrNotExist):
		err = errMissing.Wrap(err)
	default:
		err = errs.Unavailable("storage_unavailable", 30*time.Second, err)
	}
	return n, err
}
