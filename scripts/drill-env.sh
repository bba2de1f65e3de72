# Sourced by scripts/faults.sh and scripts/fieldday.sh: the pieces both drills
# need to run fieldproof on its OWN MinIO (127.0.0.1:9100 by default, the
# binary scripts/minio.sh builds) and on throw-away PostgreSQL databases,
# never on the shared services. The caller sets WORK (a temp dir), MINIO_ADDR,
# MINIO_CONSOLE, FD_MINIO_USER, FD_MINIO_PASS, BASE and FP_PORT, and keeps the
# pids it starts (MINIO_PID, FP_PID) for its own cleanup.
now_ms() { date +%s%3N; }
say() { echo "$(basename "$0"): $*" >&2; }

stop_pid() { # pid: SIGTERM, then SIGKILL after 10 s; only processes this script started
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# --- binaries ---------------------------------------------------------------
find_minio() {
  if command -v minio >/dev/null 2>&1; then command -v minio; return; fi
  local gobin; gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  [ -x "$gobin/minio" ] && echo "$gobin/minio"
}
MINIO_BIN=$(find_minio || true)
if [ -z "$MINIO_BIN" ]; then
  say "building minio (scripts/minio.sh's pinned version; several minutes the first time)"
  go install "github.com/minio/minio@$(sed -n 's/^MINIO_VERSION=//p' scripts/minio.sh)"
  MINIO_BIN=$(find_minio)
fi
go build -tags nodynamic -o "$WORK/fieldproof" ./cmd/fieldproof
go build -o "$WORK/faultdrill" ./scripts/faultdrill
FD="$WORK/faultdrill"

# --- our own MinIO ------------------------------------------------------------
minio_ready() { curl -fsS -o /dev/null --max-time 1 "http://$MINIO_ADDR/minio/health/ready" 2>/dev/null; }
start_minio() {
  if minio_ready; then say "something already answers on $MINIO_ADDR; refusing to share it"; exit 1; fi
  MINIO_ROOT_USER=$FD_MINIO_USER MINIO_ROOT_PASSWORD=$FD_MINIO_PASS \
    "$MINIO_BIN" server "$WORK/minio-data" --address "$MINIO_ADDR" --console-address "$MINIO_CONSOLE" \
    >>"$WORK/minio.log" 2>&1 </dev/null &
  MINIO_PID=$!
  for _ in $(seq 1 120); do minio_ready && return 0; sleep 0.25; done
  say "MinIO did not become ready"; tail -n 20 "$WORK/minio.log" >&2; exit 1
}

# --- fieldproof ---------------------------------------------------------------
start_fieldproof() {
  "$WORK/fieldproof" serve --demo >>"$LOG" 2>&1 </dev/null &
  FP_PID=$!
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null && return 0
    kill -0 "$FP_PID" 2>/dev/null || break
    sleep 0.25
  done
  say "fieldproof did not become ready"; tail -n 30 "$LOG" >&2; return 1
}
wait_ready() { # seconds: until /readyz is 200
  for _ in $(seq 1 $(($1 * 4))); do curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null && return 0; sleep 0.25; done
  return 1
}

# drill_database NAME [db-port]: a throw-away database and bucket for one
# scenario, and fieldproof's environment pointing at them (DB_DIRECT is the
# database without any proxy; DBS lists what cleanup drops).
drill_database() {
  local db="fd_${1//-/_}_$$"
  psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
  DBS+=("$db")
  DB_DIRECT="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable"
  BUCKET="fd-$1-$$"
  export FIELDPROOF_ADDR=127.0.0.1:$FP_PORT FIELDPROOF_DATA_DIR=$S/data
  export FIELDPROOF_DATABASE_URL="postgres://$PGUSER@127.0.0.1:${2:-$PGPORT}/$db?sslmode=disable"
  export FIELDPROOF_S3_ENDPOINT=$MINIO_ADDR FIELDPROOF_S3_BUCKET=$BUCKET
  export FIELDPROOF_S3_ACCESS_KEY=$FD_MINIO_USER FIELDPROOF_S3_SECRET_KEY=$FD_MINIO_PASS
  export FIELDPROOF_AUDIT_KEY='PRIVATE+KEY+fieldproof-dev+3564fc05+AcTk2em+CVJ7tW1GzKraVFGvyvw+li9LkdmwmB8sYqKJ' FIELDPROOF_JWT_KEY=faultdrill-signing-key-0123456789abcdef FIELDPROOF_ADMIN_PASSWORD=faultdrill-admin-pass
}
