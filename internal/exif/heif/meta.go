package heif

import "fmt"

// parseMeta parses the payload of the 'meta' FullBox.
func (f *File) parseMeta(p []byte) error {
	c := &cursor{b: p}
	c.skip(4) // version, flags
	if c.err != nil {
		return c.err
	}
	kids, err := children(c.rest(), maxChildBoxes)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, k := range kids {
		switch k.typ {
		case "pitm", "iinf", "iloc", "iref", "iprp", "idat":
			// Two of these would make the file ambiguous; different readers
			// could pick different ones, so refuse rather than guess.
			if seen[k.typ] {
				return fmt.Errorf("%w: duplicate %q box", ErrMalformed, k.typ)
			}
			seen[k.typ] = true
		}
		var err error
		switch k.typ {
		case "pitm":
			err = f.parsePitm(k.payload)
		case "iinf":
			err = f.parseIinf(k.payload)
		case "iloc":
			err = f.parseIloc(k.payload)
		case "iref":
			err = f.parseIref(k.payload)
		case "iprp":
			err = f.parseIprp(k.payload)
		case "idat":
			f.idat = k.payload
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k.typ, err)
		}
	}
	return nil
}

func (f *File) parsePitm(p []byte) error {
	c := &cursor{b: p}
	v := c.u8()
	c.skip(3)
	if v == 0 {
		f.PrimaryID = uint32(c.u16())
	} else {
		f.PrimaryID = c.u32()
	}
	f.HasPrimary = c.err == nil
	return c.err
}

func (f *File) parseIinf(p []byte) error {
	c := &cursor{b: p}
	v := c.u8()
	c.skip(3)
	var n uint32
	if v == 0 {
		n = uint32(c.u16())
	} else {
		n = c.u32()
	}
	if c.err != nil {
		return c.err
	}
	if n > maxItems {
		return fmt.Errorf("%w: %d items declared", ErrLimit, n)
	}
	kids, err := children(c.rest(), maxItems)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.typ != "infe" {
			continue
		}
		if err := f.parseInfe(k.payload); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) parseInfe(p []byte) error {
	c := &cursor{b: p}
	v := c.u8()
	c.skip(3)
	var id uint32
	typ := ""
	switch {
	case v < 2: // legacy entries carry no item_type
		id = uint32(c.u16())
	case v == 2:
		id = uint32(c.u16())
		c.skip(2) // protection index
		typ = c.fourCC()
	default:
		id = c.u32()
		c.skip(2)
		typ = c.fourCC()
	}
	if c.err != nil {
		return c.err
	}
	it, err := f.item(id)
	if err != nil {
		return err
	}
	it.Type = typ
	return nil
}

func (f *File) parseIloc(p []byte) error {
	c := &cursor{b: p}
	v := c.u8()
	c.skip(3)
	if v > 2 {
		return fmt.Errorf("%w: iloc version %d", ErrUnsupported, v)
	}
	b := c.u8()
	offSize, lenSize := int(b>>4), int(b&0xf)
	b = c.u8()
	baseSize, idxSize := int(b>>4), 0
	if v >= 1 {
		idxSize = int(b & 0xf)
	}
	var n uint32
	if v < 2 {
		n = uint32(c.u16())
	} else {
		n = c.u32()
	}
	if c.err != nil {
		return c.err
	}
	if n > maxItems {
		return fmt.Errorf("%w: %d item locations", ErrLimit, n)
	}
	for i := uint32(0); i < n; i++ {
		var id uint32
		if v < 2 {
			id = uint32(c.u16())
		} else {
			id = c.u32()
		}
		method := uint8(0)
		if v >= 1 {
			method = uint8(c.u16() & 0xf)
		}
		c.skip(2) // data_reference_index: 0 and self-referencing 'url ' both mean this file
		base := c.uN(baseSize)
		ec := int(c.u16())
		if c.err != nil {
			return c.err
		}
		if ec > maxExtentsPerItem {
			return fmt.Errorf("%w: item %d has %d extents", ErrLimit, id, ec)
		}
		exts := make([]Extent, 0, ec)
		for j := 0; j < ec; j++ {
			c.uN(idxSize)
			off := c.uN(offSize)
			ln := c.uN(lenSize)
			exts = append(exts, Extent{Offset: off, Length: ln})
		}
		if c.err != nil {
			return c.err
		}
		it, err := f.item(id)
		if err != nil {
			return err
		}
		it.ConstructionMethod, it.BaseOffset, it.Extents = method, base, exts
	}
	return nil
}

func (f *File) parseIref(p []byte) error {
	c := &cursor{b: p}
	v := c.u8()
	c.skip(3)
	if c.err != nil {
		return c.err
	}
	readID := func(c *cursor) uint32 {
		if v == 0 {
			return uint32(c.u16())
		}
		return c.u32()
	}
	kids, err := children(c.rest(), maxReferences)
	if err != nil {
		return err
	}
	for _, k := range kids {
		kc := &cursor{b: k.payload}
		from := readID(kc)
		n := int(kc.u16())
		if kc.err != nil {
			return kc.err
		}
		f.nrefs += n
		if f.nrefs > maxReferences {
			return fmt.Errorf("%w: more than %d references", ErrLimit, maxReferences)
		}
		to := make([]uint32, 0, min(n, kc.remaining()/2))
		for i := 0; i < n; i++ {
			to = append(to, readID(kc))
		}
		if kc.err != nil {
			return kc.err
		}
		it, err := f.item(from)
		if err != nil {
			return err
		}
		if it.Refs == nil {
			it.Refs = map[string][]uint32{}
		}
		it.Refs[k.typ] = append(it.Refs[k.typ], to...)
	}
	return nil
}
