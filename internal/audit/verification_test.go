package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// Every verification run is recorded — intact, broken, or cut short by its
// deadline — and only the office and admins may run or read them.
func TestVerificationRunsAreRecorded(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		office := auth.Principal{UserID: "u-office", Role: auth.RoleOffice}
		contractor := auth.Principal{UserID: "u-c", Role: auth.RoleContractor, UnitID: "unit"}
		clock := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
		svc := newService(t, db, testKey(t), func() time.Time { return clock })

		if last, err := svc.LastVerification(ctx, office); err != nil || last != nil {
			t.Fatalf("before any run: %+v %v", last, err)
		}
		record(t, svc, 5)
		seal(t, svc)
		if _, err := svc.VerifyAs(ctx, contractor); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("contractor ran a verification: %v", err)
		}
		if _, err := svc.LastVerification(ctx, contractor); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("contractor read verifications: %v", err)
		}
		v, err := svc.VerifyAs(ctx, office)
		if err != nil || !v.OK || !v.Complete || v.Entries != 5 || v.By != "u-office" || v.FirstBad != nil {
			t.Fatalf("intact run: %+v %v", v, err)
		}

		clock = clock.Add(time.Hour)
		exec(t, db, "UPDATE audit_log SET actor_id = 'forger' WHERE seq = 3")
		v, _, err = svc.VerifyFromCLI(ctx)
		if err != nil || v.OK || v.FirstBad == nil || *v.FirstBad != 3 || v.Entries != 2 || v.By != audit.ByCLI {
			t.Fatalf("broken run: %+v %v", v, err)
		}
		last, err := svc.LastVerification(ctx, office)
		if err != nil || last == nil || last.ID != v.ID || last.OK || *last.FirstBad != 3 || !last.At.Equal(clock) {
			t.Fatalf("last run: %+v %v", last, err)
		}

		clock = clock.Add(time.Hour)
		dead, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
		defer cancel()
		v, err = svc.VerifyAs(dead, office)
		if err != nil || v.OK || v.Complete || v.Reason == "" {
			t.Fatalf("run past its deadline: %+v %v", v, err)
		}
		if last, err = svc.LastVerification(ctx, office); err != nil || last.ID != v.ID || last.Complete {
			t.Fatalf("an incomplete run is recorded too: %+v %v", last, err)
		}
	})
}
