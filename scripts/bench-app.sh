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
echo "$GO1"; echo "$GO2"
echo
APP=$(grep '^| field app outbox' "$WORK/app.out" | awk -F'|' '{print $6}')
G1=$(echo "$GO1" | awk -F'|' '{print $6}'); G2=$(echo "$GO2" | awk -F'|' '{print $6}')
awk -v a="$APP" -v g1="$G1" -v g2="$G2" 'BEGIN { printf "drain ratio, app / Go client: %.2f (Go client mean of before and after %.1f MB/s)\n", a/((g1+g2)/2), (g1+g2)/2 }'
echo "load: $(uptime | sed 's/.*load average/load average/')"
