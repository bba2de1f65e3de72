#!/usr/bin/env bash
# Builds a county of 1,000 projects, 1,000,000 checks and 100,000 orders in
# a throwaway PostgreSQL database (scripts/countygen), starts fieldproof on
# it with MinIO, and measures with scripts/loadgen: each dashboard, the sync
# of a fresh phone and of a phone one day behind, and a county-wide CSV
# export (time and the server's peak RSS), beside GET /healthz measured in
# the same run. Results go to docs/PERFORMANCE.md.
#
#   scripts/bench-county.sh            # PROJECTS=1000 CHECKS=1000000 ORDERS=100000
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres
ensure_minio

PORT=${PORT:-18383}
# COUNTY_DB=name reuses a database kept by an earlier run with KEEP_DB=1.
DB=${COUNTY_DB:-fp_county_$$}
WORK=$(mktemp -d)
[ -n "${COUNTY_DB:-}" ] || psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "${KEEP_DB:-}${COUNTY_DB:-}" ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  cp "$WORK/server.log" /tmp/bench-county-server.log 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
go build -tags nodynamic -o "$WORK/fieldproof" ./cmd/fieldproof
go build -o "$WORK/countygen" ./scripts/countygen
go build -o "$WORK/loadgen" ./scripts/loadgen
URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres), $(date -u +%Y-%m-%dT%H:%MZ)"
GEN=/tmp/$DB.countygen
if [ -z "${COUNTY_DB:-}" ]; then
  echo; echo "generating the county"
  "$WORK/countygen" -db "$URL" -projects "${PROJECTS:-1000}" -checks "${CHECKS:-1000000}" -orders "${ORDERS:-100000}" | tee "$GEN"
  [ -n "${KEEP_DB:-}" ] && echo "kept: COUNTY_DB=$DB $0 reuses it"
fi
VOL=$(sed -n 's/^volunteer=//p' "$GEN")
DAY=$(sed -n 's/^day_cursor=//p' "$GEN")
PASS=$(sed -n 's/^password=//p' "$GEN")
echo "rows: $(psql -tAc "select (select count(*) from projects) || ' projects, ' || (select count(*) from checks) || ' checks, ' || (select count(*) from orders) || ' orders, ' || (select count(*) from audit_log) || ' audit entries'" -d "$DB")"

export FIELDPROOF_ADDR=127.0.0.1:$PORT FIELDPROOF_DATA_DIR=$WORK/data FIELDPROOF_DATABASE_URL=$URL
export FIELDPROOF_S3_ENDPOINT=127.0.0.1:9000 FIELDPROOF_S3_BUCKET="fp-county-$$"
export FIELDPROOF_S3_ACCESS_KEY=$MINIO_ROOT_USER FIELDPROOF_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=bench-signing-key-0123456789abcdef0123 FIELDPROOF_LOG_LEVEL=warn
"$WORK/fieldproof" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.5; done

C=${CLIENTS:-4}
D=${SECS:-10}s
LG=("$WORK/loadgen" -base "http://127.0.0.1:$PORT" -c "$C" -d "$D" -password "$PASS")
echo
echo "| operation | clients | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |"
echo "|---|---|---|---|---|---|---|---|"
"${LG[@]}" -op healthz -label "GET /healthz (floor)"
# Dashboards one at a time (the office's own latency), then four at once.
for path in ${DASHBOARDS:-/api/v1/dashboard/projects /api/v1/dashboard/orders}; do
  "$WORK/loadgen" -base "http://127.0.0.1:$PORT" -c 1 -d "$D" -password "$PASS" -user office -op get -path "$path" -label "GET $path"
  "${LG[@]}" -user office -op get -path "$path" -label "GET $path"
done
"${LG[@]}" -user "$VOL" -op get -path "/api/v1/sync?limit=1000" -label "GET /api/v1/sync, fresh volunteer phone (first page)"
"${LG[@]}" -user "$VOL" -op get -path "/api/v1/sync?limit=1000&cursor=$DAY" -label "GET /api/v1/sync, volunteer one day behind"
"${LG[@]}" -user inspector001 -op get -path "/api/v1/sync?limit=1000&cursor=$DAY" -label "GET /api/v1/sync, inspector one day behind"

echo
echo "county-wide CSV export of checks (one request):"
TOKEN=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"office\",\"password\":\"$PASS\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
rss() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$SERVER_PID/status"; }
before=$(rss)
start=$(date +%s.%N)
bytes=$(curl -fsS -o "$WORK/checks.csv" -w '%{size_download}' "http://127.0.0.1:$PORT/api/v1/exports/checks.csv" -H "Authorization: Bearer $TOKEN")
end=$(date +%s.%N)
echo "| rows | bytes | seconds | server peak RSS before | after |"
echo "|---|---|---|---|---|"
echo "| $(($(wc -l <"$WORK/checks.csv") - 1)) | $bytes | $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') | ${before} MB | $(rss) MB |"
