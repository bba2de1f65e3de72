// Command faultdrill drives the fault scenarios of scripts/faults.sh
// (docs/RELIABILITY.md) against a fieldproof server on this machine:
//
//	faultdrill load   -base URL -state FILE    phones filing checks and photos, retrying with their UUIDs
//	faultdrill fieldday -n N …                 a field day of N phones and the office; upload throughput vs bare puts
//	faultdrill readyz -base URL -out FILE      poll /readyz; time to 503 after a fault, to 200 after recovery
//	faultdrill verify -base URL -state FILE …  the invariants, printed as one table row
//	faultdrill proxy  -listen A -target B      a TCP proxy whose mode (forward/refuse/hang) a control URL switches
//	faultdrill jobs   -db URL                  rendition jobs not yet done (for the SIGTERM scenario)
//
// It talks to loopback addresses only (scripts/internal/loopback), every
// mode is bounded in time, and it stops by itself.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: faultdrill load|fieldday|readyz|verify|proxy|jobs [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "load":
		err = loadCmd(args)
	case "fieldday":
		err = fielddayCmd(args)
	case "readyz":
		err = readyzCmd(args)
	case "verify":
		err = verifyCmd(args)
	case "proxy":
		err = proxyCmd(args)
	case "jobs":
		err = jobsCmd(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "faultdrill:", err)
		os.Exit(1)
	}
}
