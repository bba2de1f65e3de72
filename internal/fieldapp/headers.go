package fieldapp

import "github.com/fieldproof/fieldproof/internal/httpapi/mid"

// contentPolicy: the console's (mid.PagePolicy), plus the worker and the
// manifest from this origin. Photos the app shows are its own blobs (blob:)
// or the API's downloads, which may redirect to the object store.
func contentPolicy(objectOrigin string) string {
	return mid.PagePolicy([]string{objectOrigin}, "worker-src 'self'", "manifest-src 'self'")
}
