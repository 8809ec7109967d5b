/*
** tests/unit/test_multipart.c: core/multipart.c, table-driven: the boundary
** parameter, then whole bodies (normal, several parts, boundary inside the
** content, truncation, CRLF variations, limits, RFC 5987 filename*).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/multipart.h"

/* ---- mp_boundary ---- */

static const struct {
	const char *ct;
	const char *want;	/* NULL = ERR_INVALID */
} boundary_cases[] = {
	{ "multipart/form-data; boundary=abc", "abc" },
	{ "multipart/form-data;boundary=abc", "abc" },
	{ "Multipart/Form-Data; BOUNDARY=abc", "abc" },
	{ "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	  "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
	{ "multipart/form-data; boundary=\"a b:c?=\"", "a b:c?=" },
	{ "multipart/form-data; charset=utf-8; boundary=x1", "x1" },
	{ "multipart/form-data; boundary=x1;", "x1" },		/* trailing ';' tolerated */
	{ "  multipart/form-data ; boundary=x1", "x1" },
	{ "multipart/form-data; boundary="
	  "0123456789012345678901234567890123456789012345678901234567890123456789",
	  "0123456789012345678901234567890123456789012345678901234567890123456789" },	/* 70 */
	{ "multipart/form-data; boundary="
	  "01234567890123456789012345678901234567890123456789012345678901234567890", NULL }, /* 71 */
	{ "multipart/form-data", NULL },			/* missing boundary */
	{ "multipart/form-data;", NULL },
	{ "multipart/form-data; boundary=", NULL },
	{ "multipart/form-data; boundary=\"\"", NULL },
	{ "multipart/form-data; boundary=\"ab \"", NULL },	/* space last */
	{ "multipart/form-data; boundary=\"a@b\"", NULL },	/* @ is not a bchar */
	{ "multipart/form-data; boundary=\"abc", NULL },	/* unterminated quote */
	{ "multipart/form-data; boundary=a; boundary=b", NULL },	/* repeated */
	{ "multipart/form-data; boundary", NULL },
	{ "multipart/form-data boundary=abc", NULL },
	{ "multipart/mixed; boundary=abc", NULL },
	{ "multipart/form-dataX; boundary=abc", NULL },
	{ "application/json", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

static void
test_boundary_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(boundary_cases) / sizeof(boundary_cases[0]); i++) {
		struct arena *a = arena_new(1024);
		struct err e = { 0 };
		const char *b = "unset";
		int rc = mp_boundary(a, boundary_cases[i].ct, &b, &e);

		if (boundary_cases[i].want) {
			if (rc != 0 || !b || strcmp(b, boundary_cases[i].want) != 0)
				fail_msg("case %zu (%s): rc %d boundary %s", i, boundary_cases[i].ct,
					 rc, b ? b : "(null)");
		} else if (rc != ERR_INVALID || b || strcmp(e.slug, "bad_multipart") != 0) {
			fail_msg("case %zu (%s): rc %d, want ERR_INVALID", i,
				 boundary_cases[i].ct ? boundary_cases[i].ct : "NULL", rc);
		}
		arena_free(a);
	}
}

static void
test_is_form_data(void **state)
{
	(void)state;
	assert_true(mp_is_form_data("multipart/form-data; boundary=x"));
	assert_true(mp_is_form_data("MULTIPART/FORM-DATA"));
	assert_false(mp_is_form_data("multipart/form-data2"));
	assert_false(mp_is_form_data("image/png"));
	assert_false(mp_is_form_data(NULL));
}

/* ---- mp_parse ---- */

#define CD "Content-Disposition: form-data; "
#define FILE_HDR CD "name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"

struct want_part {
	const char *name, *filename, *content_type, *data;
	size_t len;	/* 0: strlen(data) */
};

static char long_line[MP_LINE_MAX + 200];
static char max_line[MP_LINE_MAX + 200];

static const struct {
	const char *what;
	const char *body;
	size_t len;		/* 0: strlen(body) */
	int max;		/* 0: 4 */
	int rc;
	int nparts;
	struct want_part p[2];
} cases[] = {
	{ "normal", "--B\r\n" FILE_HDR "DATA\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "DATA", 0 } } },
	{ "two parts", "--B\r\n" CD "name=\"note\"\r\n\r\nhello\r\n--B\r\n" FILE_HDR "\x89PNG\r\n--B--\r\n",
	  0, 0, 0, 2,
	  { { "note", NULL, NULL, "hello", 0 }, { "file", "a.png", "image/png", "\x89PNG", 0 } } },
	{ "boundary text inside a line is content",
	  "--B\r\n" FILE_HDR "x--B y\r\nz--B--\r\n-B\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "x--B y\r\nz--B--\r\n-B", 0 } } },
	{ "delimiter line with junk after padding",
	  "--B\r\n" FILE_HDR "x\r\n--B z\r\n--B--\r\n", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "another boundary's line is content",
	  "--B\r\n" FILE_HDR "a\r\n--C\r\nb\r\n--B--", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "a\r\n--C\r\nb", 0 } } },
	{ "boundary followed by junk inside content",
	  "--B\r\n" FILE_HDR "a\r\n--Bx\r\nb\r\n--B--\r\n", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "binary data with NUL, CR and LF",
	  "--B\r\n" FILE_HDR "\0\r\r\n\n\0\r\n--B--\r\n",
	  sizeof("--B\r\n" FILE_HDR "\0\r\r\n\n\0\r\n--B--\r\n") - 1,
	  0, 0, 1, { { "file", "a.png", "image/png", "\0\r\r\n\n\0", 6 } } },
	{ "empty data", "--B\r\n" CD "name=\"x\"\r\n\r\n\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "x", NULL, NULL, "", 0 } } },
	{ "close delimiter only", "--B--\r\n", 0, 0, 0, 0, { { 0 } } },
	{ "no CRLF after the close delimiter", "--B\r\n" FILE_HDR "D\r\n--B--", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "D", 0 } } },
	{ "transport padding after delimiters", "--B \t\r\n" FILE_HDR "D\r\n--B--  \r\n", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "D", 0 } } },
	{ "preamble and epilogue are ignored",
	  "preamble text\r\n--B\r\n" FILE_HDR "D\r\n--B--\r\nepilogue\r\n--B\r\n", 0, 0, 0, 1,
	  { { "file", "a.png", "image/png", "D", 0 } } },
	{ "case-insensitive header names and disposition type",
	  "--B\r\ncontent-disposition: Form-Data; NAME=\"f\"; FileName=\"x.txt\"\r\n"
	  "CONTENT-TYPE:text/plain \r\n\r\nD\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "f", "x.txt", "text/plain", "D", 0 } } },
	{ "unknown headers and parameters are ignored",
	  "--B\r\n" CD "name=file; foo=bar\r\nContent-Transfer-Encoding: binary\r\n\r\nD\r\n--B--\r\n",
	  0, 0, 0, 1, { { "file", NULL, NULL, "D", 0 } } },
	{ "filename* UTF-8 Chinese name wins over filename",
	  "--B\r\n" CD "name=\"file\"; filename=\"photo.png\"; "
	  "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png\r\n\r\nD\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "file", "现场照片.png", NULL, "D", 0 } } },
	{ "filename* with a language and lower-case charset",
	  "--B\r\n" CD "name=\"file\"; filename*=utf-8'zh-CN'%E6%8A%A5%E4%BF%AE.pdf\r\n\r\nD\r\n--B--\r\n",
	  0, 0, 0, 1, { { "file", "报修.pdf", NULL, "D", 0 } } },
	{ "filename* ISO-8859-1",
	  "--B\r\n" CD "name=\"file\"; filename*=ISO-8859-1''caf%E9.txt\r\n\r\nD\r\n--B--\r\n",
	  0, 0, 0, 1, { { "file", "caf\xc3\xa9.txt", NULL, "D", 0 } } },
	{ "raw UTF-8 in a quoted filename",
	  "--B\r\n" CD "name=\"file\"; filename=\"发票.pdf\"\r\n\r\nD\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "file", "发票.pdf", NULL, "D", 0 } } },
	{ "escaped quote and backslash in a quoted filename",
	  "--B\r\n" CD "name=\"file\"; filename=\"a\\\"b\\\\c\\d.txt\"\r\n\r\nD\r\n--B--\r\n", 0, 0, 0, 1,
	  { { "file", "a\"b\\c\\d.txt", NULL, "D", 0 } } },
	{ "filename* unknown charset",
	  "--B\r\n" CD "name=\"file\"; filename*=GBK''%B1%A8.txt\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "filename* bad escape",
	  "--B\r\n" CD "name=\"file\"; filename*=UTF-8''%E7%8.txt\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "filename* not UTF-8",
	  "--B\r\n" CD "name=\"file\"; filename*=UTF-8''%FF%FE.txt\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "filename* NUL", "--B\r\n" CD "name=\"file\"; filename*=UTF-8''a%00b\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "filename* without quotes separator",
	  "--B\r\n" CD "name=\"file\"; filename*=UTF-8%E7\r\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "truncated: no close delimiter", "--B\r\n" FILE_HDR "DATA", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "truncated: after a delimiter", "--B\r\n" FILE_HDR "DATA\r\n--B", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "truncated: inside the headers", "--B\r\n" CD "name=\"file\"", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "truncated: headers end at CR", "--B\r\n" CD "name=\"file\"\r", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "truncated: no blank line", "--B\r\n" CD "name=\"file\"\r\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "LF-only line endings", "--B\n" CD "name=\"file\"\n\nD\n--B--\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "LF-only header line", "--B\r\n" CD "name=\"file\"\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "bare CR in a header line", "--B\r\n" CD "name=\"fi\rle\"\r\n\r\nD\r\n--B--\r\n", 0, 0,
	  ERR_INVALID, 0, { { 0 } } },
	{ "LF-only after the first delimiter", "--B\n" FILE_HDR "D\r\n--B--\r\n", 0, 0, ERR_INVALID,
	  0, { { 0 } } },
	{ "junk after the close delimiter", "--B\r\n" FILE_HDR "D\r\n--B--junk", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "no delimiter at all", "just some text", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "empty body", "", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "huge header line", long_line, 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "header line of exactly MP_LINE_MAX bytes", max_line, 0, 0, 0, 1,
	  { { "file", NULL, NULL, "D", 0 } } },
	{ "header folding",
	  "--B\r\n" CD "name=\"file\"\r\n  ; filename=\"a\"\r\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID,
	  0, { { 0 } } },
	{ "header without a colon", "--B\r\n" CD "name=\"file\"\r\nNoColon\r\n\r\nD\r\n--B--\r\n", 0,
	  0, ERR_INVALID, 0, { { 0 } } },
	{ "space before the colon", "--B\r\nContent-Disposition : form-data; name=x\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "control character in a header value",
	  "--B\r\n" CD "name=\"file\"\r\nX-A: a\x01z\r\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "too many header lines",
	  "--B\r\n" CD "name=\"file\"\r\nA: 1\r\nA: 2\r\nA: 3\r\nA: 4\r\nA: 5\r\nA: 6\r\nA: 7\r\nA: 8\r\n"
	  "\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "missing Content-Disposition", "--B\r\nContent-Type: text/plain\r\n\r\nD\r\n--B--\r\n", 0, 0,
	  ERR_INVALID, 0, { { 0 } } },
	{ "no headers at all", "--B\r\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "disposition is not form-data",
	  "--B\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nD\r\n--B--\r\n", 0, 0,
	  ERR_INVALID, 0, { { 0 } } },
	{ "missing name", "--B\r\nContent-Disposition: form-data; filename=\"a.png\"\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "repeated name", "--B\r\n" CD "name=\"a\"; name=\"b\"\r\n\r\nD\r\n--B--\r\n", 0, 0,
	  ERR_INVALID, 0, { { 0 } } },
	{ "repeated Content-Disposition", "--B\r\n" CD "name=\"a\"\r\n" CD "name=\"b\"\r\n\r\nD\r\n--B--\r\n",
	  0, 0, ERR_INVALID, 0, { { 0 } } },
	{ "repeated Content-Type",
	  "--B\r\n" CD "name=\"a\"\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nD\r\n--B--\r\n", 0,
	  0, ERR_INVALID, 0, { { 0 } } },
	{ "unterminated quoted name", "--B\r\n" CD "name=\"file\r\n\r\nD\r\n--B--\r\n", 0, 0,
	  ERR_INVALID, 0, { { 0 } } },
	{ "parameter without a value", "--B\r\n" CD "name\r\n\r\nD\r\n--B--\r\n", 0, 0, ERR_INVALID, 0,
	  { { 0 } } },
	{ "more parts than allowed",
	  "--B\r\n" CD "name=a\r\n\r\n1\r\n--B\r\n" CD "name=b\r\n\r\n2\r\n"
	  "--B\r\n" CD "name=c\r\n\r\n3\r\n--B--\r\n",
	  0, 2, ERR_INVALID, 0, { { 0 } } },
	{ "exactly as many parts as allowed",
	  "--B\r\n" CD "name=a\r\n\r\n1\r\n--B\r\n" CD "name=b\r\n\r\n2\r\n--B--\r\n", 0, 2, 0, 2,
	  { { "a", NULL, NULL, "1", 0 }, { "b", NULL, NULL, "2", 0 } } },
};

static void
check_str(size_t i, const char *field, const char *got, const char *want)
{
	if (!want != !got || (want && strcmp(got, want) != 0))
		fail_msg("case %zu (%s): %s is \"%s\", want \"%s\"", i, cases[i].what, field,
			 got ? got : "(null)", want ? want : "(null)");
}

static int
setup_lines(void **state)
{
	char *p;

	(void)state;
	/* a Content-Disposition line of MP_LINE_MAX + 100 bytes */
	p = long_line + snprintf(long_line, sizeof(long_line), "--B\r\n" CD "name=\"file\"; x=\"");
	memset(p, 'a', MP_LINE_MAX + 100);
	snprintf(p + MP_LINE_MAX + 100, 40, "\"\r\n\r\nD\r\n--B--\r\n");
	/* and one of exactly MP_LINE_MAX bytes (CRLF not counted) */
	p = max_line + snprintf(max_line, sizeof(max_line), "--B\r\n");
	{
		char *line = p;
		p += snprintf(p, 64, CD "name=\"file\"; x=\"");
		memset(p, 'b', (size_t)(MP_LINE_MAX - (p - line) - 1));
		p += MP_LINE_MAX - (p - line) - 1;
		snprintf(p, 40, "\"\r\n\r\nD\r\n--B--\r\n");
	}
	return 0;
}

static void
test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena *a = arena_new(1024);
		struct err e = { 0 };
		struct mp_part parts[4];
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].body);
		int max = cases[i].max ? cases[i].max : 4, n = -1;
		int rc = mp_parse(a, cases[i].body, len, "B", parts, max, &n, &e);

		if (rc != cases[i].rc)
			fail_msg("case %zu (%s): rc %d (%s), want %d", i, cases[i].what, rc, e.msg,
				 cases[i].rc);
		if (rc) {
			if (strcmp(e.slug, "bad_multipart") != 0 || e.nfields != 1 ||
			    strcmp(e.fields[0].name, "file") != 0)
				fail_msg("case %zu (%s): slug %s", i, cases[i].what, e.slug);
			arena_free(a);
			continue;
		}
		if (n != cases[i].nparts)
			fail_msg("case %zu (%s): %d parts, want %d", i, cases[i].what, n,
				 cases[i].nparts);
		for (int k = 0; k < n && k < 2; k++) {
			const struct want_part *w = &cases[i].p[k];
			size_t wl = w->len ? w->len : strlen(w->data);
			check_str(i, "name", parts[k].name, w->name);
			check_str(i, "filename", parts[k].filename, w->filename);
			check_str(i, "content_type", parts[k].content_type, w->content_type);
			if (parts[k].len != wl || memcmp(parts[k].data, w->data, wl) != 0)
				fail_msg("case %zu (%s): part %d data differs (%zu bytes, want %zu)", i,
					 cases[i].what, k, parts[k].len, wl);
			/* zero-copy: data points into the body */
			if (parts[k].data < cases[i].body || parts[k].data + parts[k].len >
								   cases[i].body + len)
				fail_msg("case %zu (%s): data was copied", i, cases[i].what);
		}
		arena_free(a);
	}
}

static void
test_parse_bad_boundary_argument(void **state)
{
	struct arena *a = arena_new(1024);
	struct err e = { 0 };
	struct mp_part parts[1];
	char big[MP_BOUNDARY_MAX + 2];
	int n;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mp_parse(a, "--\r\n", 4, "", parts, 1, &n, &e), ERR_INVALID);
	assert_int_equal(mp_parse(a, "--\r\n", 4, NULL, parts, 1, &n, &e), ERR_INVALID);
	assert_int_equal(mp_parse(a, "--\r\n", 4, big, parts, 1, &n, &e), ERR_INVALID);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary_table),
		cmocka_unit_test(test_is_form_data),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_bad_boundary_argument),
	};

	return cmocka_run_group_tests(tests, setup_lines, NULL);
}
