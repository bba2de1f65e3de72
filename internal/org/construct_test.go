package org_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/org"
	"github.com/fieldproof/fieldproof/internal/org/orgdb"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

type recorder struct{ entries []string }

func (r *recorder) Record(_ context.Context, _ auth.Principal, action, entity, _ string, _ any) error {
	r.entries = append(r.entries, action+" "+entity)
	return nil
}

type failingAuditor struct{}

func (failingAuditor) Record(context.Context, auth.Principal, string, string, string, any) error {
	return errors.New("audit log unavailable")
}

// Auditing is an option of the constructor, so a service is audited from
// its first request or never; and the entry shares the row's transaction,
// so a creation whose entry fails leaves no township behind.
func TestAuditedIsAConstructorOption(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec := &recorder{}
		s := org.NewService(orgdb.New(db), org.Audited(rec, db.InTx))
		if _, err := s.CreateTownship(ctx, office, "Chengguan"); err != nil {
			t.Fatal(err)
		}
		if len(rec.entries) != 1 {
			t.Fatalf("audited service recorded %v, want one entry", rec.entries)
		}

		broken := org.NewService(orgdb.New(db), org.Audited(failingAuditor{}, db.InTx))
		if _, err := broken.CreateTownship(ctx, office, "Lijia"); err == nil {
			t.Fatal("creation succeeded though its audit entry failed")
		}
		if _, err := org.NewService(orgdb.New(db)).CreateTownship(ctx, office, "Lijia"); err != nil {
			t.Fatalf("the failed creation left a township behind: %v", err)
		}
	})
}
