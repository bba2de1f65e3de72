package store_test

import (
	"context"
	"testing"

	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// TestMigrateEmptyDatabase migrates an empty database to the latest version
// on both engines, and a second run is a no-op.
func TestMigrateEmptyDatabase(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *storetest.Handle) {
		cur, latest, err := db.SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if latest == 0 || cur != latest {
			t.Fatalf("schema at %d, latest %d", cur, latest)
		}
		if err := db.Migrate(context.Background(), storetest.Logger(t)); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}
