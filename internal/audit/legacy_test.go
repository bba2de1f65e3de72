package audit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// chainLog writes n entries as the hash chain did (schema 00020), then
// lets tamper change them, then migrates to the tree.
func chainLog(t *testing.T, db *store.DB, n int, tamper string) {
	t.Helper()
	ctx := context.Background()
	if err := db.MigrateDownTo(ctx, 20); err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	prev := audit.GenesisHash
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := audit.Entry{Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute), ActorID: "u-office", ActorRole: "office",
			Action: "project.update", Entity: "project", EntityID: fmt.Sprintf("p-%d", i), Changes: `{"name":["a","b"]}`,
			RequestID: "r", PrevHash: prev}
		e.Hash = audit.ChainHash(e)
		prev = e.Hash
		if _, err := sqlDB.Exec(`INSERT INTO audit_log (seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, e.Seq, e.At, e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID,
			e.Changes, e.RequestID, e.PrevHash, e.Hash); err != nil {
			t.Fatal(err)
		}
	}
	if tamper != "" {
		exec(t, db, tamper)
	}
	if err := db.Migrate(ctx, storetest.Logger(t)); err != nil {
		t.Fatal(err)
	}
}

// The old chain's entries become the tree's first leaves, in their seq
// order and with their old hashes, once their chain verifies; entries
// written after the migration follow them.
func TestChainEntriesBecomeTheFirstLeaves(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		chainLog(t, db, 12, "")
		key := testKey(t)
		svc := newService(t, db, key, time.Now)
		record(t, svc, 4) // appended after the migration, before the first seal
		if n := seal(t, svc); n != 16 {
			t.Fatalf("sealed %d, want 16", n)
		}
		r, err := svc.Verify(ctx)
		if err != nil || r.Problem != nil || r.Entries != 16 {
			t.Fatalf("%+v %v", r, err)
		}
		p, err := svc.Inclusion(ctx, 5, 0)
		if err != nil || p.Entry.EntityID != "p-5" || p.Entry.Hash == "" {
			t.Fatalf("old entry 5: %+v %v", p.Entry, err)
		}
		if err := audit.VerifyInclusion(p, key.VerifierKey); err != nil {
			t.Fatal(err)
		}
		if p, err = svc.Inclusion(ctx, 13, 0); err != nil || p.Entry.Hash != "" || p.Entry.EntityID != "p-0" {
			t.Fatalf("first new entry: %+v %v", p.Entry, err)
		}
		// An old entry edited after it became a leaf is caught by the tree.
		exec(t, db, "UPDATE audit_log SET changes = '{}' WHERE seq = 7")
		if r, err = svc.Verify(ctx); err != nil || r.Problem == nil || r.Problem.Seq != 7 {
			t.Fatalf("edited old entry: %+v %v", r.Problem, err)
		}
	})
}

// A broken chain is never sealed: the sealer names the first bad entry
// and stops; writes still append (their entries wait, unsealed).
func TestABrokenChainIsNotSealed(t *testing.T) {
	for _, tc := range []struct {
		name, tamper string
		bad          int64
	}{
		{"edited", "UPDATE audit_log SET actor_id = 'forger' WHERE seq = 6", 6},
		{"removed", "DELETE FROM audit_log WHERE seq = 4", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				chainLog(t, db, 9, tc.tamper)
				svc := newService(t, db, testKey(t), time.Now)
				record(t, svc, 2)
				_, err := svc.SealNow(context.Background())
				var broken *audit.ChainBrokenError
				if !errors.As(err, &broken) || broken.Seq != tc.bad {
					t.Fatalf("want the chain broken at %d, got %v", tc.bad, err)
				}
				if _, err := svc.Checkpoint(context.Background()); err == nil {
					t.Fatal("a checkpoint was signed over a broken chain")
				}
			})
		})
	}
}
