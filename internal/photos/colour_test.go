package photos_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/renditions"
)

// TestRenditionsCarryTheOriginalsColourProfile goes through the upload and
// the rendition job: an iPhone HEIC's pixels are Display P3, and both stored
// renditions must say so (an ICC_PROFILE APP2 segment naming it), or every
// viewer shows them as sRGB, desaturated.
// Both HEIC decoders: the native one only where libheif can be loaded,
// and without it the test fails under FIELDPROOF_REQUIRE_SERVICES.
func TestRenditionsCarryTheOriginalsColourProfile(t *testing.T) {
	for _, dec := range []string{"native", "wasm"} {
		t.Run(dec, func(t *testing.T) {
			if _, err := renditions.NativeHEIC(); err != nil && dec == "native" {
				if os.Getenv("FIELDPROOF_REQUIRE_SERVICES") != "" {
					t.Fatalf("FIELDPROOF_REQUIRE_SERVICES is set and libheif is missing: %v", err)
				}
				t.Skip(err)
			}
			renditionsCarryProfile(t, dec)
		})
	}
}

func renditionsCarryProfile(t *testing.T, decoder string) {
	eachBackendWith(t, func(d *photos.Deps) { d.Config.HEICDecoder = decoder }, func(t *testing.T, e *env) {
		ph, _, err := e.upload(t, "check-2", uuid.NewString(), read(t, "heic/iphone_13_pro_max.HEIC"))
		if err != nil {
			t.Fatal(err)
		}
		e.renderAll(t, ph.ID)
		for _, size := range []string{photos.Thumbnail, photos.Preview} {
			c, err := e.svc.Open(t.Context(), alice, ph.ID, size)
			if err != nil {
				t.Fatal(err)
			}
			b := fetch(t, c)
			if !bytes.Contains(b, []byte("ICC_PROFILE\x00")) || !bytes.Contains(b, []byte("Display P3")) {
				t.Errorf("%s rendition of a Display P3 HEIC carries no Display P3 profile", size)
			}
		}
	})
}
