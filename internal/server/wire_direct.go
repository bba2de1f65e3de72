package server

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/store"
)

// wireDirect mounts direct upload (presigned PUT or a signed URL served by
// fieldproof) for large photos over bad networks. It extends the photo
// service wirePhotos built, so the existing sweeper also cleans up staged
// uploads. The URL key derives from the JWT key because that is the one
// secret every replica already shares.
func (s *Server) wireDirect(o Options) error {
	if err := s.Photos.EnableDirect(photos.DirectDeps{Uploads: store.NewUploads(o.DB), Secret: o.JWTKey}); err != nil {
		return fmt.Errorf("direct upload: %w", err)
	}
	s.mount(func(g *gin.RouterGroup) { photoapi.RegisterDirect(g, s.Photos) })
	s.mountPublic(func(g *gin.RouterGroup) { photoapi.RegisterUploadTarget(g, s.Photos) })
	s.upload(photoapi.UploadTargetRoute, o.Config)
	// Completion has no body but may run long (reading a large photo back,
	// decoding it, storing the original), and net/http cancels a request's
	// context once its read deadline passes, even after the body was read:
	// the short JSON deadline would cut it off.
	s.upload("/checks/:id/photos/uploads/:upload_id/complete", o.Config)
	return nil
}
