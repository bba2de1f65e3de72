//go:build !nodynamic && (linux || darwin || freebsd)

package renditions

import (
	"errors"
	"fmt"
	"image"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// The system's libheif (Debian libheif1, with libde265 compiled natively)
// decodes a 12 MP iPhone photo several times faster than its WebAssembly
// build under wazero, where ~85% of the time is the HEVC decoder itself.
// It is called through purego, so the binary is still built with
// CGO_ENABLED=0 and runs where libheif is absent (HEICAuto then falls back
// to the sandbox). It runs in-process: decodeHEIC only hands it files whose
// container structure, declared sizes and grid layout were checked first.

// Values from libheif's heif.h (stable since 1.x).
const (
	heifColorspaceYCbCr      = 0
	heifColorspaceMonochrome = 2
	heifChromaMonochrome     = 0
	heifChroma420            = 1
	heifChroma422            = 2
	heifChroma444            = 3
	heifChannelY             = 0
	heifChannelCb            = 1
	heifChannelCr            = 2
)

// libheif's functions. Those returning struct heif_error (16 bytes: int32
// code, int32 subcode, const char* message) are declared as returning its
// first eightbyte, which both the SysV amd64 and the AAPCS64 ABIs return in
// the first integer register: the code is its low 32 bits.
type libheif struct {
	version string

	contextAlloc          func() uintptr
	contextFree           func(ctx uintptr)
	setMaxDecodingThreads func(ctx uintptr, n int32)
	readFromMemoryNoCopy  func(ctx uintptr, data *byte, size uintptr, opts uintptr) uint64
	primaryImageHandle    func(ctx uintptr, handle *uintptr) uint64
	handleRelease         func(handle uintptr)
	decodingOptionsAlloc  func() *byte
	decodingOptionsFree   func(opts *byte)
	decodeImage           func(handle uintptr, img *uintptr, colorspace, chroma int32, opts *byte) uint64
	imageRelease          func(img uintptr)
	imageColorspace       func(img uintptr) int32
	imageChroma           func(img uintptr) int32
	imageWidth            func(img uintptr, channel int32) int32
	imageHeight           func(img uintptr, channel int32) int32
	imageBitsPerPixel     func(img uintptr, channel int32) int32
	imagePlaneReadonly    func(img uintptr, channel int32, stride *int32) *byte
	getVersion            func() string
	getVersionNumberMajor func() int32
	getVersionNumberMinor func() int32

	// glibc's, when the C library is glibc (nil otherwise): see trim.
	mallocTrim func(pad uintptr) int32
}

// trim hands the C heap's free pages back to the system after a decode.
// libheif decodes a grid's tiles on several threads, and glibc gives each
// thread its own malloc arena that keeps its freed frames mapped: without
// this (and the arena and thread caps), nine 12 MP renditions in one process
// peaked at 188 MB rather than 149 MB (docs/PERFORMANCE.md). The arena cap
// is process-wide, but in a Go binary only native libraries use malloc.
func (lib *libheif) trim() {
	if lib.mallocTrim != nil {
		lib.mallocTrim(0)
	}
}

var libheifNames = map[string][]string{
	"linux":   {"libheif.so.1"},
	"freebsd": {"libheif.so.1"},
	"darwin":  {"libheif.1.dylib", "/opt/homebrew/lib/libheif.1.dylib", "/usr/local/lib/libheif.1.dylib"},
}

var loadLibheif = sync.OnceValues(func() (*libheif, error) { return openLibheif(libheifNames[runtime.GOOS]) })

func openLibheif(names []string) (lib *libheif, err error) {
	err = errors.New("no library name for " + runtime.GOOS)
	var h uintptr
	for _, name := range names {
		if h, err = purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL); err == nil {
			break
		}
	}
	if h == 0 {
		return nil, fmt.Errorf("%w: %v", ErrNativeHEICUnavailable, err)
	}
	// RegisterLibFunc panics on a missing symbol (a libheif too old).
	defer func() {
		if p := recover(); p != nil {
			lib, err = nil, fmt.Errorf("%w: %v", ErrNativeHEICUnavailable, p)
		}
	}()
	lib = &libheif{}
	for _, f := range []struct {
		fn   any
		name string
	}{
		{&lib.contextAlloc, "heif_context_alloc"},
		{&lib.contextFree, "heif_context_free"},
		{&lib.setMaxDecodingThreads, "heif_context_set_max_decoding_threads"},
		{&lib.readFromMemoryNoCopy, "heif_context_read_from_memory_without_copy"},
		{&lib.primaryImageHandle, "heif_context_get_primary_image_handle"},
		{&lib.handleRelease, "heif_image_handle_release"},
		{&lib.decodingOptionsAlloc, "heif_decoding_options_alloc"},
		{&lib.decodingOptionsFree, "heif_decoding_options_free"},
		{&lib.decodeImage, "heif_decode_image"},
		{&lib.imageRelease, "heif_image_release"},
		{&lib.imageColorspace, "heif_image_get_colorspace"},
		{&lib.imageChroma, "heif_image_get_chroma_format"},
		{&lib.imageWidth, "heif_image_get_width"},
		{&lib.imageHeight, "heif_image_get_height"},
		{&lib.imageBitsPerPixel, "heif_image_get_bits_per_pixel_range"},
		{&lib.imagePlaneReadonly, "heif_image_get_plane_readonly"},
		{&lib.getVersion, "heif_get_version"},
		{&lib.getVersionNumberMajor, "heif_get_version_number_major"},
		{&lib.getVersionNumberMinor, "heif_get_version_number_minor"},
	} {
		purego.RegisterLibFunc(f.fn, h, f.name)
	}
	// heif_decoding_options' ignore_transformations (version 1 of the
	// struct, the layout relied on below) and read_from_memory_without_copy
	// are both in 1.x releases long before Debian 11's 1.11.
	if maj, min := lib.getVersionNumberMajor(), lib.getVersionNumberMinor(); maj != 1 || min < 11 {
		return nil, fmt.Errorf("%w: libheif %d.%d, want 1.11 or later 1.x", ErrNativeHEICUnavailable, maj, min)
	}
	lib.version = lib.getVersion()
	if c, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_LOCAL); err == nil {
		if sym, err := purego.Dlsym(c, "malloc_trim"); err == nil {
			purego.RegisterFunc(&lib.mallocTrim, sym)
		}
		// M_ARENA_MAX (-8): two arenas are enough for one decode at a time
		// on libheif's threads, and fewer arenas strand less freed memory.
		if sym, err := purego.Dlsym(c, "mallopt"); err == nil {
			var mallopt func(param, value int32) int32
			purego.RegisterFunc(&mallopt, sym)
			mallopt(-8, 2)
		}
	}
	return lib, nil
}

func heifFailed(what string, e uint64) error {
	if code := int32(uint32(e)); code != 0 {
		return fmt.Errorf("%w: libheif %s: error %d.%d", ErrCorrupt, what, code, int32(e>>32))
	}
	return nil
}

// decode decodes the primary image of data as stored: grid assembled, but
// irot/imir (and clap) not applied by libheif; they are applied while the
// planes are copied out (turns counter-clockwise quarter turns, then a
// mirror about mirrorAxis, -1 for none), exactly as the tile path turns its
// frame, and without a second Go copy of the frame.
//
// hevcChroma is the HEVC chroma_format_idc of the coded image (0-3): asked
// for explicitly because libheif 1.15 converts a grid to planar RGB when
// asked for the "original" colourspace.
func (lib *libheif) decode(data []byte, hevcChroma, turns, mirrorAxis int) (img image.Image, err error) {
	cs, chroma := int32(heifColorspaceYCbCr), int32(0)
	switch hevcChroma {
	case 0:
		cs, chroma = heifColorspaceMonochrome, heifChromaMonochrome
	case 1:
		chroma = heifChroma420
	case 2:
		chroma = heifChroma422
	case 3:
		chroma = heifChroma444
	default:
		return nil, errNativeUnsupported
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty HEIF", ErrCorrupt)
	}
	nativeDecodes.Add(1)
	ctx := lib.contextAlloc()
	if ctx == 0 {
		return nil, fmt.Errorf("%w: heif_context_alloc failed", ErrTooLarge)
	}
	// libheif reads data in place until the context is freed; the Go heap
	// does not move objects, and KeepAlive keeps data reachable until then.
	defer func() {
		lib.contextFree(ctx)
		runtime.KeepAlive(data)
		lib.trim()
	}()
	// A grid's tiles are decoded on this many threads, each with its own
	// HEVC decoder and frames: more than the cores only adds memory.
	lib.setMaxDecodingThreads(ctx, int32(min(runtime.GOMAXPROCS(0), 2)))
	if err := heifFailed("read", lib.readFromMemoryNoCopy(ctx, &data[0], uintptr(len(data)), 0)); err != nil {
		return nil, err
	}
	var handle uintptr
	if err := heifFailed("primary image", lib.primaryImageHandle(ctx, &handle)); err != nil {
		return nil, err
	}
	defer lib.handleRelease(handle)

	opts := lib.decodingOptionsAlloc()
	if opts == nil {
		return nil, fmt.Errorf("%w: heif_decoding_options_alloc failed", ErrTooLarge)
	}
	defer lib.decodingOptionsFree(opts)
	*(*uint8)(unsafe.Add(unsafe.Pointer(opts), 1)) = 1 // ignore_transformations

	var him uintptr
	if err := heifFailed("decode", lib.decodeImage(handle, &him, cs, chroma, opts)); err != nil {
		return nil, err
	}
	if him == 0 {
		return nil, fmt.Errorf("%w: libheif decoded no image", ErrCorrupt)
	}
	defer lib.imageRelease(him)
	return lib.copyOut(him, turns, mirrorAxis)
}

// copyOut copies libheif's planes, turned, into a Go image of the same
// layout.
func (lib *libheif) copyOut(him uintptr, turns, mirrorAxis int) (image.Image, error) {
	plane := func(ch int32, w, h int) ([]byte, int, error) {
		if lib.imageBitsPerPixel(him, ch) != 8 {
			return nil, 0, errNativeUnsupported
		}
		if int(lib.imageWidth(him, ch)) != w || int(lib.imageHeight(him, ch)) != h {
			return nil, 0, fmt.Errorf("%w: libheif plane %d is %dx%d, want %dx%d", ErrCorrupt, ch, lib.imageWidth(him, ch), lib.imageHeight(him, ch), w, h)
		}
		var stride int32
		p := lib.imagePlaneReadonly(him, ch, &stride)
		if p == nil || int(stride) < w {
			return nil, 0, fmt.Errorf("%w: libheif plane %d missing", ErrCorrupt, ch)
		}
		return unsafe.Slice(p, int(stride)*(h-1)+w), int(stride), nil
	}
	w, h := int(lib.imageWidth(him, heifChannelY)), int(lib.imageHeight(him, heifChannelY))
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%w: libheif image of %dx%d", ErrCorrupt, w, h)
	}
	rect := image.Rect(0, 0, w, h)
	if turns%2 == 1 {
		rect = image.Rect(0, 0, h, w)
	}
	cp := func(dst []byte, dstStride int, src []byte, srcStride, sw, sh int) {
		if turns == 0 && mirrorAxis < 0 {
			copyRows(dst, dstStride, src, srcStride, sh)
			return
		}
		turnPlane(dst, dstStride, src, srcStride, sw, sh, turns, mirrorAxis)
	}
	cs, chroma := lib.imageColorspace(him), lib.imageChroma(him)
	switch {
	case cs == heifColorspaceMonochrome && chroma == heifChromaMonochrome:
		y, ys, err := plane(heifChannelY, w, h)
		if err != nil {
			return nil, err
		}
		m := image.NewGray(rect)
		cp(m.Pix, m.Stride, y, ys, w, h)
		return m, nil
	case cs == heifColorspaceYCbCr:
		var ratio image.YCbCrSubsampleRatio
		cw, ch := w, h
		switch chroma {
		case heifChroma420:
			ratio, cw, ch = image.YCbCrSubsampleRatio420, (w+1)/2, (h+1)/2
		case heifChroma422:
			ratio, cw = image.YCbCrSubsampleRatio422, (w+1)/2
		case heifChroma444:
			ratio = image.YCbCrSubsampleRatio444
		default:
			return nil, errNativeUnsupported
		}
		y, ys, err := plane(heifChannelY, w, h)
		if err != nil {
			return nil, err
		}
		cb, cbs, err := plane(heifChannelCb, cw, ch)
		if err != nil {
			return nil, err
		}
		cr, crs, err := plane(heifChannelCr, cw, ch)
		if err != nil {
			return nil, err
		}
		m := image.NewYCbCr(rect, ratio)
		cp(m.Y, m.YStride, y, ys, w, h)
		cp(m.Cb, m.CStride, cb, cbs, cw, ch)
		cp(m.Cr, m.CStride, cr, crs, cw, ch)
		return m, nil
	}
	return nil, errNativeUnsupported
}
