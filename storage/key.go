package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidKey: a key component contains characters outside [a-z0-9-_.],
// starts with a dot, or an id is too short / not hex where the shard comes
// from.
var ErrInvalidKey = errors.New("storage: invalid key component")

// Key kinds used by the services. They are plain strings so a new kind needs
// no change here.
const (
	KindOriginals  = "originals"
	KindRenditions = "renditions"
	KindStaging    = "staging"
)

// BuildKey returns "<kind>/<aa>/<bb>/<id>", where aa and bb are the first
// two pairs of hex digits of id with dashes removed. Sharding keeps any one
// directory (local disk) or listing page (S3) from holding every object.
func BuildKey(kind, id string) (string, error) {
	if err := checkComponent("kind", kind); err != nil {
		return "", err
	}
	shard, err := shardOf(id)
	if err != nil {
		return "", err
	}
	return kind + "/" + shard + "/" + id, nil
}

// Key is BuildKey for ids the server generated itself (UUIDs), where an
// error would be a programming bug. It never panics: invalid input lands
// under "invalid/" with a name derived from a hash of the input. Because
// the fallback is deterministic, a later Get with the same arguments still
// finds the object, and because it is a hash, hostile input can neither
// escape the store nor collide with a real key.
func Key(kind, id string) string {
	k, err := BuildKey(kind, id)
	if err != nil {
		return fallbackKey(kind, id)
	}
	return k
}

// BuildRenditionKey returns "renditions/<aa>/<bb>/<originalID>_<name>.jpg",
// sharded like the original so a photo and its renditions sit side by side
// in the shard tree.
func BuildRenditionKey(originalID, name string) (string, error) {
	shard, err := shardOf(originalID)
	if err != nil {
		return "", err
	}
	if err := checkComponent("rendition name", name); err != nil {
		return "", err
	}
	return KindRenditions + "/" + shard + "/" + originalID + "_" + name + ".jpg", nil
}

// RenditionKey is BuildRenditionKey with Key's never-panic fallback.
func RenditionKey(originalID, name string) string {
	k, err := BuildRenditionKey(originalID, name)
	if err != nil {
		return fallbackKey(KindRenditions, originalID+"\x00"+name)
	}
	return k
}

func fallbackKey(kind, id string) string {
	// The NUL separator keeps ("a","bc") and ("ab","c") apart.
	sum := sha256.Sum256([]byte(kind + "\x00" + id))
	h := hex.EncodeToString(sum[:])
	return "invalid/" + h[:2] + "/" + h[2:4] + "/" + h
}

func shardOf(id string) (string, error) {
	if err := checkComponent("id", id); err != nil {
		return "", err
	}
	hexDigits := strings.ReplaceAll(id, "-", "")
	if len(hexDigits) < 4 {
		return "", fmt.Errorf("%w: id %q has fewer than 4 characters to shard on", ErrInvalidKey, id)
	}
	for i := range 4 {
		c := hexDigits[i]
		// Only hex may form a shard directory: an id such as "..ab" would
		// otherwise produce a ".." path segment.
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", fmt.Errorf("%w: id %q does not start with 4 lowercase hex digits", ErrInvalidKey, id)
		}
	}
	return hexDigits[:2] + "/" + hexDigits[2:4], nil
}

func checkComponent(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidKey, what)
	}
	// A leading dot would allow "." and ".." segments, and the local-disk
	// backend reserves dot-names for its temp files and sidecars.
	if s[0] == '.' {
		return fmt.Errorf("%w: %s %q starts with a dot", ErrInvalidKey, what, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: %s %q contains %q (allowed: a-z 0-9 - _ .)", ErrInvalidKey, what, s, c)
		}
	}
	return nil
}

// MaxKeyLen is S3's key limit, applied to every backend so a key that works
// locally also works on MinIO.
const MaxKeyLen = 1024

// CheckKey reports whether key is safe for every backend: relative,
// "/"-separated, with no empty, ".", ".." or dot-prefixed segments and no
// backslashes, colons or control characters. Keys from Key and
// RenditionKey always pass; backends call it so that a key from anywhere
// else cannot reach outside the store or onto a backend's own files.
func CheckKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("%w: key longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	return checkSegments(key, strings.Split(key, "/"))
}

// CheckPrefix is CheckKey for List prefixes: empty is allowed, and the
// last segment may be partial, so it is only checked for bad bytes.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if len(prefix) > MaxKeyLen {
		return fmt.Errorf("%w: prefix longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	segs := strings.Split(prefix, "/")
	return checkSegments(prefix, segs[:len(segs)-1])
}

func checkSegments(key string, segs []string) error {
	for i := 0; i < len(key); i++ {
		// A colon could form a Windows volume name ("C:"); backslashes are
		// separators there.
		if c := key[i]; c == '\\' || c == ':' || c < 0x20 || c == 0x7f {
			return fmt.Errorf("%w: key %q contains byte %q", ErrInvalidKey, key, c)
		}
	}
	if key[0] == '/' {
		return fmt.Errorf("%w: absolute key %q", ErrInvalidKey, key)
	}
	for _, seg := range segs {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("%w: key %q has an empty or dot-prefixed segment %q", ErrInvalidKey, key, seg)
		}
	}
	return nil
}
