package photos

import (
	"fmt"

	"github.com/fieldproof/fieldproof/internal/renditions"
)

// HEICDecoder says which HEIC decoder renditions will use, for the start-up
// log, and fails when FIELDPROOF_HEIC_DECODER=native but libheif cannot be
// loaded: better to refuse to start than to fail every iPhone photo later.
func (s *Service) HEICDecoder() (string, error) {
	want := s.limits().HEICDecoder
	if want == renditions.HEICWASM {
		return "wasm (FIELDPROOF_HEIC_DECODER=wasm)", nil
	}
	v, err := renditions.NativeHEIC()
	switch {
	case err == nil:
		return "native libheif " + v, nil
	case want == renditions.HEICNative:
		return "", fmt.Errorf("FIELDPROOF_HEIC_DECODER=native: %w", err)
	}
	return "wasm (libheif not loadable: " + err.Error() + ")", nil
}
