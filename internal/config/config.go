// Package config reads fieldproof's settings from the environment once, at
// start, into a typed struct. Every setting has a documented default (README
// "Configuration") so that an empty environment gives a working embedded
// server: SQLite and photos on local disk under ./data.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // FIELDPROOF_ORDER_NUMBER_TZ must resolve in a scratch container
)

// Config is every setting fieldproof reads.
type Config struct {
	Addr string // FIELDPROOF_ADDR
	// DebugAddr (FIELDPROOF_DEBUG_ADDR): where Go's profiler
	// (/debug/pprof/) listens, on its own listener; empty (the default)
	// serves none. A profile shows the server's internals, so the address
	// must name a host, and should be loopback.
	DebugAddr string
	DataDir   string // FIELDPROOF_DATA_DIR: SQLite file, local objects, generated keys

	DatabaseURL    string        // FIELDPROOF_DATABASE_URL: postgres://… selects PostgreSQL; empty is SQLite
	MigrateOnStart bool          // FIELDPROOF_MIGRATE_ON_START
	DBTimeout      time.Duration // FIELDPROOF_DB_TIMEOUT: deadline of one database call
	DBMaxOpenConns int           // FIELDPROOF_DB_MAX_OPEN_CONNS

	S3 S3Config

	JWTKey           string        // FIELDPROOF_JWT_KEY: HMAC key; empty generates one in the data dir
	JWTIssuer        string        // FIELDPROOF_JWT_ISSUER
	JWTAudience      string        // FIELDPROOF_JWT_AUDIENCE
	AccessTokenTTL   time.Duration // FIELDPROOF_ACCESS_TOKEN_TTL
	RefreshTokenTTL  time.Duration // FIELDPROOF_REFRESH_TOKEN_TTL
	AdminPassword    string        // FIELDPROOF_ADMIN_PASSWORD: first admin's password; empty prints a generated one
	LoginMaxFailures int           // FIELDPROOF_LOGIN_MAX_FAILURES: per account and window
	LoginIPFailures  int           // FIELDPROOF_LOGIN_IP_MAX_FAILURES: per client address and window
	LoginWindow      time.Duration // FIELDPROOF_LOGIN_WINDOW
	// HashConcurrency (FIELDPROOF_PASSWORD_HASH_CONCURRENCY, 0 = the cores)
	// bounds argon2id hashes at once (19 MiB each); a login waits at most
	// HashWait (FIELDPROOF_PASSWORD_HASH_WAIT) for a turn, then answers 503.
	HashConcurrency int
	HashWait        time.Duration

	TrustedProxies  []string      // FIELDPROOF_TRUSTED_PROXIES: comma-separated CIDRs/IPs whose X-Forwarded-For is believed
	ShutdownTimeout time.Duration // FIELDPROOF_SHUTDOWN_TIMEOUT
	ReadTimeout     time.Duration // FIELDPROOF_READ_TIMEOUT: whole-request read deadline for ordinary (non-upload) requests
	// ReadHeaderTimeout (FIELDPROOF_READ_HEADER_TIMEOUT): request headers must
	// arrive within this (slowloris).
	ReadHeaderTimeout time.Duration
	UploadTimeout     time.Duration // FIELDPROOF_UPLOAD_TIMEOUT: read deadline for photo uploads from slow phones
	MaxBodyBytes      int64         // FIELDPROOF_MAX_BODY_BYTES: JSON and import bodies

	MaxVolunteersPerProject int  // FIELDPROOF_MAX_VOLUNTEERS_PER_PROJECT
	DefaultGeofenceM        int  // FIELDPROOF_DEFAULT_GEOFENCE_M
	Demo                    bool // FIELDPROOF_DEMO or --demo: load the demo county on start

	Checks CheckConfig
	Photos PhotoConfig
	Audit  AuditConfig
	Orders OrderConfig
	// Monthly: the monthly supervision cycle (issue 16).
	Monthly MonthlyConfig

	PublicRateLimit  int           // FIELDPROOF_PUBLIC_RATE_LIMIT: requests per client address per window on /public/v1
	PublicRateWindow time.Duration // FIELDPROOF_PUBLIC_RATE_WINDOW

	// PDFFont (FIELDPROOF_PDF_FONT) overrides the CJK TrueType font embedded
	// for evidence reports.
	PDFFont string
	// Zone (FIELDPROOF_TZ) is the county's time zone: reports print times
	// in it, and orders are numbered by its year unless
	// FIELDPROOF_ORDER_NUMBER_TZ says otherwise.
	Zone *time.Location
	// MapTileURL (FIELDPROOF_MAP_TILE_URL) is the console's map tile URL
	// template, e.g. https://{s}.tile.example.org/{z}/{x}/{y}.png; empty (the
	// default) draws routes and points on a plain background, which needs
	// no network beyond fieldproof itself.
	MapTileURL string

	// CountyName (FIELDPROOF_COUNTY_NAME) heads the monthly circular
	// (督查通报), e.g. "青山县"; the default "本县" ("this county") reads
	// correctly in any county until it is set.
	CountyName string

	LogLevel  slog.Level // FIELDPROOF_LOG_LEVEL: debug, info, warn, error
	LogFormat string     // FIELDPROOF_LOG_FORMAT: json or text
}

// AuditConfig is the audit log's sealer and signing key.
type AuditConfig struct {
	// Key (FIELDPROOF_AUDIT_KEY) is the note private key
	// ("PRIVATE+KEY+<name>+<hash>+<key>") that signs checkpoints; empty
	// generates one in the data dir (SQLite only: replicas must share it).
	Key string
	// Origin (FIELDPROOF_AUDIT_ORIGIN) names the log on every checkpoint.
	Origin string
	// SealInterval (FIELDPROOF_AUDIT_SEAL_INTERVAL) is how often the sealer
	// runs; SealBatch (FIELDPROOF_AUDIT_SEAL_BATCH) the most entries one
	// sealing transaction takes (a backlog drains batch by batch).
	SealInterval time.Duration
	SealBatch    int
}

// S3Config selects MinIO/S3 when Endpoint is set.
type S3Config struct {
	Endpoint      string        // FIELDPROOF_S3_ENDPOINT: host:port; empty means local disk
	AccessKey     string        // FIELDPROOF_S3_ACCESS_KEY
	SecretKey     string        // FIELDPROOF_S3_SECRET_KEY
	Bucket        string        // FIELDPROOF_S3_BUCKET
	Region        string        // FIELDPROOF_S3_REGION
	UseSSL        bool          // FIELDPROOF_S3_USE_SSL
	Timeout       time.Duration // FIELDPROOF_S3_TIMEOUT: deadline of one object-store call
	RetentionDays int           // FIELDPROOF_RETENTION_DAYS: object-lock retention for originals
}

// CheckConfig holds the thresholds of check validation and flags.
type CheckConfig struct {
	LowAccuracyM    float64       // FIELDPROOF_LOW_ACCURACY_M: a GPS fix worse than this is flagged low_accuracy
	LateSubmission  time.Duration // FIELDPROOF_LATE_SUBMISSION: submitted this long after capture is late_submission
	FutureAllowance time.Duration // FIELDPROOF_CAPTURE_FUTURE_ALLOWANCE: how far captured_at may lie in the future (phone clocks drift)
	IdempotencyTTL  time.Duration // FIELDPROOF_IDEMPOTENCY_TTL: how long Idempotency-Key replays are kept
	// IdempotencyLease (FIELDPROOF_IDEMPOTENCY_LEASE): how long a running
	// request holds its key between renewals; a retry takes over a key
	// whose request died once this has passed.
	IdempotencyLease time.Duration
}

// OrderConfig holds the rectification-order settings.
type OrderConfig struct {
	DeadlineMinor      time.Duration  // FIELDPROOF_ORDER_DEADLINE_MINOR: default deadline of a minor defect
	DeadlineMajor      time.Duration  // FIELDPROOF_ORDER_DEADLINE_MAJOR
	DeadlineCritical   time.Duration  // FIELDPROOF_ORDER_DEADLINE_CRITICAL
	EscalationInterval time.Duration  // FIELDPROOF_ORDER_ESCALATION_INTERVAL: how often overdue orders are looked for
	NumberZone         *time.Location // FIELDPROOF_ORDER_NUMBER_TZ: the year an order is numbered in is this zone's
	NumberPrefix       string         // FIELDPROOF_ORDER_NUMBER_PREFIX: ZG-2026-0001
	WebhookTimeout     time.Duration  // FIELDPROOF_WEBHOOK_TIMEOUT: one outbound webhook POST
	WebhookMaxAttempts int            // FIELDPROOF_WEBHOOK_MAX_ATTEMPTS: before a delivery is left failed
	WebhookBackoffBase time.Duration  // FIELDPROOF_WEBHOOK_BACKOFF_BASE
	WebhookBackoffMax  time.Duration  // FIELDPROOF_WEBHOOK_BACKOFF_MAX
}

// MonthlyConfig holds the settings of the monthly supervision cycle.
type MonthlyConfig struct {
	DueDay           int           // FIELDPROOF_MONTHLY_DUE_DAY: reports are due by the end of this day of the month (1–31; a shorter month's last day)
	PointRadiusM     float64       // FIELDPROOF_MONTHLY_POINT_RADIUS_M: a photo farther than this from its photo point is off_point
	JumpShare        float64       // FIELDPROOF_MONTHLY_JUMP_SHARE: growth above this share of the target in one month is a jump
	ReminderInterval time.Duration // FIELDPROOF_MONTHLY_REMINDER_INTERVAL: how often reminders and overdue notices are looked for
}

// PhotoConfig holds the limits and thresholds of the photo pipeline.
type PhotoConfig struct {
	MaxUploadBytes int64 // FIELDPROOF_MAX_UPLOAD_BYTES: larger uploads get 413
	// UploadMemory (FIELDPROOF_UPLOAD_MEMORY) is how many bytes of upload
	// bodies this process holds in memory at once; an upload that does not
	// fit spools to disk instead.
	UploadMemory  int64
	MaxPixels     int64         // FIELDPROOF_MAX_PIXELS: decoded size limit (width × height)
	MaxSide       int           // FIELDPROOF_MAX_SIDE_PX: longest side limit
	GPSMismatchM  float64       // FIELDPROOF_GPS_MISMATCH_M: photo GPS farther than this from the check is gps_mismatch
	TimeMismatch  time.Duration // FIELDPROOF_TIME_MISMATCH: photo time farther than this from the check is time_mismatch
	PHashDistance int           // FIELDPROOF_PHASH_DISTANCE: Hamming distance at or below which photos are possible_reuse
	RenditionJobs int           // FIELDPROOF_RENDITION_WORKERS: concurrent rendition decodes per replica (memory bound)
	OrphanGrace   time.Duration // FIELDPROOF_ORPHAN_GRACE: unreferenced objects older than this are swept
	// IntentTTL (FIELDPROOF_UPLOAD_INTENT_TTL): how long an upload's recorded
	// intent keeps its object from the sweeper. An upload whose row has not
	// committed by then loses the object and answers 503; it can never
	// commit a row whose object was swept.
	IntentTTL     time.Duration
	SweepInterval time.Duration // FIELDPROOF_SWEEP_INTERVAL: how often the orphan sweeper runs
	// RenditionLease (FIELDPROOF_RENDITION_LEASE): how long a replica holds a
	// claimed rendition or retention job; a dead replica's jobs are taken
	// over after it. Longer than any one decode.
	RenditionLease  time.Duration
	SignedURLTTL    time.Duration // FIELDPROOF_SIGNED_URL_TTL: lifetime of presigned GET/PUT URLs
	StorageDeadline time.Duration // FIELDPROOF_UPLOAD_STORAGE_DEADLINE: an upload waits at most this for the object store before 503
	// FullDecode (FIELDPROOF_UPLOAD_FULL_DECODE) decodes every pixel before
	// answering an upload, refusing bit-level corruption with 422 at
	// ~200 ms per 9 MP JPEG; off, the upload checks structure only and the
	// rendition job's decode flags what it finds.
	FullDecode bool
	// HEICDecoder (FIELDPROOF_HEIC_DECODER): "auto" decodes HEIC through the
	// system's libheif when it is installed and in the WebAssembly sandbox
	// otherwise; "native" requires libheif; "wasm" never uses it.
	HEICDecoder string
}

// UsesPostgres reports whether the database is PostgreSQL.
func (c Config) UsesPostgres() bool { return c.DatabaseURL != "" }

// UsesS3 reports whether objects go to MinIO/S3.
func (c Config) UsesS3() bool { return c.S3.Endpoint != "" }

// SQLitePath is the embedded database file.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "fieldproof.db") }

// ObjectsDir is the local object store's root.
func (c Config) ObjectsDir() string { return filepath.Join(c.DataDir, "objects") }

// FromEnv parses the process environment.
func FromEnv() (Config, error) { return Parse(os.LookupEnv) }

// Parse reads settings through lookup (os.LookupEnv in production, a map in
// tests) and reports every bad value at once.
func Parse(lookup func(string) (string, bool)) (Config, error) {
	p := parser{lookup: lookup}
	c := Config{
		Addr:           p.str("FIELDPROOF_ADDR", ":8080"),
		DebugAddr:      p.str("FIELDPROOF_DEBUG_ADDR", ""),
		DataDir:        p.str("FIELDPROOF_DATA_DIR", "./data"),
		DatabaseURL:    p.str("FIELDPROOF_DATABASE_URL", ""),
		MigrateOnStart: p.boolean("FIELDPROOF_MIGRATE_ON_START", true),
		DBTimeout:      p.duration("FIELDPROOF_DB_TIMEOUT", 5*time.Second),
		DBMaxOpenConns: p.integer("FIELDPROOF_DB_MAX_OPEN_CONNS", 20),
		S3: S3Config{
			Endpoint:      p.str("FIELDPROOF_S3_ENDPOINT", ""),
			AccessKey:     p.str("FIELDPROOF_S3_ACCESS_KEY", ""),
			SecretKey:     p.str("FIELDPROOF_S3_SECRET_KEY", ""),
			Bucket:        p.str("FIELDPROOF_S3_BUCKET", "fieldproof"),
			Region:        p.str("FIELDPROOF_S3_REGION", ""),
			UseSSL:        p.boolean("FIELDPROOF_S3_USE_SSL", false),
			Timeout:       p.duration("FIELDPROOF_S3_TIMEOUT", 30*time.Second),
			RetentionDays: p.integer("FIELDPROOF_RETENTION_DAYS", 3650),
		},
		JWTKey:                  p.str("FIELDPROOF_JWT_KEY", ""),
		JWTIssuer:               p.str("FIELDPROOF_JWT_ISSUER", "fieldproof"),
		JWTAudience:             p.str("FIELDPROOF_JWT_AUDIENCE", "fieldproof-api"),
		AccessTokenTTL:          p.duration("FIELDPROOF_ACCESS_TOKEN_TTL", 15*time.Minute),
		RefreshTokenTTL:         p.duration("FIELDPROOF_REFRESH_TOKEN_TTL", 30*24*time.Hour),
		AdminPassword:           p.str("FIELDPROOF_ADMIN_PASSWORD", ""),
		LoginMaxFailures:        p.integer("FIELDPROOF_LOGIN_MAX_FAILURES", 5),
		LoginIPFailures:         p.integer("FIELDPROOF_LOGIN_IP_MAX_FAILURES", 50),
		LoginWindow:             p.duration("FIELDPROOF_LOGIN_WINDOW", 15*time.Minute),
		HashConcurrency:         p.integer("FIELDPROOF_PASSWORD_HASH_CONCURRENCY", 0),
		HashWait:                p.duration("FIELDPROOF_PASSWORD_HASH_WAIT", 10*time.Second),
		TrustedProxies:          p.list("FIELDPROOF_TRUSTED_PROXIES"),
		ShutdownTimeout:         p.duration("FIELDPROOF_SHUTDOWN_TIMEOUT", 30*time.Second),
		ReadTimeout:             p.duration("FIELDPROOF_READ_TIMEOUT", 30*time.Second),
		ReadHeaderTimeout:       p.duration("FIELDPROOF_READ_HEADER_TIMEOUT", 10*time.Second),
		UploadTimeout:           p.duration("FIELDPROOF_UPLOAD_TIMEOUT", 15*time.Minute),
		MaxBodyBytes:            int64(p.integer("FIELDPROOF_MAX_BODY_BYTES", 10<<20)),
		MaxVolunteersPerProject: p.integer("FIELDPROOF_MAX_VOLUNTEERS_PER_PROJECT", 4),
		DefaultGeofenceM:        p.integer("FIELDPROOF_DEFAULT_GEOFENCE_M", 300),
		Demo:                    p.boolean("FIELDPROOF_DEMO", false),
		Checks: CheckConfig{
			LowAccuracyM:     float64(p.integer("FIELDPROOF_LOW_ACCURACY_M", 50)),
			LateSubmission:   p.duration("FIELDPROOF_LATE_SUBMISSION", 72*time.Hour),
			FutureAllowance:  p.duration("FIELDPROOF_CAPTURE_FUTURE_ALLOWANCE", 10*time.Minute),
			IdempotencyTTL:   p.duration("FIELDPROOF_IDEMPOTENCY_TTL", 48*time.Hour),
			IdempotencyLease: p.duration("FIELDPROOF_IDEMPOTENCY_LEASE", 30*time.Second),
		},
		Audit: AuditConfig{
			Key:          p.str("FIELDPROOF_AUDIT_KEY", ""),
			Origin:       p.str("FIELDPROOF_AUDIT_ORIGIN", "fieldproof.county.example/audit"),
			SealInterval: p.duration("FIELDPROOF_AUDIT_SEAL_INTERVAL", 500*time.Millisecond),
			SealBatch:    p.integer("FIELDPROOF_AUDIT_SEAL_BATCH", 1000),
		},
		Photos: PhotoConfig{
			MaxUploadBytes:  int64(p.integer("FIELDPROOF_MAX_UPLOAD_BYTES", 25<<20)),
			UploadMemory:    int64(p.integer("FIELDPROOF_UPLOAD_MEMORY", 64<<20)),
			MaxPixels:       int64(p.integer("FIELDPROOF_MAX_PIXELS", 64_000_000)),
			MaxSide:         p.integer("FIELDPROOF_MAX_SIDE_PX", 16384),
			GPSMismatchM:    float64(p.integer("FIELDPROOF_GPS_MISMATCH_M", 200)),
			TimeMismatch:    p.duration("FIELDPROOF_TIME_MISMATCH", 2*time.Hour),
			PHashDistance:   p.integer("FIELDPROOF_PHASH_DISTANCE", 6),
			RenditionJobs:   p.integer("FIELDPROOF_RENDITION_WORKERS", 1),
			OrphanGrace:     p.duration("FIELDPROOF_ORPHAN_GRACE", 24*time.Hour),
			SweepInterval:   p.duration("FIELDPROOF_SWEEP_INTERVAL", 15*time.Minute),
			RenditionLease:  p.duration("FIELDPROOF_RENDITION_LEASE", 5*time.Minute),
			IntentTTL:       p.duration("FIELDPROOF_UPLOAD_INTENT_TTL", time.Hour),
			SignedURLTTL:    p.duration("FIELDPROOF_SIGNED_URL_TTL", 5*time.Minute),
			StorageDeadline: p.duration("FIELDPROOF_UPLOAD_STORAGE_DEADLINE", 20*time.Second),
			FullDecode:      p.boolean("FIELDPROOF_UPLOAD_FULL_DECODE", false),
			HEICDecoder:     p.oneOf("FIELDPROOF_HEIC_DECODER", "auto", "native", "wasm"),
		},
		Orders: OrderConfig{
			DeadlineMinor:      p.duration("FIELDPROOF_ORDER_DEADLINE_MINOR", 30*24*time.Hour),
			DeadlineMajor:      p.duration("FIELDPROOF_ORDER_DEADLINE_MAJOR", 14*24*time.Hour),
			DeadlineCritical:   p.duration("FIELDPROOF_ORDER_DEADLINE_CRITICAL", 3*24*time.Hour),
			EscalationInterval: p.duration("FIELDPROOF_ORDER_ESCALATION_INTERVAL", 5*time.Minute),
			NumberZone:         p.zone("FIELDPROOF_ORDER_NUMBER_TZ", p.str("FIELDPROOF_TZ", "Asia/Shanghai")),
			NumberPrefix:       p.str("FIELDPROOF_ORDER_NUMBER_PREFIX", "ZG"),
			WebhookTimeout:     p.duration("FIELDPROOF_WEBHOOK_TIMEOUT", 10*time.Second),
			WebhookMaxAttempts: p.integer("FIELDPROOF_WEBHOOK_MAX_ATTEMPTS", 8),
			WebhookBackoffBase: p.duration("FIELDPROOF_WEBHOOK_BACKOFF_BASE", 30*time.Second),
			WebhookBackoffMax:  p.duration("FIELDPROOF_WEBHOOK_BACKOFF_MAX", time.Hour),
		},
		Monthly: MonthlyConfig{
			DueDay:           p.integer("FIELDPROOF_MONTHLY_DUE_DAY", 28),
			PointRadiusM:     float64(p.integer("FIELDPROOF_MONTHLY_POINT_RADIUS_M", 50)),
			JumpShare:        p.share("FIELDPROOF_MONTHLY_JUMP_SHARE", 0.3),
			ReminderInterval: p.duration("FIELDPROOF_MONTHLY_REMINDER_INTERVAL", 15*time.Minute),
		},
		PublicRateLimit:  p.integer("FIELDPROOF_PUBLIC_RATE_LIMIT", 60),
		PublicRateWindow: p.duration("FIELDPROOF_PUBLIC_RATE_WINDOW", time.Minute),
		PDFFont:          p.str("FIELDPROOF_PDF_FONT", ""),
		MapTileURL:       p.str("FIELDPROOF_MAP_TILE_URL", ""),
		CountyName:       p.str("FIELDPROOF_COUNTY_NAME", "本县"),
		Zone:             p.zone("FIELDPROOF_TZ", "Asia/Shanghai"),
		LogLevel:         p.level("FIELDPROOF_LOG_LEVEL", slog.LevelInfo),
		LogFormat:        p.str("FIELDPROOF_LOG_FORMAT", "json"),
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			p.fail("FIELDPROOF_DATABASE_URL", "must be a postgres:// URL or empty (SQLite)")
		}
	}
	if c.UsesS3() && (c.S3.AccessKey == "" || c.S3.SecretKey == "") {
		p.fail("FIELDPROOF_S3_ACCESS_KEY", "FIELDPROOF_S3_ACCESS_KEY and FIELDPROOF_S3_SECRET_KEY are required with FIELDPROOF_S3_ENDPOINT")
	}
	if host, _, err := net.SplitHostPort(c.DebugAddr); c.DebugAddr != "" && (err != nil || host == "") {
		p.fail("FIELDPROOF_DEBUG_ADDR", "must be host:port with a host (127.0.0.1:6060), or empty")
	}
	if c.JWTKey != "" && len(c.JWTKey) < 32 {
		p.fail("FIELDPROOF_JWT_KEY", "must be at least 32 characters")
	}
	if c.Audit.SealInterval <= 0 || c.Audit.SealInterval > time.Second {
		p.fail("FIELDPROOF_AUDIT_SEAL_INTERVAL", "must be more than 0 and at most 1s")
	}
	if c.Audit.SealBatch < 1 {
		p.fail("FIELDPROOF_AUDIT_SEAL_BATCH", "must be at least 1")
	}
	if c.Monthly.DueDay < 1 || c.Monthly.DueDay > 31 {
		p.fail("FIELDPROOF_MONTHLY_DUE_DAY", "must be a day of the month, 1 to 31")
	}
	if c.Monthly.PointRadiusM <= 0 {
		p.fail("FIELDPROOF_MONTHLY_POINT_RADIUS_M", "must be more than 0")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		p.fail("FIELDPROOF_LOG_FORMAT", "must be json or text")
	}
	return c, errors.Join(p.errs...)
}

// Redacted is the config as it is logged at start: secrets masked.
func (c Config) Redacted() map[string]any {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "***"
	}
	db := "sqlite:" + c.SQLitePath()
	if c.UsesPostgres() {
		if u, err := url.Parse(c.DatabaseURL); err == nil {
			db = u.Redacted()
		}
	}
	objects := "local:" + c.ObjectsDir()
	if c.UsesS3() {
		objects = fmt.Sprintf("s3://%s/%s (ssl=%v)", c.S3.Endpoint, c.S3.Bucket, c.S3.UseSSL)
	}
	return map[string]any{
		"addr": c.Addr, "data_dir": c.DataDir, "database": db, "objects": objects,
		"migrate_on_start": c.MigrateOnStart, "jwt_key": mask(c.JWTKey), "admin_password": mask(c.AdminPassword),
		"audit_key": mask(c.Audit.Key), "audit_origin": c.Audit.Origin,
		"s3_secret_key": mask(c.S3.SecretKey), "trusted_proxies": c.TrustedProxies,
		"access_token_ttl": c.AccessTokenTTL.String(), "refresh_token_ttl": c.RefreshTokenTTL.String(),
	}
}

type parser struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (p *parser) fail(name, msg string) { p.errs = append(p.errs, fmt.Errorf("%s: %s", name, msg)) }

func (p *parser) raw(name string) (string, bool) {
	v, ok := p.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (p *parser) str(name, def string) string {
	if v, ok := p.raw(name); ok {
		return v
	}
	return def
}

// oneOf returns the variable's value if it is one of allowed, and
// allowed[0] when it is unset.
func (p *parser) oneOf(name string, allowed ...string) string {
	v, ok := p.raw(name)
	if !ok {
		return allowed[0]
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "must be one of "+strings.Join(allowed, ", "))
	return allowed[0]
}

func (p *parser) boolean(name string, def bool) bool {
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "must be true or false")
		return def
	}
	return b
}

func (p *parser) integer(name string, def int) int {
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		p.fail(name, "must be a non-negative whole number")
		return def
	}
	return n
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, "must be a positive duration such as 30s or 15m")
		return def
	}
	return d
}

// zone reads an IANA time zone name. The zone database is embedded in the
// binary (time/tzdata), so this works in a minimal container too.
func (p *parser) zone(name, def string) *time.Location {
	v := p.str(name, def)
	loc, err := time.LoadLocation(v)
	if err != nil {
		p.fail(name, "must be a time zone name such as Asia/Shanghai or UTC")
		return time.UTC
	}
	return loc
}

// share reads a fraction in (0, 1].
func (p *parser) share(name string, def float64) float64 {
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1) {
		p.fail(name, "must be a number greater than 0 and at most 1")
		return def
	}
	return f
}

func (p *parser) list(name string) []string {
	v, ok := p.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) level(name string, def slog.Level) slog.Level {
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, "must be debug, info, warn or error")
		return def
	}
	return l
}
