#!/bin/bash
# make test-security: sqlmap (Debian package) against the list endpoints of a local
# release server on a fresh demo database; fails on any injection sqlmap finds.
#   tools/test-security.sh            (make test-security installs sqlmap first)
# Each endpoint is attacked with a Bearer token of a role that may read it:
#   office     GET /api/v1/workorders?scope=all&q=x&status=submitted&category_id=1
#   admin      GET /api/v1/users?q=x                (sysadmin)
#   supervisor GET /api/v1/audit?action=x
# and again with filter values that select rows. sqlmap runs in batch mode with
# --level $SQLMAP_LEVEL (2) --risk $SQLMAP_RISK (1), the techniques $SQLMAP_TECHNIQUE
# (BEUST: boolean, error, union, stacked, time-based) and every DBMS's payloads
# (SQLMAP_DBMS=SQLite narrows them; SQLite's own time-based and stacked payloads need
# level 3 risk 2). About a minute at the defaults. Logs in $SECURITY_OUT (build/security).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlmap >/dev/null || { echo "test-security: sqlmap missing (tools/deps.sh security)"; exit 1; }
[ -x ./houqin ] || { echo "test-security: build ./houqin first (make houqin)"; exit 1; }

out=${SECURITY_OUT:-build/security}
technique=${SQLMAP_TECHNIQUE:-BEUST}
level=${SQLMAP_LEVEL:-2}
risk=${SQLMAP_RISK:-1}
dbms=${SQLMAP_DBMS:+--dbms $SQLMAP_DBMS}	# empty: every DBMS's payloads, not only SQLite's
tmp=$(mktemp -d /tmp/houqin-security-XXXXXX)
log=$tmp/server.log
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
rm -rf "$out" && mkdir -p "$out"

./houqin init --demo --db "$tmp/sec.db" >/dev/null
./houqin serve --db "$tmp/sec.db" --data "$tmp" --listen 127.0.0.1:0 --threads 4 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	base=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)
	[ -n "$base" ] && break
	sleep 0.1
done
[ -n "${base:-}" ] || { echo "test-security: server did not start"; cat "$log"; exit 1; }

# Log in (cookie + CSRF) and trade the session for an API token.
token_of() {
	local jar=$tmp/jar.$1 csrf tok
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" "$base/api/v1/session" |
		sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
	tok=$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d '{"name":"sqlmap"}' "$base/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[ -n "$tok" ] || { echo "test-security: no token for $1" >&2; exit 1; }
	echo "$tok"
}
office=$(token_of office)
admin=$(token_of admin)
supervisor=$(token_of supervisor)

failed=0
scan() {	# name token path
	local name=$1 token=$2 url=$base$3 code
	# the endpoint must answer 200 with this token, or sqlmap would test an error page
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
	if [ "$code" != 200 ]; then
		echo "test-security: $name: GET $3 gave $code"; failed=1; return
	fi
	echo "== sqlmap $name: GET $3"
	local start=$SECONDS
	# shellcheck disable=SC2086
	sqlmap -u "$url" -H "Authorization: Bearer $token" --batch --level "$level" --risk "$risk" \
		--technique "$technique" $dbms --threads 4 --flush-session \
		--disable-coloring --output-dir "$out/$name" >"$out/$name.txt" 2>&1 || true
	grep -E "seem to be injectable|injectable|vulnerable|HTTP error codes|CRITICAL" -A1 \
		"$out/$name.txt" | grep -vE "^--$|testing |heuristic" | sed 's/^/   /' | head -20
	echo "   ($(grep -c "testing '" "$out/$name.txt") technique tests, $((SECONDS - start)) s)"
	# A finding: an injection point sqlmap identified, or a parameter it calls
	# vulnerable or injectable (not its "does not seem / do not appear to be injectable").
	if grep -qiE "identified the following injection point|is vulnerable|(appears|seems) to be '.*' injectable|parameter '[^']*' is '.*' injectable" \
		"$out/$name.txt" ||
		find "$out/$name" -name log -size +0 2>/dev/null | grep -q .; then
		echo "test-security: $name: sqlmap FOUND AN INJECTION (see $out/$name.txt)"
		failed=1
	fi
	if ! grep -q "do not appear to be injectable\|does not seem to be injectable" "$out/$name.txt"; then
		echo "test-security: $name: sqlmap did not finish its tests (see $out/$name.txt)"
		failed=1
	fi
}

scan workorders "$office" "/api/v1/workorders?scope=all&q=x&status=submitted&category_id=1"
scan users "$admin" "/api/v1/users?q=x"
scan audit "$supervisor" "/api/v1/audit?action=x"
# The same lists with values that select rows: boolean-blind tests need a page whose
# true and false variants differ, which an empty result (q=x) cannot give.
scan workorders-rows "$office" "/api/v1/workorders?scope=all&q=%E7%94%B5&status=confirmed&sort=-created_at&per_page=5"
scan users-rows "$admin" "/api/v1/users?q=a&role=staff&per_page=5"
scan audit-rows "$supervisor" "/api/v1/audit?action=create&entity=workorder&per_page=5"

# The database survived: integrity and the audit chain.
./houqin audit verify --db "$tmp/sec.db" >/dev/null 2>&1 || { echo "test-security: audit chain broken"; failed=1; }
if command -v sqlite3 >/dev/null; then
	ic=$(sqlite3 "$tmp/sec.db" 'PRAGMA integrity_check')
	[ "$ic" = ok ] || { echo "test-security: integrity_check: $ic"; failed=1; }
fi
if grep -q '" 5[0-9][0-9] ' "$log" 2>/dev/null; then
	echo "test-security: the server answered 5xx during the scan:"; grep '" 5[0-9][0-9] ' "$log" | head -5
	failed=1
fi
if [ "$failed" = 0 ]; then
	echo "test-security: ok, sqlmap found no injection (logs in $out)"
else
	echo "test-security: FAILED"
fi
exit "$failed"
