package reports

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FIELDPROOF_PDF_FONT overrides the embedded font; one that cannot be read
// or parsed is refused when the service is built, not in every report.
func TestFontOverride(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ttf")
	if err := os.WriteFile(good, defaultFont, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.ttf")
	if err := os.WriteFile(bad, []byte("ttcf not a TrueType font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewService(nil, nil, nil, nil, Options{FontPath: good}); err != nil {
		t.Errorf("a good override: %v", err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.ttf")} {
		if _, err := NewService(nil, nil, nil, nil, Options{FontPath: path}); err == nil {
			t.Errorf("%s accepted", filepath.Base(path))
		}
	}
	s, err := NewService(nil, nil, nil, nil, Options{})
	if err != nil || len(s.font) != len(defaultFont) || s.zone.String() != "Asia/Shanghai" {
		t.Errorf("defaults: %v", err)
	}
	utc, _ := NewService(nil, nil, nil, nil, Options{Zone: time.UTC})
	if utc.zone != time.UTC {
		t.Error("zone not taken")
	}
}
