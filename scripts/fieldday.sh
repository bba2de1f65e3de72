#!/usr/bin/env bash
# The field day (docs/PERFORMANCE.md, docs/RELIABILITY.md): for each phone
# count, a fresh fieldproof on PostgreSQL and its own MinIO, then
# `faultdrill fieldday`: N phones, each its own inspector, log in, sync, file
# a check, upload three photos (a real test photo and two generated
# 12-megapixel JPEGs), sync again; every fourth also takes an order from issue
# to verified closure with the unit's contractor; an office user polls the
# dashboards and the review queue. Then the same N clients upload photos
# through the API and, in the same run, put the same bytes straight into
# MinIO with minio-go, for the throughput ratio. `faultdrill verify` ends each
# run with the invariants (SHA-256 read back, one check and one photo per
# UUID, no row without its object, orphans swept, every rendition done) and
# `fieldproof reconcile` re-hashes every original.
#
#   scripts/fieldday.sh                  8, 32 and 128 phones (about 12 minutes)
#   PHONES="8" scripts/fieldday.sh       one size (CI runs this one)
#
# Environment: PHONES (default "8 32 128"), FIELDDAY_PORT (fieldproof,
# default 18490), KEEP=1 keeps the work dir. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres

PHONES_LIST=${PHONES:-8 32 128}
FP_PORT=${FIELDDAY_PORT:-18490}
MINIO_ADDR=127.0.0.1:9110 MINIO_CONSOLE=127.0.0.1:9111
BASE=http://127.0.0.1:$FP_PORT
WORK=$(mktemp -d /tmp/fieldday.XXXXXX)
FD_MINIO_USER=fieldday FD_MINIO_PASS=fieldday-$RANDOM$RANDOM$RANDOM
MINIO_PID= FP_PID= DBS=()
FAILED=0

cleanup() {
  for p in "$FP_PID" "$MINIO_PID"; do stop_pid "$p"; done
  for db in "${DBS[@]}"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  if [ "${KEEP:-0}" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
. scripts/drill-env.sh   # stop_pid, start_minio, start_fieldproof, drill_database; builds the binaries

start_minio
echo "field day: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres | cut -d' ' -f1), MinIO $("$MINIO_BIN" --version 2>/dev/null | head -n 1 | awk '{print $3}'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
header=(-header)
for n in $PHONES_LIST; do
  NAME=fieldday-$n S=$WORK/fieldday-$n LOG=$WORK/fieldday-$n/fieldproof.log
  mkdir -p "$S"
  drill_database "$NAME"
  export FIELDPROOF_LOG_LEVEL=warn FIELDPROOF_RENDITION_WORKERS=2 FIELDPROOF_ORPHAN_GRACE=2s FIELDPROOF_SWEEP_INTERVAL=2s FIELDPROOF_UPLOAD_INTENT_TTL=8s
  start_fieldproof
  echo "### $n phones"
  echo
  if ! "$FD" fieldday -n "$n" -base "$BASE" -pid "$FP_PID" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" \
    -s3-secret "$FD_MINIO_PASS" -state "$S/state.json" -db "$DB_DIRECT" -d 15m; then
    FAILED=$((FAILED + 1)); say "$n phones: the field day failed"; tail -n 25 "$LOG" >&2
  fi
  echo
  # the invariants, as the fault drills check them (as the office, who sees every check)
  if ! "$FD" verify "${header[@]}" -scenario "field day, $n phones" -base "$BASE" -user office -password demo-office-pass \
    -state "$S/state.json" -db "$DB_DIRECT" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" -s3-secret "$FD_MINIO_PASS" \
    -bucket "$BUCKET" -render-wait 5m -orphans-made "$(grep -c 'object left for the sweeper' "$LOG" || true)" | tee -a "$WORK/table"; then
    FAILED=$((FAILED + 1)); say "$n phones: invariants failed"; tail -n 25 "$LOG" >&2
  fi
  header=()
  if ! "$WORK/fieldproof" reconcile >"$S/reconcile.log" 2>&1; then
    FAILED=$((FAILED + 1)); say "$n phones: fieldproof reconcile found problems:"; tail -n 20 "$S/reconcile.log" >&2
  fi
  stop_pid "$FP_PID"; FP_PID=
  echo
done
echo "Invariants after each field day:"
echo
cat "$WORK/table"
echo
if [ "$FAILED" -gt 0 ]; then say "$FAILED failure(s)"; exit 1; fi
say "all invariants held"
