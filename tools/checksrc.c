/*
** tools/checksrc.c: the house style checker run by `make lint` (modelled on
** curl's checksrc). Reads each C file named on the command line and prints
** one line per finding, `file:line: rule: message`; exits 1 if it printed any,
** 2 on a usage or I/O error. STYLE.md §1.16 and §2 give the reasons.
**
** Rules (comments and string/char literals are blanked out first, so only
** code is matched, except by the layout rules that read the raw line):
**   banned       a call of sprintf vsprintf strcat strncat strcpy strncpy gets
**                atoi atol strtok, and strtok_r: it has no hidden state, but it
**                still skips empty fields ("a,,b" gives two tokens) and writes
**                into its input, which a strict parser (STYLE.md §1.8) must not
**                do; use memchr/strcspn with lengths
**   indent       indentation is tabs; spaces may follow them (fewer than 8) to
**                align a continuation; a line indented by spaces alone must
**                continue the previous line's statement (not start one)
**   trailing     no trailing whitespace
**   long-line    at most LINE_MAX_COLS (110) columns, a tab counting to the
**                next multiple of 8 and a UTF-8 character as one column; a
**                table row (a line that is one `{ ... },` initializer) may run
**                to ROW_MAX_COLS (160), so a route or a test case stays one row,
**                and so may a comment line of column heads right above a row
**   strtol       (src/ only) strtol and the other strto* number parsers only in
**                src/core/parse.c, whose parse_*() check the whole string and
**                the range (STYLE.md §1.8)
**   exit         (src/ only) exit, _exit, _Exit, quick_exit and abort only in
**                src/main.c: nothing on a request path ends the process (§1.4)
**   api-heap     no malloc, calloc, realloc, strdup or free in a src/ *_api.c:
**                handlers take memory from the request arena (§1.5)
**   null-compare `p == NULL` / `p != NULL`: write `!p` / `p`
**   if-assign    no assignment inside an `if (...)` condition
**   typedef      no `typedef struct` (only function-pointer types are typedef'd)
**   header       the file opens with a comment saying what it owns
**   return-type  (src/ only) a function definition puts its return type on
**                its own line, so `^name(` finds it, and its `{` on a line alone
**   sql-dialect  (src/ outside src/db/) no SQLite-only SQL in a string literal:
**                strftime( julianday( datetime( date( INSERT OR, REPLACE INTO,
**                GLOB, IFNULL(, last_insert_rowid(, randomblob(, PRAGMA,
**                AUTOINCREMENT, COLLATE NOCASE, sqlite_, group_concat(, instr(,
**                iif(: module SQL is the
**                subset SQLite and PostgreSQL both accept (issue #12); times
**                are epoch ms integers, computed in C
**
** Exemptions are listed in the `exempt` table below with their reason; there
** are no others.
**
** Measured on the tree when these rules came in (issue #10, 134 files): 3
** banned calls, 12 if-assign, 19 null-compare, none for the other rules
** except length. Lines over 80 columns: 4407; over 100: 320; over 110: 83,
** of which 68 were table rows (routes, the work-order transition matrix; the
** longest 157) and 15 were wrapped. STYLE.md's 80 would need thousands of
** edits, so the limit is 110 until the code is rewrapped for it.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LINE_MAX_COLS
#define LINE_MAX_COLS 110
#endif
#ifndef ROW_MAX_COLS
#define ROW_MAX_COLS 160
#endif

/*
** Files excused from one rule, each with its reason. None today: a new row
** says { "src/x.c", "long-line", "why" } and is reviewed like code.
*/
static const struct {
	const char *path;	/* a path as given on the command line */
	const char *rule;
	const char *why;
} exempt[] = {
	{ NULL, NULL, NULL },	/* end */
};

static const char *const banned_names[] = {
	"sprintf", "vsprintf", "strcat", "strncat", "strcpy", "strncpy", "gets",
	"atoi", "atol", "strtok", "strtok_r", NULL,
};

/* The number parsers only src/core/parse.c may call (STYLE.md §1.8). */
static const char *const strto_names[] = {
	"strtol", "strtoll", "strtoul", "strtoull", "strtoimax", "strtoumax", "strtod", "strtof",
	NULL,
};
#define PARSE_C "src/core/parse.c"

/* Only main.c may end the process (STYLE.md §1.4: never abort on a request path). */
static const char *const exit_names[] = { "exit", "_exit", "_Exit", "abort", "quick_exit", NULL };
#define MAIN_C "src/main.c"

/* Handlers allocate from the request arena (STYLE.md §1.5), so *_api.c calls none of these. */
static const char *const heap_names[] = { "malloc", "calloc", "realloc", "free", "strdup", NULL };

struct file {
	const char *path;
	char **raw;	/* the lines as read, without '\n' */
	char **code;	/* the same with comments and literals blanked */
	char **strs;	/* the same with all but string-literal contents blanked */
	size_t n;
	int in_src;
	int is_parse_c;
	int is_main_c;
	int is_api_c;
	int is_db;	/* src/db/: the backends may speak their own dialect */
	int errors;
};

static int
exempted(const struct file *f, const char *rule)
{
	for (size_t i = 0; exempt[i].path; i++)
		if (!strcmp(exempt[i].path, f->path) && !strcmp(exempt[i].rule, rule))
			return 1;
	return 0;
}

static void
report(struct file *f, size_t line, const char *rule, const char *msg)
{
	if (exempted(f, rule))
		return;
	printf("%s:%zu: %s: %s\n", f->path, line + 1, rule, msg);
	f->errors++;
}

static int
is_ident(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether the identifier p[0..n) is one of names[] and is called: `name (` counts. */
static int
called(const char *p, size_t n, const char *const *names)
{
	const char *q = p + n;

	while (*q == ' ' || *q == '\t')
		q++;
	if (*q != '(')
		return 0;
	for (int b = 0; names[b]; b++)
		if (strlen(names[b]) == n && !strncmp(p, names[b], n))
			return 1;
	return 0;
}

/* Columns of a raw line: tabs to the next multiple of 8, UTF-8 characters as one. */
static size_t
columns(const char *s)
{
	size_t col = 0;

	for (; *s; s++) {
		if (*s == '\t')
			col = (col / 8 + 1) * 8;
		else if (((unsigned char)*s & 0xC0) != 0x80)
			col++;
	}
	return col;
}

/*
** Splits buf (NUL-terminated, modified) into f->raw and makes f->code: the
** same lines with comment text and literal contents replaced by spaces.
** Returns 0, or -1 on OOM.
*/
static int
split(struct file *f, char *buf, size_t len)
{
	size_t cap = 1;
	int in_comment = 0;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			cap++;
	f->raw = calloc(cap, sizeof(*f->raw));
	f->code = calloc(cap, sizeof(*f->code));
	f->strs = calloc(cap, sizeof(*f->strs));
	if (!f->raw || !f->code || !f->strs)
		return -1;
	f->n = 0;
	for (char *p = buf; p < buf + len;) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);
		char *c = malloc(n + 1), *t = malloc(n + 1);

		if (!c || !t) {
			free(c);
			free(t);
			return -1;
		}
		p[n] = '\0';
		memcpy(c, p, n + 1);
		memset(t, ' ', n);
		t[n] = '\0';
		for (size_t j = 0; j < n; j++) {
			if (in_comment) {
				if (c[j] == '*' && c[j + 1] == '/') {
					c[j] = c[j + 1] = ' ';
					j++;
					in_comment = 0;
				} else {
					c[j] = ' ';
				}
			} else if (c[j] == '/' && c[j + 1] == '*') {
				c[j] = c[j + 1] = ' ';
				j++;
				in_comment = 1;
			} else if (c[j] == '/' && c[j + 1] == '/') {
				memset(c + j, ' ', n - j);
				break;
			} else if (c[j] == '"' || c[j] == '\'') {
				char q = c[j];

				for (j++; j < n && c[j] != q; j++) {
					if (c[j] == '\\' && j + 1 < n)
						c[j++] = ' ';
					if (q == '"')
						t[j] = p[j];
					c[j] = ' ';
				}
			}
		}
		f->raw[f->n] = p;
		f->code[f->n] = c;
		f->strs[f->n] = t;
		f->n++;
		p += n + 1;
	}
	return 0;
}

/* The last non-blank character of a code line, or 0. */
static char
last_char(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? s[n - 1] : 0;
}

/* The previous line holding code (not blank, not preprocessor), or -1. */
static long
prev_code(const struct file *f, size_t i)
{
	while (i-- > 0) {
		const char *s = f->code[i];

		while (isspace((unsigned char)*s))
			s++;
		if (*s && *s != '#')
			return (long)i;
	}
	return -1;
}

/*
** A table row: one initializer on one line, `{ ... },` or `[X] = { ... },`
** (a route, a test case, a row of a transition matrix), judged on the code
** line so a trailing comment does not hide it.
*/
static int
is_row(const char *code)
{
	const char *t = code + strspn(code, " \t");
	size_t n;

	if (t[0] == '[') {
		t = strchr(t, ']');
		if (!t)
			return 0;
		t += strspn(t + 1, " ") + 1;
		if (*t++ != '=')
			return 0;
		t += strspn(t, " ");
	}
	n = strlen(t);
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	return t[0] == '{' && n >= 2 && (t[n - 1] == '}' || (t[n - 2] == '}' && t[n - 1] == ','));
}

/* A comment alone on its line right above a table row: the table's column heads. */
static int
is_row_head(const struct file *f, size_t i)
{
	const char *c = f->code[i];

	return !c[strspn(c, " \t")] && i + 1 < f->n && is_row(f->code[i + 1]);
}

static void
check_layout(struct file *f, size_t i)
{
	const char *s = f->raw[i];
	size_t len = strlen(s), tabs = 0, spaces = 0, cols;

	if (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		report(f, i, "trailing", "trailing whitespace");
	while (s[tabs] == '\t')
		tabs++;
	while (s[tabs + spaces] == ' ')
		spaces++;
	if (s[tabs + spaces] == '\t')
		report(f, i, "indent", "space before tab in indentation");
	else if (spaces >= 8)
		report(f, i, "indent", "indent with tabs, not 8 or more spaces");
	else if (spaces && !tabs && s[spaces] && f->code[i][spaces] != ' ') {
		long p = prev_code(f, i);
		char c = p < 0 ? 0 : last_char(f->code[p]);

		if (!c || c == ';' || c == '{' || c == '}')
			report(f, i, "indent", "indent with tabs (spaces only align a continuation)");
	}
	cols = columns(s);
	if (cols > LINE_MAX_COLS) {
		int row = is_row(f->code[i]) || is_row_head(f, i);
		char msg[96];

		if (!row || cols > ROW_MAX_COLS) {
			snprintf(msg, sizeof(msg), "line is %zu columns, over %d%s", cols,
				 row ? ROW_MAX_COLS : LINE_MAX_COLS, row ? " for a table row" : "");
			report(f, i, "long-line", msg);
		}
	}
}

static void
check_code(struct file *f, size_t i)
{
	const char *c = f->code[i];

	for (const char *p = c; *p; p++) {
		size_t n = 0;

		if (!is_ident(*p) || (p > c && is_ident(p[-1])))
			continue;
		while (is_ident(p[n]))
			n++;
		if (called(p, n, banned_names)) {
			char msg[64];

			snprintf(msg, sizeof(msg), "%.*s() is banned", (int)n, p);
			report(f, i, "banned", msg);
		}
		if (f->in_src && !f->is_main_c && called(p, n, exit_names)) {
			char msg[96];

			snprintf(msg, sizeof(msg), "%.*s() only in " MAIN_C ": return an error code",
				 (int)n, p);
			report(f, i, "exit", msg);
		}
		if (f->is_api_c && called(p, n, heap_names)) {
			char msg[96];

			snprintf(msg, sizeof(msg), "%.*s() in a handler file: use the request arena",
				 (int)n, p);
			report(f, i, "api-heap", msg);
		}
		if (f->in_src && !f->is_parse_c && called(p, n, strto_names)) {
			char msg[96];

			snprintf(msg, sizeof(msg), "%.*s() only in " PARSE_C ": use its parse_*()",
				 (int)n, p);
			report(f, i, "strtol", msg);
		}
		if (n == 7 && !strncmp(p, "typedef", 7)) {
			const char *q = p + n;

			while (*q == ' ' || *q == '\t')
				q++;
			if (!strncmp(q, "struct", 6) && !is_ident(q[6]))
				report(f, i, "typedef", "typedef struct: name it `struct x`");
		}
		if (n == 4 && !strncmp(p, "NULL", 4)) {
			const char *q = p + n, *r = p;

			while (*q == ' ')
				q++;
			while (r > c && r[-1] == ' ')
				r--;
			if (((q[0] == '=' || q[0] == '!') && q[1] == '=' && q[2] != '=') ||
			    (r - c >= 2 && (r[-2] == '=' || r[-2] == '!') && r[-1] == '='))
				report(f, i, "null-compare", "compare with NULL: write !p or p");
		}
		p += n - 1;
	}
}

static const char *const sqlite_only[] = {
	"strftime(", "julianday(", "datetime(", "date(", "insert or ", "replace into", " glob ",
	"ifnull(", "last_insert_rowid(", "randomblob(", "pragma ", "autoincrement",
	"collate nocase", "sqlite_", "group_concat(", "instr(", "iif(", NULL
};

/* Case-insensitive strstr for an ASCII needle. */
static const char *
find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t k = 0;

		while (k < n && hay[k] && tolower((unsigned char)hay[k]) == needle[k])
			k++;
		if (k == n)
			return hay;
	}
	return NULL;
}

/* SQLite-only SQL in a string literal of a module (not of the db/ backends). */
static void
check_sql_dialect(struct file *f, size_t i)
{
	for (int b = 0; sqlite_only[b]; b++) {
		const char *hit = find_ci(f->strs[i], sqlite_only[b]);
		char msg[128];

		/* a word of its own: update( and to_date( are not date( */
		while (hit && hit > f->strs[i] && is_ident(hit[-1]) && is_ident(hit[0]))
			hit = find_ci(hit + 1, sqlite_only[b]);
		if (!hit)
			continue;
		snprintf(msg, sizeof(msg), "'%s' is SQLite-only: write SQL both backends accept",
			 sqlite_only[b]);
		report(f, i, "sql-dialect", msg);
	}
}

/* Flags `=` (and op=) inside the parentheses of each `if`, across lines. */
static void
check_if_assign(struct file *f)
{
	int depth = 0, braces = 0, reported = 0;

	for (size_t i = 0; i < f->n; i++) {
		const char *c = f->code[i];

		for (const char *p = c; *p; p++) {
			if (!depth) {
				if (p[0] == 'i' && p[1] == 'f' && !is_ident(p[2]) &&
				    (p == c || !is_ident(p[-1]))) {
					const char *q = p + 2;

					while (*q == ' ' || *q == '\t')
						q++;
					if (*q == '(') {
						depth = 1;
						braces = 0;
						reported = 0;
						p = q;
					}
				}
				continue;
			}
			if (*p == '{') {
				braces++;	/* a compound literal: its = are not assignments */
			} else if (*p == '}') {
				braces--;
			} else if (braces) {
				continue;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				depth--;
			} else if (*p == '=' && p[1] != '=' && (p == c ||
				   !strchr("=!<>", p[-1])) && !reported) {
				report(f, i, "if-assign", "assignment inside an if condition");
				reported = 1;
			} else if (*p == '=' && p[1] != '=' && p - c >= 2 &&
				   (p[-1] == '<' || p[-1] == '>') && p[-2] == p[-1] && !reported) {
				report(f, i, "if-assign", "assignment inside an if condition");
				reported = 1;
			}
		}
	}
}

/*
** A function body opens with `{` alone in column 0; the nearest earlier line
** that starts in column 0 is then the one with the name, and it must start
** with it. Lines without `(` there (struct, enum, initializers) are skipped.
*/
static void
check_return_type(struct file *f)
{
	for (size_t i = 1; i < f->n; i++) {
		const char *c = f->code[i];
		size_t j = i, k = 0;

		if (c[0] != '{')
			continue;
		while (j-- > 0) {
			const char *s = f->code[j];

			if (s[0] && !isspace((unsigned char)s[0]) && s[0] != '#')
				break;
		}
		if (j == (size_t)-1 || !strchr(f->code[j], '('))
			continue;
		c = f->code[j];
		while (is_ident(c[k]))
			k++;
		if (!k || c[k] != '(' || isdigit((unsigned char)c[0]))
			report(f, j, "return-type",
			       "put the return type on its own line, the name in column 0");
	}
	/* a definition whose { shares a line with its signature escapes the above */
	for (size_t i = 0; i < f->n; i++) {
		const char *c = f->code[i], *brace = strchr(c, '{');
		const char *close = strchr(c, ')');

		if (!is_ident(c[0]) || !brace || !close || close > brace ||
		    memchr(c, '=', (size_t)(brace - c)))
			continue;
		report(f, i, "return-type", "a function's { goes alone on the line after its name");
	}
}

static void
check_header(struct file *f)
{
	if (!f->n || strncmp(f->raw[0], "/*", 2))
		report(f, 0, "header", "open the file with a comment saying what it owns");
}

/* Whether path is `tail` or ends in "/" tail (or, for a tail not naming a directory, in tail). */
static int
ends_with(const char *path, const char *tail)
{
	size_t n = strlen(path), t = strlen(tail);

	if (n < t || strcmp(path + n - t, tail))
		return 0;
	return n == t || !strchr(tail, '/') || path[n - t - 1] == '/';
}

static int
check_file(const char *path)
{
	struct file f = { .path = path };
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!fp) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				fclose(fp);
				free(buf);
				return -1;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	buf[len] = '\0';
	f.in_src = !strncmp(path, "src/", 4) || strstr(path, "/src/") != 0;
	f.is_parse_c = ends_with(path, PARSE_C);
	f.is_main_c = ends_with(path, MAIN_C);
	f.is_api_c = f.in_src && ends_with(path, "_api.c");
	f.is_db = !strncmp(path, "src/db/", 7) || strstr(path, "/src/db/") != 0;
	if (split(&f, buf, len)) {
		fprintf(stderr, "checksrc: out of memory\n");
		free(buf);
		return -1;
	}
	check_header(&f);
	for (size_t i = 0; i < f.n; i++) {
		check_layout(&f, i);
		check_code(&f, i);
		if (f.in_src && !f.is_db)
			check_sql_dialect(&f, i);
	}
	check_if_assign(&f);
	if (f.in_src)
		check_return_type(&f);
	for (size_t i = 0; i < f.n; i++) {
		free(f.code[i]);
		free(f.strs[i]);
	}
	free(f.code);
	free(f.strs);
	free(f.raw);
	free(buf);
	return f.errors;
}

int
main(int argc, char **argv)
{
	int found = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: checksrc file.c ...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int rc = check_file(argv[i]);

		if (rc < 0)
			return 2;
		found += rc;
	}
	return found ? 1 : 0;
}
