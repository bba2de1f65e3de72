package monthly

import (
	"context"
	"sort"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// ProjectReport is one project's standing in a period.
type ProjectReport struct {
	ProjectID, ProjectCode, ProjectName, UnitID, UnitName, TownshipID, Township string
	ReportID                                                                    string
	State                                                                       ReportState
	SubmittedAt                                                                 *time.Time
	// Late: first submitted after the due time, or not submitted and the
	// due time has passed.
	Late  bool
	Flags []string
}

// Standing of a project's report for counting: on time, late (submitted
// after the due time), missing (not submitted at all: no report or a
// draft). A report submitted and then returned keeps its first submission.
const (
	CountOnTime  = "on_time"
	CountLate    = "late"
	CountMissing = "missing"
)

// StatusCount is a unit's or a township's tally for the period.
type StatusCount struct {
	ID, Name                        string
	Projects, OnTime, Late, Missing int
	Submitted, Returned, Accepted   int
	OverdueMissing                  int // missing and past the due time
}

// PeriodStatus is a period's reporting status, computed from the data on
// every call: nothing about missing or late is stored.
type PeriodStatus struct {
	Period             Period
	DueAt              time.Time
	Closed             bool
	Projects           []ProjectReport
	ByUnit, ByTownship []StatusCount
}

// Standing is how the report counts: on_time, late or missing.
func (pr ProjectReport) Standing() string {
	switch {
	case pr.SubmittedAt == nil:
		return CountMissing
	case pr.Late:
		return CountLate
	}
	return CountOnTime
}

// Status is the period's status for the office and inspectors.
func (s *Service) Status(ctx context.Context, p auth.Principal, period string) (PeriodStatus, error) {
	if err := policy.MonthlyGlobal(p, policy.ViewPeriodStatus); err != nil {
		return PeriodStatus{}, err
	}
	return s.StatusOf(ctx, period)
}

// StatusOf is Status without policy, for services that have authorized
// already (the monthly circular).
func (s *Service) StatusOf(ctx context.Context, period string) (PeriodStatus, error) {
	pd, err := ParsePeriod("period", period)
	if err != nil {
		return PeriodStatus{}, err
	}
	closed, _, err := s.d.Store.PeriodClosed(ctx, pd)
	if err != nil {
		return PeriodStatus{}, err
	}
	dueAt := pd.DueAt(s.o.DueDay, s.o.Zone).UTC()
	now := s.d.Now()
	rows, err := s.owing(ctx, pd, OwedAt(dueAt, now))
	if err != nil {
		return PeriodStatus{}, err
	}
	st := PeriodStatus{Period: pd, DueAt: dueAt, Closed: closed, Projects: make([]ProjectReport, 0, len(rows))}
	photoFlags, err := s.statusPhotoFlags(ctx, rows)
	if err != nil {
		return PeriodStatus{}, err
	}
	for _, row := range rows {
		pr := ProjectReport{ProjectID: row.ProjectID, ProjectCode: row.ProjectCode, ProjectName: row.ProjectName,
			UnitID: row.UnitID, UnitName: row.UnitName, TownshipID: row.TownshipID, Township: row.Township,
			State: StateMissing}
		if r := row.Report; r != nil {
			pr.ReportID, pr.State, pr.SubmittedAt = r.ID, r.State, r.SubmittedAt
			for _, v := range r.Values {
				pr.Flags = appendNew(pr.Flags, v.Flags...)
			}
			for _, rp := range r.Photos {
				pr.Flags = appendNew(pr.Flags, photoFlags[r.ID][rp.PhotoID]...)
			}
		}
		if pr.SubmittedAt != nil {
			pr.Late = !pr.SubmittedAt.Before(st.DueAt)
		} else {
			pr.Late = !now.Before(st.DueAt)
		}
		st.Projects = append(st.Projects, pr)
	}
	st.ByUnit = tally(st.Projects, func(pr ProjectReport) (string, string) { return pr.UnitID, pr.UnitName })
	st.ByTownship = tally(st.Projects, func(pr ProjectReport) (string, string) { return pr.TownshipID, pr.Township })
	return st, nil
}

// OwedAt is the instant that decides who owes a report for a period: its
// due time, or now while the period is not yet due. A project owes one
// when it was under construction then (by its status history, not by
// today's status): a project begun after the due day owes from the next
// month, one completed or suspended before it owes none for the month.
func OwedAt(dueAt, now time.Time) time.Time {
	if now.Before(dueAt) {
		return now
	}
	return dueAt
}

// owing narrows the store's rows to the projects that owed a report at at
// (under construction then), and those that submitted one all the same
// (filed while under construction, before a completion or suspension
// that came before the due time): a submitted report is always counted.
func (s *Service) owing(ctx context.Context, pd Period, at time.Time) ([]StatusRow, error) {
	rows, err := s.d.Store.StatusRows(ctx, pd, at)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ProjectID
	}
	hs, err := s.d.Projects.StatusChangesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		st, ok := projects.StatusAt(hs[r.ProjectID], at)
		if (ok && st == projects.StatusUnderConstruction) || (r.Report != nil && r.Report.SubmittedAt != nil) {
			out = append(out, r)
		}
	}
	return out, nil
}

// statusPhotoFlags judges every photo of the period's reports in three
// queries (points, photos, duplicate references), whatever the county's
// size.
func (s *Service) statusPhotoFlags(ctx context.Context, rows []StatusRow) (map[string]map[string][]string, error) {
	var rs []Report
	var reportIDs, projectIDs []string
	for _, row := range rows {
		if row.Report != nil && len(row.Report.Photos) > 0 {
			rs = append(rs, *row.Report)
			reportIDs = append(reportIDs, row.Report.ID)
			projectIDs = append(projectIDs, row.ProjectID)
		}
	}
	if len(rs) == 0 {
		return map[string]map[string][]string{}, nil
	}
	points, err := s.d.Store.PointsOf(ctx, projectIDs)
	if err != nil {
		return nil, err
	}
	stored, err := s.d.Store.PhotosOfReports(ctx, reportIDs)
	if err != nil {
		return nil, err
	}
	return s.photoFlags(ctx, rs, points, stored)
}

func tally(prs []ProjectReport, key func(ProjectReport) (string, string)) []StatusCount {
	idx := map[string]int{}
	var out []StatusCount
	for _, pr := range prs {
		id, name := key(pr)
		i, ok := idx[id]
		if !ok {
			i = len(out)
			idx[id] = i
			out = append(out, StatusCount{ID: id, Name: name})
		}
		c := &out[i]
		c.Projects++
		switch pr.Standing() {
		case CountOnTime:
			c.OnTime++
		case CountLate:
			c.Late++
		default:
			c.Missing++
			if pr.Late {
				c.OverdueMissing++
			}
		}
		switch pr.State {
		case StateSubmitted:
			c.Submitted++
		case StateReturned:
			c.Returned++
		case StateAccepted:
			c.Accepted++
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

func appendNew(dst []string, xs ...string) []string {
	for _, x := range xs {
		found := false
		for _, d := range dst {
			found = found || d == x
		}
		if !found {
			dst = append(dst, x)
		}
	}
	return dst
}
