package heif

import "fmt"

// property is an entry of ipco. Only the properties needed before decoding
// are interpreted; the rest keep just their type so that ipma indices stay
// aligned.
type property struct {
	typ        string
	w, h       uint32
	rotation   int
	mirrorAxis int
	payload    []byte // hvcC and colr only: kept for decoders
}

func (f *File) parseIprp(p []byte) error {
	kids, err := children(p, maxChildBoxes)
	if err != nil {
		return err
	}
	var props []property
	var ipmas [][]byte
	haveIpco := false
	for _, k := range kids {
		switch k.typ {
		case "ipco":
			if haveIpco {
				return fmt.Errorf("%w: duplicate ipco", ErrMalformed)
			}
			haveIpco = true
			if props, err = parseIpco(k.payload); err != nil {
				return err
			}
		case "ipma":
			ipmas = append(ipmas, k.payload)
		}
	}
	// ipma may precede ipco, so associations are applied only once both are known.
	for _, m := range ipmas {
		if err := f.parseIpma(m, props); err != nil {
			return err
		}
	}
	return nil
}

func parseIpco(p []byte) ([]property, error) {
	kids, err := children(p, maxProperties)
	if err != nil {
		return nil, err
	}
	props := make([]property, len(kids))
	for i, k := range kids {
		pr := property{typ: k.typ, mirrorAxis: -1}
		c := &cursor{b: k.payload}
		switch k.typ {
		case "ispe":
			c.skip(4)
			pr.w, pr.h = c.u32(), c.u32()
		case "irot":
			pr.rotation = int(c.u8() & 3)
		case "imir":
			pr.mirrorAxis = int(c.u8() & 1)
		case "hvcC", "colr":
			pr.payload = k.payload
		}
		if c.err != nil {
			return nil, fmt.Errorf("%s: %w", k.typ, c.err)
		}
		props[i] = pr
	}
	return props, nil
}

func (f *File) parseIpma(p []byte, props []property) error {
	c := &cursor{b: p}
	v := c.u8()
	flags := uint32(c.u8())<<16 | uint32(c.u16())
	n := c.u32()
	if c.err != nil {
		return c.err
	}
	if n > maxItems {
		return fmt.Errorf("%w: ipma lists %d items", ErrLimit, n)
	}
	for i := uint32(0); i < n; i++ {
		var id uint32
		if v < 1 {
			id = uint32(c.u16())
		} else {
			id = c.u32()
		}
		na := int(c.u8())
		if c.err != nil {
			return c.err
		}
		it, err := f.item(id)
		if err != nil {
			return err
		}
		for j := 0; j < na; j++ {
			var idx int
			if flags&1 != 0 {
				idx = int(c.u16() & 0x7fff)
			} else {
				idx = int(c.u8() & 0x7f)
			}
			if c.err != nil {
				return c.err
			}
			if idx == 0 { // 0 means "no property"
				continue
			}
			if idx > len(props) {
				return fmt.Errorf("%w: item %d references property %d of %d", ErrMalformed, id, idx, len(props))
			}
			apply(it, props[idx-1])
		}
	}
	return nil
}

// apply copies a property onto an item. The first ispe wins: a second one
// would be a malformed file, and taking the first matches libheif.
func apply(it *Item, p property) {
	switch p.typ {
	case "ispe":
		if !it.HasSize {
			it.Width, it.Height, it.HasSize = p.w, p.h, true
		}
	case "irot":
		it.Rotation = p.rotation
	case "imir":
		it.MirrorAxis = p.mirrorAxis
	case "hvcC":
		if it.HvcC == nil {
			it.HvcC = p.payload
		}
	case "colr":
		// An item may carry one nclx and one ICC colr; only the ICC profile
		// ('prof', or 'rICC' restricted) says what its RGB means.
		if len(p.payload) > 4 && it.ICC == nil {
			if t := string(p.payload[:4]); t == "prof" || t == "rICC" {
				it.ICC = p.payload[4:]
			}
		}
	}
}
