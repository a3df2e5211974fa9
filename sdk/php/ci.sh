#!/usr/bin/env bash
# CI for the PHP SDK (cloudbooks/sdk), runnable from any directory:
#   toolchain (Debian packages, installed only if missing) → composer validate --strict →
#   php -l on every file → autoloader → one `python3 dev.py sdk-server` → the whole
#   conformance suite (PHPUnit) against it → the package archive → a fresh consumer project
#   that installs that archive offline and calls the live server → the server stopped (exit 0).
set -euo pipefail

SDK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SDK/../.." && pwd)"
cd "$SDK"

log() { printf '\n==> php sdk: %s\n' "$*"; }

# --- Toolchain: Debian's PHP, curl extension, Composer and PHPUnit ---------------------------
apt_install() {
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null; }
}
command -v php >/dev/null 2>&1 || { log "installing php-cli"; apt_install php-cli; }
php -m | grep -qix curl || { log "installing php-curl"; apt_install php-curl; }
command -v composer >/dev/null 2>&1 || { log "installing composer"; apt_install composer; }
command -v phpunit >/dev/null 2>&1 || { log "installing phpunit"; apt_install phpunit; }
command -v phpcs >/dev/null 2>&1 || { log "installing php-codesniffer"; apt_install php-codesniffer; }
php --version | head -n1
phpcs --version
phpunit --version | head -n1
composer --version 2>/dev/null | head -n1

# Nothing here reaches a network: Composer works from local paths only.
export COMPOSER_DISABLE_NETWORK=1 COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cloudbooks-php-ci.XXXXXX")"
export COMPOSER_CACHE_DIR="$WORK/composer-cache"
SERVER_PID=""
stop_server() {
  local status=0
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || status=$?
  fi
  SERVER_PID=""
  return "$status"
}
cleanup() {
  local status=$?
  stop_server || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# --- Static checks ------------------------------------------------------------------------
log "composer validate --strict"
composer validate --strict

# Neither PHPStan nor Psalm is packaged by Debian (bookworm) and nothing is downloaded here,
# so there is no type analysis: PHP's own lint of every file, and PSR-12 (the ecosystem's
# coding style) with Debian's PHP_CodeSniffer; PHPStan runs when one is installed.
log "php -l on every file"
find src tests -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null
log "phpcs --standard=PSR12"
phpcs --standard=PSR12 src tests
if command -v phpstan >/dev/null 2>&1; then
  log "phpstan (level max)"
  phpstan analyse --no-progress --level=max src
fi

log "composer dump-autoload"
composer dump-autoload --dev --quiet

# --- The live server ------------------------------------------------------------------------
log "starting python3 dev.py sdk-server"
python3 "$ROOT/dev.py" sdk-server >"$WORK/server.json" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  [ -s "$WORK/server.json" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -n 40 "$WORK/server.log" >&2
    echo "sdk-server exited before it was ready" >&2
    exit 1
  fi
  sleep 0.5
done
[ -s "$WORK/server.json" ] || { tail -n 40 "$WORK/server.log" >&2; echo "sdk-server not ready" >&2; exit 1; }
SERVER_LINE="$(head -n1 "$WORK/server.json")"
BASE_URL="$(php -r 'echo json_decode($argv[1], true)["base_url"];' "$SERVER_LINE")"
API_KEY="$(php -r 'echo json_decode($argv[1], true)["api_key"];' "$SERVER_LINE")"
echo "server at $BASE_URL"

# --- The whole conformance scenario ----------------------------------------------------------
log "phpunit (SCENARIO.md S1-S34 and the client's own tests)"
CLOUDBOOKS_SDK_SERVER="$SERVER_LINE" phpunit --configuration "$SDK/phpunit.xml.dist"

# --- The package, and a fresh consumer of it ------------------------------------------------
log "composer archive (what a consumer gets: no tests, no CI files)"
VERSION="$(php -r 'require $argv[1]; echo CloudBooks\Client::VERSION;' "$SDK/vendor/autoload.php")"
composer archive --format=tar --dir="$WORK/dist" --file="cloudbooks-sdk-$VERSION" --quiet
ARCHIVE="$WORK/dist/cloudbooks-sdk-$VERSION.tar"
if tar -tf "$ARCHIVE" | grep -Eq '(^|/)(tests/|ci\.sh|vendor/)'; then
  echo "the archive ships tests, ci.sh or vendor/" >&2
  exit 1
fi
mkdir -p "$WORK/package" "$WORK/consumer"
tar -xf "$ARCHIVE" -C "$WORK/package"

log "fresh consumer: composer install from the archive, offline"
cat >"$WORK/consumer/composer.json" <<JSON
{
    "name": "example/consumer",
    "type": "project",
    "require": {"cloudbooks/sdk": "*"},
    "repositories": [
        {"type": "path", "url": "$WORK/package",
         "options": {"symlink": false, "versions": {"cloudbooks/sdk": "$VERSION"}}},
        {"packagist.org": false}
    ]
}
JSON
cat >"$WORK/consumer/app.php" <<'PHP'
<?php
require __DIR__ . '/vendor/autoload.php';

$cb = new \CloudBooks\Client(['api_key' => getenv('KEY'), 'base_url' => getenv('BASE')]);
$email = $cb->users->me()->email;
$org = $cb->organizations->create(['name' => 'Consumer ' . bin2hex(random_bytes(4))]);
$cb->projects->create(['organization' => $org->id, 'name' => 'From the archive']);
$names = [];
foreach ($cb->projects->list(['organization' => $org->id, 'limit' => 1]) as $project) {
    $names[] = $project->name;
}
try {
    $cb->projects->get('00000000-0000-4000-8000-000000000000');
    exit("expected a NotFoundException\n");
} catch (\CloudBooks\Exception\NotFoundException $e) {
    $missing = $e->getErrorCode();
}
$cb->organizations->delete($org->id);
echo "consumer ok: {$email}, projects ", json_encode($names), ", missing one: {$missing}\n";
PHP
(cd "$WORK/consumer" && composer install --no-plugins --no-progress --quiet)
test -f "$WORK/consumer/vendor/cloudbooks/sdk/src/Client.php"
test ! -L "$WORK/consumer/vendor/cloudbooks/sdk"
(cd "$WORK/consumer" && KEY="$API_KEY" BASE="$BASE_URL" php app.php) | tee "$WORK/consumer.out"
grep -q '^consumer ok: ' "$WORK/consumer.out"

# --- Stop the server: SIGTERM, and it must exit 0 --------------------------------------------
log "stopping the sdk-server"
stop_server
log "PHP SDK CI passed"
