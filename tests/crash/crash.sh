#!/bin/bash
# Crash safety (issue #5): concurrent clients create work orders through the
# API and log every id the server acknowledged (201); the server is killed
# with SIGKILL at random moments and restarted. Afterwards every acknowledged
# id must exist, PRAGMA integrity_check must say ok and the audit chain must
# verify. Prints "crash: N passed, M failed" like the other runners.
#   CRASH_ROUNDS (default 3)   kills
#   CRASH_CLIENTS (default 8)  concurrent clients
set -u
cd "$(dirname "$0")/../.."
rounds=${CRASH_ROUNDS:-3}
clients=${CRASH_CLIENTS:-8}
dir=$(mktemp -d /tmp/houqin-crash.XXXXXX)
port=$((20000 + RANDOM % 20000))
base=http://127.0.0.1:$port
db=$dir/crash.db
srv=0
passed=0
failed=0

cleanup() {
	touch "$dir/stop"
	[ "$srv" != 0 ] && kill -9 "$srv" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

check() { # name, then the command that must succeed
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		failed=$((failed + 1))
	fi
}

start_server() {
	./houqin serve --db "$db" --data "$dir/data" --listen "127.0.0.1:$port" \
		>>"$dir/serve.log" 2>&1 &
	srv=$!
	for _ in $(seq 1 500); do
		curl -sf -o /dev/null "$base/api/v1/health" && return 0
		sleep 0.01
	done
	echo "crash: server did not come up" >&2
	cat "$dir/serve.log" >&2
	exit 1
}

# An API token for office (no CSRF, no session to lose on restart).
office_token() {
	local jar=$dir/jar csrf
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
		-d '{"username":"office","password":"Demo@2026"}' "$base/api/v1/session" |
		sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
	curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d '{"name":"crash"}' "$base/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# One client: create orders until told to stop; log each acknowledged id.
client() {
	local n=$1 body out code
	body="{\"category_id\":$category,\"location_id\":$location,\"title\":\"断电测试 $n\",\"priority\":\"normal\"}"
	while [ ! -e "$dir/stop" ]; do
		out=$(curl -s -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $token" \
			-H 'Content-Type: application/json' -d "$body" "$base/api/v1/workorders")
		code=${out##*$'\n'}
		if [ "$code" = 201 ]; then
			# wo_json's first member is the order's id
			printf '%s\n' "$out" | head -n 1 | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' \
				>>"$dir/acked.$n"
		else
			sleep 0.02
		fi
	done
}

./houqin init --demo --db "$db" >/dev/null || exit 1
start_server
token=$(office_token)
category=$(sqlite3 "$db" "SELECT id FROM wo_category WHERE active = 1 ORDER BY id LIMIT 1")
location=$(sqlite3 "$db" "SELECT id FROM location WHERE kind = 'room' AND active = 1 ORDER BY id LIMIT 1")
before=$(sqlite3 "$db" "SELECT count(*) FROM workorder")
[ -n "$token" ] && [ -n "$category" ] && [ -n "$location" ] || { echo "crash: set-up failed" >&2; exit 1; }

for n in $(seq 1 "$clients"); do client "$n" & done
for r in $(seq 1 "$rounds"); do
	sleep "0.$((3 + RANDOM % 9))"
	kill -9 "$srv"
	wait "$srv" 2>/dev/null
	echo "# round $r: killed the server with SIGKILL, restarting"
	start_server
done
sleep 0.5
touch "$dir/stop"
wait $(jobs -p | grep -v "^$srv\$") 2>/dev/null
kill -TERM "$srv"
wait "$srv" 2>/dev/null
srv=0

cat "$dir"/acked.* 2>/dev/null | grep -E '^[0-9]+$' | sort -n >"$dir/acked"
acked=$(wc -l <"$dir/acked")
echo "# $acked orders acknowledged by the server across $rounds kills"
missing=$(sqlite3 "$db" <<SQL
CREATE TEMP TABLE acked(id INTEGER PRIMARY KEY);
.mode csv
.import $dir/acked acked
SELECT count(*) FROM acked WHERE id NOT IN (SELECT id FROM workorder);
SQL
)
check "clients got acknowledgements during the kills" [ "$acked" -gt 0 ]
check "every acknowledged order exists ($acked, missing $missing)" [ "$missing" = 0 ]
check "orders written: no fewer than acknowledged" \
	[ "$(sqlite3 "$db" "SELECT count(*) FROM workorder") " -ge "$((before + acked))" ]
check "every order has its creation timeline row" [ "$(sqlite3 "$db" \
	"SELECT count(*) FROM workorder w WHERE NOT EXISTS (SELECT 1 FROM wo_event e WHERE e.workorder_id = w.id AND e.action = 'create')")" = 0 ]
check "PRAGMA integrity_check is ok" [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ]
check "the audit chain verifies" ./houqin audit verify --db "$db"
echo "crash: $passed passed, $failed failed"
[ "$failed" = 0 ]
