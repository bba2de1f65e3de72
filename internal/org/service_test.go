package org_test

import (
	"context"
	"sync"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/org/orgdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

var (
	office    = auth.Principal{UserID: "o", Role: auth.RoleOffice}
	volunteer = auth.Principal{UserID: "v", Role: auth.RoleVolunteer}
)

func kindCode(err error) (errs.Kind, string) {
	e, ok := errs.As(err)
	if !ok {
		return errs.KindInternal, ""
	}
	return e.Kind, e.Code
}

func TestTownships(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := org.NewService(orgdb.New(db))
		tw, err := s.CreateTownship(ctx, office, "  Chengguan ")
		if err != nil || tw.Name != "Chengguan" || tw.ID == "" {
			t.Fatalf("create: %+v %v", tw, err)
		}
		if _, err := s.CreateTownship(ctx, office, "Chengguan"); err != nil {
			if k, c := kindCode(err); k != errs.KindConflict || c != "township_exists" {
				t.Fatalf("duplicate: %v", err)
			}
		} else {
			t.Fatal("duplicate accepted")
		}
		if k, _ := kindCode(func() error { _, err := s.CreateTownship(ctx, office, " "); return err }()); k != errs.KindUnprocessable {
			t.Fatal("blank name accepted")
		}
		if k, _ := kindCode(func() error { _, err := s.CreateTownship(ctx, volunteer, "Lijia"); return err }()); k != errs.KindForbidden {
			t.Fatal("volunteer created a township")
		}
		got, err := s.EnsureTownship(ctx, "Chengguan")
		if err != nil || got.ID != tw.ID {
			t.Fatalf("ensure existing: %+v %v", got, err)
		}
		if _, err := s.EnsureTownship(ctx, "Lijia"); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListTownships(ctx, volunteer)
		if err != nil || len(list) != 2 || list[0].Name != "Chengguan" || list[1].Name != "Lijia" {
			t.Fatalf("list: %+v %v", list, err)
		}
	})
}

func TestUnits(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := org.NewService(orgdb.New(db))
		u, err := s.CreateUnit(ctx, office, "Hengda Roads", org.KindContractor)
		if err != nil || u.Kind != org.KindContractor {
			t.Fatalf("create: %+v %v", u, err)
		}
		if _, err := s.CreateUnit(ctx, office, "X", "ministry"); err == nil {
			t.Fatal("bad kind accepted")
		}
		if _, err := s.CreateUnit(ctx, office, "Hengda Roads", ""); err == nil {
			t.Fatal("duplicate accepted")
		}
		got, err := s.EnsureUnit(ctx, "County Transport Bureau")
		if err != nil || got.Kind != org.KindBureau {
			t.Fatalf("ensure new: %+v %v", got, err)
		}
		list, err := s.ListUnits(ctx, office)
		if err != nil || len(list) != 2 || list[0].Name != "County Transport Bureau" {
			t.Fatalf("list: %+v %v", list, err)
		}
	})
}

// TestEnsureConcurrent: many callers ensuring one new name at once all get
// the same row, and nobody sees an error.
func TestEnsureConcurrent(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := org.NewService(orgdb.New(db))
		const n = 8
		ids := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u, err := s.EnsureUnit(ctx, "Water Bureau")
				ids[i], errs[i] = u.ID, err
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("caller %d: %s %v (first %s)", i, ids[i], errs[i], ids[0])
			}
		}
	})
}

// TestEnsureInTransaction: ensuring inside a transaction (as an import does)
// works for new and existing names and rolls back with it.
func TestEnsureInTransaction(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := org.NewService(orgdb.New(db))
		if _, err := s.EnsureTownship(ctx, "Old"); err != nil {
			t.Fatal(err)
		}
		rollback := errs.New(errs.KindConflict, "test_rollback", "")
		err := db.InTx(ctx, func(ctx context.Context) error {
			for _, name := range []string{"Old", "New", "New"} {
				if _, err := s.EnsureTownship(ctx, name); err != nil {
					return err
				}
			}
			return rollback
		})
		if err != rollback {
			t.Fatalf("tx: %v", err)
		}
		list, _ := s.ListTownships(ctx, office)
		if len(list) != 1 {
			t.Fatalf("rolled-back township kept: %+v", list)
		}
	})
}
