// Package apitest runs the real router — every middleware, service and
// store — against a real database and object store, for API tests. EachBackend
// runs a test on the embedded pair (SQLite + local disk) and on the production
// pair (PostgreSQL + MinIO), so one suite proves both.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/audit"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
	"github.com/fieldproof/fieldproof/internal/testenv"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

// JWTKey is the signing key every test server uses, so tests can forge
// tokens with it (and with others) to prove what is rejected.
var JWTKey = []byte("apitest-signing-key-0123456789abcdef")

// Password is every test user's password.
const Password = "correct horse battery"

// HashCost is the password hashing work in test servers: a suite creates and
// logs in hundreds of users, and at production's cost (19 MiB, 2 passes)
// under -race that alone took minutes. TestProductionHashCost (in
// internal/server) proves a server left at the zero value uses production's.
var HashCost = auth.HashCost{MemoryKiB: 64, Time: 1}

// Env is one running API.
type Env struct {
	T       testing.TB
	Server  *server.Server
	DB      *store.DB
	Objects storage.Store
	Config  config.Config
	Backend string

	mu     sync.Mutex
	tokens map[string]string
}

// Config returns the test configuration: defaults plus generous login limits.
func Config() config.Config {
	cfg, err := config.Parse(func(string) (string, bool) { return "", false })
	if err != nil {
		panic(err)
	}
	cfg.LoginMaxFailures = 5
	cfg.LoginIPFailures = 1000
	return cfg
}

// New builds an API over db and objects. tweak may adjust the config.
func New(t testing.TB, db *store.DB, objects storage.Store, backend string, tweak func(*config.Config)) *Env {
	t.Helper()
	cfg := Config()
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := server.New(server.Options{Config: cfg, DB: db, Objects: objects, Log: storetest.Logger(t), JWTKey: JWTKey,
		HashCost: HashCost})
	if err != nil {
		t.Fatalf("build server: %v", err)
	}
	return &Env{T: t, Server: srv, DB: db, Objects: objects, Config: cfg, Backend: backend, tokens: map[string]string{}}
}

// EachBackend runs fn on SQLite + local disk and on PostgreSQL + MinIO, the
// two at once (t.Parallel): the first is CPU in this process, the second
// mostly waits on PostgreSQL and MinIO, and running them side by side took
// about a third off internal/server's suite. So fn must not share mutable
// state between its two runs, nor call t.Setenv; and a test must not do
// anything after EachBackend returns, which is before fn has run.
func EachBackend(t *testing.T, tweak func(*config.Config), fn func(t *testing.T, e *Env)) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		objs, err := localfs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, New(t, storetest.SQLite(t), objs, "embedded", tweak))
	})
	t.Run("postgres_minio", func(t *testing.T) {
		t.Parallel()
		db := storetest.Postgres(t)
		fn(t, New(t, db, S3(t), "postgres_minio", tweak))
	})
}

// S3 returns a MinIO store on a fresh bucket.
func S3(t testing.TB) storage.Store {
	t.Helper()
	ep := testenv.S3Endpoint(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := s3store.New(ctx, s3store.Config{Endpoint: ep.Endpoint, AccessKey: ep.AccessKey, SecretKey: ep.SecretKey,
		Bucket: ep.Bucket, OpTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("minio store: %v", err)
	}
	return s
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Request is one call; zero values are fine.
type Request struct {
	Method  string
	Path    string
	Token   string
	Body    any // marshalled as JSON unless it is []byte or io.Reader
	Header  map[string]string
	Content string // Content-Type for raw bodies
	// SkipContract turns off the response check against api/openapi.yaml,
	// for tests that provoke answers outside the contract on purpose.
	SkipContract bool
}

// Do sends a request through the router.
func (e *Env) Do(r Request) Response {
	e.T.Helper()
	var body io.Reader
	ct := r.Content
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	case io.Reader:
		body = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatalf("marshal: %v", err)
		}
		body = bytes.NewReader(buf)
		if ct == "" {
			ct = "application/json"
		}
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.Server.Handler.ServeHTTP(rec, req)
	resp := Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if !r.SkipContract {
		e.checkContract(req, resp)
	}
	return resp
}

// Get is a GET with a token.
func (e *Env) Get(path, token string) Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

// Seal seals every audit entry committed so far, as the background
// sealer would within its interval: for tests that read what only sealed
// entries show (the phones' sync feed, proofs).
func (e *Env) Seal() {
	e.T.Helper()
	if _, err := e.Server.Audit.SealNow(context.Background()); err != nil {
		e.T.Fatalf("seal the audit log: %v", err)
	}
}

// RunSealer runs the audit sealer in the background, as every server does,
// until the test ends: for tests that drive a client (a browser) which
// syncs on its own and cannot call Seal. Its interval is short, so a write
// reaches the sync feed within a few tens of milliseconds.
func (e *Env) RunSealer() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s := audit.Sealer{Service: e.Server.Audit, Interval: 20 * time.Millisecond,
		TryLease: func(context.Context, time.Time) (bool, error) { return true, nil }}
	go func() { s.Run(ctx); close(done) }()
	e.T.Cleanup(func() { cancel(); <-done })
}

// Post is a JSON POST with a token.
func (e *Env) Post(path, token string, body any) Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

// CreateUser makes a user directly through the service.
func (e *Env) CreateUser(username string, role auth.Role, unit, badge string) auth.User {
	e.T.Helper()
	u, err := e.Server.Auth.CreateUser(context.Background(), auth.NewUser{Username: username, Role: role,
		Unit: unit, BadgeNo: badge, Password: Password, DisplayName: strings.ToUpper(username[:1]) + username[1:]})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// Login returns an access token for username (cached per Env).
func (e *Env) Login(username string) string {
	e.T.Helper()
	e.mu.Lock()
	tok, ok := e.tokens[username]
	e.mu.Unlock()
	if ok {
		return tok
	}
	r := e.Post("/api/v1/auth/login", "", map[string]string{"username": username, "password": Password})
	if r.Status != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(e.T, &t)
	e.mu.Lock()
	e.tokens[username] = t.AccessToken
	e.mu.Unlock()
	return t.AccessToken
}

// Expect fails the test unless r has the wanted status, printing the body.
func Expect(t testing.TB, r Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
}
