package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
)

// TestWritesAreAuditedInOneChain: project and user writes through the API
// each leave an entry naming actor, role, action and request id, and the
// chain verifies.
func TestWritesAreAuditedInOneChain(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		admin := e.CreateUser("chief", auth.RoleAdmin, "", "")
		tok := e.Login("chief")
		r := e.Post("/api/v1/projects", tok, map[string]any{"code": "A-1", "name": "Audited road", "category": "road",
			"township": "Qingshan", "responsible_unit": "Unit A", "planned_start": "2026-01-01", "planned_end": "2026-12-31",
			"target_quantity": 10, "target_unit": "km"})
		apitest.Expect(t, r, http.StatusCreated)
		id := r.Map(t)["id"].(string)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPatch, Path: "/api/v1/projects/" + id, Token: tok,
			Body: map[string]any{"name": "Audited road, widened"}}), http.StatusOK)
		apitest.Expect(t, e.Post("/api/v1/projects/"+id+"/status", tok, map[string]any{"status": "under_construction"}), http.StatusOK)
		apitest.Expect(t, e.Post("/api/v1/projects/"+id+"/progress", tok, map[string]any{"date": "2026-06-01", "quantity": 4}), http.StatusCreated)
		apitest.Expect(t, e.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/projects/import", Token: tok, Content: "text/csv",
			Body: "code,name,category,township,responsible_unit\nA-2,Imported,road,Qingshan,Unit A\nA-3,Imported too,school,Qingshan,Unit A\n"}),
			http.StatusCreated)

		entries, err := e.Server.Audit.List(context.Background(), audit.Filter{EntityID: id, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
			if en.ActorID != admin.ID || en.ActorRole != "admin" || en.RequestID == "" {
				t.Errorf("entry %+v lacks actor or request id", en)
			}
		}
		want := []string{"project.progress", "project.status", "project.update", "project.create"}
		if len(actions) != len(want) {
			t.Fatalf("actions %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("actions %v, want %v", actions, want)
			}
		}
		if upd := entries[2].Changes; upd != `{"name":["Audited road","Audited road, widened"]}` {
			t.Errorf("update changes %s", upd)
		}
		page := e.Get("/api/v1/audit?entity=project&entity_id="+id+"&limit=2", tok)
		apitest.Expect(t, page, http.StatusOK)
		m := page.Map(t)
		if items := m["items"].([]any); len(items) != 2 || m["next_cursor"] == nil {
			t.Fatalf("audit page: %s", page.Body)
		}
		next := e.Get("/api/v1/audit?entity=project&entity_id="+id+"&cursor="+m["next_cursor"].(string), tok)
		apitest.Expect(t, next, http.StatusOK)
		if items := next.Map(t)["items"].([]any); len(items) != 2 || items[1].(map[string]any)["action"] != "project.create" {
			t.Fatalf("second audit page: %s", next.Body)
		}
		e.Seal()
		rep, err := e.Server.Audit.Verify(context.Background())
		if err != nil || rep.Problem != nil || rep.Entries < 7 { // user.create + 4 + 2 imports
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// Checks, their photos, and the office's townships and units are written
// with an audit entry too; the chain still verifies.
func TestCheckPhotoAndOrgWritesAreAudited(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		w := newCheckWorld(t, e)
		vol, office := w.tok[auth.RoleVolunteer], w.tok[auth.RoleOffice]
		b := w.check(w.road)
		photoID := uuid.NewString()
		b["photo_ids"] = []string{photoID}
		apitest.Expect(t, e.Post("/api/v1/checks", vol, b), http.StatusCreated)
		apitest.Expect(t, uploadPhoto(t, e, vol, b["id"].(string), photoID, readPhoto(t, "gps/DSCN0021.jpg")), http.StatusCreated)
		r := e.Post("/api/v1/townships", office, map[string]any{"name": "Baishui"})
		apitest.Expect(t, r, http.StatusCreated)
		township := r.Map(t)["id"].(string)
		r = e.Post("/api/v1/units", office, map[string]any{"name": "County Water Bureau", "kind": "bureau"})
		apitest.Expect(t, r, http.StatusCreated)
		unit := r.Map(t)["id"].(string)
		for entity, id := range map[string]string{"check": b["id"].(string), "photo": photoID, "township": township, "unit": unit} {
			entries, err := e.Server.Audit.List(context.Background(), audit.Filter{Entity: entity, EntityID: id, Limit: 5})
			if err != nil || len(entries) != 1 || entries[0].ActorID == "" || entries[0].RequestID == "" {
				t.Errorf("%s %s: %+v %v", entity, id, entries, err)
			}
		}
		e.Seal()
		if rep, err := e.Server.Audit.Verify(context.Background()); err != nil || rep.Problem != nil || rep.Entries < 5 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// An outside verifier with only the API's answers and the verifier key
// proves an entry is in the signed log, and that a later checkpoint
// extends an earlier one; an entry changed in transit fails.
func TestAuditProofsOverTheAPI(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		e.CreateUser("chief", auth.RoleAdmin, "", "")
		e.CreateUser("vol", auth.RoleVolunteer, "", "JT-0009")
		tok, vol := e.Login("chief"), e.Login("vol")
		apitest.Expect(t, e.Get("/api/v1/audit/checkpoint", vol), http.StatusNotFound)
		r := e.Post("/api/v1/townships", tok, map[string]any{"name": "Baishui"})
		apitest.Expect(t, r, http.StatusCreated)
		township := r.Map(t)["id"].(string)
		e.Seal()
		first := e.Get("/api/v1/audit/checkpoint", vol)
		apitest.Expect(t, first, http.StatusOK)
		var cp1 auditCheckpoint
		first.JSON(t, &cp1)
		apitest.Expect(t, e.Post("/api/v1/townships", tok, map[string]any{"name": "Heishui"}), http.StatusCreated)
		e.Seal()

		var key struct {
			VerifierKey string `json:"verifier_key"`
		}
		e.Get("/api/v1/audit/key", vol).JSON(t, &key)
		page := e.Get("/api/v1/audit?entity=township&entity_id="+township, tok)
		apitest.Expect(t, page, http.StatusOK)
		seq := page.Map(t)["items"].([]any)[0].(map[string]any)["seq"].(float64)
		apitest.Expect(t, e.Get(fmt.Sprintf("/api/v1/audit/entries/%d/proof", int64(seq)), vol), http.StatusForbidden)
		pr := e.Get(fmt.Sprintf("/api/v1/audit/entries/%d/proof", int64(seq)), tok)
		apitest.Expect(t, pr, http.StatusOK)
		var proof struct {
			Entry struct {
				Seq       int64           `json:"seq"`
				At        time.Time       `json:"at"`
				ActorID   string          `json:"actor_id"`
				ActorRole string          `json:"actor_role"`
				Action    string          `json:"action"`
				Entity    string          `json:"entity"`
				EntityID  string          `json:"entity_id"`
				RequestID string          `json:"request_id"`
				Changes   json.RawMessage `json:"changes"`
				PrevHash  string          `json:"prev_hash"`
				Hash      string          `json:"hash"`
			}
			LeafData   string `json:"leaf_data"`
			Checkpoint auditCheckpoint
			Hashes     [][]byte
		}
		pr.JSON(t, &proof)
		en := proof.Entry
		p := audit.InclusionProof{Entry: audit.Entry{Seq: en.Seq, At: en.At, ActorID: en.ActorID, ActorRole: en.ActorRole,
			Action: en.Action, Entity: en.Entity, EntityID: en.EntityID, Changes: string(en.Changes), RequestID: en.RequestID,
			PrevHash: en.PrevHash, Hash: en.Hash},
			Checkpoint: audit.Checkpoint(proof.Checkpoint), Hashes: proof.Hashes}
		if err := audit.VerifyInclusion(p, key.VerifierKey); err != nil {
			t.Fatalf("inclusion over the API: %v", err)
		}
		if proof.LeafData != string(audit.LeafData(p.Entry)) {
			t.Errorf("leaf_data %s is not the entry's canonical encoding", proof.LeafData)
		}
		// As `fieldproof audit verify-proof` checks it: leaf data, index,
		// note and path only.
		if err := audit.VerifyLeafProof([]byte(proof.LeafData), en.Seq-1, proof.Checkpoint.Note, proof.Hashes, key.VerifierKey); err != nil {
			t.Fatalf("leaf proof: %v", err)
		}
		if audit.VerifyLeafProof([]byte(proof.LeafData), en.Seq, proof.Checkpoint.Note, proof.Hashes, key.VerifierKey) == nil {
			t.Fatal("a leaf proof verified at another index")
		}
		p.Entry.EntityID = "another"
		if audit.VerifyInclusion(p, key.VerifierKey) == nil {
			t.Fatal("a changed entry verified")
		}

		cr := e.Get(fmt.Sprintf("/api/v1/audit/consistency?from=%d", cp1.Size), vol)
		apitest.Expect(t, cr, http.StatusOK)
		var cons struct {
			From, To auditCheckpoint
			Hashes   [][]byte
		}
		cr.JSON(t, &cons)
		if cons.To.Size <= cp1.Size {
			t.Fatalf("consistency to %d from %d", cons.To.Size, cp1.Size)
		}
		if err := audit.VerifyConsistency(audit.ConsistencyProof{From: audit.Checkpoint(cp1), To: audit.Checkpoint(cons.To),
			Hashes: cons.Hashes}, key.VerifierKey); err != nil {
			t.Fatalf("consistency over the API: %v", err)
		}
	})
}

// auditCheckpoint reads a checkpoint as the API sends it.
type auditCheckpoint struct {
	Size int64
	Root []byte
	Note string
	At   time.Time
}
