package photoapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// ReadRaw reads a photo sent as the whole body of a PUT: the photo id in
// the path, the phone's own fix and clock as the query parameters lat, lon
// and taken_at (named and checked as the multipart fields are). The body
// must declare its length, so the service can stream it into the object
// store while it arrives and refuse an oversized one before reading it.
func ReadRaw(c *gin.Context, o Options) (photos.UploadInput, error) {
	slowBody(c, o)
	if c.Request.ContentLength < 0 {
		return photos.UploadInput{}, errs.New(errs.KindLengthRequired, "length_required",
			"send the photo with a Content-Length")
	}
	if c.Request.ContentLength > o.MaxUploadBytes {
		return photos.UploadInput{}, tooLarge(o.MaxUploadBytes)
	}
	if ct := c.ContentType(); !strings.HasPrefix(ct, "image/") {
		return photos.UploadInput{}, errs.New(errs.KindUnsupportedMedia, "unsupported_media_type",
			"send the photo with an image/* Content-Type")
	}
	in := photos.UploadInput{PhotoID: c.Param("photo_id"), Size: c.Request.ContentLength,
		Body: http.MaxBytesReader(c.Writer, c.Request.Body, o.MaxUploadBytes)}
	v := errs.NewValidation(errs.KindInvalid)
	q := c.Request.URL.Query()
	for _, name := range []string{"lat", "lon", "taken_at"} {
		if s, ok := q[name]; ok && len(s) > 0 {
			phoneField(v, &in, name, s[0])
		}
	}
	return in, v.Err()
}

// slowBody gives an upload route's body the slow-phone read deadline: the
// group's short deadline suits JSON, not a photo over a weak mobile link.
func slowBody(c *gin.Context, o Options) {
	if o.UploadTimeout > 0 {
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(o.UploadTimeout))
	}
}

func tooLarge(limit int64) error {
	return errs.New(errs.KindTooLarge, "file_too_large", fmt.Sprintf("the file is larger than %d bytes", limit))
}
