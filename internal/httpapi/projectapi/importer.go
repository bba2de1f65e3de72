package projectapi

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type importedProject struct {
	ID   string `json:"id"`
	Code string `json:"code"`
}

type importResponse struct {
	Created int               `json:"created"`
	Items   []importedProject `json:"items"`
}

func unsupportedImport() error {
	return &errs.Error{Kind: errs.KindUnsupportedMedia, Code: "unsupported_media_type",
		Message: "send text/csv (UTF-8) or application/geo+json"}
}

// importFormat picks the reader from Content-Type. Only UTF-8 is read; a
// declared other charset is refused here rather than misread.
func importFormat(ct string) (projects.ImportFormat, error) {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return 0, unsupportedImport()
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return 0, unsupportedImport()
	}
	switch mt {
	case "text/csv":
		return projects.ImportCSV, nil
	case "application/geo+json", "application/json":
		return projects.ImportGeoJSON, nil
	}
	return 0, unsupportedImport()
}

func (h *handlers) importProjects(c *gin.Context) error {
	format, err := importFormat(c.GetHeader("Content-Type"))
	if err != nil {
		return err
	}
	ps, err := h.svc.Import(c.Request.Context(), mid.Principal(c), format, c.Request.Body)
	if err != nil {
		return err
	}
	out := importResponse{Created: len(ps), Items: make([]importedProject, len(ps))}
	for i, p := range ps {
		out.Items[i] = importedProject{ID: p.ID, Code: p.Code}
	}
	respond.JSON(c, http.StatusCreated, out)
	return nil
}
