package authapi_test

import (
	"net/http"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// BenchmarkAuthenticatedList is the price of an authenticated request on
// PostgreSQL: token check, the caller's row read from the database (role,
// disabled, session generation, must_change_password) and an empty project
// list, through the whole router. It uses only the API, so the same file
// measures an older tree as the baseline (docs/PERFORMANCE.md, "Sessions").
//
//	scripts/test-services.sh -run '^$' -bench BenchmarkAuthenticatedList -benchtime 4s -count 5 ./internal/httpapi/authapi
func BenchmarkAuthenticatedList(b *testing.B) {
	objs, err := localfs.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	e := apitest.New(b, storetest.Postgres(b), objs, "postgres", nil)
	e.CreateUser("bencher", auth.RoleOffice, "", "")
	tok := e.Login("bencher")
	req := apitest.Request{Method: http.MethodGet, Path: "/api/v1/projects?limit=50", Token: tok, SkipContract: true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := e.Do(req); r.Status != http.StatusOK {
			b.Fatalf("status %d: %s", r.Status, r.Body)
		}
	}
}
