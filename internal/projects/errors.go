package projects

import (
	"errors"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// errProjectNotFound is also the answer to a caller who may not see the
// project, so its existence does not leak.
func errProjectNotFound() error { return errs.NotFound("project") }

func codeTaken(code string, cause error) error {
	return &errs.Error{Kind: errs.KindConflict, Code: "duplicate_code",
		Message: "a project with code " + code + " already exists",
		Fields:  []errs.FieldError{{Field: "code", Code: "duplicate", Message: "is already used by another project"}},
		Err:     cause}
}

func isNotFound(err error) bool { return errors.Is(err, errs.ErrNotFound) }
