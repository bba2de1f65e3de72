package syncdb

import (
	"context"
	"fmt"
	"testing"

	"github.com/fieldproof/fieldproof/internal/phonesync"
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

// BenchmarkBackfill files 100,000 audit entries, as the first start after
// the upgrade does: half checklist versions, half volunteers taken off
// roads (a batched lookup of the projects, which this log lacks, and the
// changes read), each filed under one key:
//
//	scripts/test-services.sh -count=1 -run XXX -bench Backfill -benchtime 1x ./internal/phonesync/syncdb
func BenchmarkBackfill(b *testing.B) {
	for _, engine := range []string{"postgres", "sqlite"} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.SQLite(b)
			if engine == "postgres" {
				db = storetest.Postgres(b)
			}
			ctx := context.Background()
			const entries = 100_000
			for _, q := range []string{
				fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)
INSERT INTO audit_log (seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash)
SELECT n, CURRENT_TIMESTAMP, 'a', 'office', CASE WHEN n %% 2 = 0 THEN 'project.unassign' ELSE 'checklist.publish' END,
       CASE WHEN n %% 2 = 0 THEN 'project' ELSE 'checklist' END,
       CASE WHEN n %% 2 = 0 THEN 'p' || (n %% 1000 + 1) ELSE 'general/' || n END,
       CASE WHEN n %% 2 = 0 THEN '{"user_id":"v' || (n %% 300) || '"}' ELSE '{}' END, '', '', '' FROM g`, entries),
			} {
				if err := db.Conn(ctx).Exec(q).Error; err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				b.StopTimer()
				if err := db.Conn(ctx).Exec("DELETE FROM sync_feed").Error; err != nil {
					b.Fatal(err)
				}
				if err := db.Conn(ctx).Exec("UPDATE sync_feed_mark SET upto = 0").Error; err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				n, err := phonesync.NewIndexer(New(db)).Backfill(ctx)
				if err != nil || n != entries {
					b.Fatalf("filed %d, %v", n, err)
				}
			}
			b.ReportMetric(float64(entries)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
