package photos

import "sync"

// budget bounds the bytes of upload bodies held in memory across the
// process (FIELDPROOF_UPLOAD_MEMORY). It never blocks: an upload that
// cannot get its bytes spools to disk as before, so a burst of phones
// costs disk and time, never memory beyond the budget.
type budget struct {
	mu   sync.Mutex
	free int64
}

func newBudget(n int64) *budget { return &budget{free: n} }

// take reserves n bytes if they are free.
func (b *budget) take(n int64) bool {
	if b == nil || n < 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.free {
		return false
	}
	b.free -= n
	return true
}

// give returns n bytes taken before.
func (b *budget) give(n int64) {
	if b == nil || n <= 0 {
		return
	}
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
}
