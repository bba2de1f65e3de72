package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

// floor is the least that any design answering only once a photo is
// durable must do: hash the bytes, put them with their SHA-256 for the
// store to verify, and commit a row naming them. No HTTP, no checks, no
// audit, no jobs. Its ratio to the bare put is the best an upload API can
// reach on this machine without acknowledging before the commit.
type floor struct {
	mc     *minio.Client
	db     *pgx.Conn
	bucket string
}

func newFloor(ctx context.Context, cfg s3cfg, dbURL string) (*floor, error) {
	u, err := url.Parse(dbURL)
	if err != nil || loopback.Check("tcp://"+u.Host) != nil {
		return nil, fmt.Errorf("-db must be a postgres:// URL on loopback")
	}
	// configured as storage/s3store's client is, so the checksum goes the same way
	mc, err := minio.New(cfg.endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.access, cfg.secret, ""),
		TrailingHeaders: true})
	if err != nil {
		return nil, err
	}
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS photobench_floor (id text PRIMARY KEY, object_key text NOT NULL,
		sha256 text NOT NULL, size_bytes bigint NOT NULL, created_at timestamptz NOT NULL)`); err != nil {
		db.Close(ctx)
		return nil, err
	}
	return &floor{mc: mc, db: db, bucket: cfg.bucket}, nil
}

func (f *floor) close() { _ = f.db.Close(context.Background()) }

// once stores data the floor's way and answers how long it took.
func (f *floor) once(ctx context.Context, data []byte) (time.Duration, error) {
	start := time.Now()
	sum := sha256.Sum256(data)
	id := uuid4()
	key := "floor/" + id
	_, err := f.mc.PutObject(ctx, f.bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType: "image/jpeg", DisableMultipart: true,
		UserMetadata: map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(sum[:])}})
	if err != nil {
		return 0, err
	}
	if err := f.commit(ctx, id, key, fmt.Sprintf("%x", sum), len(data)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// streamed is the floor of a design that streams: one pass puts the bytes
// with a SHA-256 trailer the store verifies (what storage/s3store sends
// when no checksum is declared) and the row follows.
func (f *floor) streamed(ctx context.Context, data []byte) (time.Duration, error) {
	start := time.Now()
	id := uuid4()
	key := "floor/" + id
	h := sha256.New()
	_, err := f.mc.PutObject(ctx, f.bucket, key, io.TeeReader(bytes.NewReader(data), h), int64(len(data)),
		minio.PutObjectOptions{ContentType: "image/jpeg", DisableMultipart: true, Checksum: minio.ChecksumSHA256})
	if err != nil {
		return 0, err
	}
	if err := f.commit(ctx, id, key, fmt.Sprintf("%x", h.Sum(nil)), len(data)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func (f *floor) commit(ctx context.Context, id, key, sha string, size int) error {
	tx, err := f.db.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO photobench_floor VALUES ($1, $2, $3, $4, now())`, id, key, sha, size); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}
