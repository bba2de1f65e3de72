package projectapi

import (
	"bytes"
	"encoding/json"
)

// nullable is a PATCH member that can be absent (keep), null (clear) or a
// value. A plain pointer cannot tell absent from null.
type nullable[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON runs only when the member is present, null included. The
// value is decoded as strictly as the rest of the body.
func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v T
	if err := dec.Decode(&v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}
