package photos

import (
	"strings"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// takes refuses a photo the parent did not announce when the parent takes
// only those (Parent.OnlyExpected): whichever route the bytes come by — a
// report's own upload route, the generic photo routes or a direct upload —
// the rule is the same. Other parents take any photo, as before.
func (p Parent) takes(photoID string) error {
	if !p.OnlyExpected {
		return nil
	}
	for _, id := range p.ExpectedPhotoIDs {
		if strings.EqualFold(id, photoID) {
			return nil
		}
	}
	return &errs.Error{Kind: errs.KindUnprocessable, Code: "validation_failed", Message: "the request has invalid fields",
		Fields: []errs.FieldError{{Field: "photo_id", Code: "not_announced",
			Message: "name this photo for one of the report's points first"}}}
}
