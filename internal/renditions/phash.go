package renditions

import (
	"fmt"
	"image"
	"math/bits"

	"github.com/corona10/goimagehash"
)

// phashInput is the size images are reduced to before hashing. goimagehash
// scales to 64x64 itself, but doing that from a 12 MP frame with its
// resampler is slow; a cheap box-ish pre-shrink changes the hash negligibly.
const phashInput = 256

// PHash is a 64-bit DCT perceptual hash (goimagehash.PerceptionHash) for
// spotting re-uploads and near-duplicates: recompression and resizing move
// it by a few bits, different scenes by ~half of them. Apply orientation
// first if rotated copies should match.
func PHash(img image.Image) (h uint64, err error) {
	if img == nil || img.Bounds().Empty() {
		return 0, fmt.Errorf("%w: empty image", ErrCorrupt)
	}
	defer func() {
		if p := recover(); p != nil {
			h, err = 0, fmt.Errorf("renditions: phash panicked: %v", p)
		}
	}()
	small := shrinkFast(img, phashInput)
	ih, err := goimagehash.PerceptionHash(small)
	if err != nil {
		return 0, fmt.Errorf("renditions: phash: %w", err)
	}
	return ih.GetHash(), nil
}

// HammingDistance is the number of differing bits between two hashes.
func HammingDistance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}
