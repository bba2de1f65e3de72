package projectapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/org"
)

type townshipResponse struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

type unitResponse struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Leader    string    `json:"leader"`
	CreatedAt time.Time `json:"created_at"`
}

type createTownshipRequest struct {
	Name string `json:"name"`
}

type createUnitRequest struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func toTownshipResponse(t org.Township) townshipResponse {
	return townshipResponse{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
}

func toUnitResponse(u org.Unit) unitResponse {
	return unitResponse{ID: u.ID, Name: u.Name, Kind: string(u.Kind), Leader: u.Leader, CreatedAt: u.CreatedAt.UTC()}
}

func (h *handlers) listTownships(c *gin.Context) error {
	ts, err := h.orgs.ListTownships(c.Request.Context(), mid.Principal(c))
	if err != nil {
		return err
	}
	out := listResponse[townshipResponse]{Items: make([]townshipResponse, len(ts))}
	for i, t := range ts {
		out.Items[i] = toTownshipResponse(t)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) createTownship(c *gin.Context) error {
	var req createTownshipRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	t, err := h.orgs.CreateTownship(c.Request.Context(), mid.Principal(c), req.Name)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toTownshipResponse(t))
	return nil
}

func (h *handlers) listUnits(c *gin.Context) error {
	us, err := h.orgs.ListUnits(c.Request.Context(), mid.Principal(c))
	if err != nil {
		return err
	}
	out := listResponse[unitResponse]{Items: make([]unitResponse, len(us))}
	for i, u := range us {
		out.Items[i] = toUnitResponse(u)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

func (h *handlers) createUnit(c *gin.Context) error {
	var req createUnitRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, err := h.orgs.CreateUnit(c.Request.Context(), mid.Principal(c), req.Name, org.UnitKind(req.Kind))
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusCreated, toUnitResponse(u))
	return nil
}

// updateUnitRequest is a unit PATCH: only its leader (负责人) changes; a
// unit's name is the key projects and users name it by.
type updateUnitRequest struct {
	Leader *string `json:"leader"`
}

func (h *handlers) updateUnit(c *gin.Context) error {
	id, err := pathUUID(c, "id", "unit")
	if err != nil {
		return err
	}
	var req updateUnitRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	u, err := h.orgs.SetUnitLeader(c.Request.Context(), mid.Principal(c), id, req.Leader)
	if err != nil {
		return err
	}
	respond.JSON(c, http.StatusOK, toUnitResponse(u))
	return nil
}
