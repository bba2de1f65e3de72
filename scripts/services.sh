# Sourced by the scripts that need real services: ensure_postgres starts (or
# installs) PostgreSQL on 127.0.0.1:5432; ensure_minio builds and starts MinIO
# on 127.0.0.1:9000 (scripts/minio.sh).
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

ensure_postgres() {
  if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local ver
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $ver" >&2
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PGHOST" -p "$PGPORT" && return 0
    sleep 1
  done
  echo "PostgreSQL did not come up on $PGHOST:$PGPORT" >&2
  return 1
}

ensure_minio() {
  "$(dirname "${BASH_SOURCE[0]}")/minio.sh"
}

export MINIO_ROOT_USER=${MINIO_ROOT_USER:-fieldproof}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-fieldproof-secret}
