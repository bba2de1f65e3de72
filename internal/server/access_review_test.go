package server_test

// reviewRules is the access table of the dashboard, export and public routes.
func reviewRules() map[string]rule { return map[string]rule{} }
