package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldproof/fieldproof/internal/apitest"
	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/auth/authdb"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store/storetest"
)

// The API tests hash passwords cheaply (apitest.HashCost); a server built
// as cmd/fieldproof builds it, with no HashCost, must hash at production's
// argon2id parameters.
func TestProductionHashCost(t *testing.T) {
	db := storetestSQLite(t)
	srv, err := server.New(server.Options{Config: apitest.Config(), DB: db, Objects: localObjects(t),
		Log: storetest.Logger(t), JWTKey: apitest.JWTKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := srv.Auth.CreateUser(ctx, auth.NewUser{Username: "chief", Role: auth.RoleAdmin, Password: apitest.Password}); err != nil {
		t.Fatal(err)
	}
	u, err := authdb.New(db).UserByUsername(ctx, "chief")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(u.PasswordHash, want) {
		t.Fatalf("stored hash %q, want prefix %q", u.PasswordHash, want)
	}
}
