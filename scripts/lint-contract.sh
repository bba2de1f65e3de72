#!/usr/bin/env bash
# Lints api/openapi.yaml with Spectral's spectral:oas ruleset (api/.spectral.yaml);
# any warning fails. Then proves the contract still makes a usable TypeScript
# client: openapi-typescript generates types from it into a temporary directory
# and tsc --noEmit --strict typechecks them with tools/openapi-typescript/usage.ts.
# spectral-cli, openapi-typescript and typescript are pinned in
# tools/{spectral,openapi-typescript}/package.json and their lockfiles, and
# installed with `npm ci` into node_modules (git-ignored) the first time, or
# when the lockfile changed. (The Go client is api/clienttest's test.)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
	echo "lint-contract: installing nodejs and npm" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

# npm_tools DIR BIN installs DIR's locked packages unless BIN is there and the
# lockfile is the one installed.
npm_tools() {
	local dir=$1 stamp=$1/node_modules/.fieldproof-lock
	if [ ! -x "$dir/node_modules/.bin/$2" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
		# --ignore-scripts: nothing these tools need runs at install time, and
		# a lint step has no business running a dependency's postinstall.
		(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
		cp "$dir/package-lock.json" "$stamp"
	fi
}

npm_tools tools/spectral spectral
tools/spectral/node_modules/.bin/spectral lint --ruleset api/.spectral.yaml --fail-severity=warn \
	"${@}" api/openapi.yaml

ts=tools/openapi-typescript
npm_tools $ts tsc
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$ts/node_modules/.bin/openapi-typescript" api/openapi.yaml -o "$out/fieldproof.d.ts"
cp $ts/usage.ts "$out/"
"$ts/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck false --target es2022 --module es2022 \
	--moduleResolution bundler "$out/usage.ts"
echo "lint-contract: openapi-typescript types generated and typechecked"
