package renditions

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// heif.wasm.gz is gen2brain/heic v0.4.5's build of libheif 1.18.2 and
// libde265 1.0.15 for WASI (licences beside it), driven here directly rather
// than through heic.Decode for two reasons measured on iPhone photos:
// heic.Decode frees its output buffer before returning a slice that still
// aliases it, so malloc's bookkeeping overwrites the first bytes of every
// frame (up to 254 levels off in the first row of each tile); and it
// instantiates a module per call, whereas a grid photo wants one instance
// reused for all its tiles.
//
//go:embed heicwasm/heif.wasm.gz
var heifWasmGz []byte

// heifModule is the compiled decoder, shared by every decode: compiling
// costs seconds, an instance only milliseconds.
var heifModule = sync.OnceValues(func() (*wasmModule, error) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	zr, err := gzip.NewReader(bytes.NewReader(heifWasmGz))
	if err != nil {
		return nil, err
	}
	bin, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return nil, err
	}
	cm, err := rt.CompileModule(ctx, bin)
	if err != nil {
		return nil, err
	}
	return &wasmModule{rt: rt, cm: cm}, nil
})

type wasmModule struct {
	rt wazero.Runtime
	cm wazero.CompiledModule
}

// heifInstance is one libheif instance. Not safe for concurrent use.
type heifInstance struct {
	mod                  api.Module
	malloc, free, decode api.Function
}

// newHEIFInstance starts an instance whose linear memory starts with room
// for `reserve` bytes and may never exceed `limit`. wazero's default grows
// the memory by re-allocating it a little larger at every memory.grow, each
// time leaving the old copy to the GC (383 MB allocated for one 12 MP
// whole-file decode here); reserving ahead and doubling keeps that to a few
// copies. A memory.grow past limit fails inside libheif, which reports a
// decode error.
func newHEIFInstance(ctx context.Context, reserve, limit uint64) (*heifInstance, error) {
	m, err := heifModule()
	if err != nil {
		return nil, fmt.Errorf("renditions: HEIC decoder: %w", err)
	}
	ctx = experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		return &linearMemory{reserve: reserve, max: min(max, limit)}
	}))
	// An anonymous instance: several may live at once. Its linear memory is
	// dropped with it, so a decode's peak is not kept for the next one.
	mod, err := m.rt.InstantiateModule(ctx, m.cm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return nil, fmt.Errorf("renditions: HEIC decoder: %w", err)
	}
	return &heifInstance{mod: mod, malloc: mod.ExportedFunction("malloc"), free: mod.ExportedFunction("free"), decode: mod.ExportedFunction("decode")}, nil
}

func (h *heifInstance) Close(ctx context.Context) { h.mod.Close(ctx) }

type linearMemory struct {
	buf          []byte
	reserve, max uint64
}

func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	c := min(max(size, 2*uint64(cap(m.buf)), m.reserve), m.max)
	b := make([]byte, size, c)
	copy(b, m.buf)
	m.buf = b
	return b
}

func (m *linearMemory) Free() { m.buf = nil }

var errHEIFDecode = errors.New("libheif could not decode the image")

// Decode decodes the primary image of a HEIF file held in data, with the
// container's transformations applied, into Go-owned memory.
func (h *heifInstance) Decode(ctx context.Context, data []byte) (image.Image, error) {
	mem := h.mod.Memory()
	alloc := func(n int) (uint32, error) {
		r, err := h.malloc.Call(ctx, uint64(n))
		if err != nil {
			return 0, err
		}
		if r[0] == 0 {
			return 0, fmt.Errorf("%w: wasm malloc(%d) failed", ErrTooLarge, n)
		}
		return uint32(r[0]), nil
	}
	in, err := alloc(len(data))
	if err != nil {
		return nil, err
	}
	defer h.free.Call(ctx, uint64(in))
	if !mem.Write(in, data) {
		return nil, errHEIFDecode
	}
	hdr, err := alloc(20)
	if err != nil {
		return nil, err
	}
	defer h.free.Call(ctx, uint64(hdr))
	call := func(configOnly uint64, out uint32) error {
		r, err := h.decode.Call(ctx, uint64(in), uint64(len(data)), configOnly, uint64(hdr), uint64(hdr+4), uint64(hdr+8), uint64(hdr+12), uint64(hdr+16), uint64(out))
		if err != nil {
			return err
		}
		if r[0] == 0 {
			return errHEIFDecode
		}
		return nil
	}
	if err := call(1, 0); err != nil {
		return nil, err
	}
	var v [5]uint32
	for i := range v {
		var ok bool
		if v[i], ok = mem.ReadUint32Le(hdr + uint32(4*i)); !ok {
			return nil, errHEIFDecode
		}
	}
	w, hgt, colorspace, chroma, premul := int(v[0]), int(v[1]), v[2], v[3], v[4]
	if w <= 0 || hgt <= 0 {
		return nil, errHEIFDecode
	}
	rect := image.Rect(0, 0, w, hgt)
	const align = 16
	al := func(n int) int { return (n + align - 1) &^ (align - 1) }

	var size int
	var ratio image.YCbCrSubsampleRatio
	var cw, ch int
	switch colorspace {
	case 0: // YCbCr
		switch chroma {
		case 1:
			ratio, cw, ch = image.YCbCrSubsampleRatio420, (w+1)/2, (hgt+1)/2
		case 2:
			ratio, cw, ch = image.YCbCrSubsampleRatio422, (w+1)/2, hgt
		case 3:
			ratio, cw, ch = image.YCbCrSubsampleRatio444, w, hgt
		default:
			return nil, fmt.Errorf("%w: HEIF chroma %d", ErrUnsupportedFormat, chroma)
		}
		size = al(w)*hgt + 2*al(cw)*ch
	case 2: // monochrome
		size = al(w) * hgt
	case 1: // RGB, interleaved RGBA
		size = al(4*w) * hgt
	default:
		return nil, fmt.Errorf("%w: HEIF colourspace %d", ErrUnsupportedFormat, colorspace)
	}
	out, err := alloc(size)
	if err != nil {
		return nil, err
	}
	defer h.free.Call(ctx, uint64(out))
	if err := call(0, out); err != nil {
		return nil, err
	}
	// Copy out before the deferred free: free writes malloc's bookkeeping
	// into the buffer.
	buf, ok := mem.Read(out, uint32(size))
	if !ok {
		return nil, errHEIFDecode
	}
	switch colorspace {
	case 0:
		m := image.NewYCbCr(rect, ratio)
		ys, cs := al(w), al(cw)
		copyRows(m.Y, m.YStride, buf, ys, hgt)
		copyRows(m.Cb, m.CStride, buf[ys*hgt:], cs, ch)
		copyRows(m.Cr, m.CStride, buf[ys*hgt+cs*ch:], cs, ch)
		return m, nil
	case 2:
		m := image.NewGray(rect)
		copyRows(m.Pix, m.Stride, buf, al(w), hgt)
		return m, nil
	}
	if premul == 1 {
		m := image.NewRGBA(rect)
		copyRows(m.Pix, m.Stride, buf, al(4*w), hgt)
		return m, nil
	}
	m := image.NewNRGBA(rect)
	copyRows(m.Pix, m.Stride, buf, al(4*w), hgt)
	return m, nil
}
