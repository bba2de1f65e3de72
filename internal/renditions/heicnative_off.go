//go:build nodynamic || !(linux || darwin || freebsd)

package renditions

import "image"

type libheif struct{ version string }

var loadLibheif = func() (*libheif, error) { return nil, ErrNativeHEICUnavailable }

func (*libheif) decode([]byte, int, int, int) (image.Image, error) {
	return nil, ErrNativeHEICUnavailable
}
