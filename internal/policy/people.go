package policy

import "github.com/fieldproof/fieldproof/internal/auth"

// NamePeople: whose name a reader may see beside the work they filed. The
// API gives only author ids; a client that prints names (the console) asks
// here first. County staff (admin, office, inspectors) see who filed what;
// contractors and volunteers do not — a villager's report about a road must
// not tell the road's contractor who made it.
const NamePeople Action = "user.name"

// PeopleNames decides NamePeople.
func PeopleNames(p auth.Principal) error {
	if seesAll(p.Role) {
		return nil
	}
	return denied(NamePeople)
}
