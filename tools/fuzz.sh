#!/bin/sh
# Runs the libFuzzer harnesses `make fuzz` built (build/fuzz/bin/fuzz_NAME) for
# FUZZ_SECONDS each (default 60): all of them, or the names given.
#   tools/fuzz.sh [NAME...]
# Seeds: tests/fuzz/corpus/NAME (committed); tokens: tests/fuzz/NAME.dict if any.
# New inputs libFuzzer finds go to build/fuzz/corpus/NAME (not committed). A
# crash, leak, timeout or sanitizer report fails the run and leaves the input
# in tests/fuzz/regressions/NAME/, which tools/run-tests.sh unit replays:
# commit it with the fix.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
names=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's#tests/fuzz/fuzz_\(.*\)\.c#\1#')}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=""
for n in $names; do
	bin=build/fuzz/bin/fuzz_$n
	[ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz-bin)"; exit 1; }
	mkdir -p "build/fuzz/corpus/$n" "tests/fuzz/regressions/$n"
	dict=""
	[ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
	echo "== fuzz_$n for ${secs}s"
	# shellcheck disable=SC2086
	if "$bin" $dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="tests/fuzz/regressions/$n/" \
		"build/fuzz/corpus/$n" "tests/fuzz/corpus/$n" >"build/fuzz/$n.log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|DONE' "build/fuzz/$n.log" | tr '\n' ' '
		echo
	else
		tail -n 40 "build/fuzz/$n.log"
		echo "fuzz_$n FAILED (log: build/fuzz/$n.log; input in tests/fuzz/regressions/$n/)"
		failed="$failed $n"
	fi
done
[ -z "$failed" ] || { echo "fuzz failed:$failed"; exit 1; }
echo "fuzz: all passed (${secs}s each)"
