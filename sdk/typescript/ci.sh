#!/usr/bin/env bash
# CI for the TypeScript SDK (@cloudbooks/sdk), runnable from any directory:
#   toolchain (apt-get only if missing) -> npm ci -> types not stale -> build -> strict tsc
#   (+ type-level misuse tests) -> one `python3 dev.py sdk-server` -> the whole test suite
#   against it -> npm pack -> a fresh project installs the tarball: import, require and
#   TypeScript -> a headless Chromium page imports the ESM build -> the server stops (exit 0).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; }
need node || apt_install nodejs
need npm || apt_install npm
need chromium || [ -x /usr/bin/chromium ] || apt_install chromium
node -e 'const [major] = process.versions.node.split("."); if (+major < 18) { console.error(`Node ${process.version}: 18+ needed`); process.exit(1) }'

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# Started first: it migrates and seeds while npm installs and tsc compiles.
echo "== [${SECONDS}s] sdk-server (starting)"
(cd "$ROOT" && exec python3 dev.py sdk-server >"$WORK/server.out" 2>"$WORK/server.err") &
SERVER_PID=$!

echo "== [${SECONDS}s] npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "== [${SECONDS}s] generated types are up to date"
if [ -f "$ROOT/docs/openapi.json" ]; then
  npm run --silent check:types
else
  # Until docs/openapi.json is committed: compare with the schema of the code as it is.
  (cd "$ROOT" && DJANGO_DEBUG=1 .venv/bin/python manage.py spectacular --format openapi-json --file "$WORK/openapi.json" >/dev/null 2>&1)
  node scripts/generate-types.mjs --schema "$WORK/openapi.json" --check
fi

echo "== [${SECONDS}s] build (ESM + CJS + .d.ts) and strict type checks"
npm run --silent build                       # tsc, strict: any type error fails the build
npx tsc -p test/types/tsconfig.json --noEmit  # misuse must not compile (@ts-expect-error)
npx tsc -p tsconfig.test.json                 # the tests, against the built .d.ts

echo "== [${SECONDS}s] sdk-server (waiting for its JSON line)"
for _ in $(seq 1 180); do
  [ -s "$WORK/server.out" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; echo "sdk-server died" >&2; exit 1; }
  sleep 1
done
CLOUDBOOKS_SDK_SERVER="$(head -n 1 "$WORK/server.out")"
[ -n "$CLOUDBOOKS_SDK_SERVER" ] || { echo "sdk-server printed no JSON line" >&2; exit 1; }
export CLOUDBOOKS_SDK_SERVER
echo "$CLOUDBOOKS_SDK_SERVER" | node -e 'process.stdin.on("data", d => console.log("   at", JSON.parse(d).base_url))'

echo "== [${SECONDS}s] test suite (node --test) against the sdk-server"
node scripts/run-tests.mjs

echo "== [${SECONDS}s] npm pack, and a fresh project installs the tarball"
TARBALL="$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
mkdir "$WORK/consumer"
cp scripts/consumer/consumer.mjs scripts/consumer/consumer.cjs scripts/consumer/consumer.ts scripts/consumer/tsconfig.json "$WORK/consumer/"
(
  cd "$WORK/consumer"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --loglevel=error "$WORK/$TARBALL"
  [ ! -e node_modules/@cloudbooks/sdk/src ] || { echo "the tarball ships src/" >&2; exit 1; }
  node consumer.mjs
  node consumer.cjs
  node "$HERE/node_modules/typescript/bin/tsc" -p tsconfig.json
  echo "consumer (TypeScript): types resolve"
)

echo "== [${SECONDS}s] browser (headless Chromium imports the ESM build)"
node scripts/browser/check.mjs

echo "== [${SECONDS}s] stop the sdk-server"
kill -TERM "$SERVER_PID"
if wait "$SERVER_PID"; then SERVER_PID=""; else echo "sdk-server did not exit 0 on SIGTERM" >&2; exit 1; fi
echo "ci.sh: all green"
