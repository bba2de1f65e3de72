#!/usr/bin/env bash
# The office console on the county data set (scripts/countygen: 1,000
# projects, 1,000,000 checks, 100,000 orders in PostgreSQL, objects in
# MinIO): the review queue's and the rectification board's first page,
# each beside the same query through the JSON API and GET /healthz in the
# same run (scripts/loadgen), then first contentful paint and page weight in
# headless Chromium (scripts/consolepaint). Results go to
# docs/PERFORMANCE.md ("Office console").
#
#   scripts/bench-console.sh                 # a new county (about 10 minutes to generate)
#   KEEP_DB=1 scripts/bench-console.sh       # keep it; then COUNTY_DB=<name> reuses it
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres
ensure_minio
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

PORT=${PORT:-18384}
DB=${COUNTY_DB:-fp_console_$$}
WORK=$(mktemp -d)
[ -n "${COUNTY_DB:-}" ] || psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "${KEEP_DB:-}${COUNTY_DB:-}" ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
go build -o "$WORK/fieldproof" ./cmd/fieldproof
go build -o "$WORK/countygen" ./scripts/countygen
go build -o "$WORK/loadgen" ./scripts/loadgen
go build -o "$WORK/consolepaint" ./scripts/consolepaint
URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres), $(chromium --version | head -1), $(date -u +%Y-%m-%dT%H:%MZ)"
GEN=/tmp/$DB.countygen
if [ -z "${COUNTY_DB:-}" ]; then
  echo "generating the county"
  "$WORK/countygen" -db "$URL" -projects "${PROJECTS:-1000}" -checks "${CHECKS:-1000000}" -orders "${ORDERS:-100000}" >"$GEN"
  [ -n "${KEEP_DB:-}" ] && echo "kept: COUNTY_DB=$DB $0 reuses it"
fi
PASS=$(sed -n 's/^password=//p' "$GEN")
echo "rows: $(psql -tAc "select (select count(*) from projects) || ' projects, ' || (select count(*) from checks) || ' checks, ' || (select count(*) from orders) || ' orders'" -d "$DB")"

export FIELDPROOF_ADDR=127.0.0.1:$PORT FIELDPROOF_DATA_DIR=$WORK/data FIELDPROOF_DATABASE_URL=$URL
export FIELDPROOF_S3_ENDPOINT=127.0.0.1:9000 FIELDPROOF_S3_BUCKET="fp-console-$$"
export FIELDPROOF_S3_ACCESS_KEY=$MINIO_ROOT_USER FIELDPROOF_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=bench-signing-key-0123456789abcdef0123 FIELDPROOF_LOG_LEVEL=warn
"$WORK/fieldproof" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.5; done

D=${SECS:-10}s
B="http://127.0.0.1:$PORT"
echo
echo "One office user at a time (the latency a person sees; loopback, so client time ≈ server time):"
echo
echo "| request | clients | requests | req/s | p50 ms | p95 ms | p99 ms | statuses, size |"
echo "|---|---|---|---|---|---|---|---|"
"$WORK/loadgen" -base "$B" -c 1 -d "$D" -op healthz -label "GET /healthz (floor)"
# Each page beside the API request that asks the service the same question:
# the queue's first page; the board's default (open orders, overdue first).
for pair in "/api/v1/review-queue /console/queue" "/api/v1/orders?open=true&sort=due /console/orders"; do
  set -- $pair
  "$WORK/loadgen" -base "$B" -c 1 -d "$D" -password "$PASS" -user office -op get -path "$1" -label "API GET $1"
  "$WORK/loadgen" -base "$B" -c 1 -d "$D" -password "$PASS" -user office -op page -path "$2" -label "console GET $2"
done
echo
echo "In headless Chromium (cache off; median of 5 loads):"
echo
"$WORK/consolepaint" -base "$B" -user office -password "$PASS" -n 5 /console/queue /console/orders
