# Sourced by the photo benchmarks (bench-photos.sh, bench-heic.sh): a
# throw-away PostgreSQL database and MinIO bucket, the server and photobench
# built into a temporary folder, and start_server / stop_server for a server
# on 127.0.0.1:$PORT with the demo county. The caller sets BENCH (a short
# name for the database and bucket) and PORT, and may set GO_BUILD_FLAGS
# (e.g. -tags nodynamic for the static WASM-only binary).
. scripts/services.sh
ensure_postgres
ensure_minio
command -v vipsthumbnail >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools >/dev/null; }

DB="fp_${BENCH}_$$"
WORK=$(mktemp -d)
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck disable=SC2086 # GO_BUILD_FLAGS is a list of flags
CGO_ENABLED=0 go build ${GO_BUILD_FLAGS:-} -o "$WORK/fieldproof" ./cmd/fieldproof
CGO_ENABLED=0 go build -o "$WORK/photobench" ./scripts/photobench

export FIELDPROOF_ADDR=127.0.0.1:$PORT FIELDPROOF_DATA_DIR=$WORK/data
export FIELDPROOF_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export FIELDPROOF_S3_ENDPOINT=127.0.0.1:9000 FIELDPROOF_S3_BUCKET="fp-${BENCH}-$$"
export FIELDPROOF_S3_ACCESS_KEY=$MINIO_ROOT_USER FIELDPROOF_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=bench-signing-key-0123456789abcdef0123 FIELDPROOF_ADMIN_PASSWORD=bench-admin-password
export FIELDPROOF_LOG_LEVEL=warn
start_server() {
  "$WORK/fieldproof" serve --demo >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.5; done
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }
