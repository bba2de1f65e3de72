package checklistsdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checklists"
	"github.com/fieldproof/fieldproof/internal/checklists/checklistsdb"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

func TestChecklistVersions(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		ctx := context.Background()
		svc := checklists.NewService(checklistsdb.New(db), time.Now, nil)
		// Seeding twice (a second replica) is harmless.
		for i := 0; i < 2; i++ {
			if err := svc.Seed(ctx); err != nil {
				t.Fatalf("seed: %v", err)
			}
		}
		cur, err := svc.Current(ctx)
		if err != nil || len(cur) != len(checklists.Types) {
			t.Fatalf("current: %d %v", len(cur), err)
		}
		v1, err := svc.Get(ctx, checklists.TypeConcreteMix, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Items[1].Key != "slump_mm" || *v1.Items[1].Max != 50 || v1.Items[1].Unit != "mm" {
			t.Fatalf("slump read back as %+v", v1.Items[1])
		}

		inspector := auth.Principal{UserID: "i1", Role: auth.RoleInspector}
		if _, err := svc.Publish(ctx, inspector, checklists.TypeConcreteMix, "x", v1.Items); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("inspector publish: %v", err)
		}
		office := auth.Principal{UserID: "o1", Role: auth.RoleOffice}
		items := append([]checklists.Item(nil), v1.Items...)
		maxSlump := 70.0
		items[1].Max = &maxSlump
		v2, err := svc.Publish(ctx, office, checklists.TypeConcreteMix, "Concrete mix (2027)", items)
		if err != nil || v2.Version != 2 {
			t.Fatalf("publish: v%d %v", v2.Version, err)
		}
		// v1 is unchanged: a check that answered it is still judged by it.
		again, err := svc.Get(ctx, checklists.TypeConcreteMix, 1)
		if err != nil || *again.Items[1].Max != 50 {
			t.Fatalf("v1 changed: %v", err)
		}
		cur, _ = svc.Current(ctx)
		for _, c := range cur {
			if c.Type == checklists.TypeConcreteMix && (c.Version != 2 || c.CreatedBy != "o1") {
				t.Fatalf("current concrete mix: v%d by %q", c.Version, c.CreatedBy)
			}
		}
		if _, err := svc.Get(ctx, checklists.TypeConcreteMix, 3); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("missing version: %v", err)
		}
		bad := []checklists.Item{{Key: "x", Label: "x", Type: "slider"}}
		if _, err := svc.Publish(ctx, office, checklists.TypeSafety, "bad", bad); !errors.Is(err, errs.ErrUnprocessable) {
			t.Fatalf("invalid items: %v", err)
		}
	})
}
