package server_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// A camera that recorded no UTC offset recorded its wall clock, not UTC: the
// API must not hand that clock out as an instant ("…Z"). DSCN0010's EXIF has
// DateTimeOriginal 2008:10:22 16:28:39 and no OffsetTimeOriginal; the Nokia's
// has 2022:08:14 14:12:31 with +03:00 (testdata/photos/MANIFEST.tsv).
func TestCameraTimeWithoutOffsetIsNotUTC(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok := w.tok[auth.RoleVolunteer]
		noOffset, withOffset := uuid.NewString(), uuid.NewString()
		b := w.check(w.road)
		b["photo_ids"] = []string{noOffset, withOffset}
		apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
		checkID := b["id"].(string)
		apitest.Expect(t, uploadPhoto(t, e, tok, checkID, noOffset, readPhoto(t, "gps/DSCN0010.jpg")), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, tok, checkID, withOffset, readPhoto(t, "mobile/HMD_Nokia_8.3_5G.jpg")), http.StatusCreated)

		r := e.Get("/api/v1/photos/"+noOffset, w.tok[auth.RoleOffice])
		apitest.Expect(t, r, http.StatusOK)
		ex := r.Map(t)["exif"].(map[string]any)
		if ex["offset_known"] != false || ex["taken_at_local"] != "2008-10-22T16:28:39" {
			t.Errorf("no offset: exif %v, want offset_known=false, taken_at_local 2008-10-22T16:28:39", ex)
		}
		if v, ok := ex["taken_at"]; ok {
			t.Errorf("no offset: taken_at %v given as an instant", v)
		}
		if bytes.Contains(r.Body, []byte("2008-10-22T16:28:39Z")) {
			t.Errorf("the camera's wall clock is presented as UTC: %s", r.Body)
		}

		r = e.Get("/api/v1/photos/"+withOffset, w.tok[auth.RoleOffice])
		apitest.Expect(t, r, http.StatusOK)
		ex = r.Map(t)["exif"].(map[string]any)
		if ex["offset_known"] != true || ex["taken_at"] != "2022-08-14T14:12:31+03:00" || ex["taken_at_local"] != "2022-08-14T14:12:31" {
			t.Errorf("with offset: exif %v, want the instant with +03:00 and its wall clock", ex)
		}

		// The list of a check's photos has the same shape.
		for _, it := range e.Get("/api/v1/checks/"+checkID+"/photos", tok).Map(t)["items"].([]any) {
			ph := it.(map[string]any)
			ex := ph["exif"].(map[string]any)
			if _, has := ex["taken_at"]; has != (ex["offset_known"] == true) {
				t.Errorf("photo %v: taken_at present=%v with offset_known=%v", ph["id"], has, ex["offset_known"])
			}
		}
	})
}

// no_exif is for a file with no EXIF at all; a file whose EXIF records
// nothing of where, when or with what (only an orientation) is
// no_capture_metadata. Both filter the check list.
func TestNoEXIFAndNoCaptureMetadata(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		tok, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleOffice]
		file := func(name string) (checkID, photoID string) {
			photoID = uuid.NewString()
			b := w.check(w.road)
			b["photo_ids"] = []string{photoID}
			apitest.Expect(t, e.Post("/api/v1/checks", tok, b), http.StatusCreated)
			checkID = b["id"].(string)
			apitest.Expect(t, uploadPhoto(t, e, tok, checkID, photoID, readPhoto(t, name)), http.StatusCreated)
			return checkID, photoID
		}
		// Its only APP1 segment is XMP: no EXIF block at all.
		bareCheck, bare := file("invalid/image00971.jpg")
		// An EXIF block with an orientation and nothing else.
		orientCheck, orient := file("orientation/landscape_6.jpg")
		// Full camera EXIF: neither flag.
		_, camera := file("gps/DSCN0021.jpg")

		flags := func(photoID string) map[string]any {
			r := e.Get("/api/v1/photos/"+photoID, office)
			apitest.Expect(t, r, http.StatusOK)
			return r.Map(t)["flags"].(map[string]any)
		}
		if f := flags(bare); f["no_exif"] != true || f["no_capture_metadata"] != nil {
			t.Errorf("no EXIF at all: flags %v, want no_exif only", f)
		}
		if f := flags(orient); f["no_exif"] != nil || f["no_capture_metadata"] != true {
			t.Errorf("orientation-only EXIF: flags %v, want no_capture_metadata, not no_exif", f)
		}
		if f := flags(camera); f["no_exif"] != nil || f["no_capture_metadata"] != nil {
			t.Errorf("camera EXIF: flags %v, want neither", f)
		}

		for flag, want := range map[string]string{"no_exif": bareCheck, "no_capture_metadata": orientCheck} {
			r := e.Get("/api/v1/checks?flag="+flag, office)
			apitest.Expect(t, r, http.StatusOK)
			items, _ := r.Map(t)["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["id"] != want {
				t.Errorf("?flag=%s: %v, want only check %s", flag, items, want)
			}
		}
	})
}
