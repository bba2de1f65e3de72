package fieldapp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func serve(t *testing.T, a *App, path, acceptLanguage string) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	a.Register(r)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func TestAppServesShellWithPolicy(t *testing.T) {
	a, err := New("http://127.0.0.1:9000")
	if err != nil {
		t.Fatal(err)
	}
	for path, ct := range map[string]string{
		"/app/": "text/html", "/app/js/outbox.js": "text/javascript", "/app/app.css": "text/css",
		"/app/manifest.webmanifest": "application/manifest+json", "/app/sw.js": "text/javascript",
	} {
		w := serve(t, a, path, "")
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), ct) {
			t.Errorf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "img-src 'self' data: blob: http://127.0.0.1:9000") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	if w := serve(t, a, "/app/nothing.js", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown file: %d", w.Code)
	}
}

func TestAppServiceWorkerCarriesVersionAndShell(t *testing.T) {
	a, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	sw := serve(t, a, "/app/sw.js", "").Body.String()
	if len(a.Version()) != 16 || !strings.Contains(sw, `const VERSION = "`+a.Version()+`"`) {
		t.Fatalf("worker does not carry the version %q", a.Version())
	}
	for _, f := range []string{`"/app/"`, `"/app/messages.json"`, `"/app/js/app.js"`, `"/app/js/outbox.js"`, `"/app/app.css"`} {
		if !strings.Contains(sw, f) {
			t.Errorf("shell list lacks %s", f)
		}
	}
	if strings.Contains(sw, "__SHELL__") || strings.Contains(sw, "__VERSION__") {
		t.Error("placeholders left in the worker")
	}
	b, _ := New("")
	if b.Version() != a.Version() {
		t.Error("the version is not a function of the embedded files")
	}
}

func TestAppMessagesNegotiated(t *testing.T) {
	a, _ := New("")
	for _, c := range []struct{ accept, lang, save string }{
		{"", "zh-CN", "保存"}, {"en-GB,en;q=0.9", "en", "Save"}, {"fr", "zh-CN", "保存"},
	} {
		w := serve(t, a, "/app/messages.json", c.accept)
		var m map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if m["lang"] != c.lang || m["new.save"] != c.save {
			t.Errorf("Accept-Language %q: lang %q, new.save %q", c.accept, m["lang"], m["new.save"])
		}
		if _, leaked := m["console.brand"]; leaked {
			t.Error("console messages served to the app")
		}
		// The checklists' items, types and flags are named as the console
		// names them, from the same keys.
		want := map[string]string{"zh-CN": "坍落度", "en": "Slump"}[c.lang]
		if m["item.slump_mm"] != want || m["check_type.safety"] == "" || m["flag.off_site"] == "" {
			t.Errorf("%s: item.slump_mm %q (want %q), check_type.safety %q, flag.off_site %q", c.lang,
				m["item.slump_mm"], want, m["check_type.safety"], m["flag.off_site"])
		}
	}
}
