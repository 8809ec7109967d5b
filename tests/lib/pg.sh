# shellcheck shell=bash
# tests/lib/pg.sh: PostgreSQL for the shell tests (tests/multi, tests/crash), sourced.
# Uses HOUQIN_TEST_PG when set (its role needs CREATEDB; HOUQIN_TEST_PG_DIR names the
# tools/pg-cluster.sh dir it runs from, which the outage check needs), else starts a
# throwaway cluster with tools/pg-cluster.sh. pg_cleanup drops the databases made here
# and stops a cluster started here; call it from the script's EXIT trap.

pg_own=""
pg_dbs=""

pg_setup() {
	local out
	[ -n "${HOUQIN_TEST_PG:-}" ] && return 0
	pg_own=$(mktemp -d /tmp/houqin-pg-XXXXXX) || return 1
	out=$(tools/pg-cluster.sh start "$pg_own") || { pg_own=""; return 1; }
	HOUQIN_TEST_PG=${out#export HOUQIN_TEST_PG=}
	HOUQIN_TEST_PG_DIR=$pg_own
}

# The URI of database NAME on the test server: HOUQIN_TEST_PG with its path replaced.
pg_uri_for() {
	local base=${HOUQIN_TEST_PG%%\?*} rest
	local query=${HOUQIN_TEST_PG#"$base"}
	rest=${base#*://}
	echo "${base%%://*}://${rest%%/*}/$1$query"
}

pg_sql() { # URI SQL: one statement, unaligned rows
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# A new empty database named PREFIX_<pid>_<random>; prints its URI.
pg_create_db() {
	local name=${1}_$$_$RANDOM
	pg_sql "$HOUQIN_TEST_PG" "CREATE DATABASE $name" >/dev/null || return 1
	pg_dbs="$pg_dbs $name"
	pg_uri_for "$name"
}

# Stop and start the server (only a cluster made by tools/pg-cluster.sh).
pg_down() { tools/pg-cluster.sh down "$HOUQIN_TEST_PG_DIR"; }
pg_up() { tools/pg-cluster.sh up "$HOUQIN_TEST_PG_DIR"; }

pg_cleanup() {
	local name
	for name in $pg_dbs; do
		pg_sql "$HOUQIN_TEST_PG" "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
	done
	pg_dbs=""
	[ -n "$pg_own" ] && tools/pg-cluster.sh stop "$pg_own"
	pg_own=""
}
