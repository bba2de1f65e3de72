package server_test

import "github.com/fieldproof/fieldproof/internal/auth"

// reviewRules is the access table of the dashboard, export and public routes.
// The dashboard and the exports are county-wide, so they are for the roles
// that see every project and check (admin, office, inspector); volunteers
// and contractors are refused with 403, not given a partial county.
func reviewRules() map[string]rule {
	staff := []auth.Role{auth.RoleAdmin, auth.RoleOffice, auth.RoleInspector}
	return map[string]rule{
		"GET /public/v1/projects":              {public: true, req: get("/public/v1/projects")},
		"GET /api/v1/dashboard/projects":       {roles: staff, req: get("/api/v1/dashboard/projects?days=7")},
		"GET /api/v1/exports/checks.csv":       {roles: staff, req: get("/api/v1/exports/checks.csv?result=fail")},
		"GET /api/v1/exports/checks.geojson":   {roles: staff, req: get("/api/v1/exports/checks.geojson")},
		"GET /api/v1/exports/projects.geojson": {roles: staff, req: get("/api/v1/exports/projects.geojson")},
		"GET /api/v1/exports/orders.csv":       {roles: staff, req: get("/api/v1/exports/orders.csv?severity=major")},
		"GET /api/v1/exports/orders.geojson":   {roles: staff, req: get("/api/v1/exports/orders.geojson")},
	}
}
