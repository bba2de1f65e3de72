package server_test

// directRules is the access table of the direct-upload routes.
func directRules() map[string]rule { return map[string]rule{} }
