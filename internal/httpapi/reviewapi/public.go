package reviewapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/review"
)

// publicProjectJSON is the whole public record of a project. Its fields
// are the allow-list the leak test walks: adding one here is a decision to
// publish it.
type publicProjectJSON struct {
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Category         string   `json:"category"`
	Township         string   `json:"township"`
	ResponsibleUnit  string   `json:"responsible_unit"`
	Status           string   `json:"status"`
	PlannedStart     *string  `json:"planned_start"`
	PlannedEnd       *string  `json:"planned_end"`
	ProgressPercent  float64  `json:"progress_percent"`
	ProgressQuantity *float64 `json:"progress_quantity"`
	TargetQuantity   *float64 `json:"target_quantity"`
	TargetUnit       string   `json:"target_unit"`
	ProgressDate     *string  `json:"progress_date"`
	BehindSchedule   bool     `json:"behind_schedule"`
	ScheduleStatus   string   `json:"schedule_status"`
	OpenOrders       int      `json:"open_orders"`
	ClosedOrders     int      `json:"closed_orders"`
}

type publicListJSON struct {
	Items []publicProjectJSON `json:"items"`
}

// publicCacheControl lets browsers and a CDN reuse the list for a minute;
// afterwards they revalidate with If-None-Match and get 304 while nothing
// changed.
const publicCacheControl = "public, max-age=60"

func toPublicJSON(p review.PublicProject) publicProjectJSON {
	return publicProjectJSON{Code: p.Code, Name: p.Name, Category: string(p.Category), Township: p.Township,
		ResponsibleUnit: p.Unit, Status: string(p.Status), PlannedStart: dateText(p.PlannedStart),
		PlannedEnd: dateText(p.PlannedEnd), ProgressPercent: p.ProgressPct, ProgressQuantity: p.ProgressQty,
		TargetQuantity: p.TargetQuantity, TargetUnit: p.TargetUnit, ProgressDate: dateText(p.ProgressDate),
		BehindSchedule: p.BehindSchedule, ScheduleStatus: string(p.Schedule), OpenOrders: p.Orders.Open, ClosedOrders: p.Orders.Closed}
}

// publicProjects answers the disclosure list: rate limited per client
// address first (before any query), then the body, its strong ETag (the
// SHA-256 of the exact bytes) and 304 when the client already has them.
// Query parameters are ignored: caches and pages add cache-busters.
func (h *handlers) publicProjects(c *gin.Context) error {
	if err := h.lim.Allow(c.Request.Context(), review.ClientKey(c.ClientIP())); err != nil {
		return err
	}
	items, err := h.svc.PublicProjects(c.Request.Context())
	if err != nil {
		return err
	}
	out := publicListJSON{Items: make([]publicProjectJSON, len(items))}
	for i, p := range items {
		out.Items[i] = toPublicJSON(p)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", publicCacheControl)
	if matches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	return nil
}

// matches is If-None-Match's weak comparison (RFC 9110 13.1.2): "*" or any
// listed tag equal to ours once a W/ prefix is set aside.
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func dateText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(projects.DateLayout)
	return &s
}
