package testenv

import (
	"os/exec"
	"testing"
)

// Tool returns the path of a command-line tool a test needs (pdftotext
// from poppler-utils, say), skipping the test without it — or failing it
// when services are required, so CI cannot pass by not checking.
func Tool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" (on PATH)")
		return ""
	}
	return path
}
