// appbench measures the field app (/app/) against a running server with
// the demo county, in headless Chromium (docs/PERFORMANCE.md, "Field app"):
//
//  1. the shell's weight: every file the service worker precaches, raw and
//     gzip -9, and whether the server compresses them itself;
//  2. starting with no signal: signed in once online, then the server
//     unreachable (a loopback proxy in front of it drops every connection,
//     and Chromium's network is emulated offline) and the app reloaded from
//     the service worker's cache, timed to "my work" drawn (the app's
//     performance mark "app-work") — median of -n, beside the same start
//     online;
//  3. the outbox's drain: -checks checks, each with one photo, saved
//     through the form offline, then the signal back, timed until the
//     outbox is empty; the server is then asked that every photo is there.
//
// The Go client's figure for (3) comes from photobench -mode drain in the
// same run (scripts/bench-app.sh). Loopback only.
//
//	go run ./scripts/appbench -base http://127.0.0.1:18484 -password demo-inspector-pass
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fieldproof/fieldproof/scripts/internal/loopback"
)

type opts struct {
	base, user, password, office, officePass, photo string
	starts, checks                                  int
	lat, lon                                        float64
}

func main() {
	var o opts
	flag.StringVar(&o.base, "base", "http://127.0.0.1:18484", "server base URL (loopback only)")
	flag.StringVar(&o.user, "user", "inspector", "the inspector who uses the app")
	flag.StringVar(&o.password, "password", "demo-inspector-pass", "that user's password")
	flag.StringVar(&o.office, "office", "office", "office user who confirms the photos arrived")
	flag.StringVar(&o.officePass, "office-password", "demo-office-pass", "that user's password")
	flag.StringVar(&o.photo, "photo", "testdata/photos/mobile/HMD_Nokia_8.3_5G.jpg", "the photo on every check")
	flag.IntVar(&o.starts, "n", 5, "offline (and online) starts")
	flag.IntVar(&o.checks, "checks", 20, "checks queued offline, one photo each")
	flag.Float64Var(&o.lat, "lat", 28.2049, "the phone's latitude (on the demo road)")
	flag.Float64Var(&o.lon, "lon", 112.9731, "the phone's longitude")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "appbench:", err)
		os.Exit(1)
	}
}

func run(o opts) error {
	if err := loopback.Check(o.base); err != nil {
		return err
	}
	if err := shellWeight(o.base); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	return inBrowser(o)
}
