package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// TestReconcileFindsAlteredOriginal stores a photo through the services,
// then changes one byte of its original on disk behind fieldproof's back:
// reconcile must name the photo and exit non-zero.
func TestReconcileFindsAlteredOriginal(t *testing.T) {
	dir := embeddedEnv(t)
	ctx := context.Background()
	if err := run(ctx, []string{"demo"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"reconcile"}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "every photo") {
		t.Fatalf("fresh: %v %q", err, out.String())
	}

	a, err := open(ctx, io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.srv.Auth.Login(ctx, "inspector", "demo-inspector-pass", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.srv.Auth.Authenticate(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.srv.Projects.List(ctx, p, projects.ListQuery{})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("projects: %v", err)
	}
	c, _, err := a.srv.Checks.Create(ctx, p, checks.NewCheck{ID: uuid.NewString(), ProjectID: page.Items[0].ID,
		Type: "progress", TemplateVersion: 1, Answers: map[string]any{"percent_complete": 10.0},
		Location: checks.Location{Lat: 28.2, Lon: 112.9, AccuracyM: 5}, CapturedAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "gps", "DSCN0010.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	ph, _, err := a.srv.Photos.Upload(ctx, p, photos.UploadInput{ParentID: c.ID, PhotoID: uuid.NewString(), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	a.close()

	// Find the original's file by its key's last element and alter a byte.
	var file string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) == path.Base(ph.ObjectKey) {
			file = p
		}
		return nil
	})
	if file == "" {
		t.Fatalf("no file for key %s under %s", ph.ObjectKey, dir)
	}
	b, _ := os.ReadFile(file)
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"reconcile"}, &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), ph.ID) || !strings.Contains(out.String(), "sha256_mismatch") {
		t.Fatalf("after tampering: %v %q", err, out.String())
	}
}
