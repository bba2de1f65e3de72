package audit

import "context"

// ChainHash is the old chain's entry hash, for tests that write a log as
// it was before the tree.
var ChainHash = chainHash

// Round is one round of the sealer's loop.
func (r Sealer) Round(ctx context.Context) error { return r.round(ctx) }
