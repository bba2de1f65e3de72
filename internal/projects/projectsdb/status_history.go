package projectsdb

import (
	"context"
	"time"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store"
)

var entStatusChange = store.NewEntity("project_status")

// statusHistoryRow is project_status_history; seq is the database's.
type statusHistoryRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement"`
	ProjectID string
	Status    string
	FromAt    time.Time
}

func (statusHistoryRow) TableName() string { return "project_status_history" }

// InsertStatusChanges appends history entries in the order given.
func (s *Store) InsertStatusChanges(ctx context.Context, cs []projects.StatusChange) error {
	if len(cs) == 0 {
		return nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows := make([]statusHistoryRow, len(cs))
	for i, c := range cs {
		rows[i] = statusHistoryRow{ProjectID: c.ProjectID, Status: string(c.Status), FromAt: store.TS(c.From)}
	}
	err := s.db.Conn(ctx).Omit("Seq").CreateInBatches(rows, store.InsertBatch).Error
	return store.Translate(err, entStatusChange, "insert status history")
}

// StatusChangesOf reads the histories of projectIDs, oldest entry first.
// A project has a handful of entries in its life, so the whole history is
// read: the callers judge any instant, including before the first entry.
func (s *Store) StatusChangesOf(ctx context.Context, projectIDs []string) (map[string][]projects.StatusChange, error) {
	out := map[string][]projects.StatusChange{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	for _, chunk := range chunks(projectIDs) {
		var rows []statusHistoryRow
		err := s.db.Conn(ctx).Where("project_id IN ?", chunk).Order("project_id, from_at, seq").Find(&rows).Error
		if err != nil {
			return nil, store.Translate(err, entStatusChange, "read status history")
		}
		for _, r := range rows {
			out[r.ProjectID] = append(out[r.ProjectID], projects.StatusChange{ProjectID: r.ProjectID,
				Status: projects.Status(r.Status), From: r.FromAt.UTC()})
		}
	}
	return out, nil
}
