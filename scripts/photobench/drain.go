package main

import (
	"fmt"
	"os"
	"time"
)

// benchDrain is the Go client's side of the field app's drain
// (scripts/appbench): n checks, each then its one photo, one request at a
// time as the app's outbox sends them (the photo as a raw PUT, as the app
// does), timed from the first check to the last photo's answer.
func benchDrain(base, user, password, file string, n int) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	a, err := newAPI(base, user, password)
	if err != nil {
		return err
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		check, err := a.newCheck()
		if err != nil {
			return err
		}
		if _, err := a.upload(check, data, viaPut); err != nil {
			return err
		}
	}
	el := time.Since(start)
	mb := float64(n*len(data)) / 1e6
	fmt.Printf("| Go client (photobench -mode drain), one request at a time | %d | %.1f MB | %.2f s | %.1f |\n", n, mb, el.Seconds(), mb/el.Seconds())
	return nil
}
