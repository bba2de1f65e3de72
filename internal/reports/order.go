package reports

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/i18n"
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
// check), each with the facts that make it evidence. It is in lang, with
// times in the county's zone.
func (s *Service) OrderReport(ctx context.Context, p auth.Principal, orderID string, lang i18n.Lang, w io.Writer) error {
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
	doc := s.newDoc(lang)
	doc.heading(16, doc.t("report.order.title", d.Number))
	doc.printed(s.now(), p)
	doc.line(doc.t("report.order.project"), proj.Code+" "+proj.Name)
	doc.line(doc.t("report.township"), proj.Township)
	doc.line(doc.t("report.unit"), proj.Unit)
	doc.line(doc.t("report.order.defect"), d.Defect)
	if len(d.Items) > 0 {
		doc.line(doc.t("report.order.items"), strings.Join(d.Items, ", "))
	}
	doc.line(doc.t("report.order.severity"), doc.v("severity", d.Severity))
	doc.line(doc.t("report.order.action"), d.RequiredAction)
	doc.line(doc.t("report.order.deadline"), doc.at(d.Deadline))
	doc.line(doc.t("report.status"), doc.v("order_status", d.Status))
	if d.ClosedAt != nil {
		doc.line(doc.t("report.order.closed"), doc.at(*d.ClosedAt))
	}
	doc.pdf.Ln(3)
	doc.heading(12, doc.t("report.order.timeline"))
	for _, e := range d.Events {
		what := doc.t("report.order.event", doc.v("order_action", e.Action), doc.v("order_status", e.From),
			doc.v("order_status", e.To), doc.v("role", e.ActorRole), e.ActorID)
		if e.From == "" {
			what = doc.t("report.order.event.new", doc.v("order_action", e.Action), doc.v("order_status", e.To),
				doc.v("role", e.ActorRole), e.ActorID)
		}
		if e.Reason != "" {
			what += doc.t("report.order.event.why", e.Reason)
		}
		if e.CheckID != "" {
			what += doc.t("report.order.event.check", e.CheckID)
		}
		doc.line(e.At.In(doc.zone).Format("2006-01-02 15:04"), what)
	}
	doc.pdf.Ln(3)
	before, err := s.shots(ctx, p, doc, d.SourceCheckID)
	if err != nil {
		return err
	}
	var after []shot
	for _, r := range d.Responses {
		for _, ph := range r.Photos {
			after = append(after, shot{of: doc.t("report.of.response", r.ID), ph: ph})
		}
	}
	if d.VerificationCheckID != "" {
		v, err := s.shots(ctx, p, doc, d.VerificationCheckID)
		if err != nil {
			return err
		}
		after = append(after, v...)
	}
	if d.SourceCheckID == "" {
		doc.line("", doc.t("report.order.direct"))
	}
	if err := s.beforeAfter(ctx, p, doc, before, after); err != nil {
		return err
	}
	return s.finish(doc, w)
}

// shots lists a check's photos ("" for none).
func (s *Service) shots(ctx context.Context, p auth.Principal, d *doc, checkID string) ([]shot, error) {
	if checkID == "" {
		return nil, nil
	}
	phs, err := s.photos.List(ctx, p, checkID)
	if err != nil {
		return nil, err
	}
	out := make([]shot, len(phs))
	for i, ph := range phs {
		out[i] = shot{of: d.t("report.of.check", checkID), ph: ph}
	}
	return out, nil
}
