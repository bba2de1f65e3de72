package renditions

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

func TestScratchDump(t *testing.T) {
	var r []image.Image
	for n := 1; n <= 8; n++ {
		r = append(r, renderFile(t, fmt.Sprintf("orientation/landscape_%d.jpg", n), Thumbnail))
	}
	for i := 0; i < 8; i++ {
		s := ""
		for j := 0; j < 8; j++ {
			s += fmt.Sprintf(" %.3f", meanAbsDiffExcept(t, r[i], r[j], digitBox))
		}
		t.Log(i+1, s)
	}
	d := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			a := color.GrayModel.Convert(r[0].At(x, y)).(color.Gray).Y
			b := color.GrayModel.Convert(r[1].At(x, y)).(color.Gray).Y
			v := int(a) - int(b)
			if v < 0 {
				v = -v
			}
			d.SetGray(x, y, color.Gray{uint8(min(255, v*4))})
		}
	}
	f, _ := os.Create("/tmp/diff.png")
	png.Encode(f, d)
	f.Close()
}
