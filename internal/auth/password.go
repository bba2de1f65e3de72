package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters from the OWASP Password Storage Cheat Sheet (m=19 MiB,
// t=2, p=1). They are written into each hash, so raising them later only
// affects new hashes and old ones still verify.
type argonParams struct {
	memoryKiB uint32
	time      uint32
	threads   uint8
	keyLen    uint32
	saltLen   int
}

var defaultArgon = argonParams{memoryKiB: 19 * 1024, time: 2, threads: 1, keyLen: 32, saltLen: 16}

// HashCost is the argon2id work put into new password hashes. The zero value
// means the production parameters above; anything else is for tests, where
// hundreds of logins at 19 MiB × 2 passes each cost minutes under -race.
// Hashes carry their parameters, so any cost verifies anywhere.
type HashCost struct {
	MemoryKiB uint32
	Time      uint32
}

func (c HashCost) params() argonParams {
	p := defaultArgon
	if c != (HashCost{}) {
		p.memoryKiB, p.time = max(c.MemoryKiB, 8), max(c.Time, 1)
	}
	return p
}

// MinPasswordLength follows NIST 800-63B for user-chosen secrets.
const MinPasswordLength = 10

// HashPassword returns a PHC-format argon2id hash.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, defaultArgon)
}

func hashWith(pw string, p argonParams) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memoryKiB, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memoryKiB, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword checks pw against a hash from HashPassword in constant time.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.time, &p.threads); err != nil {
		return false, errBadHash
	}
	// Refuse absurd parameters from a tampered row rather than allocate them.
	if p.memoryKiB > 1<<20 || p.time > 20 || p.threads == 0 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memoryKiB, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash returns the hash verified against when the user does not exist,
// made with the service's own cost so an unknown username costs the same time
// as a wrong password. It is made on first use, not at start, so building a
// service costs nothing.
func dummyHash(p argonParams) func() string {
	return sync.OnceValue(func() string {
		h, err := hashWith("fieldproof-timing-equaliser", p)
		if err != nil {
			return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				p.memoryKiB, p.time, p.threads)
		}
		return h
	})
}

// GeneratePassword makes a random password for the first admin and resets.
func GeneratePassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
