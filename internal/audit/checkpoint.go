package audit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a signed statement of the tree's size and root hash, in the
// C2SP tlog-checkpoint format: a signed note whose text is
// "<origin>\n<size>\n<base64 root>\n".
type Checkpoint struct {
	Size int64
	Root []byte
	Note string
	At   time.Time
}

func (k Key) sign(size int64, root []byte, at time.Time) (Checkpoint, error) {
	body := fmt.Sprintf("%s\n%d\n%s\n", k.Origin, size, base64.StdEncoding.EncodeToString(root))
	msg, err := note.Sign(&note.Note{Text: body}, k.Signer)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("sign checkpoint: %w", err)
	}
	return Checkpoint{Size: size, Root: root, Note: string(msg), At: at}, nil
}

// OpenCheckpoint checks a checkpoint note's signature with the verifier
// key and reads its origin, size and root.
func OpenCheckpoint(msg, verifierKey string) (origin string, size int64, root []byte, err error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return "", 0, nil, fmt.Errorf("verifier key: %w", err)
	}
	n, err := note.Open([]byte(msg), note.VerifierList(v))
	if err != nil {
		return "", 0, nil, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return "", 0, nil, fmt.Errorf("checkpoint: want origin, size and root lines")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return "", 0, nil, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err = base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return "", 0, nil, fmt.Errorf("checkpoint: bad root %q", lines[2])
	}
	return lines[0], size, root, nil
}

// verifyCheckpoint opens cp and checks that it says what its row says.
func verifyCheckpoint(cp Checkpoint, verifierKey string) error {
	_, size, root, err := OpenCheckpoint(cp.Note, verifierKey)
	if err != nil {
		return err
	}
	if size != cp.Size || !bytes.Equal(root, cp.Root) {
		return fmt.Errorf("checkpoint note says size %d, its record %d (or the roots differ)", size, cp.Size)
	}
	return nil
}
