/*
** tests/fuzz/fuzz_router.c: the request pieces that see raw client bytes.
** The input is used as a decoded path (up to its first NUL) for route_match
** against every pattern of modules_routes() and for static_serve (a temporary web
** root with a secret file beside it and a symlink to it: the secret must never
** be served); as a Cookie header for req_cookie; as a query string split on &
** and = and percent-decoded with url_decode for req_page/req_query_i64/
** req_path_id; as a date/time for iso_to_ms, cal_parse_date and cal_parse_hhmm
** (a parsed value must format and parse back to itself); and as raw bytes for
** url_decode, utf8_chars and parse_i64n.
*/
#include "fuzz/fuzz.h"

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/parse.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "http/session.h"
#include "http/static.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "TOPSECRET-7f3a"

static char tmpdir[64];
static struct static_root *root;

static void
put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void
cleanup(void)
{
	static const char *const rel[] = { "www/assets/app.js", "www/favicon.ico", "www/index.html",
					   "www/leak.txt", "secret.txt", "www/assets", "www", "" };
	char p[256];

	static_free(root);
	for (int i = 0; i < (int)(sizeof(rel) / sizeof(rel[0])); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, rel[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
}

static void
setup(void)
{
	char p[256];
	struct err e = { 0 };

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hq-fuzz-static-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(p, sizeof(p), "%s/www", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/www/assets", tmpdir);
	mkdir(p, 0700);
	put("secret.txt", SECRET "\n");
	put("www/index.html", "<!doctype html><title>index</title>");
	put("www/favicon.ico", "icon");
	/* big enough to be gzipped */
	put("www/assets/app.js", "console.log('0123456789abcdef0123456789abcdef0123456789abcdef');\n"
				 "console.log('0123456789abcdef0123456789abcdef0123456789abcdef');\n"
				 "console.log('0123456789abcdef0123456789abcdef0123456789abcdef');\n"
				 "console.log('0123456789abcdef0123456789abcdef0123456789abcdef');\n");
	snprintf(p, sizeof(p), "%s/www/leak.txt", tmpdir);
	if (symlink("../secret.txt", p) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/www", tmpdir);
	if (static_new(p, &root, &e) != 0)
		abort();
	atexit(cleanup);
}

static void
check_routes(struct arena *a, const char *path)
{
	for (size_t i = 0; i < modules_routes()->n; i++) {
		const char *pat = modules_routes()->routes[i].pattern;
		struct req rq = { .arena = a };
		int m = route_match(pat, path, NULL);
		int colons = 0;

		if (route_match(pat, path, &rq) != m)
			abort();
		if (!m)
			continue;
		for (const char *c = pat; *c; c++)
			colons += c[0] == ':' && c > pat && c[-1] == '/';
		if (rq.nparams != colons)
			abort();
		for (int k = 0; k < rq.nparams; k++)
			if (!rq.params[k] || !*rq.params[k] || strchr(rq.params[k], '/'))
				abort();
		if (rq.nparams) {
			int64_t id;
			struct err e = { 0 };
			(void)req_path_id(&rq, 0, &id, &e);
		}
	}
	(void)router_body_max(modules_routes(), "POST", path);
}

static int
contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

static void
check_static(struct arena *a, const char *path)
{
	struct req rq = { .arena = a, .method = "GET", .path = path };
	struct kv h[] = { { "Accept-Encoding", "gzip" } };
	struct resp rs = { .arena = a };

	rq.headers = h;
	rq.nheaders = 1;
	static_serve(root, &rq, &rs);
	if (rs.body && rs.len && contains(rs.body, rs.len, SECRET))
		abort();
}

static void
check_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	int64_t v;

	for (int plus = 0; plus < 2; plus++) {
		long r = url_decode(s, n, out, plus);
		if (r >= 0 && ((size_t)r > n || strlen(out) != (size_t)r))
			abort();
	}
	(void)utf8_chars(s, n);
	(void)parse_i64n(s, n, INT64_MIN, INT64_MAX, &v);
	(void)parse_i64n(s, n, 1, 1000, &v);
}

/* Dates and times from paths (:date) and filters: parse, format, parse again. */
static void
check_times(const char *s)
{
	char out[64];
	int64_t ms, ms2;
	int d, d2, m;

	if (iso_to_ms(s, &ms) == 0) {
		ms_to_iso(ms, out, sizeof(out));
		if (iso_to_ms(out, &ms2) != 0 || ms2 != ms)
			abort();
	}
	if (cal_parse_date(s, &d) == 0) {
		cal_format_date(d, out, sizeof(out));
		if (cal_parse_date(out, &d2) != 0 || d2 != d || strcmp(out, s) != 0)
			abort();
		if (days_to_date(date_to_days(d)) != d)
			abort();
	}
	if (cal_parse_hhmm(s, &m) == 0 && (m < 0 || m > 24 * 60))
		abort();
}

/* "a=1&b=%20x" into rq->query, decoded as a server would. */
static void
check_query(struct arena *a, const char *s)
{
	struct kv q[16];
	struct req rq = { .arena = a, .query = q };
	struct page pg;
	struct err e = { 0 };
	int64_t v = 0;

	while (*s && rq.nquery < 16) {
		const char *amp = strchr(s, '&');
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		size_t nl = eq ? (size_t)(eq - s) : len;
		char *name = arena_alloc(a, nl + 1), *val = arena_alloc(a, len - nl + 1);
		if (url_decode(s, nl, name, 1) >= 0 &&
		    url_decode(eq ? eq + 1 : s + len, eq ? len - nl - 1 : 0, val, 1) >= 0) {
			q[rq.nquery].name = name;
			q[rq.nquery].value = val;
			rq.nquery++;
		}
		s += len + !!amp;
	}
	if (req_page(&rq, &pg, &e) == 0 &&
	    (pg.page < 1 || pg.per_page < 1 || pg.offset < 0 || pg.per_page > PAGE_MAX))
		abort();
	err_clear(&e);
	(void)req_query_i64(&rq, "id", 1, INT64_MAX, &v, &e);
	rq.export_format = 1;
	(void)req_page(&rq, &pg, &e);
}

static void
check_cookie(struct arena *a, const char *s)
{
	struct kv h[] = { { "cookie", s } };
	struct req rq = { .arena = a, .headers = h, .nheaders = 1 };
	const char *v = req_cookie(&rq, SESSION_COOKIE);

	if (v && !strstr(s, v))
		abort();
	(void)req_cookie(&rq, "x");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *s;

	if (size > 4096)
		return 0;
	if (!root)
		setup();
	a = arena_new(4096);
	if (!a)
		abort();
	s = arena_strndup(a, (const char *)data, size);
	check_decode(a, (const char *)data, size);
	check_times(s);
	check_routes(a, s);
	check_static(a, s);
	check_query(a, s);
	check_cookie(a, s);
	arena_free(a);
	return 0;
}
