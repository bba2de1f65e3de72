package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/errs"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

const (
	accessTTL  = 15 * time.Minute
	refreshTTL = 30 * 24 * time.Hour
	password   = "correct horse battery"
)

// clock is a settable time source shared by the service and the token
// parser, so expiry is tested without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	svc   *auth.Service
	db    *store.DB
	clock *clock
	t0    time.Time
	user  auth.User
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	return newFixtureOn(t, db, authdb.New(db), 5, 100)
}

func newFixtureOn(t *testing.T, db *store.DB, st auth.Store, maxUser, maxIP int) *fixture {
	t.Helper()
	t0 := time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)
	c := &clock{t: t0}
	svc, err := auth.NewService(st, func(context.Context, string) (string, error) {
		return "", errors.New("no units here")
	}, auth.Options{
		Tokens: auth.TokenConfig{Key: []byte("sessions-test-key-0123456789abcdef"), Issuer: "fieldproof", Audience: "fieldproof-api",
			AccessTTL: accessTTL, RefreshTTL: refreshTTL},
		MaxFailures: maxUser, MaxIPFailures: maxIP, Window: 15 * time.Minute, HashConcurrency: 2,
	}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(context.Background(), auth.NewUser{Username: "inspector1", Role: auth.RoleInspector, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, db: db, clock: c, t0: t0, user: u}
}

func (f *fixture) login(t *testing.T) auth.Tokens {
	t.Helper()
	tk, err := f.svc.Login(context.Background(), "inspector1", password, "192.0.2.1")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return tk
}

func isUnauthenticated(err error, code string) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Kind == errs.KindUnauthenticated && e.Code == code
}

// An access token is accepted up to the parser's leeway (30 s of clock skew
// between replicas) past its exp, and refused just beyond it: a leeway
// widened by mistake keeps stolen tokens alive, and this notices.
func TestAccessTokenExpiryLeeway(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tk := f.login(t)
		ctx := context.Background()
		for _, c := range []struct {
			at time.Duration
			ok bool
		}{
			{0, true},
			{accessTTL - time.Second, true},
			{accessTTL + 25*time.Second, true}, // within the leeway
			{accessTTL + 35*time.Second, false},
			{accessTTL + time.Hour, false},
		} {
			f.clock.set(f.t0.Add(c.at))
			_, err := f.svc.Authenticate(ctx, tk.AccessToken)
			switch {
			case c.ok && err != nil:
				t.Errorf("%v after issue: refused: %v", c.at, err)
			case !c.ok && !isUnauthenticated(err, "invalid_token"):
				t.Errorf("%v after issue (TTL %v): got %v, want invalid_token", c.at, accessTTL, err)
			}
		}
	})
}

// A refresh token is refused once its own expiry has passed, even though it
// was never used, rotated or revoked.
func TestExpiredRefreshTokenIsRefused(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk := f.login(t)
		// Just before expiry it still works (and rotates).
		f.clock.set(f.t0.Add(refreshTTL - time.Second))
		next, err := f.svc.Refresh(ctx, tk.RefreshToken)
		if err != nil {
			t.Fatalf("refresh a second before expiry: %v", err)
		}
		// The rotated token lives refreshTTL from its own issue; a day past
		// that it is dead, and so is one exactly at its expiry.
		issued := f.t0.Add(refreshTTL - time.Second)
		f.clock.set(issued.Add(refreshTTL))
		if _, err := f.svc.Refresh(ctx, next.RefreshToken); !isUnauthenticated(err, "invalid_refresh_token") {
			t.Fatalf("refresh at expiry: got %v, want invalid_refresh_token", err)
		}
		other := func() auth.Tokens { f.clock.set(f.t0); return f.login(t) }()
		f.clock.set(f.t0.Add(refreshTTL + 24*time.Hour))
		if _, err := f.svc.Refresh(ctx, other.RefreshToken); !isUnauthenticated(err, "invalid_refresh_token") {
			t.Fatalf("refresh a day after expiry: got %v, want invalid_refresh_token", err)
		}
	})
}

// A refresh that raced a password change can leave a refresh token the
// revocation did not see (it was committed after the revoking UPDATE took
// its snapshot). The generation the family was born under still kills it.
func TestRefreshFromAnEndedGenerationIsRefused(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk := f.login(t)
		sqldb, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		// Move the generation on without revoking: what the race leaves.
		if _, err := sqldb.ExecContext(ctx, `UPDATE users SET session_gen = session_gen + 1 WHERE id = $1`, f.user.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Refresh(ctx, tk.RefreshToken); !isUnauthenticated(err, "invalid_refresh_token") {
			t.Fatalf("refresh from an ended generation: got %v, want invalid_refresh_token", err)
		}
		if _, err := f.svc.Authenticate(ctx, tk.AccessToken); !isUnauthenticated(err, "invalid_token") {
			t.Fatalf("access token from an ended generation: got %v, want invalid_token", err)
		}
		// A new login is of the new generation and works.
		fresh := f.login(t)
		if _, err := f.svc.Authenticate(ctx, fresh.AccessToken); err != nil {
			t.Fatalf("fresh login: %v", err)
		}
		if _, err := f.svc.Refresh(ctx, fresh.RefreshToken); err != nil {
			t.Fatalf("fresh refresh: %v", err)
		}
	})
}

// EndSessions is an increment in the database, so concurrent ends (an admin's
// reset and a disable at once) each count and none is lost.
func TestEndSessionsIncrementsAtomically(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		users := authdb.New(db)
		ctx := context.Background()
		const n = 8
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := users.EndSessions(ctx, f.user.ID, f.t0)
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		u, err := users.UserByID(ctx, f.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.SessionGen != n {
			t.Fatalf("session generation %d after %d concurrent ends", u.SessionGen, n)
		}
	})
}

// noEarlyRefusal is the store as concurrent attempts see it: every one read
// the counts before any was counted, so the early refusal lets all through
// and only the atomic count stands between them and the password check.
type noEarlyRefusal struct{ *authdb.Store }

func (noEarlyRefusal) LoginFailures(context.Context, string, time.Time) (int, error) { return 0, nil }

// Attempts the address's limit refuses are given back to the account, and
// those the account's limit refuses do not stay counted either: only checked
// failures remain.
func TestRefusedAttemptsAreGivenBack(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		users := authdb.New(db)
		f := newFixtureOn(t, db, noEarlyRefusal{users}, 3, 2)
		ctx := context.Background()
		count := func(key string) int {
			t.Helper()
			n, err := users.LoginFailures(ctx, key, f.t0.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 0; i < 2; i++ {
			if _, err := f.svc.Login(ctx, "nobody", "a wrong guess!", "203.0.113.9"); !isUnauthenticated(err, "invalid_credentials") {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		for i := 0; i < 5; i++ {
			var e *errs.Error
			if _, err := f.svc.Login(ctx, "inspector1", "a wrong guess!", "203.0.113.9"); !errors.As(err, &e) || e.Code != "too_many_login_attempts" {
				t.Fatalf("attempt %d from a locked address: %v", i, err)
			}
		}
		if n := count("user:inspector1"); n != 0 {
			t.Fatalf("attempts refused by the address left %d on the account", n)
		}
		if n := count("ip:203.0.113.9"); n != 2 {
			t.Fatalf("address count %d, want its 2 checked failures", n)
		}
		// The account's own limit: three checked failures, then refusals that
		// leave the count where it was.
		for i := 0; i < 6; i++ {
			_, _ = f.svc.Login(ctx, "inspector1", "a wrong guess!", fmt.Sprintf("198.51.100.%d", i))
		}
		if n := count("user:inspector1"); n != 3 {
			t.Fatalf("account count %d after 3 checked failures and 3 refusals, want 3", n)
		}
		for i := 3; i < 6; i++ {
			if n := count(fmt.Sprintf("ip:198.51.100.%d", i)); n != 0 {
				t.Fatalf("a refusal by the account's limit stayed on address %d: %d", i, n)
			}
		}
	})
}
