package photos_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

// BenchmarkUploadMinIO uploads the 2.1 MB phone photo through the service
// on PostgreSQL + MinIO, without HTTP: with its size declared (streamed
// into MinIO) and without (read into memory, then put). For profiling the
// upload path (-cpuprofile); scripts/bench-photos.sh has the ratios.
func BenchmarkUploadMinIO(b *testing.B) {
	db := storetest.Postgres(b)
	ep := testenv.S3Endpoint(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	objs, err := s3store.New(ctx, s3store.Config{Endpoint: ep.Endpoint, AccessKey: ep.AccessKey, SecretKey: ep.SecretKey, Bucket: ep.Bucket})
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, db, objs, nil)
	data := read(b, "mobile/HMD_Nokia_8.3_5G.jpg")
	for _, sized := range []bool{true, false} {
		name := "memory"
		if sized {
			name = "streamed"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := photos.UploadInput{ParentID: "check-1", PhotoID: uuid.NewString(), Body: bytes.NewReader(data)}
				if sized {
					in.Size = int64(len(data))
				}
				if _, _, err := e.svc.Upload(b.Context(), alice, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
