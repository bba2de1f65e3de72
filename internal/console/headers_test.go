package console

import "testing"

// The configured tile server, and nothing else, joins 'self' in img-src.
func TestTileOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"https://{s}.tile.example.org/{z}/{x}/{y}.png": "https://*.tile.example.org",
		"https://tiles.county.gov.cn/{z}/{x}/{y}.png":  "https://tiles.county.gov.cn",
		"http://10.1.2.3:8081/tiles/{z}/{x}/{y}.png":   "http://10.1.2.3:8081",
		"not a url": "",
	} {
		if got := tileOrigin(in); got != want {
			t.Errorf("tileOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}

// ?next= after sign-in stays on the console.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/console/orders?status=closed": "/console/orders?status=closed",
		"":                              "/console/",
		"https://evil.example/console/": "/console/",
		"//evil.example/console/":       "/console/",
		"/api/v1/users":                 "/console/",
		"/console":                      "/console/",
		"javascript:alert(1)":           "/console/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
