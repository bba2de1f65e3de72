package review

import "testing"

func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1":                 "public:192.0.2.1",
		"::ffff:192.0.2.1":          "public:192.0.2.1",
		"2001:db8:1:2:3:4:5:6":      "public:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::1": "public:2001:db8:1:2::/64",
		"not-an-address":            "public:not-an-address",
	} {
		if got := ClientKey(addr); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", addr, got, want)
		}
	}
}
