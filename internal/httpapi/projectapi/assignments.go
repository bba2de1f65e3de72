package projectapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/httpapi/respond"
	"github.com/fieldproof/fieldproof/internal/projects"
)

type assignRequest struct {
	UserID  string `json:"user_id"`
	BadgeNo string `json:"badge_no"`
}

// assignmentResponse carries no phone number or other contact: volunteers
// can list who else watches their road, and nothing more about them.
type assignmentResponse struct {
	UserID      string  `json:"user_id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	Role        string  `json:"role"`
	BadgeNo     *string `json:"badge_no"`
}

func toAssignmentResponse(a projects.Assignment) assignmentResponse {
	r := assignmentResponse{UserID: a.UserID, Username: a.Username, DisplayName: a.DisplayName, Role: string(a.Role)}
	if a.BadgeNo != "" {
		b := a.BadgeNo
		r.BadgeNo = &b
	}
	return r
}

func (h *handlers) listAssignments(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	as, err := h.svc.Assignments(c.Request.Context(), mid.Principal(c), id)
	if err != nil {
		return err
	}
	out := listResponse[assignmentResponse]{Items: make([]assignmentResponse, len(as))}
	for i, a := range as {
		out.Items[i] = toAssignmentResponse(a)
	}
	respond.JSON(c, http.StatusOK, out)
	return nil
}

// assign answers 201 for a new assignment and 200 when the user was
// already assigned (the call is idempotent).
func (h *handlers) assign(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	var req assignRequest
	if err := respond.Decode(c, &req); err != nil {
		return err
	}
	a, created, err := h.svc.Assign(c.Request.Context(), mid.Principal(c), id,
		projects.NewAssignment{UserID: req.UserID, BadgeNo: req.BadgeNo})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	respond.JSON(c, status, toAssignmentResponse(a))
	return nil
}

func (h *handlers) unassign(c *gin.Context) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	userID, err := pathUUID(c, "user_id", "assignment")
	if err != nil {
		return err
	}
	if err := h.svc.Unassign(c.Request.Context(), mid.Principal(c), id, userID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
