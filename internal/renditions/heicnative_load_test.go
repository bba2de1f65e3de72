//go:build !nodynamic && (linux || darwin || freebsd)

package renditions

import (
	"errors"
	"testing"
)

// TestOpenLibheifMissing: a library that is not installed is
// ErrNativeHEICUnavailable (HEICAuto's cue to use the sandbox), not a panic.
func TestOpenLibheifMissing(t *testing.T) {
	for _, names := range [][]string{nil, {"libheif-not-installed.so.1"}} {
		if lib, err := openLibheif(names); lib != nil || !errors.Is(err, ErrNativeHEICUnavailable) {
			t.Errorf("openLibheif(%q) = %v, %v; want ErrNativeHEICUnavailable", names, lib, err)
		}
	}
	// A library without libheif's symbols (libc itself) is refused too.
	if lib, err := openLibheif([]string{"libc.so.6"}); lib != nil || !errors.Is(err, ErrNativeHEICUnavailable) {
		t.Errorf("openLibheif(libc) = %v, %v; want ErrNativeHEICUnavailable", lib, err)
	}
}
