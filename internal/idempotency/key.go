package idempotency

import (
	"context"

	"github.com/google/uuid"
)

type keyCtx struct{}

type keyed struct{ userID, key string }

// WithKey marks ctx as running the request of userID's Idempotency-Key.
func WithKey(ctx context.Context, userID, key string) context.Context {
	return context.WithValue(ctx, keyCtx{}, keyed{userID, key})
}

// namespace separates the ids DerivedID makes from every other UUID.
var namespace = uuid.MustParse("5d0c9a34-58a1-4c3e-9f3b-6f8e2b1d7a90")

// DerivedID is the id a create running under an Idempotency-Key gives the
// record it makes (what names which record, e.g. "order"), or a random one
// without a key. Recording the answer under the key is a second write
// after the create's commit, and it can fail (the database lost between
// the two): the key is then released or its lease lapses, and the retry
// runs the create again. With the id derived from the key that second run
// meets the record the first one committed (a unique-id conflict) instead
// of making another, and the service answers the existing one.
func DerivedID(ctx context.Context, what string) (id string, derived bool) {
	k, ok := ctx.Value(keyCtx{}).(keyed)
	if !ok {
		return uuid.NewString(), false
	}
	return uuid.NewSHA1(namespace, []byte(what+"\x00"+k.userID+"\x00"+k.key)).String(), true
}
