#!/usr/bin/env bash
# Runs every fuzz target in the repo for FUZZTIME each (default 30s; CI uses
# a few seconds). Targets are found by name, so a new Fuzz* function is
# picked up without editing this script. A crasher is written under the
# package's testdata/fuzz/ by go test: commit it, and it becomes a
# regression test that every plain `go test` runs.
#
# Go's fuzz coordinator (go1.26, golang/go#75804, fixed in go1.27) can fail a
# target with a bare "context deadline exceeded" at the -fuzztime boundary
# when a worker is preempted during shutdown: no input failed and nothing is
# written. Only that exact outcome - that message, no other failure text, no
# new file under testdata/fuzz/<target> - is run again, at most twice. Any
# written input, panic or other failure still fails the script at once.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# coordinator_race LOG CORPUS_BEFORE CORPUS_DIR: true when the failure is the
# toolchain's deadline race and not a finding.
coordinator_race() {
  local now
  now=$(ls "$3" 2>/dev/null | sort || true)
  [[ "$now" == "$2" ]] || return 1
  grep -q '^    context deadline exceeded$' "$1" || return 1
  ! grep -qE 'panic:|Failing input written|fuzz_test.go:[0-9]+:|_test.go:[0-9]+:' "$1"
}

grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg="./$(dirname "${file#./}")"
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    corpus="$(dirname "$file")/testdata/fuzz/$target"
    for try in 1 2 3; do
      echo "fuzz $pkg $target ($FUZZTIME)"
      before=$(ls "$corpus" 2>/dev/null | sort || true)
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 2s "$pkg" >"$log" 2>&1; then
        # the last progress line: executions, and inputs that found new coverage
        grep -E '^fuzz: elapsed' "$log" | tail -n 1 | sed 's/^/  /' || true
        break
      fi
      if [[ $try -lt 3 ]] && coordinator_race "$log" "$before" "$corpus"; then
        grep -E '^fuzz: elapsed' "$log" | tail -n 1 | sed 's/^/  /' || true
        echo "  go's fuzz coordinator stopped on its own deadline with nothing found (golang/go#75804); again"
        continue
      fi
      cat "$log"
      exit 1
    done
  done
done
