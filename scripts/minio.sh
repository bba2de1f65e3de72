#!/usr/bin/env bash
# Make sure a MinIO server is listening on 127.0.0.1:9000 for local
# development and the service-backed tests. Safe to run repeatedly: if
# something already answers the health check, it is left alone.
#
#   scripts/minio.sh          start (building minio on first use)
#   scripts/minio.sh stop     stop the server this script started
#   scripts/minio.sh status   exit 0 if MinIO answers
#
# Environment: MINIO_DATA_DIR (default /tmp/fieldproof-minio/data),
# MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (default fieldproof / fieldproof-secret).
set -euo pipefail

ADDR=127.0.0.1:9000
CONSOLE_ADDR=127.0.0.1:9001
HEALTH_URL="http://$ADDR/minio/health/live"
# Pinned so every developer and CI run tests against the same server.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

DIR=${MINIO_DATA_DIR:-/tmp/fieldproof-minio/data}
STATE_DIR=$(dirname "$DIR")
LOG="$STATE_DIR/minio.log"
PIDFILE="$STATE_DIR/minio.pid"
export MINIO_ROOT_USER=${MINIO_ROOT_USER:-fieldproof}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-fieldproof-secret}

healthy() {
	curl -fsS -o /dev/null --max-time 2 "$HEALTH_URL" 2>/dev/null
}

find_minio() {
	if command -v minio >/dev/null 2>&1; then
		command -v minio
		return
	fi
	local gobin
	gobin=$(go env GOBIN 2>/dev/null || true)
	[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
	if [ -x "$gobin/minio" ]; then
		echo "$gobin/minio"
	fi
}

# pid_is_ours guards against killing an unrelated process that reused a
# stale pid: the pid must still be a minio process.
pid_is_ours() {
	local pid=$1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'minio server'
}

stop() {
	if [ ! -f "$PIDFILE" ]; then
		echo "minio.sh: no pid file at $PIDFILE; nothing started by this script" >&2
		return 0
	fi
	local pid
	pid=$(cat "$PIDFILE")
	if pid_is_ours "$pid"; then
		kill "$pid"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "minio.sh: pid $pid did not exit after SIGTERM; sending SIGKILL" >&2
			kill -9 "$pid" 2>/dev/null || true
		fi
		echo "minio.sh: stopped MinIO (pid $pid)"
	else
		echo "minio.sh: pid $pid from $PIDFILE is not running MinIO; removing stale pid file" >&2
	fi
	rm -f "$PIDFILE"
}

start() {
	if healthy; then
		echo "minio.sh: MinIO already up at http://$ADDR"
		print_env
		return 0
	fi

	local bin
	bin=$(find_minio)
	if [ -z "$bin" ]; then
		echo "minio.sh: building minio $MINIO_VERSION (several minutes the first time)..." >&2
		go install "github.com/minio/minio@$MINIO_VERSION"
		bin=$(find_minio)
		if [ -z "$bin" ]; then
			echo "minio.sh: go install succeeded but no minio binary found" >&2
			exit 1
		fi
	fi

	mkdir -p "$DIR"
	# A server we started earlier may still be booting; starting a second
	# one on the same data dir would fail on the port anyway.
	if [ -f "$PIDFILE" ] && pid_is_ours "$(cat "$PIDFILE")"; then
		echo "minio.sh: MinIO (pid $(cat "$PIDFILE")) is running but not healthy yet; waiting" >&2
	else
		nohup "$bin" server "$DIR" --address "$ADDR" --console-address "$CONSOLE_ADDR" >>"$LOG" 2>&1 </dev/null &
		echo $! >"$PIDFILE"
		echo "minio.sh: started MinIO (pid $!), logs in $LOG" >&2
	fi

	for _ in $(seq 1 120); do
		if healthy; then
			echo "minio.sh: MinIO up at http://$ADDR (console http://$CONSOLE_ADDR)"
			print_env
			return 0
		fi
		if ! pid_is_ours "$(cat "$PIDFILE")"; then
			echo "minio.sh: MinIO exited during startup; last log lines:" >&2
			tail -n 20 "$LOG" >&2 || true
			rm -f "$PIDFILE"
			exit 1
		fi
		sleep 0.5
	done
	echo "minio.sh: MinIO did not become healthy within 60s; last log lines:" >&2
	tail -n 20 "$LOG" >&2 || true
	exit 1
}

print_env() {
	cat <<EOF
FIELDPROOF_TEST_S3_ENDPOINT=$ADDR
FIELDPROOF_TEST_S3_ACCESS_KEY=$MINIO_ROOT_USER
FIELDPROOF_TEST_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
EOF
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status)
	if healthy; then
		echo "minio.sh: MinIO up at http://$ADDR"
	else
		echo "minio.sh: nothing answers at $HEALTH_URL" >&2
		exit 1
	fi
	;;
*)
	echo "usage: $0 [start|stop|status]" >&2
	exit 2
	;;
esac
