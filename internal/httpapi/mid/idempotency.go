package mid

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/idempotency"
)

// maxStoredAnswer bounds what a replay keeps; a larger answer is not stored
// (the key is released) rather than held in the database.
const maxStoredAnswer = 1 << 20

// Idempotency honours the Idempotency-Key header on POSTs: the first request
// runs and its 2xx answer is kept; a retry with the same key and body gets
// that answer again with Idempotent-Replayed: true. It acts only on POST with
// the header, after authentication (keys are per user), and skips the photo
// upload routes, whose bodies are too large to hash in memory and which are
// idempotent by their photo UUID anyway.
func Idempotency(svc *idempotency.Service, uploads map[string]Upload) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader("Idempotency-Key")
		if svc == nil || c.Request.Method != http.MethodPost || key == "" {
			c.Next()
			return
		}
		if _, ok := uploads[c.FullPath()]; ok {
			c.Next()
			return
		}
		if len(key) > 255 {
			respond.Error(c, errs.New(errs.KindInvalid, "invalid_idempotency_key", "Idempotency-Key is at most 255 characters"))
			c.Abort()
			return
		}
		p := Principal(c)
		body, err := io.ReadAll(c.Request.Body) // already capped by BodyLimit
		if err != nil {
			respond.Error(c, err)
			c.Abort()
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write([]byte(c.GetHeader("Content-Type") + "\n"))
		h.Write(body)
		hash := hex.EncodeToString(h.Sum(nil))

		path := c.Request.URL.Path
		replay, claim, err := svc.Begin(c.Request.Context(), p.UserID, key, http.MethodPost, path, hash)
		if err != nil {
			respond.Error(c, err)
			c.Abort()
			return
		}
		if replay != nil {
			c.Header("Idempotent-Replayed", "true")
			c.Data(replay.Status, replay.ContentType, replay.Body)
			c.Abort()
			return
		}
		// The request runs under the key's lease: if the lease cannot be
		// renewed, its context ends before a retry may take the key over.
		reqCtx := c.Request.Context()
		held, stop := svc.Hold(reqCtx, claim)
		c.Request = c.Request.WithContext(idempotency.WithKey(held, p.UserID, key))
		tee := &teeWriter{ResponseWriter: c.Writer}
		c.Writer = tee
		c.Next()
		stop()
		c.Request = c.Request.WithContext(reqCtx) // the outer middleware see the request's own context
		// Recorded even if the client went away: the work is done and a
		// retry must see it (or, after an error, be free to run).
		ctx := context.WithoutCancel(reqCtx)
		status := tee.Status()
		if tee.overflow {
			status = http.StatusInternalServerError // not storable: release the key
		}
		if err := svc.Complete(ctx, claim, status, tee.Header().Get("Content-Type"), tee.buf.Bytes()); err != nil {
			_ = c.Error(err) // logged by the logging middleware; the answer is already sent
		}
	}
}

type teeWriter struct {
	gin.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

func (w *teeWriter) keep(b []byte) {
	if w.overflow || w.buf.Len()+len(b) > maxStoredAnswer {
		w.overflow = true
		return
	}
	w.buf.Write(b)
}
