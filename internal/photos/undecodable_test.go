package photos_test

import (
	"bytes"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// halfScan keeps a JPEG's headers and the first half of its image data,
// then ends it properly: the structure is sound, the pixels are not there.
func halfScan(t *testing.T) []byte {
	data := read(t, "gps/DSCN0029.jpg")
	cut := bytes.Clone(data[:len(data)/2])
	for cut[len(cut)-1] == 0xFF {
		cut = cut[:len(cut)-1]
	}
	return append(cut, 0xFF, 0xD9)
}

// By default an upload checks structure only; the rendition job's decode
// finds what is left, keeps the original and flags it for the office.
func TestUndecodableIsFlaggedByTheRenditionJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data := halfScan(t)
		ph, created, err := e.upload(t, "check-1", uuid.NewString(), data)
		if err != nil || !created {
			t.Fatalf("upload: %v", err)
		}
		e.renderAll(t, ph.ID)
		got, err := e.store.Get(t.Context(), ph.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RenditionStatus != photos.RenditionFailed || got.Flags.Undecodable == nil || got.Flags.Undecodable.Reason == "" {
			t.Fatalf("status %s flags %+v", got.RenditionStatus, got.Flags)
		}
		c, err := e.svc.Open(t.Context(), alice, ph.ID, photos.Original)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fetch(t, c), data) {
			t.Error("the original was not kept byte for byte")
		}
	})
}

// With FIELDPROOF_UPLOAD_FULL_DECODE the same file is refused at once.
func TestFullDecodeRefusesUndecodableAtUpload(t *testing.T) {
	eachBackendWith(t, func(d *photos.Deps) { d.Config.FullDecode = true }, func(t *testing.T, e *env) {
		id := uuid.NewString()
		_, _, err := e.upload(t, "check-1", id, halfScan(t))
		if pe, ok := errs.As(err); !ok || pe.Kind != errs.KindUnprocessable || pe.Code != "corrupt_image" {
			t.Fatalf("err %v, want 422 corrupt_image", err)
		}
		if n := countOriginals(t, e.objects); n != 0 {
			t.Errorf("%d objects kept", n)
		}
	})
}
