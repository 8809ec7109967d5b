#!/bin/sh
# A throwaway PostgreSQL cluster for the tests (issue #12): never a mock, never the
# system's own cluster (Debian's postgresql@15-main service is neither needed nor touched).
#   tools/pg-cluster.sh start DIR   initdb in DIR/data, start on a free TCP port on
#                                   127.0.0.1 plus a unix socket in DIR, create the login
#                                   role houqin (CREATEDB, not superuser), and print
#                                     export HOUQIN_TEST_PG=postgresql://houqin:PW@127.0.0.1:PORT/postgres
#                                   (also kept in DIR/env)
#   tools/pg-cluster.sh stop DIR    stop it and remove DIR
#   tools/pg-cluster.sh down DIR    stop the server only (fast shutdown), keeping DIR: the
#                                   multi-process test's database outage
#   tools/pg-cluster.sh up DIR      start it again on the same port
# Runs the server as the postgres user when run as root (initdb refuses root), as the
# current user otherwise. Settings are for tests only: fsync and synchronous_commit off.
set -eu

die() {
	echo "pg-cluster: $*" >&2
	exit 1
}

[ $# = 2 ] || die "usage: $0 start|stop|down|up DIR"
cmd=$1
dir=$2
case $dir in
/*) ;;
*) dir=$PWD/$dir ;;
esac

# pg_config (Debian's wrapper) names the newest server's bindir; fall back to a scan
# when only libpq-dev's pg_config answers.
bindir=$(pg_config --bindir 2>/dev/null || true)
if [ ! -x "$bindir/initdb" ]; then
	bindir=$(ls -dv /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)
	[ -x "$bindir/initdb" ] || die "no initdb found: install postgresql (tools/deps.sh test)"
fi

owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
	owner=postgres
	id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user"
fi

# Run a command as the cluster's owner.
as_owner() {
	if [ "$(id -un)" = "$owner" ]; then
		"$@"
	else
		runuser -u "$owner" -- "$@"
	fi
}

show_log() {
	echo "pg-cluster: server log ($dir/log):" >&2
	cat "$dir/log" >&2 2>/dev/null || true
}

stop() {
	[ -d "$dir" ] || exit 0
	# the marker keeps a wrong DIR from being stopped and removed
	[ -f "$dir/houqin-pg-cluster" ] || die "$dir is not a cluster made by $0"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
			as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ||
			echo "pg-cluster: could not stop the server in $dir" >&2
	fi
	rm -rf "$dir"
}

# Try random ports until one binds: another helper or the system cluster may hold one,
# and no port-probing tool is assumed on a fresh system.
start_on_free_port() {
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		: >"$dir/log"
		if ctl=$(as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
			-o "-c port=$port" start 2>&1); then
			return 0
		fi
		grep -q "could not bind\|could not create lock file\|Address already in use" \
			"$dir/log" || break
	done
	echo "$ctl" >&2
	show_log
	die "the server did not start (last port tried: $port)"
}

start() {
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		die "$dir exists and is not empty"
	fi
	mkdir -p "$dir"
	: >"$dir/houqin-pg-cluster"
	: >"$dir/log"	# the server appends to it as $owner
	chmod 700 "$dir"
	chown -R "$owner" "$dir"
	as_owner test -w "$dir" ||
		die "$owner cannot reach $dir (its parents must be searchable): use a dir under /tmp"
	# UTF8 for the Chinese text; the C locale orders text by bytes, as SQLite does
	if ! as_owner "$bindir/initdb" -D "$dir/data" -U "$owner" -E UTF8 --locale=C \
		--auth-local=trust --auth-host=scram-sha-256 >"$dir/log" 2>&1; then
		show_log
		die "initdb failed"
	fi
	# max_connections: the API suite starts many servers in turn, each with a pool.
	# No parallel workers: 2 shared cores, and a container's small /dev/shm.
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 32MB
max_parallel_workers_per_gather = 0
EOF
	start_on_free_port
	pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	if ! as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$owner" \
		-d postgres -c "CREATE ROLE houqin LOGIN PASSWORD '$pw' CREATEDB NOSUPERUSER" \
		>>"$dir/log" 2>&1; then
		show_log
		stop
		die "could not create the houqin role"
	fi
	echo "export HOUQIN_TEST_PG=postgresql://houqin:$pw@127.0.0.1:$port/postgres" |
		tee "$dir/env"
}

# down/up: only a cluster this script made, and its port comes from DIR/env.
marked() {
	[ -f "$dir/houqin-pg-cluster" ] || die "$dir is not a cluster made by $0"
}

down() {
	marked
	as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
		die "could not stop the server in $dir"
}

up() {
	marked
	port=$(sed -n 's/.*@[^:]*:\([0-9]*\)\/.*/\1/p' "$dir/env")
	[ -n "$port" ] || die "no port in $dir/env"
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "-c port=$port" \
		start >/dev/null || { show_log; die "the server did not start again on port $port"; }
}

case $cmd in
start) start ;;
stop) stop ;;
down) down ;;
up) up ;;
*) die "usage: $0 start|stop|down|up DIR" ;;
esac
