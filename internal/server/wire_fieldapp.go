package server

import (
	"github.com/fieldproof/fieldproof/internal/fieldapp"
	"github.com/fieldproof/fieldproof/storage"
)

// wireFieldApp mounts the field app at /app/. It needs no service: the app
// talks to the JSON API like any phone.
func (s *Server) wireFieldApp(o Options) error {
	app, err := fieldapp.New(storage.Origin(o.Objects))
	if err != nil {
		return err
	}
	s.mountRoot(app.Register)
	return nil
}
