package syncdb

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// A feed of 20,000 entries, one in 50 filed under a volunteer's keys (their
// road, their own user key), the rest under 50 other units'; one entry is
// filed under both of the volunteer's keys, expanded under one.
func fillFeed(t *testing.T, db *store.DB) (keys []string, own []int64) {
	t.Helper()
	ctx := context.Background()
	q := `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
INSERT INTO sync_feed (scope, seq, entity, entity_id, expand)
SELECT CASE WHEN n % 100 = 0 THEN 'project:p1' WHEN n % 100 = 50 THEN 'user:v' ELSE 'unit:u' || (n % 50) END,
       n, 'order', 'o' || n, 0 FROM g`
	if err := db.Conn(ctx).Exec(q).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Conn(ctx).Exec("INSERT INTO sync_feed (scope, seq, entity, entity_id, expand) VALUES " +
		"('project:p1', 20001, 'project', 'p1', 0), ('user:v', 20001, 'project', 'p1', 1)").Error; err != nil {
		t.Fatal(err)
	}
	for n := int64(50); n <= 20000; n += 50 {
		own = append(own, n)
	}
	return []string{"all", "user:v", "project:p1", "project:p9"}, append(own, 20001)
}

// Paging through a volunteer's keys returns their entries, in order, each
// once, whatever the page size, and nothing of the other keys.
func TestSinceReadsTheKeysInOrder(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		keys, own := fillFeed(t, db)
		s := New(db)
		for _, limit := range []int{1, 7, 1000} {
			var got []int64
			var last phonesync.Entry
			after := int64(0)
			for range 1000 {
				es, err := s.Since(context.Background(), after, limit, keys)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range es {
					got = append(got, e.Seq)
					last = e
				}
				if len(es) < limit {
					break
				}
				after = es[len(es)-1].Seq
			}
			if fmt.Sprint(got) != fmt.Sprint(own) {
				t.Fatalf("pages of %d: %d entries %v…, want %d", limit, len(got), got[:min(len(got), 5)], len(own))
			}
			if last.Seq != 20001 || !last.Expand || last.Entity != "project" {
				t.Errorf("pages of %d: the entry filed twice came as %+v", limit, last)
			}
		}
	})
}

// A sync reads its own keys' rows through the (scope, seq) key and no
// more than a page per key, however large the rest of the feed: on
// PostgreSQL the executed plan says how many rows it read from sync_feed;
// on SQLite the plan must search the key, never scan the table.
func TestSinceDoesNotScanOtherScopes(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		keys, _ := fillFeed(t, db)
		const limit = 7
		q, args := sinceQuery(1000, limit, keys)
		if db.Dialect() == store.Postgres {
			if err := db.Conn(context.Background()).Exec("ANALYZE sync_feed").Error; err != nil {
				t.Fatal(err)
			}
			read, scans := rowsRead(t, db, q, args)
			if scans != 0 || read > int64(len(keys)*limit) {
				t.Errorf("the sync read %d rows of sync_feed (%d sequential scans); a page per key is %d", read, scans, len(keys)*limit)
			}
			// The check notices a query that reads a whole scope: the
			// plain IN form reads every row of the keys after the cursor.
			in := "SELECT seq FROM sync_feed WHERE scope IN (?, ?, ?, ?) AND seq > ? ORDER BY seq LIMIT ?"
			if read, _ := rowsRead(t, db, in, []any{keys[0], keys[1], keys[2], keys[3], 1000, limit}); read <= int64(len(keys)*limit) {
				t.Errorf("the IN form read only %d rows: this check cannot tell", read)
			}
			return
		}
		plan := sqlitePlan(t, db, q, args)
		searches := regexp.MustCompile(`SEARCH sync_feed USING (PRIMARY KEY|INDEX \S+) \(scope=\? AND seq>\?\)`).FindAllString(plan, -1)
		if strings.Contains(plan, "SCAN sync_feed") || len(searches) != len(keys) {
			t.Errorf("plan:\n%s", plan)
		}
		if plan := sqlitePlan(t, db, "SELECT seq FROM sync_feed WHERE entity_id = ?", []any{"o1"}); !strings.Contains(plan, "SCAN sync_feed") {
			t.Errorf("a scan reads as:\n%s", plan)
		}
	})
}

// rowsRead runs q under EXPLAIN ANALYZE and adds up the rows every plan
// node on sync_feed read (returned and filtered away).
func rowsRead(t *testing.T, db *store.DB, q string, args []any) (read int64, seqScans int) {
	t.Helper()
	var out string
	if err := db.Conn(context.Background()).Raw("EXPLAIN (ANALYZE, FORMAT JSON) "+q, args...).Row().Scan(&out); err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %s: %v", out, err)
	}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if n["Relation Name"] == "sync_feed" {
			num := func(k string) int64 { f, _ := n[k].(float64); return int64(f) }
			read += num("Actual Rows")*num("Actual Loops") + num("Rows Removed by Filter")
			if n["Node Type"] == "Seq Scan" {
				seqScans++
			}
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			walk(k.(map[string]any))
		}
	}
	walk(plans[0].Plan)
	return read, seqScans
}

func sqlitePlan(t *testing.T, db *store.DB, q string, args []any) string {
	t.Helper()
	rows, err := db.Conn(context.Background()).Raw("EXPLAIN QUERY PLAN "+q, args...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}
