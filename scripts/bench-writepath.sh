#!/usr/bin/env bash
# The write path, side by side (docs/PERFORMANCE.md, issue 13): the same
# field day (`faultdrill fieldday`, this tree's driver) against a build of an
# earlier revision (BASE_REV) and a build of this tree, one after the other in
# one run, each on a fresh database and bucket of one MinIO, while a sampler
# reads pg_stat_activity every 100 ms and counts what each active backend of
# the day's database waits for. It prints each day's table and, per build,
# the requests per second and the share of sampled backends each wait event
# held (a lock held by more than a tenth of them is a serialisation point),
# and the audit sealer's lag (append to seal) where the build has one.
#
#   scripts/bench-writepath.sh                       BASE_REV=8b08058, PHONES="32 128"
#   BASE_REV=main~3 PHONES=32 scripts/bench-writepath.sh
#
# Environment: BASE_REV, PHONES, BUILDS (default "base new"; "new" skips the
# base), ROUNDS (checks per phone, default 2), DAY_ARGS (more fieldday flags:
# DAY_ARGS=-small is the day's writes with 320×240 photos),
# FIELDDAY_PORT (default 18590), KEEP=1 keeps the work dir. Everything
# listens on 127.0.0.1; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_postgres

BASE_REV=${BASE_REV:-8b08058}
PHONES_LIST=${PHONES:-32 128}
ROUNDS=${ROUNDS:-2}
FP_PORT=${FIELDDAY_PORT:-18590}
MINIO_ADDR=127.0.0.1:9120 MINIO_CONSOLE=127.0.0.1:9121
BASE=http://127.0.0.1:$FP_PORT
WORK=$(mktemp -d /tmp/writepath.XXXXXX)
FD_MINIO_USER=writepath FD_MINIO_PASS=writepath-$RANDOM$RANDOM$RANDOM
MINIO_PID= FP_PID= SAMPLER_PID= DBS=()

cleanup() {
  for p in "$SAMPLER_PID" "$FP_PID" "$MINIO_PID"; do stop_pid "$p"; done
  for db in "${DBS[@]}"; do psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  git worktree remove --force "$WORK/base-src" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
. scripts/drill-env.sh # stop_pid, start_minio, start_fieldproof, drill_database; builds this tree's binaries

mv "$WORK/fieldproof" "$WORK/fieldproof-new"
git worktree add -q --detach "$WORK/base-src" "$BASE_REV"
(cd "$WORK/base-src" && go build -tags nodynamic -o "$WORK/fieldproof-base" ./cmd/fieldproof)
say "base $(git rev-parse --short "$BASE_REV") vs this tree $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"

# sample DB: one line per active backend per tick, "type:event" (CPU when it
# waits for nothing).
sample() {
  local db=$1 out=$2
  while :; do
    psql -tA -d postgres -c "SELECT coalesce(wait_event_type,'CPU')||':'||coalesce(wait_event,'-') FROM pg_stat_activity
      WHERE datname='$db' AND state='active' AND pid<>pg_backend_pid()" >>"$out" 2>/dev/null || true
    echo tick >>"$out"
    sleep 0.1
  done
}

start_minio
echo "write path: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres | cut -d' ' -f1), $(date -u +%Y-%m-%dT%H:%MZ)"
summary=()
for n in $PHONES_LIST; do
  for build in ${BUILDS:-base new}; do
    NAME=wp-$build-$n S=$WORK/$build-$n LOG=$WORK/$build-$n/fieldproof.log
    mkdir -p "$S"
    drill_database "$NAME"
    cp "$WORK/fieldproof-$build" "$WORK/fieldproof"
    export FIELDPROOF_LOG_LEVEL=warn FIELDPROOF_RENDITION_WORKERS=2 FIELDPROOF_ORPHAN_GRACE=2s FIELDPROOF_SWEEP_INTERVAL=2s FIELDPROOF_UPLOAD_INTENT_TTL=8s
    start_fieldproof
    db=${DB_DIRECT##*/}; db=${db%%\?*}
    sample "$db" "$S/waits" &
    SAMPLER_PID=$!
    echo
    echo "### $build ($n phones)"
    echo
    "$FD" fieldday -n "$n" -rounds "$ROUNDS" -base "$BASE" -pid "$FP_PID" -s3 "$MINIO_ADDR" -s3-access "$FD_MINIO_USER" \
      -s3-secret "$FD_MINIO_PASS" -state "$S/state.json" -throughput=false -d 15m ${DAY_ARGS:-} | tee "$S/out" ||
      say "$build, $n phones: the day reported problems (above); its figures are kept"
    stop_pid "$SAMPLER_PID"; SAMPLER_PID=
    # The sealer's lag histogram (builds with the sealed log only): the
    # bucket that holds the 99th percentile of append-to-seal times.
    lag=$(curl -fsS --max-time 5 "$BASE/metrics" 2>/dev/null | awk '
      /^fieldproof_audit_seal_lag_seconds_bucket/ { match($0, /le="[^"]*"/); le = substr($0, RSTART+4, RLENGTH-5); b[++n] = le; c[n] = $NF }
      /^fieldproof_audit_seal_lag_seconds_count/ { total = $NF }
      END { if (total == 0) { print "-"; exit } for (i = 1; i <= n; i++) if (c[i] >= 0.99 * total) { printf "p99 <= %s s (%d sealed)", b[i], total; exit } }')
    stop_pid "$FP_PID"; FP_PID=
    reqs=$(sed -n 's/^| \*\*all\*\* | \([0-9]*\) .*/\1/p' "$S/out" | head -n 1)
    wall=$(sed -n 's/.*phones, \([0-9.]*\) s wall.*/\1/p' "$S/out" | head -n 1)
    ticks=$(grep -c '^tick$' "$S/waits" || true)
    backends=$(grep -vc '^tick$' "$S/waits" || true)
    top=$(grep -v '^tick$' "$S/waits" | sort | uniq -c | sort -rn | head -n 4 |
      awk -v t="$backends" '{printf "%s%s %.0f%%", (NR>1?", ":""), $2, 100*$1/(t>0?t:1)}' || true)
    topLock=$(grep -E '^(Lock|LWLock):' "$S/waits" | sort | uniq -c | sort -rn | head -n 1 |
      awk -v t="$backends" '{printf "%s %.1f%%", $2, 100*$1/(t>0?t:1)}' || true)
    summary+=("| $n | $build | ${reqs:-?} | ${wall:-?} | $(awk -v r="${reqs:-0}" -v w="${wall:-1}" 'BEGIN{printf "%.1f", r/w}') | $backends in $ticks ticks | ${topLock:-none} | $top | ${lag:--} |")
  done
done
echo
echo "| phones | build | requests | wall s | req/s | active backends sampled | largest lock wait | top wait events (share of sampled backends) | sealing lag |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
