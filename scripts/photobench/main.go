// Command photobench measures the photo pipeline beside baselines taken in
// the same run (see docs/PERFORMANCE.md):
//
//	go run ./scripts/photobench -mode renditions   # vs vipsthumbnail (apt-get install libvips-tools)
//
// It only reads and writes local files and talks to loopback addresses.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

func main() {
	mode := flag.String("mode", "renditions", "renditions, upload, drain, concurrent, heic or concurrent-heic")
	n := flag.Int("n", 8, "distinct generated 12-megapixel JPEGs (renditions, concurrent) or rounds (upload) or checks (drain)")
	workers := flag.Int("workers", 2, "parallel workers (one per core here)")
	rounds := flag.Int("rounds", 2, "times each file is processed")
	o := opts{}
	flag.StringVar(&o.base, "base", "http://127.0.0.1:18282", "server base URL (loopback only)")
	flag.StringVar(&o.user, "user", "office", "user who files the checks")
	flag.StringVar(&o.password, "password", "demo-office-pass", "that user's password")
	flag.StringVar(&o.file, "file", "testdata/photos/mobile/HMD_Nokia_8.3_5G.jpg", "photo for -mode upload")
	flag.StringVar(&o.s3.endpoint, "s3", "127.0.0.1:9000", "MinIO for the bare PutObject baseline")
	flag.StringVar(&o.s3.access, "s3-access", "fieldproof", "MinIO access key")
	flag.StringVar(&o.s3.secret, "s3-secret", "fieldproof-secret", "MinIO secret key")
	flag.StringVar(&o.s3.bucket, "s3-bucket", "fp-photobench", "bucket for the baseline")
	flag.IntVar(&o.pid, "pid", 0, "server pid, for its peak RSS (-mode concurrent)")
	flag.StringVar(&o.db, "db", "", "postgres:// URL (loopback) for the floor row of -mode upload: hashed put + a committed row")
	flag.IntVar(&o.clients, "c", 32, "concurrent phones (-mode concurrent)")
	flag.IntVar(&o.perClient, "k", 2, "photos per phone (-mode concurrent)")
	flag.StringVar(&o.heic, "heic", "testdata/photos/heic/iphone_13_pro_max.HEIC", "HEIC for -mode heic")
	flag.DurationVar(&o.settle, "settle", 3*time.Minute, "how long -mode concurrent-heic leaves the rendition job running before the last RSS reading")
	flag.StringVar(&o.format, "format", "", "internal: the child's format (-mode heic-child)")
	flag.Parse()
	o.mode, o.n, o.workers, o.rounds = *mode, *n, *workers, *rounds
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "photobench:", err)
		os.Exit(1)
	}
}

type opts struct {
	mode, base, user, password, file string
	heic, format                     string
	settle                           time.Duration
	db                               string
	s3                               s3cfg
	n, workers, rounds               int
	pid, clients, perClient          int
}

func run(o opts) error {
	if err := loopback.Check(o.base); err != nil {
		return err
	}
	if o.mode == "heic-child" {
		return heicChild(o.file, o.format, o.rounds)
	}
	if o.mode == "upload" {
		fmt.Println("| photo | uploads | API median ms | bare PutObject median ms | ratio | floor median ms | floor ratio |")
		fmt.Println("|---|---|---|---|---|---|---|")
		return benchUpload(o.base, o.user, o.password, o.file, o.s3, o.n, o.db)
	}
	if o.mode == "drain" {
		return benchDrain(o.base, o.user, o.password, o.file, o.n)
	}
	dir, err := os.MkdirTemp("", "photobench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := Generate12MP(dir, o.n)
	if err != nil {
		return err
	}
	switch o.mode {
	case "renditions":
		fmt.Println("| pipeline | workers | photos | photos/s |")
		fmt.Println("|---|---|---|---|")
		return benchRenditions(files, o.workers, o.rounds)
	case "heic":
		return benchHEIC(o.heic, files[0], o.rounds)
	case "concurrent":
		fmt.Println("| phones | uploads ok | failed | MB/s in | median upload ms | server RSS before | server peak RSS |")
		fmt.Println("|---|---|---|---|---|---|---|")
		return benchConcurrent(o.base, o.user, o.password, files, o.pid, o.clients, o.perClient, 0)
	case "concurrent-heic":
		fmt.Println("| phones | uploads ok | failed | MB/s in | median upload ms | server RSS before | peak RSS, uploads answered | peak RSS, after the rendition job's window |")
		fmt.Println("|---|---|---|---|---|---|---|---|")
		return benchConcurrent(o.base, o.user, o.password, []string{o.heic}, o.pid, o.clients, o.perClient, o.settle)
	}
	return fmt.Errorf("unknown mode %q", o.mode)
}
