package server_test

// orderRules is the access table of the order, notification and webhook routes.
func orderRules() map[string]rule { return map[string]rule{} }
