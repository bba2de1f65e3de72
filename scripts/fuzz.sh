#!/usr/bin/env bash
# Runs every fuzz target in the repo for FUZZTIME each (default 30s; CI uses
# a few seconds). Targets are found by name, so a new Fuzz* function is
# picked up without editing this script. A crasher is written under the
# package's testdata/fuzz/ by go test: commit it, and it becomes a
# regression test that every plain `go test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg="./$(dirname "${file#./}")"
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    echo "fuzz $pkg $target ($FUZZTIME)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 2s "$pkg" >/tmp/fuzz-$$.log 2>&1 || { cat /tmp/fuzz-$$.log; rm -f /tmp/fuzz-$$.log; exit 1; }
    # the last progress line: executions, and inputs that found new coverage
    grep -E '^fuzz: elapsed' /tmp/fuzz-$$.log | tail -n 1 | sed 's/^/  /' || true
  done
done
rm -f /tmp/fuzz-$$.log
