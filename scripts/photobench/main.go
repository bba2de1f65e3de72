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
)

func main() {
	mode := flag.String("mode", "renditions", "renditions")
	n := flag.Int("n", 8, "distinct generated 12-megapixel JPEGs")
	workers := flag.Int("workers", 2, "parallel workers (one per core here)")
	rounds := flag.Int("rounds", 2, "times each file is processed")
	flag.Parse()
	if err := run(*mode, *n, *workers, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "photobench:", err)
		os.Exit(1)
	}
}

func run(mode string, n, workers, rounds int) error {
	dir, err := os.MkdirTemp("", "photobench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := Generate12MP(dir, n)
	if err != nil {
		return err
	}
	switch mode {
	case "renditions":
		fmt.Println("| pipeline | workers | photos | photos/s |")
		fmt.Println("|---|---|---|---|")
		return benchRenditions(files, workers, rounds)
	}
	return fmt.Errorf("unknown mode %q", mode)
}
