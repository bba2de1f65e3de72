package s3store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/fieldproof/fieldproof/storage"
)

// flipProxy forwards TCP to target and flips one byte of the body of the
// first PUT whose request line contains marker, on each connection: the
// bytes change after the client hashed them, as a faulty link or NIC
// would change them.
func flipProxy(t *testing.T, target, marker string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close() // idle keep-alive connections would hold wg.Wait
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { _, _ = io.Copy(c, s); c.Close() }()
				flipCopy(s, c, []byte("PUT /"), []byte(marker))
			})
		}
	})
	return ln.Addr().String()
}

// flipCopy copies src to dst, flipping the byte 1000 bytes into the body
// of the first matching request.
func flipCopy(dst io.Writer, src io.Reader, method, marker []byte) {
	buf := make([]byte, 64<<10)
	left := -1 // body bytes before the one to flip; -1: no request matched yet
	done := false
	for {
		n, err := src.Read(buf)
		b := buf[:n]
		if !done && left < 0 {
			if i := bytes.Index(b, method); i >= 0 {
				line := b[i:]
				if j := bytes.Index(line, []byte("\r\n")); j >= 0 && bytes.Contains(line[:j], marker) {
					if k := bytes.Index(line, []byte("\r\n\r\n")); k >= 0 {
						b = b[i+k+4:]
						if _, werr := dst.Write(buf[:i+k+4]); werr != nil {
							return
						}
						left = 1000
					}
				}
			}
		}
		if !done && left >= 0 && left < len(b) {
			b[left] ^= 0x01
			done = true
		} else if !done && left >= 0 {
			left -= len(b)
		}
		if _, werr := dst.Write(b); werr != nil {
			return
		}
		if err != nil {
			return
		}
	}
}

// A streamed put declares no checksum: the store must still refuse bytes
// changed after the client hashed them (MinIO checks the chunk signatures
// and the SHA-256 trailer), and keep nothing.
func TestServerRefusesBytesChangedInTransit(t *testing.T) {
	direct := newTestStore(t, nil)
	data := randBytes(t, 300<<10)
	sum := sha256.Sum256(data)
	for _, c := range []struct {
		name, key string
		opts      storage.PutOptions
	}{
		{"streamed", storage.Key(storage.KindStaging, "feed0001"), storage.PutOptions{ContentType: "image/jpeg"}},
		// The client's declared SHA-256 is right: a refusal must not read as
		// its bytes being wrong (a 422 would make a phone give up).
		{"declared", storage.Key(storage.KindStaging, "feed0002"), storage.PutOptions{ContentType: "image/jpeg", SHA256: hex.EncodeToString(sum[:])}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Endpoint, cfg.Bucket = flipProxy(t, cfg.Endpoint, c.key), direct.bucket
			via, err := New(t.Context(), cfg) // direct's cleanup removes the bucket
			if err != nil {
				t.Fatal(err)
			}
			_, err = via.Put(t.Context(), c.key, io.MultiReader(bytes.NewReader(data)), int64(len(data)), c.opts)
			if err == nil {
				t.Fatal("MinIO stored bytes that were changed in transit")
			}
			t.Logf("MinIO's answer to a byte flipped in transit: %v", err)
			// The bytes sent were right; a retry cures it. Callers answer 503,
			// never 500, and never tell a phone its evidence was wrong.
			if !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrChecksumMismatch) {
				t.Errorf("put changed in transit: %v, want ErrUnavailable (and not ErrChecksumMismatch)", err)
			}
			if _, err := direct.Stat(t.Context(), c.key); !errors.Is(err, storage.ErrNotExist) {
				t.Errorf("after the refused put, Stat: %v, want ErrNotExist", err)
			}
			// The same put without the fault goes through, so the refusal
			// above was the flipped byte's doing.
			if _, err := direct.Put(t.Context(), c.key, io.MultiReader(bytes.NewReader(data)), int64(len(data)), c.opts); err != nil {
				t.Fatalf("put without the fault: %v", err)
			}
		})
	}
}
