package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/jobs"
	"github.com/fieldproof/fieldproof/internal/jobs/jobsdb"
)

// renderPendingLimit bounds renderPending; a variable so a test of the
// helper itself can shorten it.
var renderPendingLimit = 60 * time.Second

// renderPending runs the photo jobs queued so far (renditions, retention)
// and fails the test if any is still queued or running at the limit: a
// caller that went on would assert on photos that were never rendered.
func renderPending(t *testing.T, e *apitest.Env) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), renderPendingLimit)
	defer cancel()
	w := &jobs.Worker{Store: jobsdb.New(e.DB), Name: "test", Concurrency: 2, Poll: 20 * time.Millisecond,
		Handlers: e.Server.Photos.Handlers()}
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	sqldb, err := e.DB.SQL()
	if err != nil {
		t.Fatal(err)
	}
	// A fresh context for the count, so the last look still happens when
	// the limit has just passed.
	pending := func() int64 {
		qctx, qcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer qcancel()
		var n int64
		if err := sqldb.QueryRowContext(qctx, "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for {
		n := pending()
		if n == 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%d photo jobs still queued or running after %v", n, renderPendingLimit)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestProjectEvidenceReport(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol := w.tok[auth.RoleVolunteer]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		r := uploadPhoto(t, e, vol, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0010.jpg"))
		apitest.Expect(t, r, http.StatusCreated)
		sha := r.Map(t)["sha256"].(string)
		renderPending(t, e)

		rep := e.Get("/api/v1/projects/"+w.road+"/report.pdf", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		if !bytes.HasPrefix(rep.Body, []byte("%PDF-")) || rep.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("not a PDF: %q", rep.Body[:min(len(rep.Body), 20)])
		}
		for _, want := range []string{sha, photoID, b["id"].(string), "R-1", "/Subtype /Image"} {
			if !pdfHas(rep.Body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		// The photo's own record carries its upload entry: unsealed, then
		// sealed with a proof that verifies with the key alone.
		type photoAudit struct {
			Audit *struct {
				Seq   *int64 `json:"seq"`
				Proof *struct {
					LeafData   string `json:"leaf_data"`
					LeafIndex  int64  `json:"leaf_index"`
					Checkpoint struct {
						Note string `json:"note"`
					} `json:"checkpoint"`
					Hashes [][]byte `json:"hashes"`
				} `json:"proof"`
			} `json:"audit"`
		}
		var before photoAudit
		e.Get("/api/v1/photos/"+photoID, w.tok[auth.RoleOffice]).JSON(t, &before)
		if before.Audit == nil || before.Audit.Seq != nil || before.Audit.Proof != nil {
			t.Fatalf("unsealed photo evidence: %+v", before.Audit)
		}

		// Sealed, the photo's upload entry and its proof are in the report:
		// the entry's place, the signed root, the audit path.
		e.Seal()
		entry, found, err := e.Server.Audit.Find(context.Background(), "photo", photoID, "photo.upload")
		if err != nil || !found || !entry.Sealed() {
			t.Fatalf("upload entry: %+v %v %v", entry, found, err)
		}
		proof, err := e.Server.Audit.Inclusion(context.Background(), entry.Seq, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.VerifyInclusion(proof, e.Server.Audit.VerifierKey()); err != nil {
			t.Fatal(err)
		}
		var after photoAudit
		e.Get("/api/v1/photos/"+photoID, vol).JSON(t, &after)
		if after.Audit == nil || after.Audit.Seq == nil || *after.Audit.Seq != entry.Seq || after.Audit.Proof == nil {
			t.Fatalf("sealed photo evidence: %+v", after.Audit)
		}
		pp := after.Audit.Proof
		if err := audit.VerifyLeafProof([]byte(pp.LeafData), pp.LeafIndex, pp.Checkpoint.Note, pp.Hashes, e.Server.Audit.VerifierKey()); err != nil {
			t.Fatalf("the photo's proof: %v", err)
		}
		if !strings.Contains(pp.LeafData, sha) {
			t.Errorf("the leaf data %s does not carry the photo's SHA-256", pp.LeafData)
		}
		rep = e.Get("/api/v1/projects/"+w.road+"/report.pdf", w.tok[auth.RoleOffice])
		apitest.Expect(t, rep, http.StatusOK)
		wants := []string{fmt.Sprintf("上传记录为第 %d 条", entry.Seq), "附录：审计日志包含证明",
			base64.StdEncoding.EncodeToString(proof.Checkpoint.Root), e.Server.Audit.VerifierKey()}
		for _, h := range proof.Hashes {
			wants = append(wants, base64.StdEncoding.EncodeToString(h))
		}
		for _, want := range wants {
			if !pdfHas(rep.Body, want) {
				t.Errorf("sealed report lacks %q", want)
			}
		}

		// Volunteers and contractors are not given county reports.
		apitest.Expect(t, e.Get("/api/v1/projects/"+w.road+"/report.pdf", vol), http.StatusForbidden)
		apitest.Expect(t, e.Get("/api/v1/projects/"+w.school+"/report.pdf", vol), http.StatusNotFound)
	})
}
