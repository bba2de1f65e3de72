package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fieldproof/fieldproof/internal/config"
	"github.com/fieldproof/fieldproof/internal/httpapi/mid"
	"github.com/fieldproof/fieldproof/internal/server"
	"github.com/fieldproof/fieldproof/internal/store"
	"github.com/fieldproof/fieldproof/storage"
	"github.com/fieldproof/fieldproof/storage/localfs"
	"github.com/fieldproof/fieldproof/storage/s3store"
)

// app is everything built from the configuration; subcommands take what
// they need from it.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	db      *store.DB
	objects storage.Store
	srv     *server.Server
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(mid.ContextHandler{Handler: h})
}

// open builds the app. migrateNow forces migrations (the migrate command);
// otherwise they run when FIELDPROOF_MIGRATE_ON_START allows.
func open(ctx context.Context, stdout io.Writer, migrateNow bool) (*app, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	log := newLogger(cfg, stdout)
	slog.SetDefault(log)
	log.Info("configuration", "config", cfg.Redacted())

	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(),
		Timeout: cfg.DBTimeout, MaxOpenConns: cfg.DBMaxOpenConns, Logger: log})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db}
	if migrateNow || cfg.MigrateOnStart {
		if err := db.Migrate(ctx, log); err != nil {
			a.close()
			return nil, err
		}
	}
	if a.objects, err = openObjects(ctx, cfg); err != nil {
		a.close()
		return nil, err
	}
	key, err := jwtKey(cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	if a.srv, err = server.New(server.Options{Config: cfg, DB: db, Objects: a.objects, Log: log, JWTKey: key}); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

func (a *app) close() {
	if a.db != nil {
		_ = a.db.Close()
	}
}

func openObjects(ctx context.Context, cfg config.Config) (storage.Store, error) {
	if !cfg.UsesS3() {
		return localfs.New(cfg.ObjectsDir())
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.S3.Timeout)
	defer cancel()
	return s3store.New(ctx, s3store.Config{Endpoint: cfg.S3.Endpoint, AccessKey: cfg.S3.AccessKey,
		SecretKey: cfg.S3.SecretKey, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region, UseSSL: cfg.S3.UseSSL,
		OpTimeout: cfg.S3.Timeout})
}

// jwtKey returns the configured signing key or, for the embedded setup, one
// generated once and kept in the data dir. Replicas behind a load balancer
// must share a key, so with PostgreSQL it has to be configured.
func jwtKey(cfg config.Config) ([]byte, error) {
	if cfg.JWTKey != "" {
		return []byte(cfg.JWTKey), nil
	}
	if cfg.UsesPostgres() {
		return nil, errors.New("FIELDPROOF_JWT_KEY must be set when FIELDPROOF_DATABASE_URL is (every replica needs the same key)")
	}
	path := filepath.Join(cfg.DataDir, "jwt.key")
	if b, err := os.ReadFile(path); err == nil {
		if k := strings.TrimSpace(string(b)); len(k) >= 32 {
			return []byte(k), nil
		}
		return nil, fmt.Errorf("%s is shorter than 32 characters; delete it to generate a new key", path)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	k := hex.EncodeToString(buf)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, err
	}
	// O_EXCL: if two processes start at once, one key wins and the other
	// reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		time.Sleep(100 * time.Millisecond)
		return jwtKey(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.WriteString(k + "\n"); err != nil {
		return nil, err
	}
	return []byte(k), f.Sync()
}
