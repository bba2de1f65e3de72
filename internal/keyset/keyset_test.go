package keyset

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/errs"
)

func TestCursorRoundTripAndRefusals(t *testing.T) {
	if seq, ok := Decode(Encode(4711)); !ok || seq != 4711 {
		t.Fatalf("round trip gave %d %v", seq, ok)
	}
	for _, bad := range []string{"!!", Encode(0), Encode(-3), "bm90LWEtbnVtYmVy"} {
		if _, ok := Decode(bad); ok {
			t.Errorf("%q read as a cursor", bad)
		}
	}
	v := errs.NewValidation(errs.KindInvalid)
	zero, big := 0, MaxLimit+1
	if seq, n := Args(v, "", nil); seq != 0 || n != DefaultLimit || v.Err() != nil {
		t.Fatalf("defaults: %d %d %v", seq, n, v.Err())
	}
	Args(v, "!!", &zero)
	Args(v, "", &big)
	e, _ := errs.As(v.Err())
	if e == nil || len(e.Fields) != 3 {
		t.Fatalf("want limit, cursor and limit refused, got %v", v.Err())
	}
}
