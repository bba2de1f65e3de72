package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// writeExport writes an export of n entries, sealed in batches of batch
// (one signed checkpoint each), as Export would.
func writeExport(tb testing.TB, path string, n, batch int) string {
	tb.Helper()
	skey, vkey, err := note.GenerateKey(nil, "bench")
	if err != nil {
		tb.Fatal(err)
	}
	key, err := ParseKey(skey, "fieldproof.bench/audit")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	_ = enc.Encode(exportLine{Type: "header", Origin: key.Origin, VerifierKey: vkey, LeafFormat: leafVersion})
	rng := factory.NewEmptyRange(0)
	var cps []Checkpoint
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), ActorID: "01a251a2-b555-79f0-94e9-aece388a2de0",
			ActorRole: "inspector", Action: "photo.upload", Entity: "photo", EntityID: "01a251a2-b593-7246-962e-bf39e0178eb7",
			Changes:   `{"parent_kind":"check","sha256":"` + fmt.Sprintf("%064x", i) + `","size_bytes":2345678}`,
			RequestID: strconv.Itoa(i)}
		e.LeafHash = LeafHash(e)
		_ = rng.Append(e.LeafHash, nil)
		if _, err := w.Write(entryLine(e)); err != nil {
			tb.Fatal(err)
		}
		if i%batch == 0 || i == n {
			root, _ := rng.GetRootHash(nil)
			cp, err := key.sign(int64(i), root, at)
			if err != nil {
				tb.Fatal(err)
			}
			cps = append(cps, cp)
		}
	}
	for _, cp := range cps {
		_ = enc.Encode(exportLine{Type: "checkpoint", Size: cp.Size, Root: cp.Root, Note: cp.Note, At: cp.At})
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return vkey
}

// BenchmarkVerifyExport1M verifies an export of 1,000,000 entries sealed in
// batches of 1,000 (1,000 signed checkpoints). The brief's bound is 10 s.
//
//	go test -run '^$' -bench VerifyExport1M -benchtime 1x ./internal/audit/
func BenchmarkVerifyExport1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.jsonl")
	vkey := writeExport(b, path, 1_000_000, 1000)
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := VerifyExport(f, vkey)
		f.Close()
		if err != nil || r.Problem != nil || r.Entries != 1_000_000 {
			b.Fatalf("%+v %v", r, err)
		}
	}
}

// A small export verifies, and one changed byte in an entry is named.
func TestWrittenExportVerifies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	vkey := writeExport(t, path, 2500, 1000)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := VerifyExport(f, vkey)
	if err != nil || r.Problem != nil || r.Entries != 2500 || r.Size != 2500 {
		t.Fatalf("%+v %v", r, err)
	}

	// One entry edited in the file (its request id) is named.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(b, []byte(`"1234","",""]}`), []byte(`"1235","",""]}`), 1)
	if bytes.Equal(forged, b) {
		t.Fatal("no entry 1234 to edit")
	}
	r, err = VerifyExport(bytes.NewReader(forged), vkey)
	if err != nil || r.Problem == nil || r.Problem.Seq != 1234 || r.Entries != 1233 {
		t.Fatalf("edited export: %+v %v", r, err)
	}
}
