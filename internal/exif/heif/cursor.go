package heif

import (
	"encoding/binary"
	"fmt"
)

// cursor reads big-endian fields from an in-memory box payload. The first
// out-of-bounds read sets a sticky error and every later read returns zero,
// so parsers can read a whole structure and check c.err once instead of
// bounds-checking each field of attacker-controlled data.
type cursor struct {
	b   []byte
	off int
	err error
}

func (c *cursor) need(n int) bool {
	if c.err != nil {
		return false
	}
	if n < 0 || len(c.b)-c.off < n {
		c.err = fmt.Errorf("%w: truncated at byte %d (need %d more)", ErrMalformed, c.off, n)
		return false
	}
	return true
}

func (c *cursor) u8() uint8 {
	if !c.need(1) {
		return 0
	}
	v := c.b[c.off]
	c.off++
	return v
}

func (c *cursor) u16() uint16 {
	if !c.need(2) {
		return 0
	}
	v := binary.BigEndian.Uint16(c.b[c.off:])
	c.off += 2
	return v
}

func (c *cursor) u32() uint32 {
	if !c.need(4) {
		return 0
	}
	v := binary.BigEndian.Uint32(c.b[c.off:])
	c.off += 4
	return v
}

func (c *cursor) u64() uint64 {
	if !c.need(8) {
		return 0
	}
	v := binary.BigEndian.Uint64(c.b[c.off:])
	c.off += 8
	return v
}

// uN reads an unsigned integer whose width in bytes is declared by the file
// (iloc's offset_size etc.); only 0, 4 and 8 are legal.
func (c *cursor) uN(size int) uint64 {
	switch size {
	case 0:
		return 0
	case 4:
		return uint64(c.u32())
	case 8:
		return c.u64()
	}
	if c.err == nil {
		c.err = fmt.Errorf("%w: illegal field size %d", ErrMalformed, size)
	}
	return 0
}

func (c *cursor) fourCC() string {
	if !c.need(4) {
		return ""
	}
	v := string(c.b[c.off : c.off+4])
	c.off += 4
	return v
}

func (c *cursor) skip(n int) {
	if c.need(n) {
		c.off += n
	}
}

// cstring skips a NUL-terminated string; a missing terminator at the end of
// the box is tolerated because several writers omit it.
func (c *cursor) cstring() {
	if c.err != nil {
		return
	}
	for c.off < len(c.b) {
		c.off++
		if c.b[c.off-1] == 0 {
			return
		}
	}
}

func (c *cursor) remaining() int { return len(c.b) - c.off }

func (c *cursor) rest() []byte {
	if c.err != nil {
		return nil
	}
	r := c.b[c.off:]
	c.off = len(c.b)
	return r
}
