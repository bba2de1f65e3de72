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

	"github.com/fieldproof/fieldproof/internal/audit"
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
	akey, err := auditKey(cfg)
	if err != nil {
		a.close()
		return nil, err
	}
	if a.srv, err = server.New(server.Options{Config: cfg, DB: db, Objects: a.objects, Log: log, JWTKey: key, AuditKey: akey}); err != nil {
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
	k, err := dataDirKey(cfg, cfg.JWTKey, "FIELDPROOF_JWT_KEY", "jwt.key",
		func() (string, error) {
			buf := make([]byte, 32)
			_, err := rand.Read(buf)
			return hex.EncodeToString(buf), err
		},
		func(k string) error {
			if len(k) < 32 {
				return errors.New("is shorter than 32 characters")
			}
			return nil
		})
	return []byte(k), err
}

// auditKey returns the note private key that signs the audit log's
// checkpoints: configured, or for the embedded setup generated once and
// kept in the data dir. Losing it loses no entry (a new key signs new
// checkpoints) but the published verifier key then changes.
func auditKey(cfg config.Config) (string, error) {
	return dataDirKey(cfg, cfg.Audit.Key, "FIELDPROOF_AUDIT_KEY", "audit.key",
		func() (string, error) { return audit.GenerateKey(strings.ReplaceAll(cfg.Audit.Origin, "+", "-")) },
		func(k string) error {
			_, err := audit.ParseKey(k, cfg.Audit.Origin)
			return err
		})
}

// dataDirKey is configured, or (SQLite only: replicas must share keys) read
// from file in the data dir, where the first start writes one from gen.
func dataDirKey(cfg config.Config, configured, env, file string, gen func() (string, error), valid func(string) error) (string, error) {
	if configured != "" {
		return configured, nil
	}
	if cfg.UsesPostgres() {
		return "", fmt.Errorf("%s must be set when FIELDPROOF_DATABASE_URL is (every replica needs the same key)", env)
	}
	path := filepath.Join(cfg.DataDir, file)
	if b, err := os.ReadFile(path); err == nil {
		k := strings.TrimSpace(string(b))
		if err := valid(k); err != nil {
			return "", fmt.Errorf("%s %v; delete it to generate a new key", path, err)
		}
		return k, nil
	}
	k, err := gen()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return "", err
	}
	// O_EXCL: if two processes start at once, one key wins and the other
	// reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		time.Sleep(100 * time.Millisecond)
		return dataDirKey(cfg, configured, env, file, gen, valid)
	}
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.WriteString(k + "\n"); err != nil {
		return "", err
	}
	return k, f.Sync()
}
