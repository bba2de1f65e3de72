#!/usr/bin/env bash
# Measures the platform on PostgreSQL + MinIO: requests/s and p50/p95/p99 of
# an authenticated project list and a project create under 32 concurrent
# clients, beside GET /healthz measured in the same run as the floor of the
# HTTP stack. Prints a Markdown table for docs/PERFORMANCE.md.
#
#   scripts/bench-platform.sh            # 32 clients, 15 s per operation
#   CLIENTS=8 SECONDS_PER_OP=10 scripts/bench-platform.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres
ensure_minio

CLIENTS=${CLIENTS:-32}
SECS=${SECONDS_PER_OP:-15}
PORT=${PORT:-18181}
DB="fp_bench_$$"
WORK=$(mktemp -d)
BIN="$WORK/fieldproof"
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

go build -tags nodynamic -o "$BIN" ./cmd/fieldproof
go build -o "$WORK/loadgen" ./scripts/loadgen

export FIELDPROOF_ADDR=127.0.0.1:$PORT
export FIELDPROOF_DATA_DIR=$WORK/data
export FIELDPROOF_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export FIELDPROOF_S3_ENDPOINT=127.0.0.1:9000
export FIELDPROOF_S3_ACCESS_KEY=$MINIO_ROOT_USER FIELDPROOF_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export FIELDPROOF_S3_BUCKET="fp-bench-$$"
export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=bench-signing-key-0123456789abcdef0123
export FIELDPROOF_ADMIN_PASSWORD=bench-admin-password
export FIELDPROOF_LOG_LEVEL=warn
"$BIN" serve --demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
  sleep 0.5
done

LG=("$WORK/loadgen" -base "http://127.0.0.1:$PORT" -c "$CLIENTS" -d "${SECS}s" -password "$FIELDPROOF_ADMIN_PASSWORD")
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| operation | clients | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |"
echo "|---|---|---|---|---|---|---|---|"
"${LG[@]}" -op healthz -label "GET /healthz (floor)"
"${LG[@]}" -op create -label "POST /api/v1/projects"
"${LG[@]}" -op list -label "GET /api/v1/projects?limit=50"
"${LG[@]}" -op healthz -label "GET /healthz (again)"
echo
echo "projects in the database at the end: $(psql -tAc 'select count(*) from projects' -d "$DB")"
