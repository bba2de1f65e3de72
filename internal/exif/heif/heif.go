// Package heif reads the item structure of HEIF/HEIC files (ISO/IEC 23008-12
// on top of ISO BMFF): which item is the primary image, where each item's
// bytes live, and the image properties that matter before decoding (ispe
// size, irot/imir transforms). It never touches coded image data.
//
// Everything is bounded: only the 'meta' box is read into memory and only up
// to MaxMetaSize, and item, extent, property and reference counts are capped,
// because the input is an untrusted upload.
package heif

import (
	"errors"
	"fmt"
	"io"
	"sort"
)

var (
	// ErrMalformed marks structurally invalid or truncated files.
	ErrMalformed = errors.New("heif: malformed file")
	// ErrLimit marks files that exceed one of this package's safety limits.
	ErrLimit = errors.New("heif: safety limit exceeded")
	// ErrUnsupported marks valid but unsupported constructs.
	ErrUnsupported = errors.New("heif: unsupported construct")
)

// Limits. Real phone files are far below these (an iPhone 13 HEIC has a
// 3.7 KB meta box with 53 items); they exist so that a hostile file cannot
// make us allocate or loop in proportion to numbers it declares.
const (
	MaxMetaSize       = 4 << 20
	maxTopLevelBoxes  = 1024
	maxFtypSize       = 4096
	maxItems          = 8192
	maxExtentsPerItem = 1024
	maxProperties     = 8192
	maxReferences     = 1 << 16
	maxChildBoxes     = 256
)

// Extent is one contiguous run of an item's bytes.
type Extent struct {
	Offset, Length uint64
}

// Item is one entry of the meta box, merged from iinf, iloc, iprp and iref.
type Item struct {
	ID   uint32
	Type string // item_type four-CC, e.g. "hvc1", "grid", "Exif"; "" for infe v0/v1

	// Location (iloc). ConstructionMethod 0 = file offsets, 1 = idat offsets.
	ConstructionMethod uint8
	BaseOffset         uint64
	Extents            []Extent

	// Properties (ipco/ipma).
	Width, Height uint32 // ispe; valid only if HasSize
	HasSize       bool
	Rotation      int    // irot: counter-clockwise quarter turns, 0-3
	MirrorAxis    int    // imir: -1 none, 0 vertical axis, 1 horizontal axis
	HvcC          []byte // payload of the hvcC (HEVC decoder configuration) property
	ICC           []byte // ICC profile from a colr 'prof'/'rICC' property

	// Refs holds this item's outgoing references by type ("cdsc", "dimg", "thmb"...).
	Refs map[string][]uint32
}

// File is the parsed item structure of one HEIF file.
type File struct {
	MajorBrand       string
	CompatibleBrands []string
	PrimaryID        uint32
	HasPrimary       bool
	Items            map[uint32]*Item

	idat  []byte
	nrefs int
}

// ReadFile reads the ftyp box and the meta box from r. It reads r
// sequentially and skips (seeking when possible) any boxes in between, so r
// can be an upload stream; callers bound how much may be skipped by wrapping
// r in an io.LimitReader.
func ReadFile(r io.Reader) (*File, error) {
	th, err := readTopHeader(r)
	if err != nil {
		return nil, truncated(err)
	}
	if th.typ != "ftyp" {
		return nil, fmt.Errorf("%w: first box is %q, not ftyp", ErrMalformed, th.typ)
	}
	if th.payloadLen < 8 || th.payloadLen > maxFtypSize {
		return nil, fmt.Errorf("%w: ftyp size %d", ErrMalformed, th.payloadLen)
	}
	ftyp := make([]byte, th.payloadLen)
	if _, err := io.ReadFull(r, ftyp); err != nil {
		return nil, truncated(err)
	}
	f := &File{Items: map[uint32]*Item{}}
	f.MajorBrand = string(ftyp[:4])
	for i := 8; i+4 <= len(ftyp); i += 4 {
		f.CompatibleBrands = append(f.CompatibleBrands, string(ftyp[i:i+4]))
	}

	for n := 1; ; n++ {
		if n >= maxTopLevelBoxes {
			return nil, fmt.Errorf("%w: no meta box within %d top-level boxes", ErrLimit, maxTopLevelBoxes)
		}
		th, err := readTopHeader(r)
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: no meta box", ErrMalformed)
		}
		if err != nil {
			return nil, truncated(err)
		}
		if th.typ != "meta" {
			if th.payloadLen < 0 {
				return nil, fmt.Errorf("%w: no meta box before open-ended %q", ErrMalformed, th.typ)
			}
			if err := skip(r, th.payloadLen); err != nil {
				return nil, err
			}
			continue
		}
		payload, err := readBounded(r, th.payloadLen, MaxMetaSize)
		if err != nil {
			return nil, err
		}
		if err := f.parseMeta(payload); err != nil {
			return nil, err
		}
		return f, nil
	}
}

func readBounded(r io.Reader, n, limit int64) ([]byte, error) {
	if n > limit {
		return nil, fmt.Errorf("%w: meta box of %d bytes exceeds %d", ErrLimit, n, limit)
	}
	if n < 0 { // open-ended: read to EOF but no further than the limit
		b, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%w: open-ended meta box exceeds %d bytes", ErrLimit, limit)
		}
		return b, nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, truncated(err)
	}
	return b, nil
}

// item returns the item with id, creating it on first mention: iloc, ipma and
// iref may name items in any order relative to iinf.
func (f *File) item(id uint32) (*Item, error) {
	if it, ok := f.Items[id]; ok {
		return it, nil
	}
	if len(f.Items) >= maxItems {
		return nil, fmt.Errorf("%w: more than %d items", ErrLimit, maxItems)
	}
	it := &Item{ID: id, MirrorAxis: -1}
	f.Items[id] = it
	return it, nil
}

// Primary returns the primary image item, if the file names one.
func (f *File) Primary() (*Item, bool) {
	if !f.HasPrimary {
		return nil, false
	}
	it, ok := f.Items[f.PrimaryID]
	return it, ok
}

// PrimarySize returns the stored (pre-irot) size of the primary image from
// its ispe property, which HEIF makes mandatory for every image item.
func (f *File) PrimarySize() (w, h uint32, ok bool) {
	it, ok := f.Primary()
	if !ok || !it.HasSize {
		return 0, 0, false
	}
	return it.Width, it.Height, true
}

// ExifItem picks the Exif item describing the primary image. A file may carry
// several (e.g. one per burst frame), so the one whose 'cdsc' reference
// points at the primary item wins; otherwise the lowest-numbered Exif item,
// which keeps the choice deterministic.
func (f *File) ExifItem() (*Item, bool) {
	var ids []uint32
	for id, it := range f.Items {
		if it.Type == "Exif" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, false
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if f.HasPrimary {
		for _, id := range ids {
			for _, to := range f.Items[id].Refs["cdsc"] {
				if to == f.PrimaryID {
					return f.Items[id], true
				}
			}
		}
	}
	return f.Items[ids[0]], true
}

// ReadItem returns the concatenated bytes of an item, refusing to allocate
// more than maxLen. size is the total file size, used to reject extents that
// point outside the file before anything is read.
func (f *File) ReadItem(r io.ReaderAt, size int64, it *Item, maxLen int64) ([]byte, error) {
	if len(it.Extents) == 0 {
		return nil, fmt.Errorf("%w: item %d has no location", ErrMalformed, it.ID)
	}
	var src uint64
	switch it.ConstructionMethod {
	case 0:
		src = uint64(size)
	case 1:
		src = uint64(len(f.idat))
	default:
		return nil, fmt.Errorf("%w: construction method %d", ErrUnsupported, it.ConstructionMethod)
	}
	type span struct{ off, n uint64 }
	spans := make([]span, 0, len(it.Extents))
	var total uint64
	for _, e := range it.Extents {
		off := it.BaseOffset + e.Offset
		if off < it.BaseOffset || off > src {
			return nil, fmt.Errorf("%w: item %d extent starts outside its source", ErrMalformed, it.ID)
		}
		n := e.Length
		if n == 0 { // zero length means "to the end of the source"
			n = src - off
		}
		if n > src-off {
			return nil, fmt.Errorf("%w: item %d extent runs past the end of its source", ErrMalformed, it.ID)
		}
		total += n
		if total > uint64(maxLen) {
			return nil, fmt.Errorf("%w: item %d is larger than %d bytes", ErrLimit, it.ID, maxLen)
		}
		spans = append(spans, span{off, n})
	}
	out := make([]byte, total)
	pos := uint64(0)
	for _, s := range spans {
		dst := out[pos : pos+s.n]
		pos += s.n
		if it.ConstructionMethod == 1 {
			copy(dst, f.idat[s.off:s.off+s.n])
			continue
		}
		if n, err := r.ReadAt(dst, int64(s.off)); n < len(dst) {
			return nil, truncated(err)
		}
	}
	return out, nil
}
