package server_test

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

func storetestSQLite(t *testing.T) *store.DB { return storetest.SQLite(t) }

func localObjects(t *testing.T) storage.Store {
	s, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// apiRoutes leaves out of the route-table tests the routes that are not
// the API's: the console's pages (held by internal/console's
// TestEveryConsoleRouteIsGuarded) and the field app's static files (public,
// no data; internal/fieldapp).
func apiRoutes(all gin.RoutesInfo) gin.RoutesInfo {
	var out gin.RoutesInfo
	for _, r := range all {
		if strings.HasPrefix(r.Path, "/console") || r.Path == "/app" || strings.HasPrefix(r.Path, "/app/") {
			continue
		}
		out = append(out, r)
	}
	return out
}
