package renditions

import (
	"fmt"
	"image"
	"testing"

	"github.com/disintegration/imaging"
)

func TestScratchDump(t *testing.T) {
	var r []image.Image
	for n := 1; n <= 8; n++ {
		r = append(r, renderFile(t, fmt.Sprintf("orientation/landscape_%d.jpg", n), Thumbnail))
	}
	for i := 0; i < 8; i++ {
		t.Log(i+1, meanAbsDiffExcept(t, r[0], matchHistogram(r[i], r[0]), digitBox), meanAbsDiff(t, r[0], matchHistogram(r[i], r[0])))
	}
	t.Log("mirror", meanAbsDiffExcept(t, r[0], matchHistogram(imaging.FlipH(r[1]), r[0]), digitBox))
	t.Log("rot", meanAbsDiffExcept(t, r[0], matchHistogram(imaging.Rotate180(r[1]), r[0]), digitBox))
}
