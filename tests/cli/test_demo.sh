#!/bin/bash
# `houqin init --demo` leaves every demo login something to do (issue #13 item 8): approvals
# waiting on the leader and on each department head, an overdue order in the office's
# 已超时, worker1's open orders, a resolved order waiting for staff1's rating, and unread
# notifications for staff1, office, worker1, depthead1, leader and supervisor. Asked through
# the API of a server on the demo database, as each user sees it; the audit chain verifies.
#
#   tests/cli/test_demo.sh            (after make houqin; DB: a SQLite file, or
#   HOUQIN_DEMO_DB=postgresql://...   an empty PostgreSQL database to seed instead)
set -u
cd "$(dirname "$0")/../.."
bin=${HOUQIN_BIN:-./houqin}
tmp=$(mktemp -d /tmp/houqin-demo-XXXXXX)
db=${HOUQIN_DEMO_DB:-$tmp/demo.db}
pass=0
fail=0
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

if ! "$bin" init --demo --db "$db" --data "$tmp/data" >"$tmp/init.log" 2>&1; then
	echo "FAIL init --demo"; cat "$tmp/init.log"; exit 1
fi
if "$bin" audit verify --db "$db" --data "$tmp/data" >"$tmp/verify.log" 2>&1; then ok; else bad "audit verify"; cat "$tmp/verify.log"; fi

"$bin" serve --db "$db" --data "$tmp/data" --listen 127.0.0.1:0 >"$tmp/serve.log" 2>&1 &
pid=$!
url=""
deadline=$((SECONDS + 10))
while [ -z "$url" ] && [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
	url=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/serve.log" | head -1)
	[ -n "$url" ] || sleep 0.05
done
[ -n "$url" ] || { echo "FAIL server did not start"; cat "$tmp/serve.log"; exit 1; }

# get USER PATH -> the JSON answer, as USER (signed in once, cookie kept per user)
get() {
	if [ ! -f "$tmp/jar.$1" ]; then
		curl -s -m 10 -o /dev/null -c "$tmp/jar.$1" -H 'Content-Type: application/json' \
			-d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" "$url/api/v1/session"
	fi
	curl -s -m 10 -b "$tmp/jar.$1" "$url/api/v1$2"
}

# at_least USER PATH JQ WHAT: the number JQ reads from USER's answer must be >= 1
at_least() {
	local n
	n=$(get "$1" "$2" | jq -r "$3" 2>/dev/null)
	if [ -n "$n" ] && [ "$n" != null ] && [ "$n" -ge 1 ] 2>/dev/null; then
		ok
	else
		bad "$1 has no $4 ($2: '$n')"
	fi
}

for u in leader depthead1 depthead2 depthead3 depthead4 depthead5; do
	at_least "$u" "/approvals?mine=pending" .total "approval waiting on them"
done
at_least office "/workorders?scope=all&overdue=1" .total "overdue order (已超时)"
at_least office "/workorders?scope=all&status=submitted" .total "order to accept (待受理)"
at_least worker1 "/workorders?scope=tasks&status=open" .total "open order of theirs"
at_least staff1 "/workorders?scope=mine&status=resolved" .total "resolved order to rate"
for u in staff1 office worker1 depthead1 leader supervisor; do
	at_least "$u" "/notifications/unread-count" '.count' "unread notification"
done
# the stories happened before init, not at it: the overdue order was created a day ago or more
created=$(get office "/workorders?scope=all&overdue=1&sort=created_at" | jq -r '.items[0].created_at')
[ -n "$created" ] && [ "$(date -d "$created" +%s)" -lt $(($(date +%s) - 20 * 3600)) ] && ok ||
	bad "the oldest overdue order was created at '$created', not a day before init"
# 公务用车: three months of trips, a few of them flagged for the supervisor
at_least supervisor "/trip-flags?reviewed=0" .total "trip flag to review"
at_least office "/trips?status=closed&from=$(date -d '80 days ago' +%F)&to=$(date -d '60 days ago' +%F)" \
	.total "trip closed two to three months ago"
# 公务用车 costs: the fuel card's imports (one refuel flagged), the trips' tolls, other costs
at_least office "/fuel-card-imports" .total "fuel-card import"
at_least supervisor "/trip-flags?kind=refuel_no_trip" .total "refuel on a day without a trip"
at_least finance "/vehicle-costs?kind=toll_parking" .total "trip's tolls and parking"
at_least leader "/vehicle-costs?kind=maintenance" .total "maintenance cost"

# 办公用品 (issue #16): the catalog, six months of movements, the flows' open ends, a report
items=$(get office "/supply-items?per_page=1" | jq -r .total)
[ "${items:-0}" -ge 140 ] 2>/dev/null && ok || bad "the demo catalog holds '$items' items, not ~150"
at_least office "/supply-items?low=1" .total "item at its reorder point"
at_least office "/purchase-orders?status=received" .total "received purchase order"
at_least office "/requisitions?status=approved" .total "requisition to issue (待发放)"
last=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) -1 month" +%Y-%m)
at_least finance "/supplies/report?month=$last" '[.departments[].issued_value_fen] | add' \
	"department's issues last month"
at_least finance "/supplies/report?month=$last" '.ledger.closing_value_fen' "stock at last month's end"

echo "demo: $pass passed, $fail failed"
[ "$fail" = 0 ]
