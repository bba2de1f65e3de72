// Package demo loads a small demo county — townships, responsible units, a
// dozen projects of several categories (one village road with its route) and
// one user of each role — so a newcomer can try every endpoint at once. It
// goes through the services like any client, so the demo data obeys every
// rule real data does. Loading twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// Users are the demo accounts; their passwords are public by design.
var Users = []struct {
	Username, Password, Name string
	Role                     auth.Role
	Unit, Badge              string
}{
	{"office", "demo-office-pass", "Zhou Hua (supervision office)", auth.RoleOffice, "", ""},
	{"inspector", "demo-inspector-pass", "Chen Gang (transport bureau)", auth.RoleInspector, "County Transport Bureau", ""},
	{"volunteer", "demo-volunteer-pass", "Liu Fang (Shangba village)", auth.RoleVolunteer, "", "JT-2026-0417"},
	{"contractor", "demo-contractor-pass", "Huang Wei (Qingshan township works)", auth.RoleContractor, "Qingshan Township Government", ""},
}

// Services are what the loader drives.
type Services struct {
	Auth     *auth.Service
	Projects *projects.Service
}

func f(v float64) *float64 { return &v }

type seed struct {
	np       projects.NewProject
	progress float64 // percent reported on 1 June, 0 for none
}

// the seeded projects; codes follow the county's 年度-类别-序号 numbering.
func seeds(year int) []seed {
	y := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
	road := &projects.GeoLine{Type: "LineString", Coordinates: [][]float64{
		{112.9684, 28.2012}, {112.9731, 28.2049}, {112.9802, 28.2061}, {112.9866, 28.2110}, {112.9913, 28.2178},
	}}
	mk := func(code, name string, cat projects.Category, township, unit string, lat, lon float64, status projects.Status,
		target float64, targetUnit, start, end string) projects.NewProject {
		return projects.NewProject{Code: fmt.Sprintf("%d-%s", year, code), Name: name, Category: cat, Township: township, Unit: unit,
			ResponsibleLeader: "Director of " + unit, Contractor: projects.Contractor{Name: township + " Construction Co.", Contact: "0731-555-0100"},
			Budget: "1200000", FundingSource: "county budget", PlannedStart: y(start), PlannedEnd: y(end), Status: status,
			TargetQuantity: f(target), TargetUnit: targetUnit, Location: &projects.Point{Lat: lat, Lon: lon}}
	}
	shangba := mk("RD-001", "Shangba village concrete road", projects.CatRoad, "Qingshan", "Qingshan Township Government",
		28.2012, 112.9684, projects.StatusUnderConstruction, 4.2, "km", "03-01", "10-31")
	shangba.Location, shangba.Route = nil, road
	return []seed{
		{shangba, 35},
		{mk("RD-002", "Xiaba village road widening", projects.CatRoad, "Qingshan", "County Transport Bureau", 28.1801, 112.9503, projects.StatusUnderConstruction, 2.5, "km", "04-01", "09-30"), 60},
		{mk("WS-001", "Hetang drinking-water scheme", projects.CatDrinkingWater, "Hetang", "County Water Bureau", 28.2401, 113.0102, projects.StatusUnderConstruction, 1200, "households", "02-15", "08-31"), 70},
		{mk("SC-001", "Hetang central primary school upgrade", projects.CatSchool, "Hetang", "County Education Bureau", 28.2433, 113.0155, projects.StatusPlanned, 1, "school", "05-01", "12-20"), 0},
		{mk("KG-001", "Baishui public kindergarten", projects.CatKindergarten, "Baishui", "County Education Bureau", 28.1502, 112.9011, projects.StatusUnderConstruction, 1, "kindergarten", "03-10", "11-30"), 20},
		{mk("NH-001", "Baishui township nursing home", projects.CatNursingHome, "Baishui", "County Civil Affairs Bureau", 28.1533, 112.9055, projects.StatusUnderConstruction, 60, "beds", "01-10", "10-31"), 55},
		{mk("CL-001", "Qingshan township clinic", projects.CatClinic, "Qingshan", "County Health Bureau", 28.2044, 112.9701, projects.StatusCompleted, 1, "clinic", "01-05", "06-30"), 100},
		{mk("CS-001", "Longtan cultural station", projects.CatCulturalStation, "Longtan", "County Culture Bureau", 28.1101, 113.0501, projects.StatusUnderConstruction, 1, "station", "02-01", "09-30"), 0},
		{mk("PO-001", "Longtan post office", projects.CatPostOffice, "Longtan", "County Post Office", 28.1122, 113.0533, projects.StatusPlanned, 1, "office", "03-01", "10-31"), 0},
		{mk("LB-001", "Shangba farmhouse library", projects.CatLibrary, "Qingshan", "Qingshan Township Government", 28.2020, 112.9690, projects.StatusAccepted, 1, "library", "01-10", "05-31"), 100},
		{mk("SW-001", "Hetang sewage treatment plant", projects.CatSewage, "Hetang", "County Housing Bureau", 28.2466, 113.0201, projects.StatusSuspended, 500, "t/day", "02-01", "12-31"), 10},
		{mk("SV-001", "Baishui security camera network", projects.CatSurveillance, "Baishui", "County Public Security Bureau", 28.1555, 112.9077, projects.StatusUnderConstruction, 120, "cameras", "04-01", "10-31"), 45},
	}
}

// Load seeds the demo county. The returned lines say what was created.
func Load(ctx context.Context, s Services, now time.Time) ([]string, error) {
	var out []string
	admins, err := s.Auth.ListUsers(ctx, auth.UserFilter{Role: auth.RoleAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		return nil, fmt.Errorf("demo data needs an admin to act as: %v", err)
	}
	// Records name who made them; the demo is made by the first admin.
	system := admins[0].Principal()
	ids := map[string]string{}
	for _, u := range Users {
		created, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: u.Username, Password: u.Password, DisplayName: u.Name,
			Role: u.Role, Unit: u.Unit, BadgeNo: u.Badge})
		switch {
		case err == nil:
			ids[u.Username] = created.ID
			out = append(out, fmt.Sprintf("user %-10s password %-22s (%s)", u.Username, u.Password, u.Role))
		case errors.Is(err, errs.ErrConflict):
			existing, err := s.Auth.ListUsers(ctx, auth.UserFilter{Query: u.Username, Limit: 10})
			if err != nil {
				return out, err
			}
			for _, e := range existing {
				if e.Username == u.Username {
					ids[u.Username] = e.ID
				}
			}
		default:
			return out, fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	year := now.Year()
	var road string
	for i, sd := range seeds(year) {
		p, err := s.Projects.Create(ctx, system, sd.np)
		if errors.Is(err, errs.ErrConflict) {
			continue // loaded before
		}
		if err != nil {
			return out, fmt.Errorf("demo project %s: %w", sd.np.Code, err)
		}
		if i == 0 {
			road = p.ID
		}
		if sd.progress > 0 {
			date := time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
			if date.After(now) {
				date = now
			}
			if _, err := s.Projects.ReportProgress(ctx, system, p.ID, projects.NewProgress{
				Date: date.Format(projects.DateLayout), Percent: f(sd.progress), Note: "demo progress report"}); err != nil {
				return out, fmt.Errorf("demo progress %s: %w", sd.np.Code, err)
			}
		}
		out = append(out, fmt.Sprintf("project %s %s", p.Code, p.Name))
	}
	if road != "" {
		for _, who := range []string{"inspector", "volunteer"} {
			if _, _, err := s.Projects.Assign(ctx, system, road, projects.NewAssignment{UserID: ids[who]}); err != nil {
				return out, fmt.Errorf("demo assignment %s: %w", who, err)
			}
		}
		out = append(out, "assigned inspector and volunteer to the Shangba village road")
	}
	return out, nil
}
