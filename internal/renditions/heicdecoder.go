package renditions

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// HEICDecoder chooses how HEIC is decoded. The zero value is HEICAuto.
type HEICDecoder int

const (
	// HEICAuto decodes through the system's libheif when it can be loaded,
	// and in the WebAssembly sandbox otherwise.
	HEICAuto HEICDecoder = iota
	// HEICNative always uses the system's libheif; a HEIC decode fails when
	// it is missing.
	HEICNative
	// HEICWASM always uses the WebAssembly libheif/libde265 (slower, but
	// hostile input cannot reach native code).
	HEICWASM
)

func (d HEICDecoder) String() string {
	switch d {
	case HEICNative:
		return "native"
	case HEICWASM:
		return "wasm"
	}
	return "auto"
}

// ParseHEICDecoder parses "auto", "native" or "wasm" (empty means auto).
func ParseHEICDecoder(s string) (HEICDecoder, error) {
	switch s {
	case "", "auto":
		return HEICAuto, nil
	case "native":
		return HEICNative, nil
	case "wasm":
		return HEICWASM, nil
	}
	return HEICAuto, fmt.Errorf("HEIC decoder %q: want auto, native or wasm", s)
}

// ErrNativeHEICUnavailable: HEICNative was asked for but libheif could not
// be loaded (not installed, or a build with -tags nodynamic).
var ErrNativeHEICUnavailable = errors.New("renditions: native libheif is not available")

// errNativeUnsupported marks an image libheif decoded into a layout the
// native path does not convert (RGB, more than 8 bits): HEICAuto then
// decodes it in the sandbox instead.
var errNativeUnsupported = errors.New("renditions: image layout not handled by the native HEIC path")

// nativeDecodes counts files handed to libheif, so tests can tell which
// path a Decode took and that refused input never reached native code.
var nativeDecodes atomic.Int64

// NativeHEIC reports whether libheif can be loaded, and its version.
func NativeHEIC() (version string, err error) {
	lib, err := loadLibheif()
	if err != nil {
		return "", err
	}
	return lib.version, nil
}
