#!/usr/bin/env bash
# Measures the photo pipeline on PostgreSQL + MinIO, each figure beside a
# baseline taken in the same run (docs/PERFORMANCE.md):
#   1. the 2.1 MB testdata/mobile photo uploaded through the API (multipart
#      without a size, multipart with its size field, raw PUT) vs a bare
#      minio-go PutObject of the same bytes to the same MinIO, and the floor
#      of any design that answers once the photo is durable (hashed put with
#      its checksum + a committed row; for the streamed routes, a put with a
#      SHA-256 trailer + a committed row);
#   2. the server's peak RSS while 32 phones upload 12-megapixel JPEGs at once
#      (UPLOAD_ONLY=1 stops here);
#   3. rendition throughput for 12 MP JPEGs vs vipsthumbnail (libvips-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=pbench PORT=${PORT:-18282} GO_BUILD_FLAGS="-tags nodynamic"
. scripts/photobench-env.sh

PB=("$WORK/photobench" -base "http://127.0.0.1:$PORT" -s3-access "$MINIO_ROOT_USER" -s3-secret "$MINIO_ROOT_PASSWORD")
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%dT%H:%MZ)"
start_server
echo; echo "1. one phone, one photo at a time (default: structure checked, pixels decoded by the rendition job)"; echo
"${PB[@]}" -mode upload -n "${ROUNDS:-20}" -db "$FIELDPROOF_DATABASE_URL"
echo; echo "2. 32 phones uploading 12 MP JPEGs at once"; echo
"${PB[@]}" -mode concurrent -pid "$SERVER_PID" -c "${PHONES:-32}" -k "${PER_PHONE:-2}" -n 8
stop_server
# UPLOAD_ONLY=1: sections 1 and 2 alone (the default upload path).
[ -n "${UPLOAD_ONLY:-}" ] && exit 0
FIELDPROOF_UPLOAD_FULL_DECODE=true start_server
echo; echo "1b. the same with FIELDPROOF_UPLOAD_FULL_DECODE=true (every pixel decoded before the answer)"; echo
"${PB[@]}" -mode upload -n "${ROUNDS:-20}"
echo; echo "2b. 32 phones, FIELDPROOF_UPLOAD_FULL_DECODE=true"; echo
"${PB[@]}" -mode concurrent -pid "$SERVER_PID" -c "${PHONES:-32}" -k "${PER_PHONE:-2}" -n 8
stop_server
echo; echo "3. renditions of 12 MP JPEGs, 2 workers"; echo
"${PB[@]}" -mode renditions -n 8 -rounds 2
