#!/usr/bin/env bash
# bench/agencies.sh: does one agency's speed depend on the other agencies' rows?
# (issue #12 item 5, docs/scale.md). On PostgreSQL, builds two databases with
# `houqin gen`: one agency with ORDERS orders, and AGENCIES agencies with ORDERS each;
# then, on each, serves it and measures agency 1's work-order list and stats (the
# office user's token) with wrk, and prints p50/p99 side by side.
#   AGENCIES (default 100), ORDERS (default 2000)  the dataset (`gen --agencies --workorders`)
#   SECONDS_EACH (default 10), CONNS (default 4)   wrk per scenario
#   AGENCIES_PG   a PostgreSQL base URI (postgresql://user:pw@host:port) whose role may
#                 create databases: use it instead of a throwaway cluster
#   AGENCIES_DATA a directory kept between runs (data dirs and audit keys): with
#                 AGENCIES_PG, a database ag<N> that exists already is measured as it is
# Needs ./houqin (make), wrk, psql. 2 shared cores: run it briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
agencies=${AGENCIES:-100}
orders=${ORDERS:-2000}
secs=${SECONDS_EACH:-10}
conns=${CONNS:-4}
port=18490
work=$(mktemp -d /tmp/houqin-agencies.XXXXXX)
data=${AGENCIES_DATA:-$work}
srv=""
cleanup() {
	[ -z "$srv" ] || kill "$srv" 2>/dev/null || true
	[ ! -f "$work/pg/houqin-pg-cluster" ] || tools/pg-cluster.sh stop "$work/pg" || true
	rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${AGENCIES_PG:-}" ]; then
	pg_base=$AGENCIES_PG
else
	tools/pg-cluster.sh start "$work/pg" >/dev/null
	. "$work/pg/env"
	pg_base=${HOUQIN_TEST_PG%/postgres}
fi

# ag<N>: N agencies of $orders orders each (plus each demo agency's own history)
dataset() { # n
	local uri=$pg_base/ag$1
	if ! psql "$pg_base/postgres" -X -Atc "SELECT 1 FROM pg_database WHERE datname = 'ag$1'" |
		grep -q 1; then
		psql "$pg_base/postgres" -X -q -c "CREATE DATABASE ag$1"
		/usr/bin/time -f "gen --agencies $1: %e s" ./houqin gen --db "$uri" \
			--data "$data/ag$1" --agencies "$1" --workorders "$orders" >/dev/null
	fi
}

wrk_json() { # url-path [script]
	HQ_TOKEN=$token HQ_BENCH_DIR=$PWD/bench wrk -t1 -c"$conns" -d"${secs}s" \
		-s "bench/wrk/${2:-report.lua}" -H "Authorization: Bearer $token" \
		"http://127.0.0.1:$port$1" | tail -n 1
}

measure() { # n -> lines "n scenario json"
	local uri=$pg_base/ag$1 jar=$work/jar csrf cat from
	./houqin serve --db "$uri" --data "$data/ag$1" --listen 127.0.0.1:$port \
		>"$work/serve-$1.log" 2>&1 &
	srv=$!
	for _ in $(seq 1 200); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break
		sleep 0.05
	done
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
		-d '{"username":"office","password":"Demo@2026"}' \
		"http://127.0.0.1:$port/api/v1/session" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
	token=$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d '{"name":"agencies"}' "http://127.0.0.1:$port/api/v1/tokens" |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	cat=$(psql "$uri" -X -Atc "SELECT min(c.id) FROM wo_category c JOIN app_user u
		ON u.agency_id = c.agency_id WHERE u.username = 'office'")
	from=$(date -d '-30 days' +%F)
	echo "$1 rows $(psql "$uri" -X -Atc "SELECT count(*) || ' orders, ' ||
		count(DISTINCT agency_id) || ' agencies' FROM workorder")"
	wrk_json "/api/v1/workorders?scope=all&page=1&per_page=20" >/dev/null	# warm up
	echo "$1 list $(wrk_json "/api/v1/workorders?scope=all&status=confirmed&category_id=$cat&page=1&per_page=20")"
	echo "$1 list_all $(wrk_json "/api/v1/workorders?scope=all&page=50&per_page=20")"
	echo "$1 stats $(wrk_json "/api/v1/workorders/stats?from=$from&group=category")"
	echo "$1 stats_year $(wrk_json "/api/v1/workorders/stats?from=$(date -d '-365 days' +%F)&group=month")"
	echo "$1 stats_vary $(wrk_json / stats_vary.lua)"
	kill -TERM "$srv"
	wait "$srv" || true
	srv=""
}

dataset 1
dataset "$agencies"
{ measure 1; measure "$agencies"; } | tee "$work/results"
python3 - "$work/results" "$agencies" "$orders" "$conns" "$secs" <<'EOF'
import json, sys
path, n, orders, conns, secs = sys.argv[1:6]
res, rows = {}, {}
for line in open(path):
    k, what, rest = line.split(" ", 2)
    if what == "rows":
        rows[k] = rest.strip()
    else:
        res[(k, what)] = json.loads(rest)
print(f"\nagency 1's requests, wrk -t1 -c{conns} -d{secs}s; 2 cores shared with other work")
for k in ("1", n):
    print(f"  ag{k}: {rows[k]}")
print(f"{'scenario':<11} {'1 agency p50/p99 ms':>22} {'req/s':>7}   "
      f"{n + ' agencies p50/p99 ms':>24} {'req/s':>7}  p99 ratio")
for s in ("list", "list_all", "stats", "stats_year", "stats_vary"):
    a, b = res[("1", s)], res[(n, s)]
    print(f"{s:<11} {a['p50_ms']:>10.2f} / {a['p99_ms']:>8.2f} {a['req_s']:>7.0f}   "
          f"{b['p50_ms']:>12.2f} / {b['p99_ms']:>8.2f} {b['req_s']:>7.0f}  "
          f"{b['p99_ms'] / a['p99_ms']:.2f}  errors {a['errors']}/{b['errors']}")
EOF
