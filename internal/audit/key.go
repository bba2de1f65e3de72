package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Key signs checkpoints. Origin is the log's name, the first line of every
// checkpoint; VerifierKey is what to publish.
type Key struct {
	Origin      string
	Signer      note.Signer
	VerifierKey string
}

// ParseKey reads a note private key ("PRIVATE+KEY+<name>+<hash>+<key>", as
// GenerateKey makes) for the log named origin.
func ParseKey(skey, origin string) (Key, error) {
	if origin == "" || strings.ContainsAny(origin, "\n") {
		return Key{}, errors.New("audit origin must be one non-empty line")
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return Key{}, fmt.Errorf("audit key: %w", err)
	}
	// The note package derives no verifier key from a signer key; the Ed25519
	// seed is the key's last field (base64, which may itself hold '+'),
	// after its algorithm byte.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize {
		return Key{}, errors.New("audit key: not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return Key{}, fmt.Errorf("audit key: %w", err)
	}
	return Key{Origin: origin, Signer: signer, VerifierKey: vkey}, nil
}

// GenerateKey makes a new private key named name (the key file of the
// zero-setup mode, and `fieldproof audit keygen`).
func GenerateKey(name string) (skey string, err error) {
	skey, _, err = note.GenerateKey(rand.Reader, name)
	return skey, err
}
