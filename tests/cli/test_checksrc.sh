#!/bin/bash
# tools/checksrc.c, the checker behind `make lint`: known-bad snippets must give exactly
# the expected `file:line: rule: message` findings and exit 1; tricky but valid code
# must give none and exit 0 (a checker that cries wolf gets switched off).
set -u
cd "$(dirname "$0")/../.."
make -s build/tools/checksrc || exit 1
bin=$PWD/build/tools/checksrc
tmp=$(mktemp -d /tmp/houqin-checksrc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

# run NAME WANT_EXIT FILE...: checksrc from $tmp (so paths are relative, as in make lint)
run() {
	local name=$1 want=$2
	shift 2
	(cd "$tmp" && "$bin" "$@") >"$tmp/out" 2>&1
	local got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, want $want"; sed 's/^/    /' "$tmp/out"; fi
}

# findings NAME "LINE RULE" ...: the findings, exactly these, by line number
findings() {
	local name=$1
	shift
	: >"$tmp/want"
	[ $# -gt 0 ] && printf '%s\n' "$@" >"$tmp/want"
	# by line; the if-assign pass runs after the line-by-line rules
	sed -n 's/^[^:]*:\([0-9]*\): \([a-z-]*\): .*/\1 \2/p' "$tmp/out" | sort -n -s -k1,1 >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok
	else
		bad "$name: findings differ (want | got)"
		diff -y "$tmp/want" "$tmp/got" | sed 's/^/    /'
	fi
	# every line has the form file:line: rule: message
	if grep -qvE '^[^:]+:[0-9]+: [a-z-]+: .+' "$tmp/out"; then
		bad "$name: a line is not file:line: rule: message"
		sed 's/^/    /' "$tmp/out"
	else
		ok
	fi
}

mkdir -p "$tmp/src/x" "$tmp/tests"

# ---- each rule once, plus the forms that slipped past the old grep ----
cat >"$tmp/src/x/bad.c" <<'EOF'
/*
** x/bad.c: one violation of each rule, on known lines.
*/
typedef struct foo foo_t;
static int
f(char *d, const char *s, char *p, int x)
{
	strcpy(d, s);
	strtok_r (d, ",", &p);
	if (p == NULL || NULL != s)
		return atoi(s);
	if ((p = d))
		x++;
	if (x > 1 &&
	    (x <<= 1))
		x++;
    return x;
	 	x++;
	x++; 
	return x + 0x1111111111 + 0x1111111111 + 0x1111111111 + 0x1111111111 + 0x1111111111 + 0x1111111111 + 0x11111;
}

static int g(void)
{
	return 0;
}
int
k(const char *s) {
	return (int)strtol(s, 0, 10);
}
static void
die(void)
{
	abort();
}
EOF
run "bad file" 1 src/x/bad.c
findings "bad file" \
	"4 typedef" "8 banned" "9 banned" "10 null-compare" "10 null-compare" "11 banned" \
	"12 if-assign" "15 if-assign" "17 indent" "18 indent" "19 trailing" "20 long-line" \
	"23 return-type" "28 return-type" "29 strtol" "34 exit"
grep -q '^src/x/bad.c:8: banned: strcpy() is banned$' "$tmp/out" && ok || bad "message text for strcpy"

# ---- handlers take memory from the arena; only main.c ends the process ----
printf '/* x/x_api.c */\nstatic void\nh(void)\n{\n\tchar *p = malloc(4);\n\n\tfree(p);\n}\n' \
	>"$tmp/src/x/x_api.c"
run "heap in a handler file" 1 src/x/x_api.c
findings "heap in a handler file" "5 api-heap" "7 api-heap"
printf '/* main.c */\nint\nmain(void)\n{\n\texit(1);\n}\n' >"$tmp/src/main.c"
run "exit in main.c" 0 src/main.c

# ---- module SQL is the subset both backends accept; the db/ backends and C code may differ ----
cat >"$tmp/src/x/sql.c" <<'EOF'
/* x/sql.c: SQLite-only SQL in string literals */
static const char a[] = "SELECT strftime('%Y', at / 1000, 'unixepoch') FROM t";
static const char b[] = "INSERT OR IGNORE INTO t (a) VALUES (:a)";
static const char c[] = "SELECT 1 FROM t WHERE name GLOB 'gen*'";
static const char d[] = "SELECT IFNULL(a, 0), DATE(at) FROM t";
static const char g[] = "SELECT group_concat(name) FROM t WHERE instr(name, 'x') > 0";
/* fine: C's strftime, an UPDATE, to_date, a comment saying INSERT OR IGNORE */
static const char e[] = "UPDATE t SET a = :a; SELECT to_date(:s) FROM t";
static void
f(char *out, struct tm *tm)
{
	strftime(out, 16, "%Y-%m-%d", tm);
}
EOF
run "sqlite-only sql" 1 src/x/sql.c
findings "sqlite-only sql" "2 sql-dialect" "3 sql-dialect" "4 sql-dialect" "5 sql-dialect" \
	"5 sql-dialect" "6 sql-dialect" "6 sql-dialect"
mkdir -p "$tmp/src/db"
cp "$tmp/src/x/sql.c" "$tmp/src/db/db_x.c"
run "the db/ backends may speak their dialect" 0 src/db/db_x.c

# ---- the header rule, and a missing file ----
printf 'int x;\n' >"$tmp/tests/nohead.c"
run "no header" 1 tests/nohead.c
findings "no header" "1 header"
run "missing file" 2 tests/does-not-exist.c

# ---- a line of code may run to 110 columns, a table row (and its column heads) to 160;
# a tab counts to the next multiple of 8 and 报 as one column (it is 3 bytes) ----
x() { printf '%*s' "$1" '' | tr ' ' 'x'; }
cat >"$tmp/tests/rows.c" <<EOF
/* tests/rows.c: long table rows */
static const struct { const char *a; } rows[] = {
	/* column heads, 160 columns $(x 120) */
	{ "$(x 138) }, $(x 3)" },
	[1] = { "$(x 110)" },	/* after a row */
	{ "$(x 146)" },
};
static const char *s = "$(x 84)";
static const char *t = "$(x 85)";
static const char *u = "报报报报$(x 80)";
EOF
run "rows" 1 tests/rows.c
findings "rows" "6 long-line" "9 long-line"

# ---- valid code that looks close to a violation: no findings ----
cat >"$tmp/src/x/good.c" <<'EOF'
/*
** x/good.c: nothing here breaks a rule.
*/
/* strcpy(a, b) in a comment, and == NULL */
typedef int (*good_fn)(const char *s);
struct pt { int x, y; };
static const char msg[] = "sprintf( strcat( if (a = b) == NULL";

static int
compare(const char *a,
	const char *b)
{
	return a == b;
}

int
good(char *p, const char *s, int x, struct pt (*mk)(struct pt))
{
	char c = '"';
	int n = my_atoi(s) + snprintf(p, 4, "%d", x) + (c == '=');

	if (x == 1 || x != 2 || x <= 3 || x >= 4)
		n++;
	if (mk((struct pt){ .x = 1, .y = 2 }).x)
		n++;
	while ((p = strchr(p, ',')))
		p++;
	if (!p && compare(s,
			  msg))
		n += 1;
	return n;
}
EOF
run "good file" 0 src/x/good.c
findings "good file"
# outside src/ a definition may keep its return type on the line, and strtol is allowed
cp "$tmp/src/x/good.c" "$tmp/tests/good.c"
printf 'static long h(const char *s) {\n\treturn strtol(s, 0, 10);\n}\n' >>"$tmp/tests/good.c"
run "src/-only rules outside src" 0 tests/good.c
# and src/core/parse.c is where strtol lives
mkdir -p "$tmp/src/core"
printf '/* core/parse.c */\nlong\np(const char *s)\n{\n\treturn strtol(s, 0, 10);\n}\n' >"$tmp/src/core/parse.c"
run "strtol in parse.c" 0 src/core/parse.c

# ---- and the tree itself passes (what make lint runs) ----
files=$(find src tests tools -name '*.c' -o -name '*.h')
# shellcheck disable=SC2086
"$bin" $files >"$tmp/out" 2>&1 && ok || { bad "the tree has findings"; sed 's/^/    /' "$tmp/out"; }

echo "checksrc: $pass passed, $fail failed"
[ "$fail" = 0 ]
