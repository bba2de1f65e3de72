package server

// checkParts holds the checklist and check services (issue: geotagged checks).
type checkParts struct{}

// wireChecks builds checklists and checks and mounts their routes.
func (s *Server) wireChecks(o Options) error { return nil }
