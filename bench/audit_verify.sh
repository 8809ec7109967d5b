#!/usr/bin/env bash
# make bench (run by bench/run.sh): how fast `houqin audit verify` walks a large chain
# (issue #11: fast at 10 million rows).
#   BENCH_AUDIT_ROWS (default 10000000)  generated audit records (cached in bench/out/audit)
# Generates the chain once with `houqin gen --audit N` (keyed, batched inserts), then times
# two verify runs (the first may read the file from disk, the second finds it in the page
# cache) and prints records/s. Writes bench/out/audit-verify-<time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${BENCH_AUDIT_ROWS:-10000000}
out=bench/out/audit
mkdir -p "$out"
schema=$(basename "$(ls migrations/*.sql | tail -n 1)" | cut -c1-4)
db=$out/audit-$rows-s$schema.db		# its audit.key is made beside it
[ -f "$db" ] || { echo "generating $rows audit records into $db"; \
	/usr/bin/time -f "generated in %e s, max RSS %M KB" ./houqin gen --db "$db" --audit "$rows"; }

timed_verify() {	# -> "<ms> <records>"
	local t0 t1 line
	t0=$(date +%s%N)
	line=$(./houqin audit verify --db "$db")
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(echo "$line" | sed -n 's/^audit chain ok (\([0-9]*\) records.*/\1/p')"
}
read -r cold_ms n < <(timed_verify)
read -r warm_ms n < <(timed_verify)
[ -n "$n" ] || { echo "bench: audit verify did not say ok" >&2; exit 1; }
rate() { echo $(( $1 * 1000 / ($2 > 0 ? $2 : 1) )); }
echo "audit verify: $n records, warm $warm_ms ms ($(rate "$n" "$warm_ms") records/s)," \
	"first run $cold_ms ms ($(rate "$n" "$cold_ms") records/s), $(du -h "$db" | cut -f1) database"
printf '{"records":%s,"warm_ms":%s,"cold_ms":%s,"warm_records_s":%s,"cold_records_s":%s}\n' \
	"$n" "$warm_ms" "$cold_ms" "$(rate "$n" "$warm_ms")" "$(rate "$n" "$cold_ms")" \
	>"bench/out/audit-verify-$(date +%Y%m%dT%H%M%S).json"
