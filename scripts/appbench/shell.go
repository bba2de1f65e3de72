package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"
)

var shellList = regexp.MustCompile(`const SHELL = (\[[^\]]*\]);`)

// shellWeight prints the precached shell's size raw and gzip -9, and the
// Content-Encoding the server answers a gzip-accepting client with.
func shellWeight(base string) error {
	c := &http.Client{Timeout: 30 * time.Second}
	sw, _, err := get(c, base+"/app/sw.js")
	if err != nil {
		return err
	}
	m := shellList.FindSubmatch(sw)
	if m == nil {
		return fmt.Errorf("no SHELL list in /app/sw.js")
	}
	var files []string
	if err := json.Unmarshal(m[1], &files); err != nil {
		return err
	}
	files = append(files, "/app/sw.js") // not in its own list, but on the phone too
	fmt.Println("| shell file | bytes | gzip -9 bytes | server's Content-Encoding |")
	fmt.Println("|---|---|---|---|")
	var raw, gz int
	for _, f := range files {
		b, enc, err := get(c, base+f)
		if err != nil {
			return err
		}
		z := gzipped(b)
		raw += len(b)
		gz += z
		if enc == "" {
			enc = "none"
		}
		fmt.Printf("| %s | %d | %d | %s |\n", f, len(b), z, enc)
	}
	fmt.Printf("| **all %d files** | **%d (%.1f KB)** | **%d (%.1f KB)** | |\n\n", len(files), raw, float64(raw)/1024, gz, float64(gz)/1024)
	return nil
}

// get fetches url asking for gzip by hand, so Go's transport does not
// undo it, and returns the body decoded and the encoding the server chose.
func get(c *http.Client, url string) ([]byte, string, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	enc := resp.Header.Get("Content-Encoding")
	var r io.Reader = resp.Body
	if enc == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, "", err
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	return b, enc, err
}

func gzipped(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Len()
}
