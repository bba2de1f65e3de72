// Package loopback keeps the load and benchmark drivers pointed at this
// machine: they refuse any target that is not a loopback address.
package loopback

import (
	"fmt"
	"net"
	"net/url"
)

// Check returns an error unless base names localhost or a loopback IP.
func Check(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("refusing to target %s: only loopback addresses may be targeted", u.Hostname())
	}
	return nil
}
