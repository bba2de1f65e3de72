// Command countygen fills a PostgreSQL database with a county big enough
// to measure against: by default 1,000 projects (a third of them village
// roads with routes, each watched by three volunteers), 1,000,000 checks over
// the past year, and then one day of ordinary activity filed through the
// services (so it is audited and reaches phones through GET /api/v1/sync).
//
//	go run ./scripts/countygen -db postgres://postgres@127.0.0.1:5432/county?sslmode=disable
//
// The bulk history is written with INSERT … SELECT generate_series, not
// through the services: a million checks one by one would take hours and
// prove nothing the tests do not. It therefore has no audit entries; the
// last day does. Output ends with key=value lines for scripts/bench-county.sh.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/phonesync"
	"github.com/fieldproof/fieldproof/internal/phonesync/syncdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// Password is every generated user's password (the bench logs in with it).
const Password = "county-bench-password"

type options struct {
	db                        string
	projects, checks, dayOps  int
	orders                    int
	inspectors, perRoad, seed int
	// units is the number of responsible units; periods the months of
	// monthly reporting (0: none), ending with the current month.
	units, periods int
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "postgres:// URL of an empty database")
	flag.IntVar(&o.projects, "projects", 1000, "projects")
	flag.IntVar(&o.checks, "checks", 1_000_000, "historical checks (bulk)")
	flag.IntVar(&o.orders, "orders", 100_000, "historical rectification orders (bulk), from failed checks")
	flag.IntVar(&o.dayOps, "day", 2000, "checks filed through the services on the last day")
	flag.IntVar(&o.inspectors, "inspectors", 40, "inspectors")
	flag.IntVar(&o.perRoad, "volunteers-per-road", 3, "volunteers per road")
	flag.IntVar(&o.seed, "seed", 1, "random seed")
	flag.IntVar(&o.units, "units", 25, "responsible units")
	flag.IntVar(&o.periods, "periods", 0, "months of monthly reports, indicators and photo points (0: none), ending with the current month")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "countygen:", err)
		os.Exit(1)
	}
}

type county struct {
	srv        *server.Server
	sql        *sql.DB
	rng        *rand.Rand
	admin      auth.Principal
	inspectors []auth.Principal
	roads      []projects.Project
	volunteers map[string]auth.Principal // by road id: one of its volunteers
	all        []projects.Project        // every project, in creation order
	monthlyOut []string                  // key=value lines of the monthly year
}

func run(ctx context.Context, o options) error {
	if o.db == "" {
		return fmt.Errorf("-db is required")
	}
	start := time.Now()
	db, err := store.Open(ctx, store.Options{URL: o.db, Timeout: 10 * time.Minute})
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := db.Migrate(ctx, log); err != nil {
		return err
	}
	objs, err := localfs.New(os.TempDir() + "/countygen-objects")
	if err != nil {
		return err
	}
	cfg, err := config.Parse(func(string) (string, bool) { return "", false })
	if err != nil {
		return err
	}
	cfg.MaxVolunteersPerProject = o.perRoad
	srv, err := server.New(server.Options{Config: cfg, DB: db, Objects: objs, Log: log, JWTKey: []byte("countygen-key-0123456789abcdef0123456789")})
	if err != nil {
		return err
	}
	sqldb, err := db.SQL()
	if err != nil {
		return err
	}
	c := &county{srv: srv, sql: sqldb, rng: rand.New(rand.NewPCG(uint64(o.seed), 2)), volunteers: map[string]auth.Principal{}}
	steps := []struct {
		name string
		fn   func(context.Context, options) error
	}{
		{"users", c.users}, {"projects", c.makeProjects}, {"volunteers", c.makeVolunteers},
		{"historical checks", c.bulkChecks}, {"historical orders", c.bulkOrders},
		{"monthly year", c.monthlyYear}, {"one day of activity", c.lastDay},
	}
	var dayCursor string
	for _, st := range steps {
		t0 := time.Now()
		if st.name == "one day of activity" {
			head, err := syncdb.New(db).Head(ctx)
			if err != nil {
				return err
			}
			dayCursor = phonesync.Cursor(head)
		}
		if err := st.fn(ctx, o); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		fmt.Printf("%-22s %8.1f s\n", st.name, time.Since(t0).Seconds())
	}
	var road, vol string
	for id := range c.volunteers {
		road = id
		break
	}
	vol = c.volunteers[road].UserID
	var volName string
	if err := c.sql.QueryRowContext(ctx, "SELECT username FROM users WHERE id = $1", vol).Scan(&volName); err != nil {
		return err
	}
	fmt.Printf("total %.1f s\n", time.Since(start).Seconds())
	fmt.Printf("password=%s\nvolunteer=%s\nday_cursor=%s\n", Password, volName, dayCursor)
	for _, l := range c.monthlyOut {
		fmt.Println(l)
	}
	return nil
}

func (c *county) users(ctx context.Context, o options) error {
	a := c.srv.Auth
	if _, _, err := a.EnsureAdmin(ctx, Password); err != nil {
		return err
	}
	if _, err := a.CreateUser(ctx, auth.NewUser{Username: "office", Role: auth.RoleOffice, Password: Password}); err != nil {
		return err
	}
	for i := range o.inspectors {
		u, err := a.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("inspector%03d", i+1), Role: auth.RoleInspector, Password: Password})
		if err != nil {
			return err
		}
		c.inspectors = append(c.inspectors, u.Principal())
	}
	var err error
	c.admin, err = c.principal(ctx, "admin")
	return err
}

func (c *county) principal(ctx context.Context, username string) (auth.Principal, error) {
	tok, err := c.srv.Auth.Login(ctx, username, Password, "127.0.0.1")
	if err != nil {
		return auth.Principal{}, err
	}
	return c.srv.Auth.Authenticate(ctx, tok.AccessToken)
}

var categories = []projects.Category{projects.CatRoad, projects.CatRoad, projects.CatRoad, projects.CatDrinkingWater,
	projects.CatSchool, projects.CatClinic, projects.CatNursingHome, projects.CatCulturalStation, projects.CatSewage}

func (c *county) makeProjects(ctx context.Context, o options) error {
	statuses := []projects.Status{projects.StatusUnderConstruction, projects.StatusUnderConstruction,
		projects.StatusPlanned, projects.StatusCompleted, projects.StatusAccepted}
	for i := range o.projects {
		cat := categories[i%len(categories)]
		lat, lon := 28.0+c.rng.Float64()*0.6, 112.6+c.rng.Float64()*0.8
		np := projects.NewProject{
			Code: fmt.Sprintf("2026-%04d", i+1), Name: fmt.Sprintf("%s project %d", cat, i+1), Category: cat,
			Township: fmt.Sprintf("Township %02d", i%20+1), Unit: unitName(o, (i+i/o.units)%o.units),
			ResponsibleLeader: "Leader", Budget: fmt.Sprintf("%d", 200_000+c.rng.IntN(3_000_000)),
			PlannedStart: "2026-02-01", PlannedEnd: fmt.Sprintf("2026-%02d-28", 6+i%6),
			Status: statuses[i%len(statuses)], Location: &projects.Point{Lat: lat, Lon: lon},
		}
		if cat == projects.CatRoad {
			q := 2 + c.rng.Float64()*8
			np.TargetQuantity, np.TargetUnit = &q, "km"
			np.Route = &projects.GeoLine{Type: "LineString", Coordinates: [][]float64{
				{lon, lat}, {lon + 0.01, lat + 0.004}, {lon + 0.02, lat + 0.002}, {lon + 0.03, lat + 0.009}}}
		}
		p, err := c.srv.Projects.Create(ctx, c.admin, np)
		if err != nil {
			return err
		}
		c.all = append(c.all, p)
		if cat == projects.CatRoad {
			c.roads = append(c.roads, p)
		}
	}
	return nil
}

// unitName is the k-th unit's name, zero-padded so names sort in order.
// Projects go to units by (i + i/units) mod units rather than i mod units:
// statuses repeat every five projects, so with a unit count divisible by
// five i mod units would give each unit projects of one status only.
func unitName(o options, k int) string {
	return fmt.Sprintf("Unit %0*d", max(2, len(fmt.Sprint(o.units))), k+1)
}

// makeVolunteers creates one volunteer through the service (to get a real
// password hash), copies that hash to the rest in one statement, and
// assigns them through the service so the assignments are audited.
func (c *county) makeVolunteers(ctx context.Context, o options) error {
	first, err := c.srv.Auth.CreateUser(ctx, auth.NewUser{Username: "volunteer00001", Role: auth.RoleVolunteer,
		BadgeNo: "JT-00001", Password: Password})
	if err != nil {
		return err
	}
	n := len(c.roads) * o.perRoad
	_, err = c.sql.ExecContext(ctx, `INSERT INTO users (id, username, display_name, role, badge_no, password_hash, created_at, updated_at)
		SELECT gen_random_uuid()::text, 'volunteer' || lpad(g::text, 5, '0'), 'Volunteer ' || g, 'volunteer',
		       'JT-' || lpad(g::text, 5, '0'), u.password_hash, now(), now()
		FROM generate_series(2, $1) g, users u WHERE u.id = $2`, n, first.ID)
	if err != nil {
		return err
	}
	for i, road := range c.roads {
		for k := range o.perRoad {
			name := fmt.Sprintf("volunteer%05d", i*o.perRoad+k+1)
			var id string
			if err := c.sql.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1", name).Scan(&id); err != nil {
				return err
			}
			if _, _, err := c.srv.Projects.Assign(ctx, c.admin, road.ID, projects.NewAssignment{UserID: id}); err != nil {
				return err
			}
			if k == 0 {
				c.volunteers[road.ID] = auth.Principal{UserID: id, Role: auth.RoleVolunteer}
			}
		}
	}
	return nil
}

// bulkChecks writes the historical checks in batches of 100,000: progress
// checks by the inspectors, captured over the past 360 days on site, 12.5%
// failing (enough to issue the orders from), 3% off site.
func (c *county) bulkChecks(ctx context.Context, o options) error {
	const batch = 100_000
	for done := 0; done < o.checks; done += batch {
		n := min(batch, o.checks-done)
		_, err := c.sql.ExecContext(ctx, `
			WITH p AS (SELECT id, lat, lon, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS n FROM projects),
			     u AS (SELECT id, row_number() OVER (ORDER BY username) - 1 AS i, count(*) OVER () AS n FROM users WHERE role = 'inspector'),
			     g AS (SELECT g, now() - (random() * interval '360 days') - interval '1 day' AS at FROM generate_series(1, $1) g)
			INSERT INTO checks (id, project_id, type, template_version, answers, items, result, notes, lat, lon, accuracy_m,
			                    captured_at, captured_offset_s, flags, photo_ids, author_id, author_role, request_hash, created_at)
			SELECT gen_random_uuid()::text, p.id, 'progress', 1,
			       (CASE WHEN g.g % 8 = 0 THEN '{"percent_complete": -1}' ELSE '{"percent_complete": 40}' END)::jsonb,
			       (CASE WHEN g.g % 8 = 0 THEN '[{"key":"percent_complete","result":"fail"},{"key":"note","result":"na"}]'
			            ELSE '[{"key":"percent_complete","result":"pass"},{"key":"note","result":"na"}]' END)::jsonb,
			       CASE WHEN g.g % 8 = 0 THEN 'fail' ELSE 'pass' END, '',
			       p.lat, p.lon, 5 + (g.g % 20), g.at, 28800,
			       CASE WHEN g.g % 33 = 0 THEN ',off_site,' ELSE ',' END, '[]'::jsonb, u.id, 'inspector', 'bulk', g.at + interval '1 hour'
			FROM g JOIN p ON p.i = (g.g + $2) % p.n JOIN u ON u.i = (g.g * 7 + $2) % u.n`, n, done)
		if err != nil {
			return err
		}
	}
	_, err := c.sql.ExecContext(ctx, "ANALYZE")
	return err
}

// bulkOrders issues orders from failed historical checks: numbered per
// year in sequence, most closed (with a close date, so days-to-close has a
// distribution), some open and past their deadline, each with its issue
// event on the timeline.
func (c *county) bulkOrders(ctx context.Context, o options) error {
	if o.orders == 0 {
		return nil
	}
	var admin string
	if err := c.sql.QueryRowContext(ctx, "SELECT id FROM users WHERE username = 'admin'").Scan(&admin); err != nil {
		return err
	}
	_, err := c.sql.ExecContext(ctx, `
		WITH f AS (SELECT c.id, c.project_id, c.created_at, p.unit_id,
		                  row_number() OVER (ORDER BY c.created_at, c.id) AS n,
		                  row_number() OVER (PARTITION BY extract(year FROM c.created_at) ORDER BY c.created_at, c.id) AS yn
		           FROM checks c JOIN projects p ON p.id = c.project_id WHERE c.result = 'fail'
		           ORDER BY c.created_at, c.id LIMIT $1)
		INSERT INTO orders (id, number, project_id, unit_id, source_check_id, items, defect, severity, required_action,
		                    deadline, status, created_by, created_at, updated_at, closed_at, last_response_at)
		SELECT gen_random_uuid()::text,
		       -- as the service writes them: at least four digits, never cut
		       'ZG-' || extract(year FROM f.created_at)::int || '-' ||
		       CASE WHEN f.yn < 10000 THEN lpad(f.yn::text, 4, '0') ELSE f.yn::text END,
		       f.project_id, f.unit_id, f.id, '["percent_complete"]'::jsonb, 'Progress reported below plan',
		       (ARRAY['minor','major','critical'])[1 + f.n % 3], 'Report the actual progress and catch up',
		       f.created_at + interval '14 days',
		       CASE WHEN f.n % 10 < 7 THEN 'closed' WHEN f.n % 10 = 7 THEN 'issued' WHEN f.n % 10 = 8 THEN 'acknowledged' ELSE 'response_submitted' END,
		       $2, f.created_at, f.created_at + interval '1 day',
		       CASE WHEN f.n % 10 < 7 THEN f.created_at + (1 + f.n % 40) * interval '1 day' END,
		       CASE WHEN f.n % 10 < 7 OR f.n % 10 = 9 THEN f.created_at + interval '5 days' END
		FROM f`, o.orders, admin)
	if err != nil {
		return err
	}
	_, err = c.sql.ExecContext(ctx, `
		INSERT INTO order_events (order_id, action, to_status, actor_id, actor_role, at)
		SELECT id, 'issue', 'issued', created_by, 'admin', created_at FROM orders;
		INSERT INTO order_counters (year, last)
		SELECT split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int) FROM orders GROUP BY 1
		ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last;
		-- Open orders past their deadline were escalated when they fell due,
		-- as the escalation job would have done.
		UPDATE orders SET escalated_at = deadline + interval '5 minutes'
		WHERE status IN ('issued', 'acknowledged', 'response_submitted') AND deadline < now();
		-- Every closed order was closed by an inspector's verification check
		-- carrying a photo (the object itself is not generated).
		CREATE TEMP TABLE v AS SELECT o.id AS order_id, o.project_id, o.closed_at, gen_random_uuid()::text AS check_id,
		       gen_random_uuid()::text AS photo_id, (SELECT id FROM users WHERE role = 'inspector' LIMIT 1) AS author
		FROM orders o WHERE o.status = 'closed';
		INSERT INTO checks (id, project_id, type, template_version, answers, items, result, lat, lon, accuracy_m,
		                    captured_at, captured_offset_s, flags, photo_ids, author_id, author_role, request_hash, created_at)
		SELECT v.check_id, v.project_id, 'verification', 1, '{"defect_fixed": true}'::jsonb,
		       '[{"key":"defect_fixed","result":"pass"},{"key":"fixed_photo","result":"pass"}]'::jsonb, 'pass',
		       p.lat, p.lon, 5, v.closed_at - interval '1 hour', 28800, ',', jsonb_build_array(v.photo_id), v.author,
		       'inspector', 'bulk', v.closed_at - interval '1 hour'
		FROM v JOIN projects p ON p.id = v.project_id;
		INSERT INTO photos (id, parent_kind, parent_id, project_id, uploaded_by, object_key, sha256, size_bytes, content_type,
		                    width, height, rendition_status, created_at)
		SELECT v.photo_id, 'check', v.check_id, v.project_id, v.author, 'originals/bench-' || v.photo_id,
		       md5(v.photo_id) || md5(v.check_id), 2190194, 'image/jpeg', 4608, 1976, 'ready', v.closed_at - interval '50 minutes'
		FROM v;
		UPDATE orders o SET verification_check_id = v.check_id FROM v WHERE v.order_id = o.id;
		DROP TABLE v`)
	if err != nil {
		return err
	}
	// A freshly loaded table has no visibility map until vacuumed, and
	// without it PostgreSQL cannot answer from an index alone; in service,
	// autovacuum keeps it current.
	_, err = c.sql.ExecContext(ctx, "VACUUM ANALYZE")
	return err
}

// lastDay files checks through the service as the volunteers and the
// inspectors do, and renames a few projects: audited, so phones see them.
func (c *county) lastDay(ctx context.Context, o options) error {
	for i := range o.dayOps {
		road := c.roads[c.rng.IntN(len(c.roads))]
		p := c.volunteers[road.ID]
		if i%2 == 1 {
			p = c.inspectors[c.rng.IntN(len(c.inspectors))]
		}
		var loc checks.Location
		if road.Location != nil {
			loc = checks.Location{Lat: road.Location.Lat, Lon: road.Location.Lon, AccuracyM: 6}
		}
		_, _, err := c.srv.Checks.Create(ctx, p, checks.NewCheck{ID: uuid.NewString(), ProjectID: road.ID, Type: "progress",
			TemplateVersion: 1, Answers: map[string]any{"percent_complete": float64(c.rng.IntN(101))},
			Location: loc, CapturedAt: time.Now().Add(-time.Duration(c.rng.IntN(20)) * time.Hour)})
		if err != nil {
			return err
		}
	}
	for i := 0; i < 50 && i < len(c.roads); i++ {
		name := c.roads[i].Name + " (renamed)"
		if _, err := c.srv.Projects.Update(ctx, c.admin, c.roads[i].ID, projects.Update{Name: &name}); err != nil {
			return err
		}
	}
	return nil
}
