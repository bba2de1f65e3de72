package renditions

// Size is a rendition size; the table below is the single source of truth.
type Size int

const (
	Thumbnail Size = iota
	Preview
)

var sizeTable = [...]struct {
	name     string
	longEdge int
}{
	Thumbnail: {"thumbnail", 320},
	Preview:   {"preview", 1600},
}

// Sizes lists every rendition size, largest last.
var Sizes = []Size{Thumbnail, Preview}

func (s Size) valid() bool { return s >= 0 && int(s) < len(sizeTable) }

func (s Size) String() string {
	if !s.valid() {
		return "invalid"
	}
	return sizeTable[s].name
}

// LongEdge is the maximum length in pixels of the rendition's longer side.
func (s Size) LongEdge() int {
	if !s.valid() {
		return 0
	}
	return sizeTable[s].longEdge
}
