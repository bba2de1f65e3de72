package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// Actions on the monthly supervision circular (督查通报).
const (
	// GenerateCircular: compute a period's circular and see it before it
	// is published (a preview, stored nowhere).
	GenerateCircular Action = "circular.generate"
	// PublishCircular: store a period's circular for good, as its next
	// version.
	PublishCircular Action = "circular.publish"
	// ViewCirculars: list the published circulars and download them.
	ViewCirculars Action = "circular.view"
)

// Circulars decides the circular actions. The office writes and publishes
// the circular (admins may stand in). A published circular is the
// county's document to its leaders and to every responsible unit: it names
// units, their leaders and their late work to all of them, so county staff
// (admin, office, inspectors) and the units' own accounts (contractors)
// read it. Volunteers, villagers watching their own roads, are not among
// its addressees and are refused. A preview is the office's draft and is
// read by nobody else: until published it is not the county's word.
func Circulars(p auth.Principal, a Action) error {
	switch a {
	case GenerateCircular, PublishCircular:
		if isOffice(p.Role) {
			return nil
		}
	case ViewCirculars:
		if seesAll(p.Role) || p.Role == auth.RoleContractor {
			return nil
		}
	}
	return denied(a)
}
