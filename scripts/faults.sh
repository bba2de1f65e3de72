#!/usr/bin/env bash
# Fault drills (docs/RELIABILITY.md): each scenario starts fieldproof on its
# own database and bucket, runs 50 phones filing checks and uploading photos
# with scripts/faultdrill, injects one fault, recovers, and checks the
# invariants (acknowledged photos read back with their SHA-256, exactly one
# check and one photo per UUID, no row without its object, orphans swept,
# every job done, /readyz 503 while down and 200 within 10 s after).
#
#   scripts/faults.sh                       all five scenarios, full length
#   SHORT=1 scripts/faults.sh               the short versions (CI), about four minutes
#   scripts/faults.sh minio-kill sigterm    some of them
#
# Scenarios: minio-kill (kill -9 MinIO under load, restart it on the same
# data), postgres-stop (the database refuses and drops connections, through
# a proxy), sigterm (fieldproof SIGTERMed with uploads in flight and
# rendition jobs queued, then restarted), minio-hang (MinIO SIGSTOPped: the
# network to it hangs rather than refuses, then SIGCONT), replica-kill (two
# fieldproof replicas on one database and bucket behind faultdrill's
# round-robin proxy, one kill -9ed mid field day: every phone and every
# order must finish on the survivor, no Idempotency-Key left in progress).
#
# It never touches the shared services: it starts its OWN MinIO on
# 127.0.0.1:9100 (FAULTS_PORT-9290; the binary scripts/minio.sh builds) with a temp data dir
# and credentials, uses the PostgreSQL on 127.0.0.1:5432 only through
# throw-away databases, and "stops" PostgreSQL with a proxy in front of it.
# Environment: SHORT=1, FAULTS_PORT (fieldproof, default 18390; the proxy
# uses -2900/-2899, its own MinIO -9290/-9289), PHONES (default 50), KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres

ALL=(minio-kill postgres-stop sigterm minio-hang replica-kill)
[ "$#" -gt 0 ] || set -- "${ALL[@]}"
for s in "$@"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "faults.sh: unknown scenario $s (have: ${ALL[*]})" >&2; exit 2 ;; esac
done

SHORT=${SHORT:-0}
PHONES=${PHONES:-50}
FP_PORT=${FAULTS_PORT:-18390}
PROXY_PORT=$((FP_PORT - 2900)) CONTROL_PORT=$((FP_PORT - 2899))   # 15490, 15491
MINIO_ADDR=127.0.0.1:$((FP_PORT - 9290)) MINIO_CONSOLE=127.0.0.1:$((FP_PORT - 9289))   # 9100, 9101: another FAULTS_PORT runs beside a drill
BASE=http://127.0.0.1:$FP_PORT
if [ "$SHORT" = 1 ]; then
  MINIO_DOWN=5 PG_DOWN=6 FP_DOWN=3 HANG=8 AFTER=3 RENDER_WAIT=60s RENDER_GRACE=0s
  DAY=(-n 8 -rounds 2 -order-every 1) KILL_AFTER=5   # 16 orders
else
  # past the 2-minute bound, wait out a job lease (5 min) to report when stragglers finished
  MINIO_DOWN=15 PG_DOWN=20 FP_DOWN=10 HANG=30 AFTER=8 RENDER_WAIT=120s RENDER_GRACE=330s
  DAY=(-n 16 -rounds 4 -order-every 4) KILL_AFTER=10   # 16 orders
fi
DEADLINE=3s   # FIELDPROOF_UPLOAD_STORAGE_DEADLINE and FIELDPROOF_S3_TIMEOUT
LATENCY_LIMIT=4s   # an upload's server time: the deadline plus 1 s for spooling and hashing

WORK=$(mktemp -d /tmp/faultdrill.XXXXXX)
FD_MINIO_USER=faultdrill FD_MINIO_PASS=faultdrill-$RANDOM$RANDOM$RANDOM
MINIO_PID= FP_PID= PROXY_PID= LOAD_PID= READYZ_PID= DAY_PID= B_PID= DBS=()
FAILED=0

cleanup() {
  for p in "$LOAD_PID" "$DAY_PID" "$READYZ_PID" "$FP_PID" "$B_PID" "$PROXY_PID" "$MINIO_PID"; do stop_pid "$p"; done
  for db in "${DBS[@]}"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  if [ "${KEEP:-0}" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
. scripts/drill-env.sh   # stop_pid, start_minio, start_fieldproof, drill_database; builds the binaries

wait_acks() { # n: until the load has n photos acknowledged (at most 60 s)
  for _ in $(seq 1 300); do
    [ -f "$S/progress" ] && [ "$(cut -d' ' -f1 "$S/progress")" -ge "$1" ] && return 0
    sleep 0.2
  done
  say "load made no progress"; return 1
}
mark() { # event (fault, restart, recover) with the uploads in flight at that moment
  echo "$1 $(now_ms) $(cut -d' ' -f2 "$S/progress" 2>/dev/null || echo ?)" >>"$S/events"
}

setup() { # scenario [db-port]
  NAME=$1 S=$WORK/$1 LOG=$WORK/$1/fieldproof.log
  mkdir -p "$S"
  drill_database "$NAME" "${2:-}"
  export FIELDPROOF_ORPHAN_GRACE=2s FIELDPROOF_SWEEP_INTERVAL=2s FIELDPROOF_UPLOAD_INTENT_TTL=8s FIELDPROOF_IDEMPOTENCY_LEASE=6s
  export FIELDPROOF_UPLOAD_STORAGE_DEADLINE=$DEADLINE FIELDPROOF_S3_TIMEOUT=$DEADLINE FIELDPROOF_DB_TIMEOUT=3s
  export FIELDPROOF_ACCESS_TOKEN_TTL=2h FIELDPROOF_RENDITION_WORKERS=${WORKERS:-2} FIELDPROOF_LOG_LEVEL=warn
  start_fieldproof
  "$FD" readyz -base "$BASE" -out "$S/readyz.json" -events "$S/events" -d 15m &
  READYZ_PID=$!
  "$FD" load -base "$BASE" -state "$S/load.json" -progress "$S/progress" -c "$PHONES" -d 10m -drain 120s \
    2>"$S/load.log" &
  LOAD_PID=$!
}

finish() { # verify flags...: stop the load, let readyz see the end, verify
  kill -TERM "$LOAD_PID"; wait "$LOAD_PID" || { say "load failed"; cat "$S/load.log" >&2; }
  LOAD_PID=
  wait_ready 15 || true
  sleep 1
  kill -TERM "$READYZ_PID"; wait "$READYZ_PID" || true
  READYZ_PID=
  local header=() made
  # uploads whose object was stored but whose row was not: the sweeper's work
  made=$(grep -c 'object left for the sweeper' "$LOG" || true)
  [ "$ROWS" = 0 ] && header=(-header)
  if "$FD" verify "${header[@]}" -scenario "$NAME" -base "$BASE" -state "$S/load.json" -readyz "$S/readyz.json" \
    -db "$DB_DIRECT" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" -bucket "$BUCKET" \
    -latency-limit "$LATENCY_LIMIT" -render-wait "$RENDER_WAIT" -render-grace "$RENDER_GRACE" -orphans-made "$made" "$@" 2>"$S/verify.err" | tee -a "$WORK/table"; then
    :
  fi
  if [ -s "$S/verify.err" ]; then
    FAILED=$((FAILED + 1))
    cat "$S/verify.err" >&2
    echo "  events: $(tr '\n' ';' <"$S/events")  $(tail -n 1 "$S/load.log")" >&2
    say "$NAME: last fieldproof log lines:"; tail -n 25 "$LOG" >&2
  fi
  ROWS=$((ROWS + 1))
  # reconcile: rows → objects, every original re-hashed (changes nothing)
  if ! "$WORK/fieldproof" reconcile >"$S/reconcile.log" 2>&1; then
    FAILED=$((FAILED + 1)); say "$NAME: fieldproof reconcile found problems:"; tail -n 20 "$S/reconcile.log" >&2
  fi
  stop_pid "$FP_PID"; FP_PID=
}
ROWS=0

# --- the scenarios ------------------------------------------------------------
minio-kill() {
  setup minio-kill
  wait_acks 30
  mark fault; kill -KILL "$MINIO_PID"; wait "$MINIO_PID" 2>/dev/null || true
  sleep "$MINIO_DOWN"
  mark restart; start_minio; mark recover
  sleep "$AFTER"
  finish
}

postgres-stop() {
  "$FD" proxy -listen "127.0.0.1:$PROXY_PORT" -target "$PGHOST:$PGPORT" -control "127.0.0.1:$CONTROL_PORT" -d 30m &
  PROXY_PID=$!
  sleep 0.5
  setup postgres-stop "$PROXY_PORT"
  wait_acks 30
  mark fault; curl -fsS "http://127.0.0.1:$CONTROL_PORT/mode?set=refuse" >/dev/null
  sleep "$PG_DOWN"
  curl -fsS "http://127.0.0.1:$CONTROL_PORT/mode?set=forward" >/dev/null; mark recover
  sleep "$AFTER"
  finish
  stop_pid "$PROXY_PID"; PROXY_PID=
}

sigterm() {
  WORKERS=1 setup sigterm
  wait_acks 60
  local jobs t0 rc=0
  jobs=$("$FD" jobs -db "$DB_DIRECT")
  mark fault; t0=$(now_ms); kill -TERM "$FP_PID"; wait "$FP_PID" || rc=$?
  echo "sigterm: rendition jobs at SIGTERM: $jobs; fieldproof exited $rc after $(($(now_ms) - t0)) ms" >"$S/sigterm.txt"
  [ "$rc" = 0 ] || { FAILED=$((FAILED + 1)); say "fieldproof exited $rc on SIGTERM"; }
  sleep "$FP_DOWN"
  mark recover; start_fieldproof
  sleep "$AFTER"
  finish -readyz-dep=false
}

minio-hang() {
  setup minio-hang
  wait_acks 30
  mark fault; kill -STOP "$MINIO_PID"
  sleep "$HANG"
  kill -CONT "$MINIO_PID"; mark recover
  sleep "$AFTER"
  finish
}

# Two replicas, one database and bucket, faultdrill's round-robin proxy on
# the usual port in front; a field day with orders on it; replica A
# kill -9ed mid-day. The phones retry through the survivor.
replica-kill() {
  NAME=replica-kill S=$WORK/replica-kill LOG=$WORK/replica-kill/replica-a.log
  mkdir -p "$S"
  drill_database "$NAME"
  export FIELDPROOF_ORPHAN_GRACE=2s FIELDPROOF_SWEEP_INTERVAL=2s FIELDPROOF_UPLOAD_INTENT_TTL=8s FIELDPROOF_IDEMPOTENCY_LEASE=6s
  export FIELDPROOF_UPLOAD_STORAGE_DEADLINE=$DEADLINE FIELDPROOF_S3_TIMEOUT=$DEADLINE FIELDPROOF_DB_TIMEOUT=3s
  # a dead replica's rendition jobs pass to the survivor after their lease
  export FIELDPROOF_ACCESS_TOKEN_TTL=2h FIELDPROOF_RENDITION_WORKERS=1 FIELDPROOF_LOG_LEVEL=warn FIELDPROOF_RENDITION_LEASE=30s
  local a=$((FP_PORT + 20)) b=$((FP_PORT + 21)) rc=0 t0 a_pid keys intents
  FIELDPROOF_ADDR=127.0.0.1:$a BASE=http://127.0.0.1:$a start_fieldproof; a_pid=$FP_PID
  FIELDPROOF_ADDR=127.0.0.1:$b BASE=http://127.0.0.1:$b LOG=$S/replica-b.log start_fieldproof; B_PID=$FP_PID
  "$FD" proxy -listen "127.0.0.1:$FP_PORT" -target "127.0.0.1:$a,127.0.0.1:$b" -control "127.0.0.1:$((CONTROL_PORT + 10))" -d 30m &
  PROXY_PID=$!
  sleep 0.5
  "$FD" fieldday -fault -throughput=false "${DAY[@]}" -base "$BASE" -state "$S/state.json" -db "$DB_DIRECT" \
    -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" -d 10m >"$S/fieldday.txt" 2>&1 &
  DAY_PID=$!
  for _ in $(seq 1 600); do grep -q '^fault: the phones are at work' "$S/fieldday.txt" 2>/dev/null && break; sleep 0.2; done
  sleep "$KILL_AFTER"
  t0=$(now_ms); kill -KILL "$a_pid"; wait "$a_pid" 2>/dev/null || true; FP_PID=
  wait "$DAY_PID" || rc=$?
  DAY_PID=
  keys=$(psql -tA -d "$DB_DIRECT" -c "SELECT count(*) FROM idempotency_keys WHERE status = 0")
  {
    echo "replica-kill: replica A kill -9ed $KILL_AFTER s after the phones set out; the day ended $(($(now_ms) - t0)) ms later on the survivor"
    echo "replica-kill: $(grep -E '^(checks complete|answers retried)' "$S/fieldday.txt" | tr '\n' ' ')"
    echo "replica-kill: Idempotency-Keys left in progress: $keys"
  } >"$S/sigterm.txt"
  if [ "$rc" != 0 ] || [ "$keys" != 0 ]; then
    FAILED=$((FAILED + 1)); say "replica-kill: the field day did not finish on the survivor (exit $rc, $keys keys in progress)"
    tail -n 30 "$S/fieldday.txt" >&2; tail -n 20 "$S/replica-b.log" >&2
  fi
  local header=()
  [ "$ROWS" = 0 ] && header=(-header)
  if ! "$FD" verify "${header[@]}" -scenario "$NAME" -base "$BASE" -user office -password demo-office-pass \
    -state "$S/state.json" -db "$DB_DIRECT" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" \
    -bucket "$BUCKET" -render-wait "$RENDER_WAIT" -orphans-made "$(cat "$LOG" "$S/replica-b.log" | grep -c 'object left for the sweeper' || true)" \
    2>"$S/verify.err" | tee -a "$WORK/table"; then
    :
  fi
  if [ -s "$S/verify.err" ]; then FAILED=$((FAILED + 1)); cat "$S/verify.err" >&2; fi
  ROWS=$((ROWS + 1))
  if ! "$WORK/fieldproof" reconcile >"$S/reconcile.log" 2>&1; then
    FAILED=$((FAILED + 1)); say "$NAME: fieldproof reconcile found problems:"; tail -n 20 "$S/reconcile.log" >&2
  fi
  stop_pid "$B_PID"; B_PID=
  stop_pid "$PROXY_PID"; PROXY_PID=
}

start_minio
echo "fault drills ($([ "$SHORT" = 1 ] && echo short || echo full)): $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres | cut -d' ' -f1), $(date -u +%Y-%m-%dT%H:%MZ), $PHONES phones"
echo
for s in "$@"; do "$s"; done
for s in "$@"; do [ -f "$WORK/$s/sigterm.txt" ] && cat "$WORK/$s/sigterm.txt"; done
echo
if [ "$FAILED" -gt 0 ]; then say "$FAILED failure(s)"; exit 1; fi
say "all invariants held"
