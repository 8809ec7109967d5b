#!/bin/bash
# CLI behaviour of the release binary: exit codes, init, user management,
# online backup while serving, audit verify, and a clean exit on SIGTERM.
set -u
cd "$(dirname "$0")/../.."
bin=./houqin
tmp=$(mktemp -d /tmp/houqin-cli-XXXXXX)
pass=0
fail=0
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

check() {	# check NAME EXPECTED_EXIT COMMAND...
	local name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	local got=$?
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $got, want $want"; sed 's/^/    /' "$tmp/out"
	fi
}

expect_out() {	# expect_out NAME PATTERN (against the last command's output)
	if grep -q -- "$2" "$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $1: output lacks '$2'"; sed 's/^/    /' "$tmp/out"
	fi
}

# Starts the server on a free port; url is its address once it prints it (within 10 s),
# or empty if it exited or did not. Further arguments go to serve.
start_server() {
	"$bin" serve --db "$1" --listen 127.0.0.1:0 --web web/dist "${@:2}" >"$tmp/serve.log" 2>&1 &
	pid=$!
	url=""
	local deadline=$((SECONDS + 10))
	while [ -z "$url" ] && [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
		url=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/serve.log" | head -1)
		[ -n "$url" ] || sleep 0.05
	done
}

# SIGTERM; the server must exit within 10 s. rc is its exit status (124 if it had to be
# killed).
stop_server() {
	kill -TERM "$pid"
	local deadline=$((SECONDS + 10))
	while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "server did not exit within 10 s of SIGTERM"
		kill -KILL "$pid"
		wait "$pid"
		rc=124
	else
		wait "$pid"
		rc=$?
	fi
	pid=""
}

login() {	# login USER PASSWORD -> HTTP status
	curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$url/api/v1/session"
}

# login_keep USER PASSWORD: log in keeping the cookie in $tmp/jar and the headers in $tmp/hdr
login_keep() {
	curl -s -m 10 -o /dev/null -c "$tmp/jar" -D "$tmp/hdr" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$url/api/v1/session"
}

me_with_jar() {	# -> HTTP status of GET /me with the kept cookie
	curl -s -m 10 -o /dev/null -b "$tmp/jar" -w '%{http_code}' "$url/api/v1/me"
}

db=$tmp/h.db
check "no args is usage" 2 "$bin"
check "--help" 0 "$bin" --help
expect_out "--help lists commands" "backup FILE"
check "version" 0 "$bin" version
expect_out "version prints" "houqin "
check "unknown command" 2 "$bin" frobnicate
check "init --help" 0 "$bin" init --help
check "serve bad flag" 2 "$bin" serve --bogus
check "serve --help" 0 "$bin" serve --help
expect_out "serve --help documents secure cookies" "--secure-cookies"
check "serve bad listen" 2 "$bin" serve --listen nonsense --db "$db"
check "migrate before init" 1 "$bin" migrate --db "$db"

check "init" 0 "$bin" init --db "$db" --agency 测试局
expect_out "init prints the admin password once" "password (shown once)"
admin_pw=$(grep -o 'shown once): [^ ]*' "$tmp/out" | head -1 | sed 's/.*: //')
check "init twice refuses" 1 "$bin" init --db "$db"
check "migrate is idempotent" 0 "$bin" migrate --db "$db"
expect_out "migrate reports version" "schema version"
grep -q "missing default" "$tmp/out" && { fail=$((fail + 1)); echo "FAIL migrate added defaults to a new database"; } || pass=$((pass + 1))
# an agency from before the requisition rules (an older database): migrate adds them, once
sqlite3 "$db" "DELETE FROM approval_rule_step WHERE rule_id IN (SELECT id FROM approval_rule WHERE kind = 'requisition'); DELETE FROM approval_rule WHERE kind = 'requisition'"
check "migrate adds what an agency lacks" 0 "$bin" migrate --db "$db"
expect_out "migrate counts what it added" "added 2 missing default(s)"
check "migrate adds nothing twice" 0 "$bin" migrate --db "$db"
grep -q "missing default" "$tmp/out" && { fail=$((fail + 1)); echo "FAIL migrate added defaults twice"; } || pass=$((pass + 1))
check "both rules there" 0 test "$(sqlite3 "$db" "SELECT COUNT(*) FROM approval_rule WHERE kind = 'requisition' AND active = 1")" = 2

check "user add" 0 "$bin" user add clerk --name 张三 --dept 2 --roles office,staff --password 'Ledger#2026' --db "$db"
check "user add duplicate" 1 "$bin" user add clerk --name 张三 --dept 2 --db "$db"
check "user add weak password" 1 "$bin" user add weak --name 弱 --dept 2 --password weak --db "$db"
check "user add bad role" 1 "$bin" user add r1 --name 角色 --dept 2 --roles wizard --db "$db"
check "user add missing dept" 2 "$bin" user add --db "$db"
check "user roles conflict" 1 "$bin" user roles clerk sysadmin,secadmin --db "$db"
check "user roles auditor with a business role" 1 "$bin" user roles clerk auditor,staff --db "$db"
check "user add supervisor with finance" 1 "$bin" user add mix --name 兼任 --dept 2 --roles supervisor,finance --db "$db"
check "user roles" 0 "$bin" user roles clerk leader,staff --db "$db"
check "user passwd" 0 "$bin" user passwd clerk --password 'Ledger#2027' --db "$db"
check "user lock" 0 "$bin" user lock clerk --db "$db"
check "user lock unknown" 1 "$bin" user lock nobody --db "$db"

start_server "$db"
if [ -z "$url" ]; then
	fail=$((fail + 1)); echo "FAIL server did not start"; cat "$tmp/serve.log"
else
	body=$(curl -s -m 10 "$url/api/v1/me")
	code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url/api/v1/me")
	if [ "$code" = 401 ] && echo "$body" | grep -q '"error":{"code":"unauthorized"'; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL /me without session: $code $body"; fi
	[ "$(login admin "$admin_pw")" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL admin login with the printed password"; }
	[ "$(login clerk 'Ledger#2027')" = 401 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL locked user logged in"; }
	check "user unlock while serving" 0 "$bin" user unlock clerk --db "$db"
	[ "$(login clerk 'Ledger#2027')" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL unlocked user cannot log in"; }
	# a lock or a new password from the CLI ends the sessions that are open
	login_keep clerk 'Ledger#2027'
	[ "$(me_with_jar)" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL kept session"; }
	grep -qi '^Set-Cookie:.*Secure' "$tmp/hdr" && { fail=$((fail + 1)); echo "FAIL Secure cookie without --secure-cookies"; } || pass=$((pass + 1))
	check "user lock while serving" 0 "$bin" user lock clerk --db "$db"
	[ "$(me_with_jar)" = 401 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL session outlived the lock"; }
	check "user unlock again" 0 "$bin" user unlock clerk --db "$db"
	login_keep clerk 'Ledger#2027'
	check "user passwd while serving" 0 "$bin" user passwd clerk --password 'Ledger#2028' --db "$db"
	[ "$(me_with_jar)" = 401 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL session outlived the new password"; }
	check "backup while serving" 0 "$bin" backup "$tmp/copy.db" --db "$db"
	check "backup refuses to overwrite" 1 "$bin" backup "$tmp/copy.db" --db "$db"
	check "backup copy verifies" 0 "$bin" audit verify --db "$tmp/copy.db"
	stop_server
	[ "$rc" = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL SIGTERM exit $rc"; cat "$tmp/serve.log"; }
	grep -q '"GET /api/v1/me" 401' "$tmp/serve.log" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL no access log line"; }
fi
check "audit verify" 0 "$bin" audit verify --db "$db"
expect_out "audit verify ok" "audit chain ok"

# behind HTTPS the session cookie is Secure: by flag or by environment
for how in flag env; do
	if [ "$how" = flag ]; then start_server "$db" --secure-cookies; else HOUQIN_SECURE_COOKIES=1 start_server "$db"; fi
	if [ -z "$url" ]; then
		fail=$((fail + 1)); echo "FAIL server ($how) did not start"; cat "$tmp/serve.log"
		continue
	fi
	login_keep clerk 'Ledger#2028'
	grep -qi '^Set-Cookie:.*; Secure' "$tmp/hdr" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL no Secure cookie ($how)"; cat "$tmp/hdr"; }
	stop_server
done

# gen: a dataset for benchmarks, straight through the storage layer
gdb=$tmp/gen.db
check "gen without counts is usage" 2 "$bin" gen --db "$gdb"
check "gen --users 0 is usage" 2 "$bin" gen --db "$gdb" --users 0
check "gen users and orders" 0 "$bin" gen --db "$gdb" --users 30 --workorders 200 --months 2
expect_out "gen reports users" "generated 30 users"
expect_out "gen reports orders" "generated 200 work orders"
check "gen more users" 0 "$bin" gen --db "$gdb" --users 2
check "gen weak password refused" 1 "$bin" gen --db "$gdb" --users 2 --password weak
check "gen keeps the audit chain" 0 "$bin" audit verify --db "$gdb"
start_server "$gdb"
if [ -z "$url" ]; then
	fail=$((fail + 1)); echo "FAIL server on the generated db did not start"; cat "$tmp/serve.log"
else
	# numbering carries on (gen000032 is the second run's last) and no third user was written
	[ "$(login gen000032 Demo@2026)" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL generated user cannot log in"; }
	[ "$(login gen000033 Demo@2026)" = 401 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL refused gen run wrote a user"; }
	stop_server
fi
# gen --agencies: the demo agency plus a002, a003 made like it, the counts per agency;
# a second run makes no agency again and adds to each
adb=$tmp/agencies.db
check "gen --agencies 0 is usage" 2 "$bin" gen --db "$adb" --agencies 0 --workorders 5
check "gen three agencies" 0 "$bin" gen --db "$adb" --agencies 3 --workorders 20 --months 1
expect_out "gen made the third agency" "made agency 3 (logins a003-...)"
check "orders for each agency" 0 test "$(grep -c 'generated 20 work orders' "$tmp/out")" = 3
check "gen the three agencies again" 0 "$bin" gen --db "$adb" --agencies 3 --workorders 5 --months 1
cp "$tmp/out" "$tmp/gen-again"	# check writes $tmp/out: grep must read a copy
check "no agency made twice" 1 grep -q "made agency" "$tmp/gen-again"
check "agencies keep the audit chain" 0 "$bin" audit verify --db "$adb"
start_server "$adb"
if [ -z "$url" ]; then
	fail=$((fail + 1)); echo "FAIL server on the agencies db did not start"; cat "$tmp/serve.log"
else
	[ "$(login a003-office Demo@2026)" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL a003-office cannot log in"; }
	stop_server
fi

# audit chain key and anchors (issue #11): the key beside the database, 0600; checkpoints
# appended to the anchor file; a missing key is an error, never an unkeyed chain
check "init made the audit key 0600" 0 test "$(stat -c %a "$tmp/audit.key" 2>/dev/null)" = 600
check "audit checkpoint" 0 "$bin" audit checkpoint --db "$db"
check "anchor file has the line" 0 grep -q '^houqin-audit v2 chain=.* heads=.* digest=.* sig=' "$tmp/audit-checkpoints.log"
check "audit checkpoint --audit-syslog" 0 "$bin" audit checkpoint --db "$db" --audit-syslog
check "two checkpoint lines" 0 test "$(wc -l <"$tmp/audit-checkpoints.log")" = 2
check "audit verify after checkpoint" 0 "$bin" audit verify --db "$db"
expect_out "verify names the last checkpoint" "last checkpoint at id"
check "audit bad subcommand" 2 "$bin" audit frobnicate --db "$db"
mv "$tmp/audit.key" "$tmp/audit.key.away"
check "verify without the key fails" 1 "$bin" audit verify --db "$db"
expect_out "missing key is named" "key cannot be loaded"
check "serve without the key fails" 1 "$bin" serve --db "$db" --listen 127.0.0.1:0
check "user without the key fails" 1 "$bin" user lock clerk --db "$db"
check "migrate does not replace a lost key" 1 "$bin" migrate --db "$db"
check "key not recreated" 1 test -e "$tmp/audit.key"
check "--audit-key elsewhere" 0 "$bin" audit verify --db "$db" --audit-key "$tmp/audit.key.away"
check "HOUQIN_AUDIT_KEY" 0 env HOUQIN_AUDIT_KEY="$tmp/audit.key.away" "$bin" audit verify --db "$db"
chmod 644 "$tmp/audit.key.away"
check "a key others can read is refused" 1 "$bin" audit verify --db "$db" --audit-key "$tmp/audit.key.away"
chmod 600 "$tmp/audit.key.away"
mv "$tmp/audit.key.away" "$tmp/audit.key"
# the attacker with the file: delete the newest rows behind the checkpoint
cp "$db" "$tmp/cut.db"
sqlite3 "$tmp/cut.db" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > (SELECT MAX(head_id) - 2 FROM audit_checkpoint)"
check "truncation is found" 1 "$bin" audit verify --db "$tmp/cut.db"
expect_out "truncation is named" "BROKEN at chain [0-9]* position [0-9]*: truncated"
# ... or edit a row and re-hash it without the key (unkeyed BLAKE2b, as the old chain had)
cp "$db" "$tmp/edit.db"
sqlite3 "$tmp/edit.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET ip = '6.6.6.6' WHERE id = 3"
check "an edited row is found" 1 "$bin" audit verify --db "$tmp/edit.db"
expect_out "the edited row is named" "BROKEN at chain [0-9]* position [0-9]* (id 3)"
# ... or move a row to another place in its chain (positions are in the MAC)
cp "$db" "$tmp/pos.db"
sqlite3 "$tmp/pos.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET position = position + 1000 WHERE id = 3"
check "a forged position is found" 1 "$bin" audit verify --db "$tmp/pos.db"
expect_out "the moved row is named" "BROKEN at chain [0-9]* position 1[0-9]* (id 3): chain link broken"
# ... or forge the anchor file
cp "$tmp/audit-checkpoints.log" "$tmp/anchor.bak"
sed -i 's/head_id=\([0-9]\)/head_id=9\1/' "$tmp/audit-checkpoints.log"
check "a forged anchor line is found" 1 "$bin" audit verify --db "$db"
expect_out "bad signature named" "line 1: .*bad signature"
cp "$tmp/anchor.bak" "$tmp/audit-checkpoints.log"
check "--audit-anchor elsewhere (no checkpoints there)" 1 "$bin" audit verify --db "$db" --audit-anchor "$tmp/none.log"
expect_out "checkpoint missing from that file" "missing from the anchor file"

# a database made before keys: migrate creates the key and keys the chain from there on
ldir=$tmp/legacy
mkdir -p "$ldir"
cp "$db" "$ldir/h.db"
prev=0000000000000000000000000000000000000000000000000000000000000000
canon='{"action":"user.login","actor_id":0,"after":null,"agency_id":0,"at":1,"before":null,"entity":"session","entity_id":0,"id":1,"ip":null}'
h1=$(printf '%s%s' "$prev" "$canon" | b2sum -l 256 | cut -d' ' -f1)
sqlite3 "$ldir/h.db" "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoint_no_delete; DELETE FROM audit_log; DELETE FROM audit_checkpoint; INSERT INTO audit_log (id, at, action, entity, prev_hash, hash) VALUES (1, 1, 'user.login', 'session', '$prev', '$h1')"
check "legacy chain: verify needs a key" 1 "$bin" audit verify --db "$ldir/h.db"
check "legacy chain: migrate makes the key" 0 "$bin" migrate --db "$ldir/h.db"
check "legacy key is 0600" 0 test "$(stat -c %a "$ldir/audit.key" 2>/dev/null)" = 600
check "legacy chain verifies" 0 "$bin" audit verify --db "$ldir/h.db"
expect_out "legacy chain counts both parts" "audit chain ok (2 records"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
