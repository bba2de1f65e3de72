package server

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/circulars"
	"github.com/fieldproof/fieldproof/internal/httpapi/monthlyapi"
	"github.com/fieldproof/fieldproof/internal/monthly"
	"github.com/fieldproof/fieldproof/internal/monthly/monthlydb"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos/photosdb"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/projects/projectsdb"
)

// monthlyParts holds the monthly supervision cycle (issue 16).
type monthlyParts struct {
	Monthly *monthly.Service
}

// monthlyPhotoRoute is the photo pipeline's route for report ids: report
// photos go through the one pipeline, access decided by the cycle's policy.
func monthlyPhotoRoute(o Options) monthly.Parents {
	return monthly.NewParents(monthly.ParentDeps{Store: monthlydb.New(o.DB), Projects: projectsdb.New(o.DB)})
}

// wireMonthly builds the cycle on projects (indicators), photos (uploads)
// and orders (notifications and webhooks), so it runs after all three, and
// registers the reminder loop.
func (s *Server) wireMonthly(o Options) error {
	cfg := o.Config
	mc := cfg.Monthly
	s.Monthly = monthly.NewService(monthly.Deps{
		Store: monthlydb.New(o.DB), Projects: projectsdb.New(o.DB), Indicators: indicatorSource{s.Projects},
		Photos: photosdb.NewPhotos(o.DB), Uploader: s.Photos, Notifier: unitNotifier{s.Orders}, Audit: s.Audit,
		Log: o.Log, Now: o.Now,
		Options: monthly.Options{DueDay: mc.DueDay, Zone: cfg.Zone, PointRadiusM: mc.PointRadiusM, JumpShare: mc.JumpShare,
			ReminderInterval: mc.ReminderInterval},
	})
	s.upload(monthlyapi.PhotoRoute, cfg)
	s.mount(func(g *gin.RouterGroup) {
		monthlyapi.Register(g, s.Monthly, monthlyapi.Options{MaxUploadBytes: cfg.Photos.MaxUploadBytes, UploadTimeout: cfg.UploadTimeout})
	})
	s.worker(s.Monthly.RunNotices)
	return nil
}

// indicatorSource adapts the projects service to what the cycle reads and
// records of indicators.
type indicatorSource struct{ p *projects.Service }

func (a indicatorSource) IndicatorsOf(ctx context.Context, projectIDs []string, at *time.Time) (map[string][]monthly.Indicator, error) {
	m, err := a.p.IndicatorsOf(ctx, projectIDs, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]monthly.Indicator, len(m))
	for pid, inds := range m {
		for _, ind := range inds {
			out[pid] = append(out[pid], monthly.Indicator{ID: ind.ID, ProjectID: ind.ProjectID, Name: ind.Name,
				Unit: ind.Unit, Target: ind.Target, Value: ind.Value, HasValue: ind.ValueDate != nil})
		}
	}
	return out, nil
}

func (a indicatorSource) RecordIndicatorValues(ctx context.Context, p auth.Principal, projectID, source, sourceID string,
	date time.Time, values []monthly.IndicatorValue) error {
	vs := make([]projects.IndicatorValue, len(values))
	for i, v := range values {
		vs[i] = projects.IndicatorValue{IndicatorID: v.IndicatorID, Value: v.Value}
	}
	return a.p.RecordIndicatorValues(ctx, p, projectID, source, sourceID, date, vs)
}

// unitNotifier sends the cycle's notices through orders' notifications
// and webhooks.
type unitNotifier struct{ o *orders.Service }

func (n unitNotifier) NotifyUnit(ctx context.Context, x monthly.Notice) error {
	return n.o.NotifyUnit(ctx, orders.Notice{Event: x.Event, Subject: x.Subject, Message: x.Message, UnitID: x.UnitID,
		At: x.At, Data: map[string]any{"period": string(x.Period)}})
}

// circularReports gives the monthly circular each project's report
// standing from the period status (monthly.StatusOf): on time when first
// submitted by the due time, late after it, missing when never submitted.
// A project of the programme the status does not list (not under
// construction, no report) owed none.
type circularReports struct{ m *monthly.Service }

func (a circularReports) ReportsOf(ctx context.Context, period circulars.Period, programme []projects.Project) ([]circulars.ReportFacts, error) {
	st, err := a.m.StatusOf(ctx, period.String())
	if err != nil {
		return nil, err
	}
	byID := make(map[string]monthly.ProjectReport, len(st.Projects))
	for _, pr := range st.Projects {
		byID[pr.ProjectID] = pr
	}
	var out []circulars.ReportFacts
	for _, p := range programme {
		pr, ok := byID[p.ID]
		if !ok {
			continue
		}
		out = append(out, circulars.ReportFacts{ProjectID: p.ID, Code: p.Code, Name: p.Name, UnitID: p.UnitID,
			Township: p.Township, State: circulars.ReportState(pr.Standing())})
	}
	return out, nil
}
