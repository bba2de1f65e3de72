package photos_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/storage"
)

// TestReconcileFindsConsistentTamper replaces an original's bytes the way
// someone with write access to the bucket would: same key, same size, a
// correct checksum for the new bytes (MinIO's object checksum, the local
// store's sidecar), so no backend's own verification can notice. Only
// reconcile's comparison with the row's SHA-256 catches it.
func TestReconcileFindsConsistentTamper(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		data := read(t, "gps/DSCN0010.jpg")
		ph, _, err := e.upload(t, "check-1", uuid.NewString(), data)
		if err != nil {
			t.Fatal(err)
		}
		// A second, untouched photo: reconcile must name only the forged one.
		if _, _, err := e.upload(t, "check-2", uuid.NewString(), read(t, "mobile/HMD_Nokia_8.3_5G.jpg")); err != nil {
			t.Fatal(err)
		}

		forged := bytes.Clone(data)
		forged[len(forged)/2] ^= 0x01
		sum := sha256.Sum256(forged)
		if _, err := e.objects.Put(t.Context(), ph.ObjectKey, bytes.NewReader(forged), int64(len(forged)),
			storage.PutOptions{ContentType: "image/jpeg", SHA256: hex.EncodeToString(sum[:])}); err != nil {
			t.Fatalf("overwrite the original: %v", err)
		}
		// The backend itself serves the forged bytes without complaint:
		// that is what makes this tamper consistent.
		rc, _, err := e.objects.Get(t.Context(), ph.ObjectKey)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("the backend refuses the forged bytes on read: %v", err)
		}
		if !bytes.Equal(got, forged) {
			t.Fatal("the backend did not take the forged bytes")
		}

		var problems []photos.Problem
		if err := e.svc.Reconcile(t.Context(), func(p photos.Problem) { problems = append(problems, p) }); err != nil {
			t.Fatal(err)
		}
		if len(problems) != 1 {
			t.Fatalf("reconcile after a consistent tamper: %+v, want one problem", problems)
		}
		p := problems[0]
		if p.PhotoID != ph.ID || p.Key != ph.ObjectKey || p.Issue != "sha256_mismatch" {
			t.Errorf("reconcile: %+v, want sha256_mismatch for %s", p, ph.ID)
		}
	})
}
