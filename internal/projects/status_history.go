package projects

import (
	"context"
	"time"
)

// A project's status at a past instant comes from its status history (one
// entry per creation, import and status change, written in the same
// transaction), never from today's status: June's circular printed in
// December, or June's reporting status read in December, judge the
// projects as they stood in June.

// StatusChange is one entry of a project's status history: from From on,
// until the next entry, the project had Status.
type StatusChange struct {
	ProjectID string
	Status    Status
	From      time.Time
}

// StatusHistoryStore keeps the history.
type StatusHistoryStore interface {
	// InsertStatusChanges appends entries; call it in the transaction of
	// the change it records.
	InsertStatusChanges(ctx context.Context, cs []StatusChange) error
	// StatusChangesOf returns each project's entries, oldest first (entries
	// of the same instant in the order written).
	StatusChangesOf(ctx context.Context, projectIDs []string) (map[string][]StatusChange, error)
}

// StatusAt is the status of a history at the instant at: that of the
// latest entry from at or before it. ok is false when at precedes the
// history (the project was not yet recorded) or there is none.
func StatusAt(history []StatusChange, at time.Time) (Status, bool) {
	var st Status
	ok := false
	for _, c := range history {
		if c.From.After(at) {
			break
		}
		st, ok = c.Status, true
	}
	return st, ok
}

// StatusesDuring lists the statuses a history had at some instant of
// [from, to), each once, in the order they were taken: the status in force
// at from (if the project was recorded by then) and every one taken before
// to.
func StatusesDuring(history []StatusChange, from, to time.Time) []Status {
	var out []Status
	add := func(s Status) {
		for _, x := range out {
			if x == s {
				return
			}
		}
		out = append(out, s)
	}
	if st, ok := StatusAt(history, from); ok {
		add(st)
	}
	for _, c := range history {
		if c.From.After(from) && c.From.Before(to) {
			add(c.Status)
		}
	}
	return out
}

// StatusesAt is each project's status at the instant at, from its
// history. A project not yet recorded at at (created or imported later)
// takes the status it was recorded with — the best the record can say; a
// project with no history at all (none should exist) is absent.
func (s *Service) StatusesAt(ctx context.Context, projectIDs []string, at time.Time) (map[string]Status, error) {
	hs, err := s.store.StatusChangesOf(ctx, projectIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Status, len(hs))
	for id, h := range hs {
		if st, ok := StatusAt(h, at); ok {
			out[id] = st
		} else if len(h) > 0 {
			out[id] = h[0].Status
		}
	}
	return out, nil
}

// StatusesDuring is each recorded project's statuses at some instant of
// [from, to) (see the function of the same name); a project recorded only
// after to is absent.
func (s *Service) StatusesDuring(ctx context.Context, projectIDs []string, from, to time.Time) (map[string][]Status, error) {
	hs, err := s.store.StatusChangesOf(ctx, projectIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Status, len(hs))
	for id, h := range hs {
		if sts := StatusesDuring(h, from, to); len(sts) > 0 {
			out[id] = sts
		}
	}
	return out, nil
}

// WithStatusesAt returns copies of ps whose Status is the one each had at
// at (kept when the history says nothing), for judging a past date with
// ScheduleOf, which stays pure.
func (s *Service) WithStatusesAt(ctx context.Context, ps []Project, at time.Time) ([]Project, error) {
	ids := make([]string, len(ps))
	for i := range ps {
		ids[i] = ps[i].ID
	}
	sts, err := s.StatusesAt(ctx, ids, at)
	if err != nil {
		return nil, err
	}
	out := make([]Project, len(ps))
	for i, p := range ps {
		if st, ok := sts[p.ID]; ok {
			p.Status = st
		}
		out[i] = p
	}
	return out, nil
}

// statusEntries are the history entries of projects entering the record.
func statusEntries(ps []Project) []StatusChange {
	out := make([]StatusChange, len(ps))
	for i, p := range ps {
		out[i] = StatusChange{ProjectID: p.ID, Status: p.Status, From: p.CreatedAt}
	}
	return out
}
