package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.UsesPostgres() || c.UsesS3() || !c.MigrateOnStart {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.AccessTokenTTL != 15*time.Minute || c.S3.Bucket != "fieldproof" || c.DefaultGeofenceM != 300 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestParseReportsEveryBadValue(t *testing.T) {
	_, err := Parse(env(map[string]string{
		"FIELDPROOF_DATABASE_URL":     "mysql://x",
		"FIELDPROOF_DB_TIMEOUT":       "soon",
		"FIELDPROOF_S3_ENDPOINT":      "127.0.0.1:9000",
		"FIELDPROOF_JWT_KEY":          "short",
		"FIELDPROOF_MIGRATE_ON_START": "maybe",
		"FIELDPROOF_DEBUG_ADDR":       ":6060",
	}))
	if err == nil {
		t.Fatal("want error")
	}
	for _, name := range []string{"FIELDPROOF_DATABASE_URL", "FIELDPROOF_DB_TIMEOUT", "FIELDPROOF_S3_ACCESS_KEY", "FIELDPROOF_JWT_KEY", "FIELDPROOF_MIGRATE_ON_START",
		"FIELDPROOF_DEBUG_ADDR"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestRedactedMasksSecrets(t *testing.T) {
	c, err := Parse(env(map[string]string{
		"FIELDPROOF_DATABASE_URL":   "postgres://u:hunter2@db/fp",
		"FIELDPROOF_S3_ENDPOINT":    "minio:9000",
		"FIELDPROOF_S3_ACCESS_KEY":  "ak",
		"FIELDPROOF_S3_SECRET_KEY":  "sk-secret",
		"FIELDPROOF_JWT_KEY":        strings.Repeat("k", 40),
		"FIELDPROOF_ADMIN_PASSWORD": "pw-secret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join(func() []string {
		var out []string
		for _, v := range c.Redacted() {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}(), " ")
	for _, secret := range []string{"hunter2", "sk-secret", strings.Repeat("k", 40), "pw-secret"} {
		if strings.Contains(s, secret) {
			t.Errorf("redacted config leaks %q: %s", secret, s)
		}
	}
}

func TestParseHEICDecoder(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil || c.Photos.HEICDecoder != "auto" {
		t.Fatalf("default HEIC decoder %q, %v; want auto", c.Photos.HEICDecoder, err)
	}
	for _, v := range []string{"auto", "native", "wasm"} {
		c, err := Parse(env(map[string]string{"FIELDPROOF_HEIC_DECODER": v}))
		if err != nil || c.Photos.HEICDecoder != v {
			t.Errorf("FIELDPROOF_HEIC_DECODER=%s: got %q, %v", v, c.Photos.HEICDecoder, err)
		}
	}
	if _, err := Parse(env(map[string]string{"FIELDPROOF_HEIC_DECODER": "cgo"})); err == nil || !strings.Contains(err.Error(), "FIELDPROOF_HEIC_DECODER") {
		t.Fatalf("FIELDPROOF_HEIC_DECODER=cgo: got %v, want an error naming it", err)
	}
}
