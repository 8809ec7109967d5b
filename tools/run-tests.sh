#!/bin/bash
# Runs the test suites and prints one closing summary line.
#   tools/run-tests.sh            unit + api + api-pg (ASan/UBSan builds) + cli + crash +
#                                 crash-pg + multi + e2e (browser)
#   tools/run-tests.sh unit|api|api-pg|cli|crash|crash-pg|multi|e2e|security
#                                 (several: "api api-pg")
# api runs tests/api on SQLite; api-pg runs the same binaries on PostgreSQL
# (HOUQIN_TEST_BACKEND=pg). Suites that need PostgreSQL (unit, api-pg, crash-pg, multi)
# get HOUQIN_TEST_PG from a throwaway cluster (tools/pg-cluster.sh) started once, when the
# first of them runs, and stopped when this script ends, also on failure or ctrl-C. An
# HOUQIN_TEST_PG already set is used instead (its role needs CREATEDB); multi then skips
# its outage check unless HOUQIN_TEST_PG_DIR names that cluster's pg-cluster.sh dir.
# crash-pg (tests/crash/crash_pg.sh) and multi (tests/multi/multi.sh) run two
# `houqin serve` processes of the release build on one PostgreSQL database.
# security (make test-security): the attack suites tests/api/test_sec_*.c (also run by api,
# so make test has them) and then sqlmap against a served demo database (tools/test-security.sh).
# Each cmocka binary prints its own summary; the last line here counts binaries.
set -u
cd "$(dirname "$0")/.."
suites=${1:-"unit api api-pg cli crash crash-pg multi e2e"}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
passed=0
failed=0
failures=""

# Each binary's wall time follows it ("-- 12.3 s"): where the 20-minute budget goes.
run_bin() {
	local t0=$EPOCHREALTIME
	echo "== $1${label:+ $label}"
	if "$1"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $1${label:-}"
	fi
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "-- %.1f s\n", b - a }'
}

pg_dir=""
pg_stop() {
	[ -n "$pg_dir" ] && tools/pg-cluster.sh stop "$pg_dir"
	pg_dir=""
}
trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Start the run's PostgreSQL cluster the first time a suite needs it.
pg_need() {
	local out
	[ -n "${HOUQIN_TEST_PG:-}" ] && return 0
	pg_dir=$(mktemp -d /tmp/houqin-pg-XXXXXX) || exit 1
	out=$(tools/pg-cluster.sh start "$pg_dir") || exit 1
	export HOUQIN_TEST_PG=${out#export HOUQIN_TEST_PG=}
	export HOUQIN_TEST_PG_DIR=$pg_dir	# multi stops and restarts it (its outage check)
	echo "== PostgreSQL test cluster in $pg_dir (${HOUQIN_TEST_PG##*@})"
}

for suite in $suites; do
	case $suite in
	unit|api)
		[ "$suite" = unit ] && pg_need
		make -s -j2 $(ls tests/$suite/test_*.c 2>/dev/null | sed "s#tests/$suite/\(.*\)\.c#build/tests/$suite/\1#") || exit 1
		for t in build/tests/$suite/test_*; do
			[ -x "$t" ] && HOUQIN_TEST_BACKEND=sqlite run_bin "$t"
		done
		# the fuzz harnesses (tests/fuzz) replay their corpus and regressions once
		if [ "$suite" = unit ]; then
			make -s -j2 $(ls tests/fuzz/fuzz_*.c | sed 's#tests/fuzz/fuzz_\(.*\)\.c#build/tests/fuzz/replay_\1#') || exit 1
			for t in build/tests/fuzz/replay_*; do
				[ -x "$t" ] && run_bin "$t"
			done
		fi
		;;
	api-pg)
		pg_need
		make -s -j2 $(ls tests/api/test_*.c | sed 's#tests/api/\(.*\)\.c#build/tests/api/\1#') || exit 1
		for t in build/tests/api/test_*; do
			[ -x "$t" ] && HOUQIN_TEST_BACKEND=pg label="(pg)" run_bin "$t"
		done
		;;
	security)
		make -s -j2 $(ls tests/api/test_sec_*.c 2>/dev/null | sed 's#tests/api/\(.*\)\.c#build/tests/api/\1#') || exit 1
		for t in build/tests/api/test_sec_*; do
			[ -x "$t" ] && run_bin "$t"
		done
		run_bin tools/test-security.sh
		;;
	cli)
		run_bin tests/cli/test_cli.sh
		run_bin tests/cli/test_demo.sh
		run_bin tests/cli/test_checksrc.sh
		;;
	crash)
		run_bin tests/crash/crash.sh
		;;
	crash-pg)
		pg_need
		run_bin tests/crash/crash_pg.sh
		;;
	multi)
		pg_need
		run_bin tests/multi/multi.sh
		;;
	e2e)	# node:test + playwright-core + chromium
		run_bin tests/e2e/run.sh
		;;
	esac
done
[ -n "$failures" ] && echo "failed:$failures"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
