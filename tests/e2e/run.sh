#!/bin/bash
# Browser tests: a real houqin server (release build) on a fresh demo database,
# driven by node:test + playwright-core + Debian's /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/houqin-e2e-XXXXXX)
log=$tmp/server.log
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
./houqin init --demo --db "$tmp/e2e.db" >/dev/null
./houqin serve --db "$tmp/e2e.db" --listen 127.0.0.1:0 --web web/dist >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)
	[ -n "$url" ] && break
	sleep 0.1
done
if [ -z "${url:-}" ]; then
	echo "e2e: server did not start"; cat "$log"; exit 1
fi
mkdir -p tests/e2e/out
HOUQIN_URL=$url node --test --test-concurrency=1 tests/e2e/
