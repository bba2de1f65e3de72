package clienttest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/projects"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage/localfs"
)

// A photo with GPS in its EXIF; the project stands where it was taken.
const (
	photoFile          = "../../testdata/photos/gps/DSCN0010.jpg"
	photoLat, photoLon = 43.4674483, 11.8851267
)

// TestGeneratedGoClient generates a Go client from the contract with the
// pinned oapi-codegen, compiles it and drives one check-with-photo through it
// against a real server (SQLite + local disk). A contract the generator
// rejects, or generated code that does not compile or cannot talk to the
// server, fails the test.
func TestGeneratedGoClient(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and compiles a client (slow the first time); not with -short")
	}
	start := time.Now()
	driver := buildDriver(t)
	t.Logf("client generated and compiled in %s", time.Since(start).Round(time.Millisecond))

	objs, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := apitest.New(t, storetest.SQLite(t), objs, "embedded", nil)
	admin := e.CreateUser("admin1", auth.RoleAdmin, "", "")
	inspector := e.CreateUser("inspector1", auth.RoleInspector, "", "")
	ctx := context.Background()
	geofence := 200
	p, err := e.Server.Projects.Create(ctx, admin.Principal(), projects.NewProject{
		Code: "S-1", Name: "Qingshan school", Category: projects.CatSchool, Township: "Qingshan", Unit: "Unit B",
		Location: &projects.Point{Lat: photoLat, Lon: photoLon}, GeofenceM: &geofence})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Server.Projects.Assign(ctx, admin.Principal(), p.ID, projects.NewAssignment{UserID: inspector.ID}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.Server.Handler)
	defer srv.Close()

	out, err := command("", driver, "-base", srv.URL, "-user", inspector.Username, "-password", apitest.Password,
		"-project", p.ID, "-photo", photoFile, "-lat", fmt.Sprint(photoLat), "-lon", fmt.Sprint(photoLon))
	if err != nil {
		t.Fatalf("driver: %v", err)
	}
	var got struct {
		CreateStatus    int    `json:"create_status"`
		CreatedStatus   string `json:"created_status"`
		UploadStatus    int    `json:"upload_status"`
		UploadedPhotoID string `json:"uploaded_photo_id"`
		Check           struct {
			ID              string   `json:"id"`
			ProjectID       string   `json:"project_id"`
			AuthorID        string   `json:"author_id"`
			Status          string   `json:"status"`
			PhotoIDs        []string `json:"photo_ids"`
			MissingPhotoIDs []string `json:"missing_photo_ids"`
			Location        struct{ Lat, Lon float64 }
		} `json:"check"`
		Photos []struct {
			ID        string `json:"id"`
			CheckID   string `json:"check_id"`
			SHA256    string `json:"sha256"`
			SizeBytes int64  `json:"size_bytes"`
		} `json:"photos"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("driver output %q: %v", out, err)
	}

	data, err := os.ReadFile(photoFile)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	c := got.Check
	if got.CreateStatus != 201 || got.CreatedStatus != "incomplete" || got.UploadStatus != 201 {
		t.Errorf("create %d (%s), upload %d; want 201 (incomplete), 201", got.CreateStatus, got.CreatedStatus, got.UploadStatus)
	}
	if c.ID == "" || c.ProjectID != p.ID || c.AuthorID != inspector.ID || c.Status != "complete" || len(c.MissingPhotoIDs) != 0 ||
		!slices.Equal(c.PhotoIDs, []string{got.UploadedPhotoID}) {
		t.Errorf("check read back: %+v", c)
	}
	// Numbers are `format: double`, so the generated client sends the
	// coordinates exactly (without it oapi-codegen makes them float32).
	if d := max(abs(c.Location.Lat-photoLat), abs(c.Location.Lon-photoLon)); d > 1e-12 {
		t.Errorf("location %+v, %g° from the one sent", c.Location, d)
	}
	if len(got.Photos) != 1 {
		t.Fatalf("%d photos listed, want 1: %+v", len(got.Photos), got.Photos)
	}
	ph := got.Photos[0]
	if ph.ID != got.UploadedPhotoID || ph.CheckID != c.ID || ph.SHA256 != want || ph.SizeBytes != int64(len(data)) {
		t.Errorf("photo %+v; want id %s, check %s, sha256 %s, %d bytes", ph, got.UploadedPhotoID, c.ID, want, len(data))
	}
	t.Logf("whole test %s", time.Since(start).Round(time.Millisecond))
}

func abs(f float64) float64 { return max(f, -f) }

// buildDriver generates the client into a temporary module whose go.mod and
// go.sum are tools/oapi-codegen's (so the runtime is the pinned one, taken
// from the module cache) and compiles the driver against it.
func buildDriver(t *testing.T) string {
	t.Helper()
	toolsDir, err := filepath.Abs("../../tools/oapi-codegen")
	if err != nil {
		t.Fatal(err)
	}
	contract, err := filepath.Abs("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	goBin := testenv.Tool(t, "go")
	tmp := t.TempDir()

	// Building the generator needs the pinned modules (from the cache, or
	// the proxy once); without them the tool cannot run, which skips the
	// test — or fails it when services are required.
	// `go tool -n` builds the tool into the build cache (once) and names the
	// executable there.
	genPath, err := command(toolsDir, goBin, "tool", "-n", "oapi-codegen")
	if err != nil {
		cannotRun(t, "build oapi-codegen: "+err.Error())
	}
	gen := strings.TrimSpace(genPath)
	if _, err := command(toolsDir, goBin, "mod", "download", "github.com/oapi-codegen/runtime"); err != nil {
		cannotRun(t, "download the oapi-codegen runtime: "+err.Error())
	}

	mod := filepath.Join(tmp, "client")
	if err := os.MkdirAll(filepath.Join(mod, "fpclient"), 0o755); err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile(filepath.Join(toolsDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goMod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(goMod, []byte("module clienttest"))
	copyFile(t, filepath.Join(toolsDir, "go.sum"), filepath.Join(mod, "go.sum"))
	write(t, filepath.Join(mod, "go.mod"), goMod)
	copyFile(t, "testdata/driver/main.go", filepath.Join(mod, "main.go"))

	if _, err := command(mod, gen, "-generate", "types,client", "-package", "fpclient",
		"-o", filepath.Join(mod, "fpclient", "client.go"), contract); err != nil {
		t.Fatalf("oapi-codegen rejects api/openapi.yaml: %v", err)
	}
	driver := filepath.Join(tmp, "driver")
	// Not -trimpath: it would let an unchanged client come from the build
	// cache (about 6 s saved) but costs a rebuild of the standard library
	// the first time (about 50 s), which is every time on a fresh CI cache.
	if _, err := command(mod, goBin, "build", "-mod=readonly", "-o", driver, "."); err != nil {
		t.Fatalf("generated client does not compile: %v", err)
	}
	return driver
}

func cannotRun(t *testing.T, why string) {
	t.Helper()
	if testenv.Required() {
		t.Fatalf("oapi-codegen is required (%s=1) but cannot run: %s", testenv.EnvRequire, why)
	}
	t.Skipf("oapi-codegen cannot run (prime the cache: cd tools/oapi-codegen && go mod download): %s", why)
}

// command runs name in dir and answers its standard output; its standard
// error goes into the error. GOWORK=off and no inherited GOFLAGS keep the
// nested module on its own go.mod.
func command(dir, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, b)
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
