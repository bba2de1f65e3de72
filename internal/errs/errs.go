// Package errs holds the domain errors every service returns. Services and
// stores wrap them with %w and context; exactly one place (httpapi/respond)
// turns them into HTTP statuses and problem+json bodies, so a rule about what
// a client may see lives in one file.
package errs

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies an error by what the client should do about it.
type Kind int

// The kinds a client can act on. Anything that is not an *Error is internal.
const (
	KindInternal         Kind = iota
	KindInvalid               // malformed request: 400
	KindUnprocessable         // well-formed but breaks a rule: 422
	KindUnauthenticated       // 401
	KindForbidden             // 403
	KindNotFound              // 404
	KindConflict              // 409
	KindTooLarge              // 413
	KindUnsupportedMedia      // 415
	KindTooManyRequests       // 429
	KindUnavailable           // 503: a dependency is down; retry later
	KindLengthRequired        // 411: a body must declare its length
)

// FieldError names one field at fault.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is a domain error with a stable machine-readable code.
type Error struct {
	Kind    Kind
	Code    string // stable, snake_case: clients switch on it
	Message string // human text, safe to show
	Fields  []FieldError
	// Extra is merged into the problem body (e.g. allowed_actions).
	Extra map[string]any
	// RetryAfter, when set, becomes a Retry-After header.
	RetryAfter time.Duration
	// Err is the underlying cause, for logs; never sent to clients.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, errs.ErrNotFound) match any not-found error, whatever
// its code, so callers test the kind, not the text.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Code == "" || t.Code == sentinelCode {
		return t.Kind == e.Kind
	}
	return t.Kind == e.Kind && t.Code == e.Code
}

const sentinelCode = "_kind"

// Sentinels for errors.Is checks on the kind alone.
var (
	ErrNotFound        = &Error{Kind: KindNotFound, Code: sentinelCode}
	ErrConflict        = &Error{Kind: KindConflict, Code: sentinelCode}
	ErrForbidden       = &Error{Kind: KindForbidden, Code: sentinelCode}
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Code: sentinelCode}
	ErrInvalid         = &Error{Kind: KindInvalid, Code: sentinelCode}
	ErrUnprocessable   = &Error{Kind: KindUnprocessable, Code: sentinelCode}
	ErrUnavailable     = &Error{Kind: KindUnavailable, Code: sentinelCode}
)

// New makes an error of a kind with a stable code and a message.
func New(kind Kind, code, msg string) *Error {
	return &Error{Kind: kind, Code: code, Message: msg}
}

// NotFound says which thing was not found.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: what + "_not_found", Message: what + " not found"}
}

// Conflict with a stable code.
func Conflict(code, msg string) *Error { return New(KindConflict, code, msg) }

// Forbidden with a stable code.
func Forbidden(msg string) *Error { return New(KindForbidden, "forbidden", msg) }

// Unavailable wraps a dependency failure the client may retry.
func Unavailable(code string, retry time.Duration, cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: code, Message: "a dependency is unavailable; retry later", RetryAfter: retry, Err: cause}
}

// Wrap attaches a cause to a copy of e (sentinels stay untouched).
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
