package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/audit/auditdb"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func testKey(t testing.TB) audit.Key {
	t.Helper()
	skey, err := audit.GenerateKey("test-log")
	if err != nil {
		t.Fatal(err)
	}
	k, err := audit.ParseKey(skey, "fieldproof.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newService(t testing.TB, db *store.DB, key audit.Key, now func() time.Time) *audit.Service {
	return audit.NewService(auditdb.New(db), now, nil, key, audit.SealOptions{Batch: 7})
}

func record(t *testing.T, svc *audit.Service, n int) {
	t.Helper()
	ctx, office := context.Background(), auth.Principal{UserID: "u-office", Role: auth.RoleOffice}
	for i := 0; i < n; i++ {
		if err := svc.Record(ctx, office, "project.update", "project", fmt.Sprintf("p-%d", i), map[string]any{"name": []string{"old", "new"}}); err != nil {
			t.Error(err)
			return
		}
	}
}

func seal(t *testing.T, svc *audit.Service) int {
	t.Helper()
	n, err := svc.SealNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func exec(t *testing.T, db *store.DB, q string) {
	t.Helper()
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// tamperCases change the sealed log directly in the database; verification
// (live, and of an export) must name the first bad entry.
var tamperCases = []struct {
	name    string
	tamper  []string
	badSeq  int64
	message string
}{
	{"edited changes", []string{`UPDATE audit_log SET changes = '{"name":["old","forged"]}' WHERE seq = 4`}, 4, "edited"},
	{"edited actor", []string{"UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2"}, 2, "edited"},
	{"edited with its leaf hash", []string{"UPDATE audit_log SET actor_id = 'someone-else', leaf_hash = NULL WHERE seq = 9"}, 8, "signed"},
	{"removed", []string{"DELETE FROM audit_log WHERE seq = 3"}, 3, "missing"},
	{"truncated tail", []string{"DELETE FROM audit_log WHERE seq >= 9"}, 9, "missing"},
	{"reordered", []string{"UPDATE audit_log SET seq = 100 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 5",
		"UPDATE audit_log SET seq = 5 WHERE seq = 100"}, 2, "moved"},
	{"inserted", []string{`INSERT INTO audit_log (seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, leaf_hash)
		VALUES (11, '2026-01-01 00:00:00', 'forger', 'admin', 'project.delete', 'project', 'p-1', '{}', '', '00')`}, 11, "inserted"},
}

func TestTreeVerificationNamesTheFirstBadEntry(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		key := testKey(t)
		for _, tc := range tamperCases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				for _, table := range []string{"audit_log", "audit_tree_nodes", "audit_checkpoints"} {
					exec(t, db, "DELETE FROM "+table)
				}
				exec(t, db, "UPDATE audit_tree SET size = 0")
				svc := newService(t, db, key, time.Now)
				record(t, svc, 10)
				if n := seal(t, svc); n != 10 {
					t.Fatalf("sealed %d, want 10", n)
				}
				r, err := svc.Verify(context.Background())
				if err != nil || r.Problem != nil || r.Entries != 10 || r.Size != 10 {
					t.Fatalf("clean log: %+v %v", r, err)
				}
				for _, q := range tc.tamper {
					exec(t, db, q)
				}
				check := func(how string, r audit.Report, err error) {
					t.Helper()
					if err != nil {
						t.Fatalf("%s: %v", how, err)
					}
					if r.Problem == nil || r.Problem.Seq != tc.badSeq || !strings.Contains(r.Problem.Reason, tc.message) {
						t.Fatalf("%s: want problem at %d (%s), got %+v", how, tc.badSeq, tc.message, r.Problem)
					}
				}
				r, err = svc.Verify(context.Background())
				check("live", r, err)
				var buf bytes.Buffer
				if _, err := svc.Export(context.Background(), &buf); err != nil {
					t.Fatal(err)
				}
				r, err = audit.VerifyExport(bytes.NewReader(buf.Bytes()), key.VerifierKey)
				check("export", r, err)
			})
		}
	})
}

// Batches of 7 make checkpoints at 7 and 10 here; "edited with its leaf
// hash" (seq 9) then fails checkpoint 10, and the first entry it can name
// is the one after the last good checkpoint.
func TestExportVerifiesWithOnlyThePublishedKey(t *testing.T) {
	db := storetest.SQLite(t)
	key := testKey(t)
	svc := newService(t, db, key, time.Now)
	record(t, svc, 20)
	seal(t, svc)
	var buf bytes.Buffer
	if n, err := svc.Export(context.Background(), &buf); err != nil || n != 20 {
		t.Fatalf("export: %d %v", n, err)
	}
	r, err := audit.VerifyExport(bytes.NewReader(buf.Bytes()), key.VerifierKey)
	if err != nil || r.Problem != nil || r.Entries != 20 || r.Size != 20 {
		t.Fatalf("export: %+v %v", r, err)
	}
	other := testKey(t)
	r, err = audit.VerifyExport(bytes.NewReader(buf.Bytes()), other.VerifierKey)
	if err != nil || r.Problem == nil || !strings.Contains(r.Problem.Reason, "signature") {
		t.Fatalf("a key that did not sign it: %+v %v", r, err)
	}
}

// Proofs read from stored nodes verify offline against the signed
// checkpoints, for every entry and every earlier checkpoint; a fork — a
// second tree of the same size, signed with the same key — fails the
// consistency check.
func TestProofsVerifyAndAForkIsCaught(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := testKey(t)
		svc := newService(t, db, key, time.Now)
		var sizes []int64
		for round := 1; round <= 4; round++ {
			record(t, svc, 3*round)
			seal(t, svc)
			cp, err := svc.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, cp.Size)
		}
		latest := sizes[len(sizes)-1]
		for seq := int64(1); seq <= latest; seq++ {
			for _, size := range []int64{0, sizes[1]} {
				if seq > size && size != 0 {
					continue
				}
				p, err := svc.Inclusion(ctx, seq, size)
				if err != nil {
					t.Fatal(err)
				}
				if err := audit.VerifyInclusion(p, key.VerifierKey); err != nil {
					t.Fatalf("inclusion of %d in %d: %v", seq, size, err)
				}
				p.Entry.Changes = `{"forged":true}`
				if audit.VerifyInclusion(p, key.VerifierKey) == nil {
					t.Fatalf("a changed entry %d verified", seq)
				}
			}
		}
		for _, from := range sizes {
			p, err := svc.Consistency(ctx, from, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := audit.VerifyConsistency(p, key.VerifierKey); err != nil {
				t.Fatalf("consistency %d → %d: %v", from, latest, err)
			}
		}

		// The fork: the same key signs another tree of size sizes[1].
		forkDB := storetest.SQLite(t)
		fork := newService(t, forkDB, key, time.Now)
		record(t, fork, int(sizes[1]))
		exec(t, forkDB, `UPDATE audit_log SET changes = '{"rewritten":true}' WHERE id = 1`)
		seal(t, fork)
		forked, err := fork.Checkpoint(ctx)
		if err != nil || forked.Size != sizes[1] {
			t.Fatalf("fork: %+v %v", forked, err)
		}
		p, err := svc.Consistency(ctx, sizes[1], 0)
		if err != nil {
			t.Fatal(err)
		}
		p.From = forked
		if err := audit.VerifyConsistency(p, key.VerifierKey); err == nil {
			t.Fatal("a forked checkpoint passed the consistency check")
		}
	})
}

// Many writers while the sealer runs, and two sealers (two services, as
// two replicas) on one database: every entry is sealed exactly once, seqs
// are gap-free, and the log verifies.
func TestConcurrentWritesAndSealers(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := testKey(t)
		a, b := newService(t, db, key, time.Now), newService(t, db, key, time.Now)
		var hookMu sync.Mutex
		hooked := map[int64]int{}
		for _, s := range []*audit.Service{a, b} {
			s.OnSeal(func(ctx context.Context, es []audit.Entry) error {
				hookMu.Lock()
				defer hookMu.Unlock()
				for i, e := range es {
					if e.Seq == 0 || (i > 0 && e.Seq != es[i-1].Seq+1) {
						return fmt.Errorf("hook got seqs out of order: %+v", es)
					}
					hooked[e.Seq]++
				}
				return nil
			})
		}
		// Sealers run while writers write: each sealer seals whenever a
		// write has signalled (not in a spin, which on SQLite's one write
		// lock would starve the writers).
		stop, kick := make(chan struct{}), make(chan struct{}, 1)
		sealErrs := make(chan error, 2)
		for _, s := range []*audit.Service{a, b} {
			go func() {
				for {
					select {
					case <-stop:
						sealErrs <- nil
						return
					case <-kick:
					}
					if _, err := s.SealNow(ctx); err != nil {
						sealErrs <- err
						return
					}
				}
			}()
		}
		var wg sync.WaitGroup
		const writers, each = 8, 15
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := a.Record(ctx, auth.Principal{UserID: "u-office", Role: auth.RoleOffice}, "project.update", "project",
						fmt.Sprintf("p-%d", i), nil); err != nil {
						t.Error(err)
						return
					}
					select {
					case kick <- struct{}{}:
					default:
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		for range 2 {
			if err := <-sealErrs; err != nil {
				t.Fatal(err)
			}
		}
		seal(t, a)
		r, err := a.Verify(ctx)
		if err != nil || r.Problem != nil || r.Entries != writers*each || r.Size != writers*each {
			t.Fatalf("%+v %v", r, err)
		}
		if len(hooked) != writers*each {
			t.Fatalf("hooks saw %d entries, want %d", len(hooked), writers*each)
		}
		for seq, n := range hooked {
			if n != 1 {
				t.Fatalf("entry %d sealed %d times", seq, n)
			}
		}
		list, err := a.List(ctx, audit.Filter{EntityID: "p-3", Limit: 100})
		if err != nil || len(list) != writers || list[0].ActorRole != "office" || !list[0].Sealed() {
			t.Fatalf("list: %d %v", len(list), err)
		}
	})
}

// A failing hook rolls the whole batch back: nothing is sealed, and the
// next seal (hook fixed) seals it all.
func TestSealHookFailureRollsBackTheBatch(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newService(t, db, testKey(t), time.Now)
	fail := true
	svc.OnSeal(func(ctx context.Context, es []audit.Entry) error {
		if fail {
			return errors.New("indexer down")
		}
		return nil
	})
	record(t, svc, 3)
	if _, err := svc.SealNow(context.Background()); err == nil {
		t.Fatal("sealed despite the hook's failure")
	}
	if _, err := svc.Checkpoint(context.Background()); err == nil {
		t.Fatal("a checkpoint was written for a rolled-back batch")
	}
	fail = false
	if n := seal(t, svc); n != 3 {
		t.Fatalf("sealed %d, want 3", n)
	}
}

// A replica seals only while it holds the sealer lease: two replicas'
// loops take turns by it, and the one without it seals nothing.
func TestSealerSealsOnlyUnderTheLease(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	svc := newService(t, db, testKey(t), time.Now)
	lease := func(holder string) func(context.Context, time.Time) (bool, error) {
		return func(ctx context.Context, until time.Time) (bool, error) {
			return db.TryLease(ctx, "audit.sealer", holder, time.Now(), until)
		}
	}
	a := audit.Sealer{Service: svc, Interval: time.Second, TryLease: lease("a")}
	b := audit.Sealer{Service: svc, Interval: time.Second, TryLease: lease("b")}
	record(t, svc, 3)
	if err := a.Round(ctx); err != nil {
		t.Fatal(err)
	}
	record(t, svc, 2)
	if err := b.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, err := svc.Checkpoint(ctx); err != nil || cp.Size != 3 {
		t.Fatalf("b sealed while a held the lease: %+v %v", cp, err)
	}
	if err := a.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, err := svc.Checkpoint(ctx); err != nil || cp.Size != 5 {
		t.Fatalf("a's next round: %+v %v", cp, err)
	}
}
