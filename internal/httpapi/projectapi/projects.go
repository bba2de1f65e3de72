package projectapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

func (h *handlers) list(c *gin.Context) error {
	q, err := parseListQuery(c.Request.URL.Query())
	if err != nil {
		return err
	}
	page, err := h.svc.List(c.Request.Context(), mid.Principal(c), q)
	if err != nil {
		return err
	}
	out := pageResponse{Items: make([]projectResponse, len(page.Items))}
	for i, p := range page.Items {
		out.Items[i] = toProjectResponse(p)
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) create(c *gin.Context) error {
	var req createProjectRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	np, err := req.toNew()
	if err != nil {
		return err
	}
	p, err := h.svc.Create(c.Request.Context(), mid.Principal(c), np)
	if err != nil {
		return err
	}
	c.Header("Location", h.base+"/projects/"+p.ID)
	respond.JSON(c, http.StatusCreated, toProjectDetail(p))
	return nil
}

func (h *handlers) get(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	p, err := h.svc.Get(c.Request.Context(), mid.Principal(c), id)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toProjectDetail(p))
	return nil
}

func (h *handlers) update(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	var req updateProjectRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, err := req.toUpdate()
	if err != nil {
		return err
	}
	p, err := h.svc.Update(c.Request.Context(), mid.Principal(c), id, u)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toProjectDetail(p))
	return nil
}

func (h *handlers) changeStatus(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	var req statusRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	p, err := h.svc.ChangeStatus(c.Request.Context(), mid.Principal(c), id, projects.Status(req.Status))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toProjectDetail(p))
	return nil
}
