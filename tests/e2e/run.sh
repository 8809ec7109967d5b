#!/bin/bash
# Browser tests: a real houqin server (release build) on a fresh plain database (no demo
# data: the tests make their own through the API, see tests/e2e/fixtures.mjs), driven by
# node:test + playwright-core + Debian's /usr/bin/chromium.
#   tests/e2e/run.sh                                  every tests/e2e/*.test.mjs
#   tests/e2e/run.sh tests/e2e/admin.test.mjs ...     only these files
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/houqin-e2e-XXXXXX)
db=$tmp/e2e.db
log=$tmp/server.log
pid=""

# SIGTERM, then up to 10 s for a clean exit; a server that hangs is killed and reported.
stop_server() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	local deadline=$((SECONDS + 10))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "e2e: server did not exit within 10 s of SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
	pid=""
}
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT

# A plain database: init prints the first sysadmin's password once, and where a secadmin
# goes (the 办公室 department). The secadmin is added here with a password of our own.
init_out=$(./houqin init --db "$db")
admin_pw=$(sed -n 's/.*password (shown once): \([^ ]*\).*/\1/p' <<<"$init_out" | head -1)
dept=$(sed -n 's/.*user add secadmin .*--dept \([0-9]*\).*/\1/p' <<<"$init_out" | head -1)
if [ -z "$admin_pw" ] || [ -z "$dept" ]; then
	echo "e2e: cannot read the admin password and department from 'houqin init':"
	echo "$init_out"
	exit 1
fi
secadmin_pw="Sec@$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
./houqin user add e2e_secadmin --name 安全管理员 --dept "$dept" --roles secadmin \
	--password "$secadmin_pw" --db "$db" >/dev/null
# One signed checkpoint of the audit chain's head, for the auditor's 审计锚点 to show.
./houqin audit checkpoint --db "$db" >/dev/null

./houqin serve --db "$db" --data "$tmp/data" --listen 127.0.0.1:0 --web web/dist >"$log" 2>&1 &
pid=$!
# The server prints its address once it listens: wait for that line, at most 10 s.
deadline=$((SECONDS + 10))
url=""
while [ -z "$url" ]; do
	url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)
	[ -n "$url" ] && break
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "e2e: server exited before listening"; cat "$log"; exit 1
	fi
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "e2e: server did not print its address within 10 s"; cat "$log"; exit 1
	fi
	sleep 0.1
done

mkdir -p tests/e2e/out
export HOUQIN_URL=$url
export HOUQIN_ADMIN_USER=admin HOUQIN_ADMIN_PASSWORD=$admin_pw
export HOUQIN_SECADMIN_USER=e2e_secadmin HOUQIN_SECADMIN_PASSWORD=$secadmin_pw
if [ $# -gt 0 ]; then
	node --test --test-concurrency=1 "$@"
else
	node --test --test-concurrency=1 tests/e2e/
fi
