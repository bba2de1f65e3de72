package respond

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// JSON writes v with status.
func JSON(c *gin.Context, status int, v any) { c.JSON(status, v) }

// Handler is a gin handler that returns its error instead of writing it, so
// every failure goes through Error.
type Handler func(c *gin.Context) error

// H adapts a Handler to gin.
func H(h Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			Error(c, err)
		}
	}
}

// Decode reads a JSON body into v strictly: unknown fields, trailing data and
// wrong types are 400s that name the field, because a silently ignored field
// is a client bug nobody sees.
func Decode(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "application/json" && ct != "" {
		return &errs.Error{Kind: errs.KindUnsupportedMedia, Code: "unsupported_media_type",
			Message: "send the body as application/json"}
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_json", Message: "the body must hold one JSON object"}
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxBytes  *http.MaxBytesError
		fieldName string
	)
	switch {
	case errors.As(err, &maxBytes):
		return err // respond.Error turns it into 413
	case errors.Is(err, io.EOF):
		return &errs.Error{Kind: errs.KindInvalid, Code: "empty_body", Message: "the request body is empty"}
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_json", Message: "the body is not valid JSON"}
	case errors.As(err, &typeErr):
		fieldName = typeErr.Field
		return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_json", Message: "a field has the wrong type",
			Fields: []errs.FieldError{{Field: fieldName, Code: "wrong_type", Message: fmt.Sprintf("must be %s", typeErr.Type)}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		fieldName = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &errs.Error{Kind: errs.KindInvalid, Code: "unknown_field", Message: "the body has a field this endpoint does not accept",
			Fields: []errs.FieldError{{Field: fieldName, Code: "unknown_field", Message: "is not accepted here"}}}
	}
	return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_json", Message: "the body could not be read as JSON"}
}
