package server_test

// checkRules is the access table of the checklist and check routes.
func checkRules() map[string]rule { return map[string]rule{} }
