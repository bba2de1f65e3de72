package reports

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/policy"
)

// Orders reads an order with its timeline and responses.
type Orders interface {
	Get(ctx context.Context, p auth.Principal, id string) (orders.Detail, error)
}

// OrderReport writes an order's evidence report to w: its facts, the
// timeline (who, when, why), then the defect's photos (the source check)
// before the rectification photos (the responses and the verification
// check), each with the facts that make it evidence.
func (s *Service) OrderReport(ctx context.Context, p auth.Principal, orderID string, w io.Writer) error {
	if s.orders == nil {
		return fmt.Errorf("reports: no orders service")
	}
	d, err := s.orders.Get(ctx, p, orderID)
	if err != nil {
		return err
	}
	if err := policy.Reports(p); err != nil {
		return err
	}
	proj, err := s.projects.Get(ctx, p, d.ProjectID)
	if err != nil {
		return err
	}
	doc := s.newDoc()
	doc.heading(16, fmt.Sprintf("Rectification order %s", d.Number))
	doc.line("Printed", s.now().UTC().Format(time.RFC3339)+" for "+string(p.Role)+" "+p.UserID)
	doc.line("Project", proj.Code+" "+proj.Name)
	doc.line("Responsible unit", proj.Unit)
	doc.line("Defect", d.Defect)
	if len(d.Items) > 0 {
		doc.line("Failed items", strings.Join(d.Items, ", "))
	}
	doc.line("Severity", string(d.Severity))
	doc.line("Required action", d.RequiredAction)
	doc.line("Deadline", d.Deadline.UTC().Format(time.RFC3339))
	doc.line("Status", string(d.Status))
	if d.ClosedAt != nil {
		doc.line("Closed", d.ClosedAt.UTC().Format(time.RFC3339))
	}
	doc.pdf.Ln(3)
	doc.heading(12, "Timeline")
	for _, e := range d.Events {
		what := fmt.Sprintf("%s (%s -> %s) by %s %s", e.Action, e.From, e.To, e.ActorRole, e.ActorID)
		if e.Reason != "" {
			what += ": " + e.Reason
		}
		if e.CheckID != "" {
			what += ", check " + e.CheckID
		}
		doc.line(e.At.UTC().Format("2006-01-02 15:04Z"), what)
	}
	doc.pdf.Ln(3)
	before, err := s.shots(ctx, p, d.SourceCheckID)
	if err != nil {
		return err
	}
	var after []shot
	for _, r := range d.Responses {
		for _, ph := range r.Photos {
			after = append(after, shot{of: "response " + r.ID, ph: ph})
		}
	}
	if d.VerificationCheckID != "" {
		v, err := s.shots(ctx, p, d.VerificationCheckID)
		if err != nil {
			return err
		}
		after = append(after, v...)
	}
	if d.SourceCheckID == "" {
		doc.line("", "issued directly on the project, not from a check: no photos of the defect")
	}
	if err := s.beforeAfter(ctx, p, doc, before, after); err != nil {
		return err
	}
	return doc.pdf.Output(w)
}

// shots lists a check's photos ("" for none).
func (s *Service) shots(ctx context.Context, p auth.Principal, checkID string) ([]shot, error) {
	if checkID == "" {
		return nil, nil
	}
	phs, err := s.photos.List(ctx, p, checkID)
	if err != nil {
		return nil, err
	}
	out := make([]shot, len(phs))
	for i, ph := range phs {
		out[i] = shot{of: "check " + checkID, ph: ph}
	}
	return out, nil
}
