package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// The monthly year (issue 16), with -periods N: each unit's leader and one
// contractor account, further indicators on half the projects (about 1.5
// per project in all), three fixed photo points per project — these through
// the services, audited — and then N months of monthly reports ending with
// the current month, in bulk: every project under construction reports
// each month, a completed or accepted one until the month of its planned
// end, a planned one never. Reports come in every state: accepted (some
// after a return), submitted and not yet reviewed (most of last month's
// backlog), returned and not resubmitted, drafts never submitted, late
// (first submitted after the due day) and missing (no report). The current
// month is under way: drafts, a few submitted, the rest not yet due.
//
// The bulk rows are built in Go with the domain's own types and rules
// (monthly.Value and monthly.ReportPhoto for the JSON columns,
// monthly.ValueFlags for the figures' flags, NewReport.Hash for the
// request hash, photos.EXIF and photos.Flags for the photo documents) and
// written with INSERT … SELECT FROM jsonb_to_recordset, as the services
// would write them, but without audit entries. Each report's photos are
// rows of their own (one per point) whose object is not generated, like
// the verification photos of the orders above. Each project's latest
// accepted figures are then recorded through projects.RecordIndicatorValues
// so indicators, progress and the stored on-track moments are the
// service's own.

// surnames and given names make the units' leaders (负责人).
var (
	surnames = []string{"张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴"}
	given    = []string{"建国", "志强", "海波", "红梅", "国庆", "晓东", "桂英", "卫东", "春生", "立新"}
)

type yearGen struct {
	c          *county
	o          options
	mo         monthly.Options
	now        time.Time
	office     auth.Principal
	contractor map[string]string // unit id → contractor user id
	inds       map[string][]projects.Indicator
	points     map[string][]monthly.Point
	pace       map[string]float64 // project id → share of the plan it keeps up with

	reports []reportRec
	photos  []photoRec
	values  []valueRec
	// latest accepted report per project, recorded through the service
	latest map[string]latestAccepted
	// per indicator: the last accepted figure (what the next month's flags
	// are judged against); per point: the last photo (what a reuse copies)
	accepted  map[string]float64
	lastPhoto map[string]photoRec
}

type latestAccepted struct {
	reportID string
	date     time.Time
	values   []monthly.Value
}

func (c *county) monthlyYear(ctx context.Context, o options) error {
	if o.periods <= 0 {
		return nil
	}
	g := &yearGen{c: c, o: o, mo: c.srv.Monthly.Options(), now: time.Now().UTC(), contractor: map[string]string{},
		pace: map[string]float64{}, latest: map[string]latestAccepted{}, accepted: map[string]float64{},
		lastPhoto: map[string]photoRec{}}
	var err error
	if g.office, err = c.principal(ctx, "office"); err != nil {
		return err
	}
	cur := monthly.PeriodOf(g.now, g.mo.Zone)
	periods := make([]monthly.Period, o.periods)
	for i, p := o.periods-1, cur; i >= 0; i, p = i-1, p.Prev() {
		periods[i] = p
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"units and contractors", g.units}, {"indicators", g.indicators},
		{"photo points", func(ctx context.Context) error { return g.photoPoints(ctx, periods[0]) }},
		{"status history", func(ctx context.Context) error { return g.statusHistory(ctx, periods[0]) }},
	}
	for _, st := range steps {
		t0 := time.Now()
		if err := st.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		fmt.Printf("  %-20s %8.1f s\n", st.name, time.Since(t0).Seconds())
	}
	t0 := time.Now()
	rows := map[monthly.Period]int{}
	for _, pd := range periods {
		for i, p := range c.all {
			if g.reports1(p, i, pd, pd == cur) {
				rows[pd]++
			}
		}
	}
	if err := g.write(ctx); err != nil {
		return err
	}
	fmt.Printf("  %-20s %8.1f s (%d reports, %d photos, %d indicator values in bulk)\n", "reports",
		time.Since(t0).Seconds(), len(g.reports), len(g.photos), len(g.values))
	t0 = time.Now()
	if err := g.recordLatest(ctx); err != nil {
		return err
	}
	fmt.Printf("  %-20s %8.1f s (%d projects)\n", "latest figures", time.Since(t0).Seconds(), len(g.latest))
	for _, t := range []string{"monthly_reports", "photos", "indicator_values", "project_indicators", "photo_points", "projects", "users", "units"} {
		if _, err := c.sql.ExecContext(ctx, "VACUUM ANALYZE "+t); err != nil {
			return err
		}
	}
	// The period whose status lists the most projects: those under
	// construction and every project with a report in it.
	uc := 0
	for _, p := range c.all {
		if p.Status == projects.StatusUnderConstruction {
			uc++
		}
	}
	busiest, most := periods[0], -1
	for _, pd := range periods {
		var n int
		if err := c.sql.QueryRowContext(ctx, `SELECT count(*) FROM monthly_reports r JOIN projects p ON p.id = r.project_id
			WHERE r.period = $1 AND p.status <> 'under_construction'`, string(pd)).Scan(&n); err != nil {
			return err
		}
		if uc+n > most {
			busiest, most = pd, uc+n
		}
	}
	c.monthlyOut = append(c.monthlyOut, "first_period="+string(periods[0]), "current_period="+string(cur),
		"last_period="+string(cur.Prev()), "busiest_period="+string(busiest),
		fmt.Sprintf("busiest_rows=%d", most))
	return nil
}

// units names each unit's leader and gives it one contractor account: the
// first through the service (a real password hash), the rest copying it.
func (g *yearGen) units(ctx context.Context) error {
	c := g.c
	rows, err := c.sql.QueryContext(ctx, "SELECT id, name FROM units ORDER BY name")
	if err != nil {
		return err
	}
	type unit struct{ id, name string }
	var us []unit
	for rows.Next() {
		var u unit
		if err := rows.Scan(&u.id, &u.name); err != nil {
			rows.Close()
			return err
		}
		us = append(us, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, u := range us {
		leader := surnames[k%len(surnames)] + given[(k/len(surnames))%len(given)]
		if _, err := c.sql.ExecContext(ctx, "UPDATE units SET leader = $1 WHERE id = $2", leader, u.id); err != nil {
			return err
		}
	}
	first, err := c.srv.Auth.CreateUser(ctx, auth.NewUser{Username: "contractor001", Role: auth.RoleContractor,
		Unit: us[0].name, Password: Password})
	if err != nil {
		return err
	}
	g.contractor[us[0].id] = first.ID
	for k, u := range us[1:] {
		id := uuid.NewString()
		_, err := c.sql.ExecContext(ctx, `INSERT INTO users (id, username, display_name, role, unit_id, password_hash, created_at, updated_at)
			SELECT $1, $2, $3, 'contractor', $4, u.password_hash, now(), now() FROM users u WHERE u.id = $5`,
			id, fmt.Sprintf("contractor%03d", k+2), u.name+" reporter", u.id, first.ID)
		if err != nil {
			return err
		}
		g.contractor[u.id] = id
	}
	return nil
}

// indicators adds, through the service, a second indicator (households
// served, linear plan) to every fourth project and a second and a third
// (investment done, a monthly plan) to every eighth: with each project's
// own first indicator, 1.5 per project.
func (g *yearGen) indicators(ctx context.Context) error {
	c := g.c
	ids := make([]string, len(c.all))
	for i, p := range c.all {
		ids[i] = p.ID
		g.pace[p.ID] = []float64{0.7, 0.85, 0.95, 1, 1, 1.05, 1.1, 1, 0.9, 1.2}[i%10]
		if p.Status == projects.StatusUnderConstruction && i%97 == 0 {
			g.pace[p.ID] = 0 // stalled: nothing done
		}
		if i%4 != 1 && i%8 != 3 {
			continue
		}
		households := float64(50 + c.rng.IntN(450))
		if _, err := c.srv.Projects.CreateIndicator(ctx, c.admin, p.ID, projects.NewIndicator{Name: "受益户数", Unit: "户",
			Target: &households}); err != nil {
			return err
		}
		if i%8 != 3 {
			continue
		}
		invest := float64(20 + c.rng.IntN(300))
		end := p.PlannedEnd.Format(projects.MonthLayout)
		plan := []projects.PlanPoint{{Month: "2026-03", Percent: 20}, {Month: "2026-05", Percent: 60}, {Month: end, Percent: 100}}
		if _, err := c.srv.Projects.CreateIndicator(ctx, c.admin, p.ID, projects.NewIndicator{Name: "完成投资", Unit: "万元",
			Target: &invest, Plan: plan}); err != nil {
			return err
		}
	}
	var err error
	g.inds, err = c.srv.Projects.IndicatorsOf(ctx, ids, nil)
	return err
}

// photoPoints defines three points per project through the service (the
// office), then dates them before the first period: the reports below
// photograph them from the first month on.
func (g *yearGen) photoPoints(ctx context.Context, first monthly.Period) error {
	c := g.c
	g.points = map[string][]monthly.Point{}
	names := []string{"起点", "中段", "终点"}
	for _, p := range c.all {
		for k, name := range names {
			lat, lon := 28.3, 113.0
			if p.Location != nil {
				lat, lon = p.Location.Lat, p.Location.Lon
			}
			lat, lon = lat+0.001*float64(k), lon+0.0015*float64(k)
			bearing := float64(k * 120)
			pt, err := c.srv.Monthly.CreatePoint(ctx, g.office, p.ID, monthly.NewPoint{Name: name, Lat: &lat, Lon: &lon,
				Bearing: &bearing, Note: "每月同一位置、同一朝向拍摄"})
			if err != nil {
				return err
			}
			g.points[p.ID] = append(g.points[p.ID], pt)
		}
	}
	at := first.Start(g.mo.Zone).AddDate(0, 0, -10)
	_, err := c.sql.ExecContext(ctx, `UPDATE photo_points SET created_at = $1::timestamptz + (created_at - (SELECT min(created_at) FROM photo_points))`, at)
	return err
}

// statusHistory dates the projects' statuses back into the year: the
// import recorded each at its status "now", so without this a past period
// would see no project under construction at its due time (the period
// status judges who owed a report by the status history). Every project
// starts before the first period; a completed or accepted one was under
// construction until the end of its planned end month, as the reports
// generated for it assume.
func (g *yearGen) statusHistory(ctx context.Context, first monthly.Period) error {
	at := first.Start(g.mo.Zone).AddDate(0, 0, -10)
	for _, q := range []string{
		`UPDATE project_status_history SET from_at = $1`,
		`INSERT INTO project_status_history (project_id, status, from_at)
		 SELECT id, 'under_construction', $1::timestamptz - interval '1 second' FROM projects
		 WHERE status IN ('completed', 'accepted') AND planned_end IS NOT NULL`,
		`UPDATE project_status_history h SET from_at = GREATEST($1::timestamptz,
		        (date_trunc('month', p.planned_end) + interval '1 month')::timestamptz)
		 FROM projects p
		 WHERE h.project_id = p.id AND h.status IN ('completed', 'accepted') AND p.planned_end IS NOT NULL`,
	} {
		if _, err := g.c.sql.ExecContext(ctx, q, at); err != nil {
			return err
		}
	}
	return nil
}

type reportRec struct {
	ID            string     `json:"id"`
	ProjectID     string     `json:"project_id"`
	Period        string     `json:"period"`
	State         string     `json:"state"`
	ReportValues  string     `json:"report_values"`
	Photos        string     `json:"photos"`
	Narrative     string     `json:"narrative"`
	Problems      string     `json:"problems"`
	HelpRequested string     `json:"help_requested"`
	AuthorID      string     `json:"author_id"`
	RequestHash   string     `json:"request_hash"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	ResubmittedAt *time.Time `json:"resubmitted_at"`
	ReturnedAt    *time.Time `json:"returned_at"`
	ReturnedBy    string     `json:"returned_by"`
	ReturnReason  string     `json:"return_reason"`
	AcceptedAt    *time.Time `json:"accepted_at"`
	AcceptedBy    string     `json:"accepted_by"`
}

type photoRec struct {
	ID              string          `json:"id"`
	ParentKind      string          `json:"parent_kind"`
	ParentID        string          `json:"parent_id"`
	ProjectID       string          `json:"project_id"`
	UploadedBy      string          `json:"uploaded_by"`
	ObjectKey       string          `json:"object_key"`
	SHA256          string          `json:"sha256"`
	SizeBytes       int64           `json:"size_bytes"`
	ContentType     string          `json:"content_type"`
	Width           int             `json:"width"`
	Height          int             `json:"height"`
	EXIF            json.RawMessage `json:"exif"`
	Lat             float64         `json:"lat"`
	Lon             float64         `json:"lon"`
	TakenAt         time.Time       `json:"taken_at"`
	TakenOffset     string          `json:"taken_offset"`
	Make            string          `json:"make"`
	Model           string          `json:"model"`
	Orientation     int             `json:"orientation"`
	Flags           json.RawMessage `json:"flags"`
	PHash           int64           `json:"phash"`
	RenditionStatus string          `json:"rendition_status"`
	CreatedAt       time.Time       `json:"created_at"`
}

type valueRec struct {
	ID          string    `json:"id"`
	IndicatorID string    `json:"indicator_id"`
	ProjectID   string    `json:"project_id"`
	ValueDate   string    `json:"value_date"`
	Value       float64   `json:"value"`
	Source      string    `json:"source"`
	SourceID    string    `json:"source_id"`
	ReportedBy  string    `json:"reported_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func tp(t time.Time) *time.Time {
	u := ts(t)
	return &u
}

// hours is a random duration between lo and hi hours.
func (g *yearGen) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + g.c.rng.Float64()*(hi-lo)) * float64(time.Hour))
}

// reports1 makes project p's report for period pd (none when the project
// did not owe one, or the unit never filed it); true when p owes one.
func (g *yearGen) reports1(p projects.Project, i int, pd monthly.Period, current bool) bool {
	switch p.Status {
	case projects.StatusUnderConstruction:
	case projects.StatusCompleted, projects.StatusAccepted:
		if p.PlannedEnd == nil || string(pd) > p.PlannedEnd.Format(projects.MonthLayout) {
			return false
		}
	default:
		return false
	}
	rng := g.c.rng
	zone := g.mo.Zone
	due := pd.DueAt(g.mo.DueDay, zone)
	start := pd.Start(zone)
	r := rng.Float64()
	var submitted *time.Time
	created := due.Add(-g.hours(24, 10*24))
	state := monthly.StateSubmitted
	switch {
	case current:
		// The month is under way: a quarter drafted, a tenth submitted.
		if r >= 0.35 {
			return true
		}
		created = g.now.Add(-time.Duration(rng.Float64() * float64(g.now.Sub(start))))
		state = monthly.StateDraft
		if r >= 0.25 {
			state = monthly.StateSubmitted
			s := created.Add(time.Duration(rng.Float64() * float64(g.now.Sub(created))))
			submitted = &s
		}
	case r < 0.04:
		return true // missing: never filed
	case r < 0.06:
		state = monthly.StateDraft // filed, never submitted: counts as missing
	case r < 0.16:
		s := due.Add(g.hours(2, 6*24)) // late
		created, submitted = s.Add(-g.hours(1, 48)), &s
	default:
		s := created.Add(g.hours(1, 20))
		submitted = &s
	}
	if created.After(g.now) {
		created = g.now.Add(-time.Hour)
	}
	rep := reportRec{ID: uuid.NewString(), ProjectID: p.ID, Period: string(pd), AuthorID: g.contractor[p.UnitID],
		CreatedAt: ts(created), UpdatedAt: ts(created)}
	if submitted != nil {
		rep.SubmittedAt, rep.UpdatedAt = tp(*submitted), ts(*submitted)
	}
	// Review, in the order the office would do it; an event that would
	// fall after now has not happened yet.
	var acceptedAt time.Time
	if state == monthly.StateSubmitted && !current {
		u := rng.Float64()
		t := *submitted
		returned := u < 0.08
		if returned {
			t = t.Add(g.hours(4, 48))
			if t.Before(g.now) {
				rep.ReturnedAt, rep.ReturnedBy, rep.UpdatedAt = tp(t), g.office.UserID, ts(t)
				rep.ReturnReason = "定点照片与上月角度不一致，请按定点重拍后重新提交"
				state = monthly.StateReturned
				t = t.Add(g.hours(12, 72))
				if u >= 0.03 && t.Before(g.now) { // resubmitted
					rep.ResubmittedAt, rep.UpdatedAt, state = tp(t), ts(t), monthly.StateSubmitted
				}
			}
		}
		if state == monthly.StateSubmitted && u >= 0.03 && !(u >= 0.08 && u < 0.09) {
			t = t.Add(g.hours(6, 72))
			if t.Before(g.now) && (pd != monthly.PeriodOf(g.now, zone).Prev() || rng.Float64() < 0.7) {
				rep.AcceptedAt, rep.AcceptedBy, rep.UpdatedAt, state = tp(t), g.office.UserID, ts(t), monthly.StateAccepted
				acceptedAt = t
			}
		}
	}
	rep.State = string(state)

	// The figures: the plan's share at the month's end times the
	// project's pace, flagged against the last accepted figure.
	var vals []monthly.Value
	var asked []monthly.IndicatorValue
	at := pd.End(zone)
	for _, ind := range g.inds[p.ID] {
		planned := projects.ScheduleOf(p, []projects.Indicator{ind}, at).Indicators[0].PlannedPercent
		v := math.Round(ind.Target*math.Min(100, planned*g.pace[p.ID])) / 100
		prev, has := g.accepted[ind.ID]
		if has && rng.IntN(60) == 0 {
			v = math.Round(prev*95) / 100 // a figure that went down
		}
		flags := monthly.ValueFlags(monthly.Indicator{ID: ind.ID, Target: ind.Target, Value: prev, HasValue: has}, v, g.mo.JumpShare)
		vals = append(vals, monthly.Value{IndicatorID: ind.ID, Value: v, Flags: flags})
		asked = append(asked, monthly.IndicatorValue{IndicatorID: ind.ID, Value: v})
	}
	// The photos: one per point, announced in the report; a draft may
	// have uploaded only some.
	var rps []monthly.ReportPhoto
	pts := g.points[p.ID]
	stored := len(pts)
	if state == monthly.StateDraft {
		stored = rng.IntN(len(pts) + 1)
	}
	shot := created
	if submitted != nil {
		shot = *submitted
	}
	for k, pt := range pts {
		ph := g.photo(rep, pt, shot)
		rps = append(rps, monthly.ReportPhoto{PointID: pt.ID, PhotoID: ph.ID, Caption: fmt.Sprintf("%s，%s 施工现场", pt.Name, pd)})
		if k < stored {
			g.photos = append(g.photos, ph)
			g.lastPhoto[pt.ID] = ph
		}
	}
	content := monthly.Content{Values: asked, Narrative: "本月按计划推进，已完成路基和边沟施工。", Photos: rps}
	if i%7 == 0 {
		content.Problems = "征地拆迁协调滞后，影响部分工作面。"
		content.HelpRequested = "请乡镇协调征地问题。"
	}
	hash, err := monthly.NewReport{ID: rep.ID, ProjectID: p.ID, Period: string(pd), Content: content}.Hash()
	if err != nil {
		panic(err) // json of plain values
	}
	rep.RequestHash = hash
	rep.Narrative, rep.Problems, rep.HelpRequested = content.Narrative, content.Problems, content.HelpRequested
	rep.ReportValues, rep.Photos = mustJSON(vals), mustJSON(rps)
	g.reports = append(g.reports, rep)

	if state == monthly.StateAccepted {
		// The figure's date: the month's last day, or the acceptance day
		// when the month was not over (monthly.Service.valueDate).
		d := acceptedAt.In(zone)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		if last := pd.LastDay(); last.Before(day) {
			day = last
		}
		if prev, ok := g.latest[p.ID]; ok {
			g.bulkValues(p.ID, prev, acceptedAt)
		}
		g.latest[p.ID] = latestAccepted{reportID: rep.ID, date: day, values: vals}
		for _, v := range vals {
			g.accepted[v.IndicatorID] = v.Value
		}
	}
	return true
}

// bulkValues writes an accepted report's figures that a later one
// supersedes (the latest go through the service).
func (g *yearGen) bulkValues(projectID string, la latestAccepted, at time.Time) {
	for _, v := range la.values {
		g.values = append(g.values, valueRec{ID: uuid.NewString(), IndicatorID: v.IndicatorID, ProjectID: projectID,
			ValueDate: la.date.Format("2006-01-02"), Value: v.Value, Source: projects.SourceMonthly, SourceID: la.reportID,
			ReportedBy: g.office.UserID, CreatedAt: ts(at)})
	}
}

// photo is one report photo of point pt taken before at: on the spot
// (within metres), in the month, unless it is one of the few taken 300 m
// off the point or a repeat of the point's previous photo.
func (g *yearGen) photo(rep reportRec, pt monthly.Point, at time.Time) photoRec {
	rng := g.c.rng
	zone := g.mo.Zone
	id := uuid.NewString()
	lat, lon := pt.Lat+(rng.Float64()-0.5)*0.00008, pt.Lon+(rng.Float64()-0.5)*0.00008
	if rng.IntN(50) == 0 {
		lat += 0.003
	}
	taken := at.Add(-g.hours(1, 48)).In(zone).Truncate(time.Second)
	var sum [32]byte
	for i := range sum {
		sum[i] = byte(rng.IntN(256))
	}
	sha := hex.EncodeToString(sum[:])
	phash := rng.Int64()
	var fl photos.Flags
	if prev, ok := g.lastPhoto[pt.ID]; ok && rng.IntN(100) == 0 {
		// The same picture as last month's: the pipeline points the repeat
		// at the photo seen first.
		fl.Duplicate = &photos.Ref{PhotoID: prev.ID}
		sha, phash = prev.SHA256, prev.PHash
	}
	exif := photos.EXIF{Present: true, Lat: &lat, Lon: &lon, TakenAt: &taken, OffsetKnown: true, Make: "HUAWEI",
		Model: "Mate 40", Orientation: 1}
	return photoRec{ID: id, ParentKind: monthly.ParentKind, ParentID: rep.ID, ProjectID: rep.ProjectID,
		UploadedBy: rep.AuthorID, ObjectKey: "originals/bench-" + id, SHA256: sha, SizeBytes: 2190194,
		ContentType: "image/jpeg", Width: 4608, Height: 3456, EXIF: json.RawMessage(mustJSON(exif)), Lat: lat, Lon: lon,
		TakenAt: taken.UTC(), TakenOffset: taken.Format("-07:00"), Make: exif.Make, Model: exif.Model, Orientation: 1,
		Flags: json.RawMessage(mustJSON(fl)), PHash: phash, RenditionStatus: "ready",
		CreatedAt: ts(taken.Add(10 * time.Minute))}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// write inserts the reports (in the order they were filed, so seq
// follows it), their photos and the superseded figures.
func (g *yearGen) write(ctx context.Context) error {
	sort.SliceStable(g.reports, func(a, b int) bool { return g.reports[a].CreatedAt.Before(g.reports[b].CreatedAt) })
	if err := insertRecords(ctx, g.c, `INSERT INTO monthly_reports (id, project_id, period, state, report_values, photos,
		narrative, problems, help_requested, author_id, request_hash, created_at, updated_at, submitted_at, resubmitted_at,
		returned_at, returned_by, return_reason, accepted_at, accepted_by)
		SELECT id, project_id, period, state, report_values, photos, narrative, problems, help_requested, author_id,
		       request_hash, created_at, updated_at, submitted_at, resubmitted_at, returned_at, returned_by, return_reason,
		       accepted_at, accepted_by
		FROM jsonb_to_recordset($1::jsonb) AS x(id text, project_id text, period text, state text, report_values text,
		     photos text, narrative text, problems text, help_requested text, author_id text, request_hash text,
		     created_at timestamptz, updated_at timestamptz, submitted_at timestamptz, resubmitted_at timestamptz,
		     returned_at timestamptz, returned_by text, return_reason text, accepted_at timestamptz, accepted_by text)
		ORDER BY created_at`, g.reports); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := insertRecords(ctx, g.c, `INSERT INTO photos (id, parent_kind, parent_id, project_id, uploaded_by, object_key,
		sha256, size_bytes, content_type, width, height, exif, lat, lon, taken_at, taken_offset, make, model, orientation,
		flags, phash, rendition_status, created_at)
		SELECT id, parent_kind, parent_id, project_id, uploaded_by, object_key, sha256, size_bytes, content_type, width,
		       height, exif, lat, lon, taken_at, taken_offset, make, model, orientation, flags, phash, rendition_status,
		       created_at
		FROM jsonb_to_recordset($1::jsonb) AS x(id text, parent_kind text, parent_id text, project_id text,
		     uploaded_by text, object_key text, sha256 text, size_bytes bigint, content_type text, width int, height int,
		     exif jsonb, lat float8, lon float8, taken_at timestamptz, taken_offset text, make text, model text,
		     orientation int, flags jsonb, phash bigint, rendition_status text, created_at timestamptz)`, g.photos); err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	if err := insertRecords(ctx, g.c, `INSERT INTO indicator_values (id, indicator_id, project_id, value_date, value,
		source, source_id, reported_by, created_at)
		SELECT id, indicator_id, project_id, value_date, value, source, source_id, reported_by, created_at
		FROM jsonb_to_recordset($1::jsonb) AS x(id text, indicator_id text, project_id text, value_date date,
		     value float8, source text, source_id text, reported_by text, created_at timestamptz)`, g.values); err != nil {
		return fmt.Errorf("indicator values: %w", err)
	}
	return nil
}

func insertRecords[T any](ctx context.Context, c *county, stmt string, recs []T) error {
	const batch = 2000
	for i := 0; i < len(recs); i += batch {
		b, err := json.Marshal(recs[i:min(i+batch, len(recs))])
		if err != nil {
			return err
		}
		if _, err := c.sql.ExecContext(ctx, stmt, string(b)); err != nil {
			return err
		}
	}
	return nil
}

// recordLatest records each project's latest accepted figures through the
// projects service, as the acceptance would have: the indicators' values,
// the project's progress and both on-track moments are then its own.
func (g *yearGen) recordLatest(ctx context.Context) error {
	for pid, la := range g.latest {
		vals := make([]projects.IndicatorValue, len(la.values))
		for i, v := range la.values {
			vals[i] = projects.IndicatorValue{IndicatorID: v.IndicatorID, Value: v.Value}
		}
		if err := g.c.srv.Projects.RecordIndicatorValues(ctx, g.office, pid, projects.SourceMonthly, la.reportID, la.date, vals); err != nil {
			return fmt.Errorf("project %s: %w", pid, err)
		}
	}
	return nil
}
