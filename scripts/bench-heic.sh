#!/usr/bin/env bash
# HEIC renditions: 32 phones uploading the iPhone HEIC at once (server peak
# RSS through the uploads and the rendition job's decodes) with the native
# libheif decoder, then one 12 MP HEIC rendition (native libheif and the wasm
# tile path) vs one 12 MP JPEG rendition in the same run, beside
# vipsthumbnail. The server is built as deploy/Dockerfile builds it
# (CGO_ENABLED=0, no -tags nodynamic), so FIELDPROOF_HEIC_DECODER=auto picks
# the installed libheif1, installed here when missing.
#
#   WASM_PHONES=1     also run the 32 phones with FIELDPROOF_HEIC_DECODER=wasm
#   SKIP_FULL_DECODE=1  skip the FIELDPROOF_UPLOAD_FULL_DECODE=true run
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=hbench PORT=${PORT:-18283}
. scripts/photobench-env.sh
ldconfig -p | grep -q 'libheif\.so\.1 ' || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libheif1 >/dev/null; }

PB=("$WORK/photobench" -base "http://127.0.0.1:$PORT" -n 1)
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
start_server
echo "libheif1 $(dpkg-query -W -f='${Version}' libheif1 2>/dev/null || echo '(not from dpkg)')"
echo; echo "1. ${PHONES:-32} phones uploading the 12 MP iPhone HEIC at once (default upload path, HEIC decoder auto: native libheif)"; echo
"${PB[@]}" -mode concurrent-heic -pid "$SERVER_PID" -c "${PHONES:-32}" -k 1 -settle "${SETTLE:-3m}"
stop_server
if [ -n "${WASM_PHONES:-}" ]; then
  FIELDPROOF_HEIC_DECODER=wasm start_server
  echo; echo "1w. the same with FIELDPROOF_HEIC_DECODER=wasm"; echo
  "${PB[@]}" -mode concurrent-heic -pid "$SERVER_PID" -c "${PHONES:-32}" -k 1 -settle "${SETTLE:-3m}"
  stop_server
fi
if [ -z "${SKIP_FULL_DECODE:-}" ]; then
  FIELDPROOF_UPLOAD_FULL_DECODE=true start_server
  echo; echo "1b. the same with FIELDPROOF_UPLOAD_FULL_DECODE=true"; echo
  "${PB[@]}" -mode concurrent-heic -pid "$SERVER_PID" -c "${PHONES:-32}" -k 1 -settle "${SETTLE:-3m}"
  stop_server
fi
echo; echo "2. one rendition (decode + thumbnail + preview), 12 MP HEIC vs 12 MP JPEG, fresh process each"; echo
"${PB[@]}" -mode heic -rounds "${ROUNDS:-3}"
