#!/usr/bin/env bash
# make bench: measured speed next to this machine's ceilings (issue #5).
#   BENCH_ORDERS (default 1000000)  size of the generated dataset (cached in bench/out)
#   BENCH_SECONDS (default 15)      duration of each wrk scenario
#   BENCH_CONNS (default 64)        wrk connections
#   BENCH_THREADS (default: serve's) request threads of the server
#   BENCH_LOGIN_CONNS (default 8)   clients of the login flood, and of the writes measured with it
#   BACKEND (default sqlite)        pg: the same dataset copied into a throwaway PostgreSQL
#                                   cluster (tools/pg-cluster.sh, bench/pg_load.py), measured
#                                   with one server process and again with two behind nginx
# Prints one table and writes bench/out/result-<backend>-<time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${BACKEND:-sqlite}
case $backend in
sqlite | pg) ;;
*) echo "bench: BACKEND is sqlite or pg" >&2; exit 2 ;;
esac
export HQ_BENCH_DIR=$PWD/bench
orders=${BENCH_ORDERS:-1000000}
secs=${BENCH_SECONDS:-15}
conns=${BENCH_CONNS:-64}
out=bench/out
mkdir -p "$out"
# keyed by the newest migration, so a schema change makes a new dataset (a cold
# start must not include migrating a million rows)
schema=$(basename "$(ls migrations/*.sql | tail -n 1)" | cut -c1-4)
users=600	# the agency's staff beyond the demo users: the orders' requesters
db=$out/bench-$orders-u$users-s$schema.db
port=18480
nginx_port=18481
port2=18482	# BACKEND=pg: the second server process
lb_port=18483	# and nginx in front of both
base=http://127.0.0.1:$port

[ -f "$db" ] || { echo "generating $orders work orders into $db"; \
	/usr/bin/time -f "generated in %e s, max RSS %M KB" ./houqin gen --db "$db" --users "$users" --workorders "$orders"; }
work=$(mktemp -d /tmp/houqin-bench.XXXXXX)
chmod 755 "$work"	# nginx's workers (www-data) read the ceiling file from here
pids=()
pgdir=$work/pg
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ ! -d "$pgdir" ] || tools/pg-cluster.sh stop "$pgdir" || true
	rm -rf "$work"
}
trap cleanup EXIT
# the dataset's chain is keyed with the key gen made beside it
key=$PWD/$out/audit.key

# PostgreSQL: durable like SQLite in WAL with synchronous=NORMAL (a commit is not
# flushed by itself, the log is fsynced in the background: a crash of the machine may
# lose the last moments, never consistency), and room for the dataset in memory.
pg_setup() {
	tools/pg-cluster.sh start "$pgdir" >/dev/null
	. "$pgdir/env"
	printf '%s\n' "fsync = on" "full_page_writes = on" "synchronous_commit = off" \
		"shared_buffers = 256MB" >>"$pgdir/data/postgresql.conf"
	runuser -u postgres -- "$(pg_config --bindir)/pg_ctl" -D "$pgdir/data" -w restart >/dev/null
	pg_base=${HOUQIN_TEST_PG%/postgres}
	psql "$HOUQIN_TEST_PG" -X -q -c "CREATE DATABASE bench"
	target=$pg_base/bench
	./houqin migrate --db "$target" --data "$work/data" --audit-key "$key" >/dev/null 2>&1
	/usr/bin/time -f "copied into PostgreSQL in %e s" python3 bench/pg_load.py "$db" \
		runuser -u postgres -- psql -h "$pgdir" -p "${pg_base##*:}" -d bench 2>&1 |
		grep -v '^pg_load:'
}
if [ "$backend" = pg ]; then
	pg_setup
else
	cp "$db" "$work/bench.db"
	target=$work/bench.db
fi
serve() { # port; exec: the background job's pid is the server's
	exec ./houqin serve ${BENCH_THREADS:+--threads "$BENCH_THREADS"} --db "$target" \
		--data "$work/data" --audit-key "$key" --listen 127.0.0.1:$1
}

# Cold start: exec to the first answered request.
t0=$(date +%s%N)
serve $port >"$work/serve.log" 2>&1 &
srv=$!; pids+=("$srv")
wait_up() { # url: up to 10 s
	for _ in $(seq 1 2000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.005; done
	echo "bench: $1 did not answer" >&2
	exit 1
}
wait_up "$base/api/v1/health"
cold_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

# An API token for the office demo user.
jar=$work/cookies
csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
	-d '{"username":"office","password":"Demo@2026"}' "$base/api/v1/session" |
	sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
token=$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	-d '{"name":"bench"}' "$base/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
export HQ_TOKEN=$token
q() { sqlite3 "$db" "$1"; }	# the dataset: the same rows on either backend
export HQ_MAX_ID=$(q "SELECT max(id) FROM workorder")
export HQ_CATEGORY=$(q "SELECT id FROM wo_category ORDER BY id LIMIT 1")
export HQ_LOCATION=$(q "SELECT id FROM location WHERE kind='room' ORDER BY id LIMIT 1")
export HQ_STATS_FROM=$(date -d '-30 days' +%F)

run_wrk() { # name script url
	sleep 2	# let the previous scenario's queued requests drain
	wrk -t2 -c"$conns" -d"${secs}s" -s "bench/wrk/$2" "$3" | tail -n 1 >"$work/$1.json"
}
run_all() { # prefix url
	for s in create list get stats mix workbench; do run_wrk "$1$s" $s.lua "$2"; done
}
run_all "" "$base"
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$srv/status)

# Writes with and without a login flood (issue #11): argon2id runs on the prep
# workers, so the writer's queue must not grow behind it. Same clients for both.
flood=${BENCH_LOGIN_CONNS:-8}
export HQ_LOGIN_USERS=$users
sleep 2
wrk -t1 -c"$flood" -d"${secs}s" -s bench/wrk/create.lua "$base" | tail -n 1 >"$work/create_quiet.json"
sleep 2
wrk -t1 -c"$flood" -d"$((secs + 2))s" -s bench/wrk/login.lua "$base" | tail -n 1 >"$work/login_flood.json" &
flood_pid=$!
sleep 1	# the flood is at full speed before the writes are measured
wrk -t1 -c"$flood" -d"${secs}s" -s bench/wrk/create.lua "$base" | tail -n 1 >"$work/create_flood.json"
wait "$flood_pid"
flood_rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$srv/status)
echo "{\"conns\":$flood,\"rss_kb\":$flood_rss_kb}" >"$work/flood.json"
# the list page itself, for an informative ceiling of the same size (below)
curl -sf -H "Authorization: Bearer $token" \
	"$base/api/v1/workorders?scope=all&status=confirmed&category_id=$HQ_CATEGORY&page=1&per_page=20" \
	>"$work/listpage.json"
# PostgreSQL: a second process on the same database, both behind nginx (docs/deploy.md)
if [ "$backend" = pg ]; then
	serve $port2 >"$work/serve2.log" 2>&1 &
	srv2=$!; pids+=("$srv2")
	wait_up "http://127.0.0.1:$port2/api/v1/health"
	sed "s#@DIR@#$work#g; s#@PORT@#$lb_port#g; s#@A@#$port#g; s#@B@#$port2#g" \
		bench/nginx-lb.conf.in >"$work/nginx-lb.conf"
	nginx -c "$work/nginx-lb.conf" -e "$work/nginx-lb-error.log" &
	pids+=("$!")
	wait_up "http://127.0.0.1:$lb_port/api/v1/health"
	run_all two_ "http://127.0.0.1:$lb_port"
	kill -TERM "$srv2"; wait "$srv2" || true
fi
kill -TERM "$srv"; wait "$srv" || true

# Ceilings, measured now on the same machine.
head -c 2048 /dev/zero | tr '\0' 'x' | sed 's/^/{"pad":"/; s/$/"}/' | cut -c1-2048 >"$work/small.json"
sed "s#@DIR@#$work#g; s#@PORT@#$nginx_port#g" bench/nginx.conf.in >"$work/nginx.conf"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=("$!")
chmod 644 "$work/small.json"
wait_up "http://127.0.0.1:$nginx_port/small.json"
HQ_TOKEN=x wrk -t2 -c"$conns" -d"${secs}s" -s bench/wrk/report.lua \
	"http://127.0.0.1:$nginx_port/small.json" | tail -n 1 >"$work/http_ceiling.json"
# informative, not a target: the same nginx serving a file the size of a list page
chmod 644 "$work/listpage.json"
HQ_TOKEN=x wrk -t2 -c"$conns" -d"${secs}s" -s bench/wrk/report.lua \
	"http://127.0.0.1:$nginx_port/listpage.json" | tail -n 1 >"$work/http_list_ceiling.json"
# the write ceiling writes into a copy of the dataset
if [ "$backend" = pg ]; then
	psql "$HOUQIN_TEST_PG" -X -q -c "CREATE DATABASE ceiling TEMPLATE bench"
	build/bench/ceiling_write "$pg_base/ceiling" "$secs" >"$work/write_ceiling.json"
else
	cp "$db" "$work/ceiling.db"
	build/bench/ceiling_write "$work/ceiling.db" "$secs" >"$work/write_ceiling.json"
fi

# first-load JS of the web UI (issue #13 item 7): the login page and the heaviest page
node tools/bundle-budget.mjs web/dist --json >"$work/first_load.json"

python3 bench/report.py "$work" "$cold_ms" "$rss_kb" "$orders" "$out" "$backend"
[ "$backend" = pg ] || bench/audit_verify.sh	# issue #11: verify speed at 10 million audit records
