#!/usr/bin/env bash
# Lints api/openapi.yaml with Spectral's spectral:oas ruleset (api/.spectral.yaml);
# any warning fails. spectral-cli is pinned in tools/spectral/package.json and
# its lockfile, and installed with `npm ci` into tools/spectral/node_modules
# (git-ignored) the first time, or when the lockfile changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tools/spectral

if ! command -v npm >/dev/null 2>&1; then
	echo "lint-contract: installing nodejs and npm" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

stamp=$dir/node_modules/.fieldproof-lock
if [ ! -x "$dir/node_modules/.bin/spectral" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
	# --ignore-scripts: nothing spectral needs runs at install time, and a
	# lint step has no business running a dependency's postinstall.
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	cp "$dir/package-lock.json" "$stamp"
fi

exec "$dir/node_modules/.bin/spectral" lint --ruleset api/.spectral.yaml --fail-severity=warn \
	"${@}" api/openapi.yaml
