package auth_test

import (
	"context"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// A console cookie lives exactly as long as its refresh family: logout,
// a password reset, disabling the account or a copy presented to
// /auth/refresh each end it.
func TestWebSessionEndsWithItsFamily(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		start := func() string {
			t.Helper()
			tok, err := f.svc.StartWebSession(ctx, "inspector1", password, "192.0.2.1")
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			return tok
		}
		live := func(tok, when string) {
			t.Helper()
			p, err := f.svc.WebSession(ctx, tok)
			if err != nil || p.UserID != f.user.ID {
				t.Fatalf("%s: session refused: %v", when, err)
			}
		}
		dead := func(tok, when string) {
			t.Helper()
			if _, err := f.svc.WebSession(ctx, tok); !isUnauthenticated(err, "session_ended") {
				t.Fatalf("%s: got %v, want session_ended", when, err)
			}
		}

		tok := start()
		live(tok, "fresh")
		live(tok, "read twice") // reading does not rotate
		if err := f.svc.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		dead(tok, "after logout")

		// A copy used on /auth/refresh ends the cookie and the thief's family.
		tok = start()
		stolen, err := f.svc.Refresh(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		dead(tok, "after its copy was refreshed")
		if _, err := f.svc.Refresh(ctx, stolen.RefreshToken); !isUnauthenticated(err, "invalid_refresh_token") {
			t.Fatalf("the copy's family outlived the cookie: %v", err)
		}

		tok = start()
		if _, _, err := f.svc.ResetPassword(ctx, f.user.ID, "another long password 1"); err != nil {
			t.Fatal(err)
		}
		dead(tok, "after a reset")

		tok, err = f.svc.StartWebSession(ctx, "inspector1", "another long password 1", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		live(tok, "new password")
		admin := auth.Principal{UserID: "admin", Role: auth.RoleAdmin}
		disabled := true
		if _, err := f.svc.UpdateUser(auth.WithPrincipal(ctx, admin), admin, f.user.ID, auth.UserUpdate{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		dead(tok, "after disable")
		dead("", "empty")
		dead("not-a-token", "unknown")
	})
}
