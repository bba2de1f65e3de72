package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

// leafVersion starts every leaf's encoding, so a future encoding can never
// be read as this one.
const leafVersion = "fieldproof-audit-leaf-v1"

// LeafData is the entry's canonical encoding: a JSON array of strings (no
// field can bleed into the next), its seq included so an entry cannot be
// moved to another place in the tree without changing its leaf.
func LeafData(e Entry) []byte {
	b, _ := json.Marshal([]string{leafVersion, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID, e.Changes, e.RequestID, e.PrevHash, e.Hash}) // []string always marshals
	return b
}

// LeafHash is the RFC 6962 leaf hash of the entry: SHA-256(0x00 ‖ LeafData).
func LeafHash(e Entry) []byte { return rfc6962.DefaultHasher.HashLeaf(LeafData(e)) }

// GenesisHash is the PrevHash of the old chain's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// chainHash is the old hash chain's entry hash (entries written before the
// tree), over its predecessor's hash and every field but Hash.
func chainHash(e Entry) string {
	b, _ := json.Marshal([]string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID, e.Changes, e.RequestID})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
