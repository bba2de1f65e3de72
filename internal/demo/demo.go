// Package demo loads a small demo county — townships, responsible units, a
// dozen projects of several categories (one village road with its route) and
// one user of each role — so a newcomer can try every endpoint at once. Its
// names are Chinese, as a county's are: the users are county staff, and the
// demo is what they first see. Usernames stay ASCII to type at a login. It
// goes through the services like any client, so the demo data obeys every
// rule real data does. Loading twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// The demo's townships and the units the demo users belong to.
const (
	qingshan, hetang, baishui, longtan = "青山乡", "河塘镇", "白水乡", "龙潭镇"
	unitTransport, unitQingshan        = "县交通运输局", "青山乡人民政府"
)

// Users are the demo accounts; their passwords are public by design.
var Users = []struct {
	Username, Password, Name string
	Role                     auth.Role
	Unit, Badge              string
}{
	{"office", "demo-office-pass", "周华（县重点民生项目督查室）", auth.RoleOffice, "", ""},
	{"inspector", "demo-inspector-pass", "陈刚（县交通运输局）", auth.RoleInspector, unitTransport, ""},
	{"volunteer", "demo-volunteer-pass", "刘芳（上坝村义务监督员）", auth.RoleVolunteer, "", "JT-2026-0417"},
	{"contractor", "demo-contractor-pass", "黄伟（青山乡人民政府）", auth.RoleContractor, unitQingshan, ""},
}

// Services are what the loader drives. Checks, Photos and Orders are
// optional: without them the county has no checks or orders yet.
type Services struct {
	Auth     *auth.Service
	Projects *projects.Service
	Checks   *checks.Service
	Photos   *photos.Service
	Orders   *orders.Service
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
			ResponsibleLeader: unit + "分管负责人", Contractor: projects.Contractor{Name: township + "建筑工程有限公司", Contact: "0731-555-0100"},
			Budget: "1200000", FundingSource: "县级财政资金", PlannedStart: y(start), PlannedEnd: y(end), Status: status,
			TargetQuantity: f(target), TargetUnit: targetUnit, Location: &projects.Point{Lat: lat, Lon: lon}}
	}
	shangba := mk("RD-001", "上坝村通村公路", projects.CatRoad, qingshan, unitQingshan,
		28.2012, 112.9684, projects.StatusUnderConstruction, 4.2, "公里", "03-01", "10-31")
	shangba.Location, shangba.Route = nil, road
	return []seed{
		{shangba, 35},
		{mk("RD-002", "下坝村道路拓宽工程", projects.CatRoad, qingshan, unitTransport, 28.1801, 112.9503, projects.StatusUnderConstruction, 2.5, "公里", "04-01", "09-30"), 60},
		{mk("WS-001", "河塘镇农村饮水安全巩固提升工程", projects.CatDrinkingWater, hetang, "县水利局", 28.2401, 113.0102, projects.StatusUnderConstruction, 1200, "户", "02-15", "08-31"), 70},
		{mk("SC-001", "河塘镇中心小学改扩建工程", projects.CatSchool, hetang, "县教育局", 28.2433, 113.0155, projects.StatusPlanned, 1, "所", "05-01", "12-20"), 0},
		{mk("KG-001", "白水乡公办幼儿园", projects.CatKindergarten, baishui, "县教育局", 28.1502, 112.9011, projects.StatusUnderConstruction, 1, "所", "03-10", "11-30"), 20},
		{mk("NH-001", "白水乡敬老院", projects.CatNursingHome, baishui, "县民政局", 28.1533, 112.9055, projects.StatusUnderConstruction, 60, "张床位", "01-10", "10-31"), 55},
		{mk("CL-001", "青山乡卫生院", projects.CatClinic, qingshan, "县卫生健康局", 28.2044, 112.9701, projects.StatusCompleted, 1, "所", "01-05", "06-30"), 100},
		{mk("CS-001", "龙潭镇综合文化站", projects.CatCulturalStation, longtan, "县文化旅游广电体育局", 28.1101, 113.0501, projects.StatusUnderConstruction, 1, "个", "02-01", "09-30"), 0},
		{mk("PO-001", "龙潭镇邮政所", projects.CatPostOffice, longtan, "县邮政分公司", 28.1122, 113.0533, projects.StatusPlanned, 1, "个", "03-01", "10-31"), 0},
		{mk("LB-001", "上坝村农家书屋", projects.CatLibrary, qingshan, unitQingshan, 28.2020, 112.9690, projects.StatusAccepted, 1, "个", "01-10", "05-31"), 100},
		{mk("SW-001", "河塘镇污水处理厂", projects.CatSewage, hetang, "县住房和城乡建设局", 28.2466, 113.0201, projects.StatusSuspended, 500, "吨/日", "02-01", "12-31"), 10},
		{mk("SV-001", "白水乡雪亮工程视频监控", projects.CatSurveillance, baishui, "县公安局", 28.1555, 112.9077, projects.StatusUnderConstruction, 120, "个摄像头", "04-01", "10-31"), 45},
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
	users := map[string]auth.User{}
	for _, u := range Users {
		created, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: u.Username, Password: u.Password, DisplayName: u.Name,
			Role: u.Role, Unit: u.Unit, BadgeNo: u.Badge})
		switch {
		case err == nil:
			ids[u.Username] = created.ID
			users[u.Username] = created
			out = append(out, fmt.Sprintf("user %-10s password %-22s (%s)", u.Username, u.Password, u.Role))
		case errors.Is(err, errs.ErrConflict):
			existing, err := s.Auth.ListUsers(ctx, auth.UserFilter{Query: u.Username, Limit: 10})
			if err != nil {
				return out, err
			}
			for _, e := range existing {
				if e.Username == u.Username {
					ids[u.Username] = e.ID
					users[u.Username] = e
				}
			}
		default:
			return out, fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	year := now.Year()
	var road, roadName string
	for i, sd := range seeds(year) {
		p, err := s.Projects.Create(ctx, system, sd.np)
		if errors.Is(err, errs.ErrConflict) {
			continue // loaded before
		}
		if err != nil {
			return out, fmt.Errorf("demo project %s: %w", sd.np.Code, err)
		}
		if i == 0 {
			road, roadName = p.ID, p.Name
		}
		if sd.progress > 0 {
			date := time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
			if date.After(now) {
				date = now
			}
			if _, err := s.Projects.ReportProgress(ctx, system, p.ID, projects.NewProgress{
				Date: date.Format(projects.DateLayout), Percent: f(sd.progress), Note: "演示进度填报"}); err != nil {
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
		out = append(out, "assigned inspector and volunteer to "+roadName)
		more, err := activity(ctx, s, users, road, now)
		if err != nil {
			return out, err
		}
		out = append(out, more...)
	}
	return out, nil
}
