package reviewapi

import "testing"

func TestCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+cmd": "'+cmd", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "\r=x": "'\r=x",
		"": "", "plain": "plain", "双溪村道路": "双溪村道路", "K1+536": "K1+536", "a=b": "a=b",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIfNoneMatch(t *testing.T) {
	const tag = `"abc"`
	for header, want := range map[string]bool{
		`"abc"`: true, `W/"abc"`: true, `"x", "abc"`: true, `*`: true,
		``: false, `"abcd"`: false, `abc`: false, `"x"`: false,
	} {
		if got := matches(header, tag); got != want {
			t.Errorf("matches(%q) = %v, want %v", header, got, want)
		}
	}
}
