package projects

import (
	"context"
	"strings"
	"time"
)

// Schedule status on every project a caller reads: computed with ScheduleOf
// at the service's clock from the indicators' latest figures, one query for
// a whole page (never one per project).

// attachSchedules fills Schedule on each project.
func (s *Service) attachSchedules(ctx context.Context, ps []Project, at time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	// Most rows carry their indicators (ScheduleBasis); only the others
	// are read, in one query.
	var ids []string
	for i := range ps {
		if ps[i].ScheduleBasis == nil {
			ids = append(ids, ps[i].ID)
		}
	}
	var m map[string][]Indicator
	if len(ids) > 0 {
		var err error
		if m, err = s.store.IndicatorsOf(ctx, ids); err != nil {
			return err
		}
	}
	for i := range ps {
		inds := ps[i].ScheduleBasis
		if inds == nil {
			inds = m[ps[i].ID]
		}
		sch := ScheduleOf(ps[i], inds, at)
		ps[i].Schedule = &sch
	}
	return nil
}

func (s *Service) attachSchedule(ctx context.Context, p *Project, at time.Time) error {
	one := []Project{*p}
	if err := s.attachSchedules(ctx, one, at); err != nil {
		return err
	}
	p.Schedule = one[0].Schedule
	return nil
}

// ParseScheduleStatuses reads a comma-separated list of statuses
// ("behind,stalled"); ok is false when one is unknown.
func ParseScheduleStatuses(s string) ([]ScheduleStatus, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	var out []ScheduleStatus
	seen := map[ScheduleStatus]bool{}
	for _, part := range strings.Split(s, ",") {
		st := ScheduleStatus(strings.TrimSpace(part))
		if !st.Valid() {
			return nil, false
		}
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	return out, true
}

func joinScheduleStatuses() string {
	parts := make([]string, len(ScheduleStatuses))
	for i, st := range ScheduleStatuses {
		parts[i] = string(st)
	}
	return strings.Join(parts, ", ")
}

// listBySchedule pages through the list in batches, keeping the projects
// whose schedule status is one of want, until the page (plus one, to know
// whether there is another) is full or the list ends. The cursor stays the
// last code shown, so the next page re-reads from there and filters again.
// When only behind and stalled are asked for, the indexed on_track_until
// test narrows the read first: both mean the share due has passed the
// share reported, which is exactly on_track_until < now.
func (s *Service) listBySchedule(ctx context.Context, f Filter, want int, statuses []ScheduleStatus) ([]Project, error) {
	set := map[ScheduleStatus]bool{}
	onlyBehind := true
	for _, st := range statuses {
		set[st] = true
		onlyBehind = onlyBehind && (st == ScheduleBehind || st == ScheduleStalled)
	}
	if onlyBehind {
		if f.Behind != nil && !*f.Behind {
			return nil, nil
		}
		t := true
		f.Behind = &t
	}
	f.Limit = MaxLimit + 1
	var out []Project
	for {
		batch, err := s.store.ListProjects(ctx, f)
		if err != nil {
			return nil, err
		}
		if err := s.attachSchedules(ctx, batch, f.Now); err != nil {
			return nil, err
		}
		for _, p := range batch {
			if set[p.Schedule.Status] {
				out = append(out, p)
				if len(out) > want {
					return out, nil
				}
			}
		}
		if len(batch) < f.Limit {
			return out, nil
		}
		f.AfterCode = batch[len(batch)-1].Code
	}
}
