package store

import (
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// what is "load project" or "insert user"; the last word names the thing.
func thing(what string) string {
	f := strings.Fields(what)
	if len(f) == 0 {
		return "record"
	}
	return f[len(f)-1]
}

func notFound(what string) error { return errs.NotFound(thing(what)) }

func conflict(what string) error {
	t := thing(what)
	return errs.Conflict(t+"_exists", "a "+t+" with the same unique value already exists")
}

func unavailable(cause error) error {
	return errs.Unavailable("database_unavailable", 5*time.Second, cause)
}
