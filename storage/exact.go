package storage

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTooLong: a reader held more bytes than the size declared for it.
var ErrTooLong = errors.New("storage: reader has more bytes than the declared size")

// ExpectEOF checks that r has nothing left after the declared size was
// read. Both backends use it so an over-long body is refused the same way.
// A reader that keeps returning (0, nil) is given up on after a few tries.
func ExpectEOF(r io.Reader) error {
	var one [1]byte
	for range 100 {
		n, err := r.Read(one[:])
		if n > 0 {
			return ErrTooLong
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// CheckPut validates a Put's arguments the same way for every backend and
// returns the declared SHA-256 normalised to lowercase ("" when none). name
// prefixes the error ("localfs: put KEY").
func CheckPut(ctx context.Context, name, key string, size int64, opts PutOptions) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	if size < 0 {
		return "", fmt.Errorf("%s: put %s: size %d: the size must be known", name, key, size)
	}
	want := strings.ToLower(opts.SHA256)
	if want != "" {
		if _, err := hex.DecodeString(want); err != nil || len(want) != 64 {
			return "", fmt.Errorf("%s: put %s: sha256 %q is not 64 hex digits", name, key, opts.SHA256)
		}
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("%s: put %s: %w", name, key, err)
	}
	return want, nil
}
