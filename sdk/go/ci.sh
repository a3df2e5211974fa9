#!/usr/bin/env bash
# CI for the Go SDK: gofmt, vet, the test suite (plain and -race) against live
# `python3 dev.py sdk-server`s, and a fresh consumer module built and run against one.
# Runnable from any directory. Nothing is downloaded: the SDK has no dependencies.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

command -v go >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq golang-go; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cloudbooks-go-ci.XXXXXX")"
SERVER_PID=""
cleanup() {
	if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# No network, no module downloads; a private GOPATH. The build cache is reused when there
# is one (a cold -race build of the standard library takes minutes), else a temporary one.
export GOPROXY=off GOFLAGS=-mod=mod GOSUMDB=off GOPATH="$WORK/gopath"
GOCACHE="$(go env GOCACHE 2>/dev/null || true)"
if [[ -z "$GOCACHE" || "$GOCACHE" == off ]] || ! mkdir -p "$GOCACHE" 2>/dev/null; then
	GOCACHE="$WORK/gocache"
fi
export GOCACHE

cd "$HERE"
go version

echo "== gofmt -l"
unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
	echo "not gofmt-ed:" >&2
	echo "$unformatted" >&2
	exit 1
fi

echo "== go vet"
go vet ./...

echo "== go build"
go build ./...

# Each run of the suite starts its own sdk-server (TestMain): the scenario deletes an
# account at the end, and each run needs a fresh rate-limit budget.
echo "== go test ./..."
env -u CLOUDBOOKS_SDK_SERVER go test -count=1 ./...

echo "== go test -race ./..."
env -u CLOUDBOOKS_SDK_SERVER go test -count=1 -race ./...

echo "== fresh consumer"
python3 "$ROOT/dev.py" sdk-server >"$WORK/server.json" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 600); do
	[[ -s "$WORK/server.json" ]] && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "sdk-server exited" >&2; exit 1; }
	sleep 0.5
done
line="$(head -n 1 "$WORK/server.json")"
[[ -n "$line" ]] || { echo "sdk-server printed nothing" >&2; exit 1; }
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$line" "$1"; }

mkdir -p "$WORK/consumer"
cat >"$WORK/consumer/go.mod" <<MOD
module example.com/consumer

go 1.19

require github.com/cloudbooks/go-sdk v0.0.0

replace github.com/cloudbooks/go-sdk => $HERE
MOD
cat >"$WORK/consumer/main.go" <<'GO'
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	cloudbooks "github.com/cloudbooks/go-sdk"
)

func main() {
	ctx := context.Background()
	// The key and base URL come from CLOUDBOOKS_API_KEY and CLOUDBOOKS_BASE_URL.
	c := cloudbooks.NewClient()
	me, err := c.Users.Me(ctx)
	if err != nil {
		log.Fatal(err)
	}
	org, err := c.Organizations.Create(ctx, &cloudbooks.OrganizationCreateParams{Name: "Consumer check"})
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"One", "Two", "Three"} {
		if _, err := c.Projects.Create(ctx, &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name}); err != nil {
			log.Fatal(err)
		}
	}
	n := 0
	it := c.Projects.List(ctx, &cloudbooks.ProjectListParams{Organization: org.ID, Limit: 2})
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil || n != 3 {
		log.Fatalf("listed %d projects: %v", n, err)
	}
	_, err = c.Projects.Get(ctx, "00000000-0000-4000-8000-000000000000")
	if !errors.Is(err, cloudbooks.ErrNotFound) {
		log.Fatalf("want ErrNotFound, got %v", err)
	}
	logged, err := cloudbooks.Login(ctx, os.Getenv("EMAIL"), os.Getenv("PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	if err := logged.Auth.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("consumer ok: %s, %d projects\n", me.Email, n)
}
GO
(
	cd "$WORK/consumer"
	go build -o consumer .
	CLOUDBOOKS_BASE_URL="$(field base_url)" CLOUDBOOKS_API_KEY="$(field api_key)" \
		EMAIL="$(field email)" PASSWORD="$(field password)" ./consumer
)

kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
if [[ "$status" -ne 0 ]]; then
	echo "sdk-server exited $status on SIGTERM" >&2
	exit 1
fi
echo "== Go SDK CI passed"
