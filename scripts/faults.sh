#!/usr/bin/env bash
# Fault drills (docs/RELIABILITY.md): each scenario starts fieldproof on its
# own database and bucket, runs 50 phones filing checks and uploading photos
# with scripts/faultdrill, injects one fault, recovers, and checks the
# invariants (acknowledged photos read back with their SHA-256, exactly one
# check and one photo per UUID, no row without its object, orphans swept,
# every job done, /readyz 503 while down and 200 within 10 s after).
#
#   scripts/faults.sh                       all six scenarios, full length
#   SHORT=1 scripts/faults.sh               the short versions (CI), about eight minutes
#   scripts/faults.sh minio-kill sigterm    some of them
#
# Scenarios: minio-kill (kill -9 MinIO under load, restart it on the same
# data), postgres-stop (the database refuses and drops connections, through
# a proxy), sigterm (fieldproof SIGTERMed with uploads in flight and
# rendition jobs queued, then restarted), minio-hang (MinIO SIGSTOPped: the
# network to it hangs rather than refuses, then SIGCONT), replica-kill (two
# fieldproof replicas on one database and bucket behind faultdrill's
# round-robin proxy, one kill -9ed mid field day: every phone and every
# order must finish on the survivor, no Idempotency-Key left in progress),
# fieldday-crash (the field day on a throw-away PostgreSQL 15 cluster of
# its own: MinIO kill -9ed and restarted, then the postmaster and its
# backends kill -9ed and the cluster restarted with crash recovery; one
# order per Idempotency-Key, the audit log verifies). Every third phone
# of the load and of fieldday-crash uploads by presigned PUT.
#
# It never touches the shared services: it starts its OWN MinIO on
# 127.0.0.1:9100 (FAULTS_PORT-9290; the binary scripts/minio.sh builds) with a temp data dir
# and credentials, uses the PostgreSQL on 127.0.0.1:5432 only through
# throw-away databases, and "stops" PostgreSQL with a proxy in front of it
# (fieldday-crash kills its own cluster on CRASH_PG_PORT, default 5499).
# Environment: SHORT=1, FAULTS_PORT (fieldproof, default 18390; the proxy
# uses -2900/-2899, its own MinIO -9290/-9289), PHONES (default 50), KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres

ALL=(minio-kill postgres-stop sigterm minio-hang replica-kill fieldday-crash)
[ "$#" -gt 0 ] || set -- "${ALL[@]}"
for s in "$@"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "faults.sh: unknown scenario $s (have: ${ALL[*]})" >&2; exit 2 ;; esac
done

SHORT=${SHORT:-0}
PHONES=${PHONES:-50}
FP_PORT=${FAULTS_PORT:-18390}
CRASH_PG_PORT=${CRASH_PG_PORT:-5499}   # fieldday-crash's own PostgreSQL
PROXY_PORT=$((FP_PORT - 2900)) CONTROL_PORT=$((FP_PORT - 2899))   # 15490, 15491
MINIO_ADDR=127.0.0.1:$((FP_PORT - 9290)) MINIO_CONSOLE=127.0.0.1:$((FP_PORT - 9289))   # 9100, 9101: another FAULTS_PORT runs beside a drill
BASE=http://127.0.0.1:$FP_PORT
if [ "$SHORT" = 1 ]; then
  MINIO_DOWN=5 PG_DOWN=6 FP_DOWN=3 HANG=8 AFTER=3 RENDER_WAIT=60s RENDER_GRACE=0s
  DAY=(-n 8 -rounds 2 -order-every 1) KILL_AFTER=5   # 16 orders
  CRASH_DAY=(-n 12 -rounds 2 -order-every 2 -rate $((1 << 20))) CRASH_AT=3 CRASH_DOWN=4 CRASH_RENDER=90s   # 12 orders, phones at 1 MB/s
else
  # past the 2-minute bound, wait out a job lease (5 min) to report when stragglers finished
  MINIO_DOWN=15 PG_DOWN=20 FP_DOWN=10 HANG=30 AFTER=8 RENDER_WAIT=120s RENDER_GRACE=330s
  DAY=(-n 16 -rounds 4 -order-every 4) KILL_AFTER=10   # 16 orders
  # 256 photos, most of them 12 MP: two rendition workers on a shared 2-core machine need minutes
  CRASH_DAY=(-n 32 -rounds 2 -order-every 2 -rate $((1 << 20))) CRASH_AT=6 CRASH_DOWN=8 CRASH_RENDER=8m   # 32 orders, phones at 1 MB/s
fi
DIRECT_EVERY=3   # every third phone uploads by presigned PUT (startCheckPhotoUpload, PUT, complete)
DEADLINE=3s   # FIELDPROOF_UPLOAD_STORAGE_DEADLINE and FIELDPROOF_S3_TIMEOUT
LATENCY_LIMIT=4s   # an upload's server time: the deadline plus 1 s for spooling and hashing

WORK=$(mktemp -d /tmp/faultdrill.XXXXXX)
FD_MINIO_USER=faultdrill FD_MINIO_PASS=faultdrill-$RANDOM$RANDOM$RANDOM
MINIO_PID= FP_PID= PROXY_PID= LOAD_PID= READYZ_PID= DAY_PID= B_PID= DBS=() CRASH_PG= VERIFY_FLAGS=()
FAILED=0

cleanup() {
  for p in "$LOAD_PID" "$DAY_PID" "$READYZ_PID" "$FP_PID" "$B_PID" "$PROXY_PID" "$MINIO_PID"; do stop_pid "$p"; done
  [ -z "$CRASH_PG" ] || { crash_pg_stop; [ "${KEEP:-0}" = 1 ] && say "crash cluster kept: $CRASH_PG" || rm -rf "$CRASH_PG"; }
  for db in "${DBS[@]}"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  if [ "${KEEP:-0}" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
. scripts/drill-env.sh   # stop_pid, start_minio, start_fieldproof, drill_database; builds the binaries
. scripts/crash-pg.sh    # crash_pg_init, crash_pg_start, crash_pg_kill9, crash_pg_stop

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
  "$FD" load -base "$BASE" -state "$S/load.json" -progress "$S/progress" -c "$PHONES" -d 10m -drain 120s -direct-every "$DIRECT_EVERY" \
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
  check_stores
  stop_pid "$FP_PID"; FP_PID=
}

# check_stores: fieldproof reconcile (rows → objects, every original
# re-hashed; changes nothing) and the audit log (its Merkle tree and signed checkpoints).
check_stores() {
  if ! "$WORK/fieldproof" reconcile >"$S/reconcile.log" 2>&1; then
    FAILED=$((FAILED + 1)); say "$NAME: fieldproof reconcile found problems:"; tail -n 20 "$S/reconcile.log" >&2
  fi
  if ! "$WORK/fieldproof" audit verify >"$S/audit.log" 2>&1; then
    FAILED=$((FAILED + 1)); say "$NAME: the audit log does not verify:"; tail -n 5 "$S/audit.log" >&2
  fi
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

keys_in_progress() { psql -tA -d "$DB_DIRECT" -c "SELECT count(*) FROM idempotency_keys WHERE status = 0"; }
# held: in progress with a live lease, after the day drained. Such a key
# strands its retry (409) until the lease ends; one whose lease lapsed is
# taken over by any retry (a request that answered but could not record
# its answer because the database died right after leaves one).
keys_held() { psql -tA -d "$DB_DIRECT" -c "SELECT count(*) FROM idempotency_keys WHERE status = 0 AND (lease_until IS NULL OR lease_until > now())"; }

# verify_day LOG...: a field day's invariants (plus VERIFY_FLAGS) (faultdrill verify, as the
# office, who sees every check), then check_stores.
verify_day() {
  local header=()
  [ "$ROWS" = 0 ] && header=(-header)
  "$FD" verify "${header[@]}" -scenario "$NAME" -base "$BASE" -user office -password demo-office-pass \
    -state "$S/state.json" -db "$DB_DIRECT" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" \
    -bucket "$BUCKET" -render-wait "$RENDER_WAIT" "${VERIFY_FLAGS[@]}" -orphans-made "$(cat "$@" | grep -c 'object left for the sweeper' || true)" \
    2>"$S/verify.err" | tee -a "$WORK/table" || true
  if [ -s "$S/verify.err" ]; then FAILED=$((FAILED + 1)); cat "$S/verify.err" >&2; fi
  ROWS=$((ROWS + 1))
  check_stores
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
  keys=$(keys_in_progress)
  {
    echo "replica-kill: replica A kill -9ed $KILL_AFTER s after the phones set out; the day ended $(($(now_ms) - t0)) ms later on the survivor"
    echo "replica-kill: $(grep -E '^(checks complete|answers retried)' "$S/fieldday.txt" | tr '\n' ' ')"
    echo "replica-kill: Idempotency-Keys left in progress: $keys"
  } >"$S/sigterm.txt"
  if [ "$rc" != 0 ] || [ "$keys" != 0 ]; then
    FAILED=$((FAILED + 1)); say "replica-kill: the field day did not finish on the survivor (exit $rc, $keys keys in progress)"
    tail -n 30 "$S/fieldday.txt" >&2; tail -n 20 "$S/replica-b.log" >&2
  fi
  verify_day "$LOG" "$S/replica-b.log"
  stop_pid "$B_PID"; B_PID=
  stop_pid "$PROXY_PID"; PROXY_PID=
}

phones_at_work() { ! grep -q '^\*\*Field day\*\*' "$S/fieldday.txt"; }   # the day's table is printed when the last phone is done

# The field day with crashes: 32 phones (16 short) and the office on one
# fieldproof whose PostgreSQL is a throw-away cluster of its own; mid-day
# MinIO is kill -9ed and restarted on its data, then PostgreSQL's postmaster
# and every backend are kill -9ed and it is started again (crash recovery).
# Every third phone uploads by presigned PUT. The phones retry with their
# UUIDs and Idempotency-Keys until all drain.
fieldday-crash() {
  NAME=fieldday-crash S=$WORK/fieldday-crash LOG=$WORK/fieldday-crash/fieldproof.log
  mkdir -p "$S"
  CRASH_PG=$(mktemp -d /tmp/faultdrill-pg.XXXXXX)
  crash_pg_init
  crash_pg_start >/dev/null
  PGPORT=$CRASH_PG_PORT drill_database "$NAME"
  export FIELDPROOF_ORPHAN_GRACE=2s FIELDPROOF_SWEEP_INTERVAL=2s FIELDPROOF_UPLOAD_INTENT_TTL=8s FIELDPROOF_IDEMPOTENCY_LEASE=6s
  export FIELDPROOF_UPLOAD_STORAGE_DEADLINE=$DEADLINE FIELDPROOF_S3_TIMEOUT=$DEADLINE FIELDPROOF_DB_TIMEOUT=3s
  export FIELDPROOF_ACCESS_TOKEN_TTL=2h FIELDPROOF_RENDITION_WORKERS=2 FIELDPROOF_LOG_LEVEL=warn FIELDPROOF_RENDITION_LEASE=30s
  start_fieldproof
  local rc=0 t0 recovery keys held alive=()
  # no -db: verify waits for the renditions itself, across the crash
  "$FD" fieldday -fault -throughput=false "${CRASH_DAY[@]}" -direct-every "$DIRECT_EVERY" -base "$BASE" -state "$S/state.json" \
    -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" -d 10m >"$S/fieldday.txt" 2>&1 &
  DAY_PID=$!
  for _ in $(seq 1 600); do grep -q '^fault: the phones are at work' "$S/fieldday.txt" 2>/dev/null && break; sleep 0.2; done
  t0=$(now_ms)
  sleep "$CRASH_AT"
  phones_at_work && alive+=(minio)
  kill -KILL "$MINIO_PID"; wait "$MINIO_PID" 2>/dev/null || true
  sleep "$CRASH_DOWN"
  start_minio
  sleep "$CRASH_AT"
  phones_at_work && alive+=(postgres)
  crash_pg_kill9
  sleep "$CRASH_DOWN"
  recovery=$(crash_pg_start)
  wait "$DAY_PID" || rc=$?
  DAY_PID=
  keys=$(keys_in_progress) held=$(keys_held)
  {
    echo "fieldday-crash: MinIO kill -9ed $CRASH_AT s after the phones set out, back after $CRASH_DOWN s; PostgreSQL (postmaster and backends) kill -9ed $CRASH_AT s later, restarted after $CRASH_DOWN s (start with crash recovery $recovery ms); the day ended $(($(now_ms) - t0)) ms after the phones set out"
    echo "fieldday-crash: $(grep -E '^(checks complete|answers retried)' "$S/fieldday.txt" | tr '\n' ' ')"
    echo "fieldday-crash: Idempotency-Keys left in progress: $keys, of them with a live lease: $held; $(grep -c 'redo done\|database system was not properly shut down' "$CRASH_PG/postgres.log") crash-recovery lines in PostgreSQL's log"
  } >"$S/sigterm.txt"
  if [ "${#alive[@]}" != 2 ]; then
    FAILED=$((FAILED + 1)); say "fieldday-crash: the day was over before a fault (running at: ${alive[*]:-neither}); lengthen CRASH_DAY"
  fi
  if [ "$rc" != 0 ] || [ "$held" != 0 ]; then
    FAILED=$((FAILED + 1)); say "fieldday-crash: the field day did not finish (exit $rc, $held keys held by a live lease)"
    tail -n 30 "$S/fieldday.txt" >&2; tail -n 20 "$LOG" >&2
  fi
  VERIFY_FLAGS=(-latency-limit "$LATENCY_LIMIT" -render-wait "$CRASH_RENDER" -render-grace "$RENDER_GRACE")
  verify_day "$LOG"
  VERIFY_FLAGS=()
  stop_pid "$FP_PID"; FP_PID=
  if [ "${KEEP:-0}" != 1 ]; then crash_pg_stop; rm -rf "$CRASH_PG"; CRASH_PG=; fi
}

start_minio
echo "fault drills ($([ "$SHORT" = 1 ] && echo short || echo full)): $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres | cut -d' ' -f1), $(date -u +%Y-%m-%dT%H:%MZ), $PHONES phones"
echo
for s in "$@"; do "$s"; done
for s in "$@"; do [ -f "$WORK/$s/sigterm.txt" ] && cat "$WORK/$s/sigterm.txt"; done
echo
if [ "$FAILED" -gt 0 ]; then say "$FAILED failure(s)"; exit 1; fi
say "all invariants held"
