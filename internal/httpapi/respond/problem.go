// Package respond writes every HTTP answer fieldproof gives: JSON bodies and
// RFC 9457 problem+json errors. It holds the one table that maps domain
// errors to statuses, so no handler chooses a status for an error itself.
package respond

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// ProblemContentType is the media type of every error body.
const ProblemContentType = "application/problem+json"

// Problem is the RFC 9457 body, with fieldproof's stable code and field list.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Code      string            `json:"code"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []errs.FieldError `json:"errors,omitempty"`
}

// statusOf is the single mapping from error kinds to HTTP statuses.
var statusOf = map[errs.Kind]int{
	errs.KindInvalid:          http.StatusBadRequest,
	errs.KindUnprocessable:    http.StatusUnprocessableEntity,
	errs.KindUnauthenticated:  http.StatusUnauthorized,
	errs.KindForbidden:        http.StatusForbidden,
	errs.KindNotFound:         http.StatusNotFound,
	errs.KindConflict:         http.StatusConflict,
	errs.KindTooLarge:         http.StatusRequestEntityTooLarge,
	errs.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	errs.KindTooManyRequests:  http.StatusTooManyRequests,
	errs.KindUnavailable:      http.StatusServiceUnavailable,
	errs.KindLengthRequired:   http.StatusLengthRequired,
}

// Classify gives the status an error is answered with and, for a domain
// error, the error itself (nil for anything else, which is a 500). The
// console's pages use it so that they answer every error exactly as the API
// does, from this one table.
func Classify(err error) (int, *errs.Error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, &errs.Error{Kind: errs.KindTooLarge, Code: "body_too_large",
			Message: "the request body exceeds " + strconv.FormatInt(tooBig.Limit, 10) + " bytes"}
	}
	e, ok := errs.As(err)
	if !ok || statusOf[e.Kind] == 0 {
		return http.StatusInternalServerError, nil
	}
	return statusOf[e.Kind], e
}

// RequestIDKey is where the request-id middleware leaves the id in the gin
// context.
const RequestIDKey = "request_id"

// Error writes err as problem+json. Domain errors keep their code and
// message; anything else is logged and answered as a bare 500, so internal
// text (SQL, file paths, stack traces) never reaches a client.
func Error(c *gin.Context, err error) {
	rid := c.GetString(RequestIDKey)
	status, e := Classify(err)
	if e == nil {
		slog.ErrorContext(c.Request.Context(), "internal error", "err", err, "request_id", rid,
			"method", c.Request.Method, "path", c.FullPath())
		write(c, Problem{Status: http.StatusInternalServerError, Code: "internal",
			Detail: "an internal error occurred; quote the request id when reporting it"}, nil)
		return
	}
	if status >= 500 {
		slog.WarnContext(c.Request.Context(), "dependency unavailable", "err", err, "request_id", rid, "path", c.FullPath())
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int((e.RetryAfter+999_999_999)/1_000_000_000)))
	}
	write(c, Problem{Status: status, Code: e.Code, Detail: e.Message, Errors: e.Fields}, e.Extra)
}

func write(c *gin.Context, p Problem, extra map[string]any) {
	p.Type = "about:blank"
	p.Title = http.StatusText(p.Status)
	p.Instance = c.Request.URL.Path
	p.RequestID = c.GetString(RequestIDKey)
	c.Header("Content-Type", ProblemContentType)
	if len(extra) == 0 {
		c.AbortWithStatusJSON(p.Status, p)
		return
	}
	body := gin.H{"type": p.Type, "title": p.Title, "status": p.Status, "code": p.Code,
		"detail": p.Detail, "instance": p.Instance, "request_id": p.RequestID}
	if len(p.Errors) > 0 {
		body["errors"] = p.Errors
	}
	for k, v := range extra {
		if _, taken := body[k]; !taken {
			body[k] = v
		}
	}
	c.AbortWithStatusJSON(p.Status, body)
}

// Status writes a problem for a status with no domain error behind it (404
// for unknown routes, 405).
func Status(c *gin.Context, status int, code, detail string) {
	write(c, Problem{Status: status, Code: code, Detail: detail}, nil)
}
