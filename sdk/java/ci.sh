#!/usr/bin/env bash
# CI for the Java SDK, runnable from any directory: installs its toolchain (Debian packages)
# only if missing, starts a fresh `python3 dev.py sdk-server`, builds and tests the SDK against
# it (build.sh), then compiles and runs a fresh consumer (examples/Quickstart.java) against the
# built jar alone, and stops the server (SIGTERM, exit status 0 expected).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

apt_install() {
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null; }
}
command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
[ -f /usr/share/java/jackson-databind.jar ] || apt_install libjackson2-databind-java
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || apt_install junit5

WORK="$(mktemp -d)"
SERVER_PID=""
stop_server() {
  local status=0
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || status=$?
    if [ "$status" -ne 0 ]; then
      echo "ci.sh: sdk-server exited with status $status after SIGTERM" >&2
    fi
  fi
  SERVER_PID=""
  return "$status"
}
cleanup() {
  local status=$?
  stop_server || status=1
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

echo "== sdk-server"
cd "$ROOT"
python3 dev.py sdk-server >"$WORK/server.json" 2>"$WORK/server.log" &
SERVER_PID=$!
# The first start may create .venv (minutes); later ones take seconds.
for _ in $(seq 1 900); do
  [ -s "$WORK/server.json" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "ci.sh: sdk-server died" >&2; exit 1; }
  sleep 1
done
[ -s "$WORK/server.json" ] || { tail -20 "$WORK/server.log" >&2; echo "ci.sh: sdk-server not ready" >&2; exit 1; }
export CLOUDBOOKS_SDK_SERVER="$(head -n1 "$WORK/server.json")"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$CLOUDBOOKS_SDK_SERVER" "$1"; }
echo "sdk-server at $(field base_url)"

echo "== build and test"
"$HERE/build.sh"

echo "== fresh consumer: examples/Quickstart.java against dist/ only"
mkdir -p "$WORK/consumer/lib" "$WORK/consumer/classes"
cp "$HERE/examples/Quickstart.java" "$WORK/consumer/"
cp "$HERE/dist/cloudbooks-sdk.jar" "$HERE"/dist/lib/*.jar "$WORK/consumer/lib/"
cd "$WORK/consumer"
javac --release 17 -d classes -cp 'lib/*' Quickstart.java
CLOUDBOOKS_API_KEY="$(field api_key)" CLOUDBOOKS_BASE_URL="$(field base_url)" \
  java -cp 'classes:lib/*' Quickstart | tee "$WORK/consumer.out"
grep -q '^Quickstart OK$' "$WORK/consumer.out"

echo "== stop sdk-server"
stop_server
echo "ci.sh: Java SDK passed"
