package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// A service built without a HashCost stores production's argon2id
// parameters (OWASP: 19 MiB, 2 passes); a lower cost, which only tests set,
// is written into the hash and still logs in.
func TestHashCost(t *testing.T) {
	for _, c := range []struct {
		name string
		cost auth.HashCost
		want string
	}{
		{"default is production", auth.HashCost{}, "$argon2id$v=19$m=19456,t=2,p=1$"},
		{"test cost", auth.HashCost{MemoryKiB: 64, Time: 1}, "$argon2id$v=19$m=64,t=1,p=1$"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			st := authdb.New(db)
			svc, err := auth.NewService(st, nil, auth.Options{
				Tokens: auth.TokenConfig{Key: []byte("hashcost-test-key-0123456789abcdef"), Issuer: "fieldproof",
					Audience: "fieldproof-api", AccessTTL: accessTTL, RefreshTTL: refreshTTL},
				HashCost: c.cost,
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := svc.CreateUser(ctx, auth.NewUser{Username: "inspector1", Role: auth.RoleInspector, Password: password}); err != nil {
				t.Fatal(err)
			}
			u, err := st.UserByUsername(ctx, "inspector1")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.PasswordHash, c.want) {
				t.Fatalf("stored hash %q, want prefix %q", u.PasswordHash, c.want)
			}
			if _, err := svc.Login(ctx, "inspector1", password, "192.0.2.1"); err != nil {
				t.Fatalf("login: %v", err)
			}
			if _, err := svc.Login(ctx, "inspector1", "wrong password!", "192.0.2.1"); !isUnauthenticated(err, "invalid_credentials") {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}
