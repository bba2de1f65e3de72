package console_test

import (
	"net/http"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/console/consoletest"
)

// The shared console county builds, and its check is flagged for review.
func TestCountySeeds(t *testing.T) {
	apitest.EachBackend(t, nil, func(t *testing.T, e *apitest.Env) {
		c := consoletest.Seed(t, e)
		r := e.Get("/api/v1/review-queue", c.Tokens[consoletest.Office])
		apitest.Expect(t, r, http.StatusOK)
		items := r.Map(t)["items"].([]any)
		if len(items) == 0 {
			t.Fatalf("the failed check with a far-away photo is not in the review queue: %s", r.Body)
		}
	})
}
