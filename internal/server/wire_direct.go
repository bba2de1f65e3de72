package server

import (
	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/photoapi"
)

// wireDirect mounts direct upload (presigned PUT or a signed URL served by
// fieldproof) for large photos over bad networks. wirePhotos built the
// photo service with it on, so the photo sweeper also cleans up staged
// uploads.
func (s *Server) wireDirect(o Options) error {
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
