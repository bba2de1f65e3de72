package reports

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/fieldproof/fieldproof/internal/audit"
)

// AuditLog gives a photo's upload entry and its inclusion proof, so a
// report is verifiable years later with only the log's public key.
type AuditLog interface {
	Checkpoint(ctx context.Context) (audit.Checkpoint, error)
	Find(ctx context.Context, entity, entityID, action string) (audit.Entry, bool, error)
	Inclusion(ctx context.Context, seq, size int64) (audit.InclusionProof, error)
	VerifierKey() string
}

// photoProof is one photo's proof, printed in the report's appendix.
type photoProof struct {
	photoID string
	proof   audit.InclusionProof
}

// evidence holds what the report's appendix prints: one checkpoint (taken
// at the first proof, so every proof in a report is against the same
// signed root) and the proofs.
type evidence struct {
	cp     *audit.Checkpoint
	proofs []photoProof
}

// auditLine says where the photo's upload entry stands in the log: its
// seq, with its proof kept for the appendix, or that it is not sealed yet.
func (s *Service) auditLine(ctx context.Context, d *doc, photoID string) (string, error) {
	if s.audit == nil {
		return "", nil
	}
	e, found, err := s.audit.Find(ctx, "photo", photoID, "photo.upload")
	if err != nil {
		return "", err
	}
	if !found {
		return d.t("report.audit.none"), nil
	}
	if d.ev.cp == nil && e.Sealed() {
		cp, err := s.audit.Checkpoint(ctx)
		if err != nil {
			return "", err
		}
		d.ev.cp = &cp
	}
	if !e.Sealed() || e.Seq > d.ev.cp.Size {
		return d.t("report.audit.unsealed"), nil
	}
	p, err := s.audit.Inclusion(ctx, e.Seq, d.ev.cp.Size)
	if err != nil {
		return "", err
	}
	d.ev.proofs = append(d.ev.proofs, photoProof{photoID: photoID, proof: p})
	return d.t("report.audit.sealed", e.Seq, len(d.ev.proofs)), nil
}

// appendix prints every proof with the signed checkpoint and the key's
// name, and how to check them (docs/RELIABILITY.md has the steps).
func (s *Service) appendix(d *doc) {
	if len(d.ev.proofs) == 0 {
		return
	}
	d.pdf.AddPage()
	d.heading(12, d.t("report.audit.title"))
	d.para(d.t("report.audit.how"))
	d.monoBlock(d.t("report.audit.key"), s.audit.VerifierKey())
	d.monoBlock(d.t("report.audit.checkpoint"), d.ev.cp.Note)
	for i, pp := range d.ev.proofs {
		d.pdf.Ln(2)
		d.line(d.t("report.audit.proof", i+1), d.t("report.audit.proof.of", pp.photoID, pp.proof.Entry.Seq, pp.proof.Entry.Seq-1))
		d.monoBlock(d.t("report.audit.leaf"), string(audit.LeafData(pp.proof.Entry)))
		hashes := make([]string, len(pp.proof.Hashes))
		for j, h := range pp.proof.Hashes {
			hashes[j] = base64.StdEncoding.EncodeToString(h)
		}
		d.monoBlock(d.t("report.audit.path"), strings.Join(hashes, "\n"))
	}
}
