#!/usr/bin/env bash
# The monthly cycle on the county (issue 16, "Performance"): builds the
# county of scripts/bench-county.sh with a year of monthly reporting
# (scripts/countygen -units 100 -periods 12: 1,000 projects, ~1,500
# indicators, 100 units, 12 periods, three photo points per project with a
# photo at each in every report), starts fieldproof on it with MinIO, and
# measures, beside GET /healthz in the same run:
#   (c) the monthly circular of last month for every project: preview as
#       JSON and as PDF, and a publication — time, and the server's peak
#       RSS above its idle RSS (measured first, on a fresh server);
#   (a) GET /api/v1/periods/{period}/status of last month, of the month
#       with the most projects in it, and of the month under way;
#   (b) GET /api/v1/projects (schedule status on every project) against
#       the same list served by a build of OLD_REV (default bc55e7e, main
#       just before schedule status reached the list) on the same database
#       (its migrations are a prefix), the two servers measured in turn,
#       twice, so drift from other load on the machine hits both.
# Results go to docs/PERFORMANCE.md ("The monthly cycle on the county").
#
#   scripts/bench-monthly.sh            # PROJECTS=1000 CHECKS=1000000 ORDERS=100000 UNITS=100 PERIODS=12
#   KEEP_DB=1 scripts/bench-monthly.sh  # keep the database; COUNTY_DB=<name> re-measures it
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres
ensure_minio

PORT=${PORT:-18385}
OLD_PORT=${OLD_PORT:-18386}
OLD_REV=${OLD_REV:-bc55e7e}
DB=${COUNTY_DB:-fp_monthly_$$}
WORK=$(mktemp -d)
[ -n "${COUNTY_DB:-}" ] || psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
stop() { # stop PID: the server this script started
  kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
}
cleanup() {
  [ -n "${SERVER_PID:-}" ] && stop "$SERVER_PID"
  [ -n "${OLD_PID:-}" ] && stop "$OLD_PID"
  [ -n "${KEEP_DB:-}${COUNTY_DB:-}" ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  cp "$WORK/server.log" /tmp/bench-monthly-server.log 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
go build -tags nodynamic -o "$WORK/fieldproof" ./cmd/fieldproof
go build -o "$WORK/countygen" ./scripts/countygen
go build -o "$WORK/loadgen" ./scripts/loadgen
# The build before schedule status, from the same repository (no worktree
# left behind: an export of the commit's tree).
mkdir "$WORK/old"
git archive "$OLD_REV" | tar -x -C "$WORK/old"
(cd "$WORK/old" && go build -tags nodynamic -o "$WORK/fieldproof-old" ./cmd/fieldproof)
URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "old build: $(git log -1 --format='%h %s' "$OLD_REV" | cut -c1-100)"
GEN=/tmp/$DB.countygen
if [ -z "${COUNTY_DB:-}" ]; then
  echo; echo "generating the county"
  "$WORK/countygen" -db "$URL" -projects "${PROJECTS:-1000}" -checks "${CHECKS:-1000000}" -orders "${ORDERS:-100000}" \
    -units "${UNITS:-100}" -periods "${PERIODS:-12}" | tee "$GEN"
  [ -n "${KEEP_DB:-}" ] && echo "kept: COUNTY_DB=$DB $0 reuses it"
fi
kv() { sed -n "s/^$1=//p" "$GEN"; }
PASS=$(kv password)
LAST=$(kv last_period)
BUSIEST=$(kv busiest_period)
CURRENT=$(kv current_period)
q() { psql -tAc "$1" -d "$DB"; }
echo "rows: $(q "select (select count(*) from projects) || ' projects, ' || (select count(*) from project_indicators) || ' indicators, ' || (select count(*) from units) || ' units, ' || (select count(*) from photo_points) || ' photo points, ' || (select count(*) from monthly_reports) || ' monthly reports, ' || (select count(*) from photos where parent_kind = 'monthly_report') || ' report photos, ' || (select count(*) from indicator_values) || ' indicator values, ' || (select count(*) from checks) || ' checks, ' || (select count(*) from orders) || ' orders'")"
echo "reports by state: $(q "select string_agg(state || ' ' || n, ', ' order by state) from (select state, count(*) n from monthly_reports group by 1) s")"
echo "late (first submitted after the due day, all periods): $(q "select count(*) from monthly_reports where submitted_at >= (to_date(period || '-28', 'YYYY-MM-DD') + 1)::timestamp at time zone 'Asia/Shanghai'")"
echo "periods: $(kv first_period) … $CURRENT (under way); last month $LAST; most projects in a month: $BUSIEST ($(kv busiest_rows))"

export FIELDPROOF_DATA_DIR=$WORK/data FIELDPROOF_DATABASE_URL=$URL
export FIELDPROOF_S3_ENDPOINT=127.0.0.1:9000 FIELDPROOF_S3_BUCKET="fp-monthly-$$"
export FIELDPROOF_S3_ACCESS_KEY=$MINIO_ROOT_USER FIELDPROOF_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=bench-signing-key-0123456789abcdef0123 FIELDPROOF_LOG_LEVEL=warn
ready() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0; sleep 0.5; done; return 1; }
FIELDPROOF_ADDR=127.0.0.1:$PORT "$WORK/fieldproof" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready "$PORT"
B="http://127.0.0.1:$PORT"
echo
echo "load before: $(uptime | sed 's/.*load average/load average/')"

# (c) The circular, first, on a server that has served nothing else, so
# its peak RSS (VmHWM) is the circular's.
TOKEN=$(curl -fsS "$B/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"office\",\"password\":\"$PASS\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
status() { awk -v k="$1" '$1 == k":" {print int($2/1024)}' "/proc/$SERVER_PID/status"; }
sleep 2
IDLE=$(status VmRSS)
echo
echo "The circular of $LAST for every project (one request at a time; idle RSS $IDLE MB):"
echo
echo "| request | HTTP | bytes | seconds | server peak RSS | above idle |"
echo "|---|---|---|---|---|---|"
circ() { # label method path
  local out
  out=$(curl -sS -o "$WORK/circ.out" -w '%{http_code} %{size_download} %{time_total}' -X "$2" "$B$3" -H "Authorization: Bearer $TOKEN")
  set -- "$1" $out
  local peak; peak=$(status VmHWM)
  echo "| $1 | $2 | $3 | $(awk -v t="$4" 'BEGIN {printf "%.2f", t}') | $peak MB | $((peak - IDLE)) MB |"
}
circ "GET /api/v1/periods/$LAST/circular (JSON preview)" GET "/api/v1/periods/$LAST/circular"
circ "GET /api/v1/periods/$LAST/circular (JSON preview, again)" GET "/api/v1/periods/$LAST/circular"
circ "GET /api/v1/periods/$LAST/circular?format=pdf" GET "/api/v1/periods/$LAST/circular?format=pdf"
circ "GET /api/v1/periods/$LAST/circular?format=csv" GET "/api/v1/periods/$LAST/circular?format=csv"
circ "POST /api/v1/periods/$LAST/circulars (publish: PDF, CSV, JSON stored)" POST "/api/v1/periods/$LAST/circulars"
echo
curl -fsS -o "$WORK/circ.json" "$B/api/v1/periods/$LAST/circular" -H "Authorization: Bearer $TOKEN"
echo "circular of $LAST: $(head -c 600 "$WORK/circ.json" | sed -E 's/.*"figures":(\{[^}]*\}).*/\1/')"

C=${CLIENTS:-4}
D=${SECS:-10}s
lg() { # port clients label args...
  local port=$1 c=$2 label=$3
  shift 3
  "$WORK/loadgen" -base "http://127.0.0.1:$port" -c "$c" -d "$D" -password "$PASS" -label "$label" "$@" | tee -a "$WORK/rows"
}
echo
echo "| operation | clients | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |"
echo "|---|---|---|---|---|---|---|---|"
lg "$PORT" 1 "GET /healthz (floor)" -op healthz
lg "$PORT" "$C" "GET /healthz (floor)" -op healthz
# (a) A period's reporting status: last month (every state), the month
# with the most projects, the month under way; the office one at a time,
# then four at once.
for pd in "$LAST" "$BUSIEST" "$CURRENT"; do
  lg "$PORT" 1 "GET /api/v1/periods/$pd/status" -user office -op get -path "/api/v1/periods/$pd/status"
done
lg "$PORT" "$C" "GET /api/v1/periods/$LAST/status" -user office -op get -path "/api/v1/periods/$LAST/status"

# (b) The project list now and before schedule status, in turn, twice.
FIELDPROOF_ADDR=127.0.0.1:$OLD_PORT "$WORK/fieldproof-old" serve >"$WORK/server-old.log" 2>&1 &
OLD_PID=$!
ready "$OLD_PORT"
lg "$OLD_PORT" 1 "GET /healthz (floor), build $OLD_REV" -op healthz
for round in 1 2; do
  for path in "/api/v1/projects" "/api/v1/projects?limit=200"; do
    lg "$PORT" 1 "GET $path, now (round $round)" -user office -op get -path "$path"
    lg "$OLD_PORT" 1 "GET $path, build $OLD_REV (round $round)" -user office -op get -path "$path"
  done
done
lg "$PORT" "$C" "GET /api/v1/projects, now" -user office -op get -path "/api/v1/projects"
lg "$OLD_PORT" "$C" "GET /api/v1/projects, build $OLD_REV" -user office -op get -path "/api/v1/projects"
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"

# p95 now ÷ before, per list and round (column 7 of loadgen's row).
echo
echo "project list p95, now ÷ build $OLD_REV:"
for path in "/api/v1/projects" "/api/v1/projects?limit=200"; do
  for round in 1 2; do
    now=$(grep -F "| GET $path, now (round $round) |" "$WORK/rows" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
    old=$(grep -F "| GET $path, build $OLD_REV (round $round) |" "$WORK/rows" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
    echo "  $path round $round: $now ms ÷ $old ms = $(awk -v a="$now" -v b="$old" 'BEGIN {printf "%.2f", a / b}')"
  done
done
