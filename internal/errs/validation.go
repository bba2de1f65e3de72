package errs

// Validation collects field errors so a client learns every problem with a
// request at once instead of one per round trip.
type Validation struct {
	kind   Kind
	fields []FieldError
}

// NewValidation starts a collector; kind is KindInvalid (shape: 400) or
// KindUnprocessable (rules: 422).
func NewValidation(kind Kind) *Validation { return &Validation{kind: kind} }

// Add records a field error.
func (v *Validation) Add(field, code, msg string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: msg})
}

// Check adds the error when bad is true; it reads well in long lists of rules.
func (v *Validation) Check(bad bool, field, code, msg string) {
	if bad {
		v.Add(field, code, msg)
	}
}

// Err returns nil when nothing was added.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: v.kind, Code: "validation_failed", Message: "the request has invalid fields", Fields: v.fields}
}
