#!/usr/bin/env bash
# The field app (/app/) on PostgreSQL + MinIO with the demo county, in
# headless Chromium (scripts/appbench), each figure beside its baseline in
# the same run. Results go to docs/PERFORMANCE.md ("Field app"):
#   1. the shell's weight, gzip -9, and whether the server compresses it;
#   2. start with no signal (shell from the service worker) vs online;
#   3. 20 checks with a 2.1 MB photo each queued offline, then drained by
#      the app's outbox, vs the same 20 checks + uploads by the Go client
#      (photobench -mode drain, one request at a time), run before and after.
#
#   scripts/bench-app.sh            # CHECKS=20 STARTS=5 by default
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=appbench PORT=${PORT:-18484}
. scripts/photobench-env.sh
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
go build -o "$WORK/appbench" ./scripts/appbench

B="http://127.0.0.1:$PORT"
PHOTO=testdata/photos/mobile/HMD_Nokia_8.3_5G.jpg
N=${CHECKS:-20}
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $(psql -tAc 'show server_version' -d postgres), $(chromium --version | head -1), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load: $(uptime | sed 's/.*load average/load average/')"
start_server
echo
GO1=$("$WORK/photobench" -base "$B" -mode drain -n "$N" -file "$PHOTO")
"$WORK/appbench" -base "$B" -n "${STARTS:-5}" -checks "$N" -photo "$PHOTO" | tee "$WORK/app.out"
GO2=$("$WORK/photobench" -base "$B" -mode drain -n "$N" -file "$PHOTO")
echo "$GO1" | sed 's/one request at a time |/one request at a time, before the app |/'
echo "$GO2" | sed 's/one request at a time |/one request at a time, after the app |/'
echo
col() { grep "$1" "$2" | awk -F'|' '{print $6}'; }
echo "$GO1" >"$WORK/go.out"; echo "$GO2" >>"$WORK/go.out"
APP=$(col '^| field app outbox' "$WORK/app.out"); VIA=$(col '^| Go client through the same proxy' "$WORK/app.out")
G=$(awk -F'|' '{s += $6} END {print s / NR}' "$WORK/go.out")
awk -v a="$APP" -v g="$G" -v p="$VIA" 'BEGIN { printf "drain ratio, app / Go client: %.2f (Go client straight to the server, mean of before and after: %.1f MB/s); app / Go client through the same proxy: %.2f\n", a/g, g, a/p }'
echo "load: $(uptime | sed 's/.*load average/load average/')"
