package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/audit/auditdb"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// Seal hooks see each batch numbered, in order, inside the append's
// transaction: a hook's failure leaves no entry behind.
func TestSealHooksRunInTheAppendTransaction(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx, office := context.Background(), auth.Principal{UserID: "u-office", Role: auth.RoleOffice}
		svc := audit.NewService(auditdb.New(db), time.Now, nil)
		var seen [][]int64
		fail := false
		svc.OnSeal(func(ctx context.Context, es []audit.Entry) error {
			if fail {
				return errors.New("hook refused")
			}
			var seqs []int64
			for _, e := range es {
				seqs = append(seqs, e.Seq)
			}
			seen = append(seen, seqs)
			return nil
		})
		record(t, svc, 1)
		if err := svc.RecordAll(ctx, office, []audit.Change{{Action: "a", Entity: "project", EntityID: "p1"},
			{Action: "b", Entity: "project", EntityID: "p2"}}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 2 || len(seen[0]) != 1 || seen[0][0] != 1 || len(seen[1]) != 2 || seen[1][0] != 2 || seen[1][1] != 3 {
			t.Fatalf("hook saw %v", seen)
		}
		fail = true
		if err := svc.Record(ctx, office, "c", "project", "p3", nil); err == nil {
			t.Fatal("a failing hook did not fail the append")
		}
		es, err := svc.List(ctx, audit.Filter{})
		if err != nil || len(es) != 3 {
			t.Fatalf("after a failed hook: %d entries, %v", len(es), err)
		}
	})
}
