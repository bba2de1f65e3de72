package server_test

import "net/http"

// checkRules is the access table of the checklist and check routes.
func checkRules() map[string]rule {
	return map[string]rule{
		"GET /api/v1/checklists":                         {roles: all, req: get("/api/v1/checklists")},
		"GET /api/v1/checklists/:type/versions/:version": {roles: all, req: get("/api/v1/checklists/signage/versions/1")},
		"POST /api/v1/checklists/:type": {roles: officeOnly, req: body(http.MethodPost, "/api/v1/checklists/general", func(*fixture) any {
			return map[string]any{"title": "General", "items": []map[string]any{
				{"key": "ok", "label": "Work satisfactory", "type": "yes_no", "required": true, "pass_when": true}}}
		})},
	}
}
