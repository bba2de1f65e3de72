package server_test

import (
	"testing"

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
