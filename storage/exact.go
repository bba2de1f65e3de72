package storage

import (
	"errors"
	"io"
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
