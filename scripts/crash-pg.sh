# Sourced by scripts/faults.sh: a throw-away PostgreSQL 15 cluster that the
# fieldday-crash scenario may kill -9 (the shared server on 5432 is never
# touched). initdb into a temp dir owned by the postgres user when run as
# root (PostgreSQL refuses to run as root), trust auth on 127.0.0.1 only,
# fsync on so crash recovery is the real one. The caller sets CRASH_PG (the
# dir) and CRASH_PG_PORT.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

crash_pg_init() {
  [ -x "$PG_BIN/initdb" ] || { say "no PostgreSQL 15 binaries in $PG_BIN (PG_BIN)"; return 1; }
  [ "$(id -u)" != 0 ] || chown postgres "$CRASH_PG"
  pg_as "$PG_BIN/initdb" -D "$CRASH_PG/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$CRASH_PG/initdb.log" 2>&1 ||
    { say "initdb failed"; tail -n 20 "$CRASH_PG/initdb.log" >&2; return 1; }
}

crash_pg_start() { # prints how long the start took (crash recovery included), in ms
  local t0; t0=$(now_ms)
  pg_as "$PG_BIN/pg_ctl" -D "$CRASH_PG/data" -l "$CRASH_PG/postgres.log" -w -t 120 -o \
    "-p $CRASH_PG_PORT -k $CRASH_PG -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200" \
    start >/dev/null 2>>"$CRASH_PG/pg_ctl.log" || { say "PostgreSQL did not start"; tail -n 20 "$CRASH_PG/postgres.log" >&2; return 1; }
  echo $(($(now_ms) - t0))
}

# crash_pg_kill9: SIGKILL the postmaster and every backend at once (its
# children, by the pid in postmaster.pid), then wait until all are gone, so
# the restart finds no process holding the old shared memory.
crash_pg_kill9() {
  local pm pids p
  pm=$(head -n 1 "$CRASH_PG/data/postmaster.pid")
  pids="$pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for p in $pids; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
}

crash_pg_stop() {
  [ -f "$CRASH_PG/data/postmaster.pid" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$CRASH_PG/data" -m immediate -w stop >/dev/null 2>&1 || true
}
