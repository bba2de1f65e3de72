package api_test

import (
	"context"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fieldproof/fieldproof/api"
)

var lowerCamel = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// TestOperationsAreNamedForTools holds, without Node, the part of the
// spectral lint (scripts/lint-contract.sh) that generated clients depend on:
// every operation has a lowerCamel operationId, unique, a description, and
// only declared tags. It also pins the ids to testdata/operation-ids.txt: a
// generated client's method names are these ids, so renaming one breaks
// every client and must be a deliberate edit of that file.
func TestOperationsAreNamedForTools(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, tag := range doc.Tags {
		declared[tag.Name] = true
	}
	seen := map[string]string{}
	var got []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			switch {
			case op.OperationID == "":
				t.Errorf("%s: no operationId", where)
				continue
			case !lowerCamel.MatchString(op.OperationID):
				t.Errorf("%s: operationId %q is not lowerCamel", where, op.OperationID)
			}
			if other, dup := seen[op.OperationID]; dup {
				t.Errorf("%s: operationId %q is also %s's", where, op.OperationID, other)
			}
			seen[op.OperationID] = where
			if strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s: no description", where)
			}
			for _, tag := range op.Tags {
				if !declared[tag] {
					t.Errorf("%s: tag %q is not declared in the top-level tags", where, tag)
				}
			}
			got = append(got, where+" "+op.OperationID)
		}
	}
	sort.Strings(got)
	const golden = "testdata/operation-ids.txt"
	if os.Getenv("UPDATE_OPERATION_IDS") != "" {
		if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		gotSet := map[string]bool{}
		for _, g := range got {
			gotSet[g] = true
		}
		wantSet := map[string]bool{}
		for _, w := range want {
			wantSet[w] = true
			if !gotSet[w] {
				t.Errorf("operation gone or renamed: %s", w)
			}
		}
		for _, g := range got {
			if !wantSet[g] {
				t.Errorf("operation new or renamed: %s", g)
			}
		}
		t.Errorf("operationIds differ from %s; if deliberate (clients must follow), rerun with UPDATE_OPERATION_IDS=1", golden)
	}
}
