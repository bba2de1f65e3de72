package audit

// ChainHash is the old chain's entry hash, for tests that write a log as
// it was before the tree.
var ChainHash = chainHash
