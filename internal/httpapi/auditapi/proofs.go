package auditapi

import (
	"encoding/hex"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
)

// CheckpointJSON is a signed checkpoint: the note is what a verifier checks
// (its text is "<origin>\n<size>\n<base64 root>\n", then the signature);
// size and root repeat it for convenience.
type CheckpointJSON struct {
	Size int64     `json:"size"`
	Root []byte    `json:"root"` // base64, as in the note
	Note string    `json:"note"`
	At   time.Time `json:"at"`
}

// Checkpoint converts a checkpoint for JSON.
func Checkpoint(cp audit.Checkpoint) CheckpointJSON {
	return CheckpointJSON{Size: cp.Size, Root: cp.Root, Note: cp.Note, At: cp.At}
}

// InclusionJSON proves that Entry is leaf Seq-1 of the checkpoint's tree
// (RFC 6962 / RFC 9162 audit path, hashes base64, leaf to root).
type InclusionJSON struct {
	Entry EntryJSON `json:"entry"`
	// LeafData is the entry's canonical encoding, the exact bytes its leaf
	// hash is over: SHA-256(0x00 ‖ leaf_data).
	LeafData   string         `json:"leaf_data"`
	LeafIndex  int64          `json:"leaf_index"`
	Checkpoint CheckpointJSON `json:"checkpoint"`
	Hashes     [][]byte       `json:"hashes"`
}

// Inclusion converts an inclusion proof for JSON.
func Inclusion(p audit.InclusionProof) InclusionJSON {
	return InclusionJSON{Entry: Entry(p.Entry), LeafData: string(audit.LeafData(p.Entry)), LeafIndex: p.Entry.Seq - 1, Checkpoint: Checkpoint(p.Checkpoint), Hashes: nonNil(p.Hashes)}
}

type consistencyResponse struct {
	From   CheckpointJSON `json:"from"`
	To     CheckpointJSON `json:"to"`
	Hashes [][]byte       `json:"hashes"`
}

type keyResponse struct {
	VerifierKey string `json:"verifier_key"`
}

func nonNil(h [][]byte) [][]byte {
	if h == nil {
		return [][]byte{}
	}
	return h
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
