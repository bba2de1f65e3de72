//go:build !(linux && (amd64 || arm64))

package localfs

import (
	"os"
	"testing"
)

// makeReadOnly: see readonly_linux_test.go. Elsewhere only permissions,
// which root would ignore.
func makeReadOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() == 0 {
		t.Fatal("makeReadOnly as root is implemented on Linux only")
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
}
