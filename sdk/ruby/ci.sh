#!/usr/bin/env bash
# CI for the Ruby SDK (gem `cloudbooks`), runnable from any directory:
#   1. Ruby 3.1+ (Debian's `ruby`, installed only if missing); a syntax check of every file;
#   2. `rbs validate` of sig/cloudbooks.rbs (Debian's ruby3.1 ships rbs as `rbs3.1`);
#   3. a live `python3 dev.py sdk-server` (stopped on exit; it must exit 0);
#   4. the whole test suite against it, with the RBS signatures checked at run time
#      (rbs/test/setup), then test/last/ (deletes an account);
#   5. `gem build`, an install of the built .gem into an empty GEM_HOME, and the README's
#      quickstart run from a fresh directory with only that GEM_HOME, against the server.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"

command -v ruby >/dev/null && command -v gem >/dev/null || {
  apt-get update -qq && apt-get install -y -qq ruby
}
ruby -e 'exit(Gem::Version.new(RUBY_VERSION) >= Gem::Version.new("3.1"))' || {
  echo "ci.sh: the Ruby SDK needs Ruby 3.1 or newer, not $(ruby -v)" >&2
  exit 1
}
ruby -e 'require "minitest"' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq ruby-minitest; }
# rbs is a bundled gem of Ruby 3.x; Debian installs its command as rbs<version> (rbs3.1).
RBS="$(command -v rbs || ls /usr/bin/rbs3.* 2>/dev/null | tail -n 1 || true)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cloudbooks-ruby-ci.XXXXXX")"
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  local pid="$SERVER_PID" status=0
  SERVER_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "ci.sh: sdk-server exited with status $status; its log:" >&2
    tail -n 40 "$WORK/server.log" >&2 || true
    return 1
  fi
}
cleanup() {
  local status=$?
  stop_server || status=1
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

echo "== ruby $(ruby -e 'print RUBY_VERSION'): syntax"
for file in lib/*.rb lib/cloudbooks/*.rb test/*.rb test/last/*.rb cloudbooks.gemspec; do
  ruby -wc "$file" >/dev/null
done

echo "== rbs validate"
if [ -n "$RBS" ]; then
  "$RBS" -I sig validate >"$WORK/rbs.log" 2>&1 || { cat "$WORK/rbs.log" >&2; exit 1; }
  echo "sig/cloudbooks.rbs: valid ($("$RBS" --version))"
else
  echo "ci.sh: WARNING: no rbs command: sig/cloudbooks.rbs NOT validated" >&2
fi

echo "== sdk-server"
python3 "$ROOT/dev.py" sdk-server >"$WORK/server.json" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 360); do
  [ -s "$WORK/server.json" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
[ -s "$WORK/server.json" ] || { echo "ci.sh: sdk-server did not start" >&2; exit 1; }
CLOUDBOOKS_SDK_SERVER="$(head -n 1 "$WORK/server.json")"
export CLOUDBOOKS_SDK_SERVER
BASE_URL="$(ruby -rjson -e 'print JSON.parse(ENV["CLOUDBOOKS_SDK_SERVER"])["base_url"]')"
API_KEY="$(ruby -rjson -e 'print JSON.parse(ENV["CLOUDBOOKS_SDK_SERVER"])["api_key"]')"
echo "up at $BASE_URL"

RUN_TESTS='Dir[File.join(Dir.pwd, "test/*_test.rb")].sort.each { |f| require f }'
if ruby -e 'require "rbs/test"' 2>/dev/null; then
  echo "== tests (every call into CloudBooks:: checked against sig/cloudbooks.rbs)"
  RBS_TEST_TARGET='CloudBooks::*' RBS_TEST_OPT='-I sig' RBS_TEST_LOGLEVEL=error \
    ruby -Ilib -Itest -r rbs/test/setup -e "$RUN_TESTS"
else
  echo "== tests (WARNING: no rbs library: signatures not checked at run time)"
  ruby -Ilib -Itest -e "$RUN_TESTS"
fi
echo "== tests: the last step (S34)"
ruby -Ilib -Itest test/last/account_deletion_test.rb

echo "== gem build and a fresh install"
gem build cloudbooks.gemspec --output "$WORK/cloudbooks.gem" >"$WORK/build.log" 2>&1 || {
  cat "$WORK/build.log" >&2
  exit 1
}
mkdir -p "$WORK/gems" "$WORK/consumer"
GEM_HOME="$WORK/gems" GEM_PATH="$WORK/gems" gem install --local "$WORK/cloudbooks.gem" \
  --install-dir "$WORK/gems" --no-document
# The consumer: the README's quickstart, as written, in an empty directory, with the gem found
# only in the fresh GEM_HOME (not the source tree).
ruby -e 'print File.read("README.md")[/^```ruby\n(.*?)^```/m, 1]' >"$WORK/consumer/quickstart.rb"
cat >"$WORK/consumer/where.rb" <<'RUBY'
require "cloudbooks"
path = $LOADED_FEATURES.grep(%r{/cloudbooks\.rb\z}).first
abort "cloudbooks was loaded from #{path}, not the fresh GEM_HOME" unless path.start_with?(ENV["GEM_HOME"])
puts "cloudbooks #{CloudBooks::VERSION} from #{path}"
RUBY
(
  cd "$WORK/consumer"
  export GEM_HOME="$WORK/gems" GEM_PATH="$WORK/gems" RUBYLIB="" RUBYOPT=""
  export CLOUDBOOKS_API_KEY="$API_KEY" CLOUDBOOKS_BASE_URL="$BASE_URL"
  ruby where.rb
  ruby quickstart.rb
)

echo "== stop the sdk-server"
stop_server
echo "ci.sh: all green"
