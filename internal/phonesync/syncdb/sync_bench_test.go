package syncdb

import (
	"context"
	"fmt"
	"testing"

	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// BenchmarkSinceOtherScopes is one volunteer phone's feed query beside
// 10 thousand and 1 million rows of other scopes (500 other units'
// changes), with the phone's own 1,000 entries spread evenly among them:
// its cost should not depend on the others' volume.
//
//	scripts/test-services.sh -count=1 -run XXX -bench SinceOtherScopes -benchtime 200x ./internal/phonesync/syncdb
func BenchmarkSinceOtherScopes(b *testing.B) {
	for _, engine := range []string{"postgres", "sqlite"} {
		for _, others := range []int{10_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/others=%d", engine, others), func(b *testing.B) {
				db := storetest.SQLite(b)
				if engine == "postgres" {
					db = storetest.Postgres(b)
				}
				const own = 1000
				total := others + own
				step := total / own
				ctx := context.Background()
				q := fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)
INSERT INTO sync_feed (scope, seq, entity, entity_id, expand)
SELECT CASE WHEN n %% %d = 0 THEN (CASE WHEN n %% 2 = 0 THEN 'project:p1' ELSE 'user:v' END) ELSE 'unit:u' || (n %% 500) END,
       n, 'order', 'o' || n, 0 FROM g`, total, step)
				if err := db.Conn(ctx).Exec(q).Error; err != nil {
					b.Fatal(err)
				}
				if db.Dialect() == store.Postgres {
					if err := db.Conn(ctx).Exec("VACUUM ANALYZE sync_feed").Error; err != nil {
						b.Fatal(err)
					}
				} else if err := db.Conn(ctx).Exec("ANALYZE").Error; err != nil {
					b.Fatal(err)
				}
				keys := []string{"all", "user:v", "project:p1", "project:p2", "project:p3"}
				s := New(db)
				// One day behind: the last 50 of the phone's entries are new.
				behind := int64(total - 50*step)
				for _, c := range []struct {
					name  string
					after int64
					want  int
				}{{"first-page", 0, 200}, {"day-behind", behind, 50}} {
					b.Run(c.name, func(b *testing.B) {
						for b.Loop() {
							es, err := s.Since(ctx, c.after, 200, keys)
							if err != nil || len(es) < c.want-1 || len(es) > c.want+1 {
								b.Fatalf("%d entries, %v", len(es), err)
							}
						}
					})
				}
			})
		}
	}
}
