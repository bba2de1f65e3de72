package server_test

// photoRules is the access table of the photo routes.
func photoRules() map[string]rule { return map[string]rule{} }
