//go:build linux && (amd64 || arm64)

package localfs

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// The ioctls of chattr(1); the request numbers encode a long-sized
// argument, which is what the kernel reads on 64-bit Linux.
const (
	fsIocGetFlags   = 0x80086601
	fsIocSetFlags   = 0x40086602
	fsImmutableFlag = 0x00000010
)

// makeReadOnly makes dir refuse new entries for the rest of the test. A
// non-root user gets plain permissions; root ignores those, so root gets
// the immutable attribute (chattr +i), which binds root as well. Either
// way the store sees a real EACCES/EPERM from the kernel, as on a volume
// mounted read-only.
func makeReadOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return
	}
	if err := setImmutable(dir, true); err != nil {
		t.Fatalf("root cannot make %s immutable (filesystem without chattr +i?): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := setImmutable(dir, false); err != nil {
			t.Errorf("clear immutable on %s: %v", dir, err)
		}
	})
}

func setImmutable(dir string, on bool) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	var flags int64
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocGetFlags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	if on {
		flags |= fsImmutableFlag
	} else {
		flags &^= fsImmutableFlag
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocSetFlags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	return nil
}
