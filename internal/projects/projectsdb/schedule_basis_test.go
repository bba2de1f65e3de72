package projectsdb

import (
	"testing"

	"github.com/fieldproof/fieldproof/internal/projects"
)

func TestBasisCache(t *testing.T) {
	inds := []projects.Indicator{{ID: "p-i1", Name: "工程量", Unit: "km", Target: 22.5, Value: 9},
		{ID: "x", Name: "户数", Unit: "户", Target: 120, Value: 60, Plan: []projects.PlanPoint{{Month: "2026-06", Percent: 60}}}}
	s, err := encodeBasis(inds)
	if err != nil {
		t.Fatal(err)
	}
	c := newBasisCache()
	a, err := c.decode("p", s)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.decode("p", s)
	if len(a) != 2 || a[1].Target != 120 || a[1].Plan[0].Percent != 60 || a[0].ProjectID != "p" || &a[0] != &b[0] {
		t.Fatalf("decoded %+v, again %+v", a, b)
	}
	// A reader appending to its copy does not write into the shared one.
	a = append(a, projects.Indicator{ID: "y"})
	if c2, _ := c.decode("p", s); len(c2) != 2 || &a[0] == &c2[0] {
		t.Fatalf("an append reached the cache: %+v", c2)
	}
	// The same text for another project is another entry.
	if o, _ := c.decode("q", s); o[0].ProjectID != "q" {
		t.Fatalf("another project's copy: %+v", o)
	}
	if _, err := c.decode("p", "{not json"); err == nil {
		t.Fatal("a broken basis decoded")
	}
}
