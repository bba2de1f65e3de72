#!/usr/bin/env bash
# Runs the whole test suite against real services: PostgreSQL on
# 127.0.0.1:5432 and MinIO on 127.0.0.1:9000, both started here if they are
# not running. FIELDPROOF_REQUIRE_SERVICES=1 makes every PostgreSQL- or
# MinIO-backed test FAIL (not skip) when its service is missing, so a green
# run proves both production paths.
#
#   scripts/test-services.sh                 # go test -race -count=1 ./...
#   scripts/test-services.sh ./internal/...  # other packages / go test flags
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh

ensure_postgres
ensure_minio
# The PDF report tests read reports back as a person would, with pdftotext;
# with services required they fail without it.
command -v pdftotext >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# The native HEIC decoder's tests FAIL (not skip) under
# FIELDPROOF_REQUIRE_SERVICES when libheif cannot be loaded.
if ! ldconfig -p 2>/dev/null | grep -q 'libheif\.so\.1 '; then
  echo "installing libheif1 (native HEIC decoder)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libheif1 >/dev/null; } ||
    echo "could not install libheif1: the native HEIC tests will fail" >&2
fi

# The office console's browser tests drive Debian's headless Chromium
# (chromedp); under FIELDPROOF_REQUIRE_SERVICES they FAIL without it. The CJK
# fonts make the screenshots they write readable (Chinese is the default).
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium and fonts-noto-cjk (console browser tests)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } ||
    echo "could not install chromium: the console's browser tests will fail" >&2
fi

# A throw-away database for this run; each test then creates (and drops) its
# own database on the same server, copied from a migrated template that
# stays for later runs (fp_schema_<digest>, internal/store/storetest/template.go).
DB="fp_run_$$_$RANDOM"
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

export FIELDPROOF_REQUIRE_SERVICES=1
export FIELDPROOF_TEST_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export FIELDPROOF_TEST_S3_ENDPOINT=${FIELDPROOF_TEST_S3_ENDPOINT:-127.0.0.1:9000}
export FIELDPROOF_TEST_S3_ACCESS_KEY=${FIELDPROOF_TEST_S3_ACCESS_KEY:-${MINIO_ROOT_USER:-fieldproof}}
export FIELDPROOF_TEST_S3_SECRET_KEY=${FIELDPROOF_TEST_S3_SECRET_KEY:-${MINIO_ROOT_PASSWORD:-fieldproof-secret}}

if [ "$#" -eq 0 ]; then set -- -race -count=1 ./...; fi
echo "go test $* (PostgreSQL $PGHOST:$PGPORT/$DB, MinIO $FIELDPROOF_TEST_S3_ENDPOINT, services required)"
go test "$@"
