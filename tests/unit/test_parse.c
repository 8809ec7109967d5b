/*
** tests/unit/test_parse.c: core/parse.c, the strict parsers (git u-parse-int style tables).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/parse.h"

/* ---- parse_i64 ---- */

static const struct {
	const char *in;
	int64_t min, max;
	int rc;
	int64_t want;
} i64_cases[] = {
	{ "42", 1, 100, 0, 42 },
	{ "1", 1, 100, 0, 1 },
	{ "100", 1, 100, 0, 100 },
	{ "0", 1, 100, ERR_INVALID, 0 },		/* below min */
	{ "101", 1, 100, ERR_INVALID, 0 },		/* above max */
	{ "0", 0, 100, 0, 0 },
	{ "007", 0, 100, 0, 7 },			/* leading zeros are still decimal */
	{ "12x", 1, 100, ERR_INVALID, 0 },
	{ "x12", 1, 100, ERR_INVALID, 0 },
	{ "1 2", 1, 100, ERR_INVALID, 0 },
	{ "", 1, 100, ERR_INVALID, 0 },
	{ "-", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },
	{ "--1", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },
	{ "-0", INT64_MIN, INT64_MAX, 0, 0 },		/* '-' then digits: accepted, value 0 */
	{ "-0", 1, 100, ERR_INVALID, 0 },
	{ "-5", -10, 10, 0, -5 },
	{ "-5", 0, 10, ERR_INVALID, 0 },
	{ " 1", 1, 100, ERR_INVALID, 0 },
	{ "1 ", 1, 100, ERR_INVALID, 0 },
	{ "\t1", 1, 100, ERR_INVALID, 0 },
	{ "+1", 1, 100, ERR_INVALID, 0 },
	{ "0x10", 0, 100, ERR_INVALID, 0 },
	{ "1e3", 0, 10000, ERR_INVALID, 0 },
	{ "1.0", 0, 100, ERR_INVALID, 0 },
	{ "１", 0, 100, ERR_INVALID, 0 },		/* fullwidth digit */
	{ "9223372036854775807", 1, INT64_MAX, 0, INT64_MAX },
	{ "9223372036854775808", 1, INT64_MAX, ERR_INVALID, 0 },	/* INT64_MAX + 1 */
	{ "9223372036854775810", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },
	{ "18446744073709551616", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },	/* 2^64 */
	{ "99999999999999999999999", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
	{ "-9223372036854775807", INT64_MIN, INT64_MAX, 0, -INT64_MAX },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, ERR_INVALID, 0 },	/* INT64_MIN - 1 */
	{ "-9223372036854775808", INT64_MIN + 1, INT64_MAX, ERR_INVALID, 0 },
	{ "00000000000000000000000042", 0, 100, 0, 42 },	/* many digits, small value */
};

static void
test_parse_i64_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(i64_cases) / sizeof(i64_cases[0]); i++) {
		int64_t out = 12345;
		int rc = parse_i64(i64_cases[i].in, i64_cases[i].min, i64_cases[i].max, &out);

		if (rc != i64_cases[i].rc || out != (rc ? 12345 : i64_cases[i].want))
			fail_msg("parse_i64(\"%s\", %lld, %lld): rc %d out %lld, want rc %d out %lld",
				 i64_cases[i].in, (long long)i64_cases[i].min,
				 (long long)i64_cases[i].max, rc, (long long)out, i64_cases[i].rc,
				 (long long)(i64_cases[i].rc ? 12345 : i64_cases[i].want));
	}
}

static void
test_parse_i64_null(void **state)
{
	int64_t out = 7;

	(void)state;
	assert_int_equal(parse_i64(NULL, 0, 100, &out), ERR_INVALID);
	assert_int_equal(parse_i64n(NULL, 3, 0, 100, &out), ERR_INVALID);
	assert_true(out == 7);
}

/* parse_i64n only looks at s[0..n): the rest may be anything. */
static const struct {
	const char *in;
	size_t n;
	int rc;
	int64_t want;
} i64n_cases[] = {
	{ "123abc", 3, 0, 123 },
	{ "123abc", 4, ERR_INVALID, 0 },
	{ "123", 0, ERR_INVALID, 0 },
	{ "-12", 1, ERR_INVALID, 0 },		/* just the sign */
	{ "-12", 2, 0, -1 },
	{ "2026-11-23", 4, 0, 2026 },
	{ "1\0002", 3, ERR_INVALID, 0 },	/* embedded NUL counts as a bad char */
	{ "92233720368547758079", 19, 0, INT64_MAX },
};

static void
test_parse_i64n_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(i64n_cases) / sizeof(i64n_cases[0]); i++) {
		int64_t out = 0;
		int rc = parse_i64n(i64n_cases[i].in, i64n_cases[i].n, INT64_MIN, INT64_MAX, &out);

		if (rc != i64n_cases[i].rc || (rc == 0 && out != i64n_cases[i].want))
			fail_msg("parse_i64n case %zu (\"%s\", %zu): rc %d out %lld", i,
				 i64n_cases[i].in, i64n_cases[i].n, rc, (long long)out);
	}
}

/* ---- utf8_chars ---- */

static const struct {
	const char *name;
	const char *in;
	size_t n;		/* 0 = strlen(in) */
	long want;
} utf8_cases[] = {
	{ "empty", "", 0, 0 },
	{ "ascii", "hello", 0, 5 },
	{ "chinese 3-byte", "后勤管理", 0, 4 },
	{ "mixed", "a后b勤c", 0, 5 },
	{ "emoji 4-byte", "\xF0\x9F\x98\x80", 0, 1 },
	{ "emoji in text", "好😀!", 0, 3 },
	{ "2-byte e-acute", "caf\xC3\xA9", 0, 4 },
	{ "U+007F", "\x7F", 0, 1 },
	{ "U+0080", "\xC2\x80", 0, 1 },
	{ "U+07FF", "\xDF\xBF", 0, 1 },
	{ "U+0800", "\xE0\xA0\x80", 0, 1 },
	{ "U+D7FF", "\xED\x9F\xBF", 0, 1 },
	{ "U+E000", "\xEE\x80\x80", 0, 1 },
	{ "U+FFFF", "\xEF\xBF\xBF", 0, 1 },
	{ "U+10000", "\xF0\x90\x80\x80", 0, 1 },
	{ "U+10FFFF", "\xF4\x8F\xBF\xBF", 0, 1 },
	{ "embedded NUL is a code point", "a\0b", 3, 3 },
	{ "overlong '/' 2-byte", "\xC0\xAF", 0, -1 },
	{ "overlong NUL 2-byte", "\xC0\x80", 0, -1 },
	{ "overlong 2-byte C1", "\xC1\xBF", 0, -1 },
	{ "overlong 3-byte", "\xE0\x80\xAF", 0, -1 },
	{ "overlong 3-byte max", "\xE0\x9F\xBF", 0, -1 },
	{ "overlong 4-byte", "\xF0\x80\x80\xAF", 0, -1 },
	{ "overlong 4-byte max", "\xF0\x8F\xBF\xBF", 0, -1 },
	{ "surrogate D800", "\xED\xA0\x80", 0, -1 },
	{ "surrogate DFFF", "\xED\xBF\xBF", 0, -1 },
	{ "beyond U+10FFFF", "\xF4\x90\x80\x80", 0, -1 },
	{ "F5 lead", "\xF5\x80\x80\x80", 0, -1 },
	{ "5-byte form", "\xF8\x88\x80\x80\x80", 0, -1 },
	{ "FF byte", "ab\xFF", 0, -1 },
	{ "FE byte", "\xFE", 0, -1 },
	{ "lone continuation", "\x80", 0, -1 },
	{ "continuation after ascii", "a\xBF", 0, -1 },
	{ "truncated 3-byte (1 of 3)", "\xE5", 0, -1 },
	{ "truncated 3-byte (2 of 3)", "\xE5\x90", 0, -1 },
	{ "truncated 4-byte", "\xF0\x9F\x98", 0, -1 },
	{ "bad continuation", "\xE5\x41\x8E", 0, -1 },
	{ "n cuts a char", "后勤", 4, -1 },
	{ "n on a boundary", "后勤", 3, 1 },
};

static void
test_utf8_chars_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		size_t n = utf8_cases[i].n ? utf8_cases[i].n : strlen(utf8_cases[i].in);

		long got = utf8_chars(utf8_cases[i].in, n);

		if (got != utf8_cases[i].want)
			fail_msg("utf8_chars %s: got %ld, want %ld", utf8_cases[i].name, got,
				 utf8_cases[i].want);
	}
}

/* ---- url_decode ---- */

static const struct {
	const char *in;
	int plus;
	long rc;		/* decoded length or -1 */
	const char *want;
} url_cases[] = {
	{ "", 0, 0, "" },
	{ "abc", 0, 3, "abc" },
	{ "%41", 0, 1, "A" },
	{ "%4a%4A", 0, 2, "JJ" },
	{ "%2e%2e", 0, 2, ".." },		/* decoded faithfully; dot segments are the caller's job */
	{ "%2E%2E%2Fetc", 0, 6, "../etc" },
	{ "a%20b", 0, 3, "a b" },
	{ "%E5%90%8E%E5%8B%A4", 0, 6, "后勤" },
	{ "%FF", 0, 1, "\xFF" },		/* bytes, not characters: no UTF-8 check here */
	{ "a+b", 1, 3, "a b" },
	{ "a+b", 0, 3, "a+b" },
	{ "%2B", 1, 1, "+" },			/* an escaped plus stays a plus */
	{ "++", 1, 2, "  " },
	{ "%00", 0, -1, NULL },
	{ "a%00b", 1, -1, NULL },
	{ "%", 0, -1, NULL },
	{ "%4", 0, -1, NULL },
	{ "ab%", 0, -1, NULL },
	{ "ab%4", 0, -1, NULL },
	{ "%g1", 0, -1, NULL },
	{ "%1g", 0, -1, NULL },
	{ "%%41", 0, -1, NULL },
	{ "% 1", 0, -1, NULL },
	{ "%-1", 0, -1, NULL },
	{ "100%", 0, -1, NULL },
};

static void
test_url_decode_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		size_t n = strlen(url_cases[i].in);
		char out[64];
		long rc;

		memset(out, 'Z', sizeof(out));
		rc = url_decode(url_cases[i].in, n, out, url_cases[i].plus);
		if (rc != url_cases[i].rc)
			fail_msg("url_decode(\"%s\", plus=%d): got %ld, want %ld", url_cases[i].in,
				 url_cases[i].plus, rc, url_cases[i].rc);
		if (rc >= 0) {
			assert_memory_equal(out, url_cases[i].want, (size_t)rc);
			assert_int_equal(out[rc], '\0');
			assert_true((size_t)rc <= n);
		}
	}
}

/* A raw NUL byte inside s[0..n) is rejected like %00; bytes past n are ignored. */
static void
test_url_decode_bounds(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(url_decode("a\0b", 3, out, 0), -1);
	assert_int_equal(url_decode("%41%42", 3, out, 0), 1);
	assert_string_equal(out, "A");
	assert_int_equal(url_decode("%41%42", 4, out, 0), -1);	/* "%41%" ends in a cut escape */
	assert_int_equal(url_decode("xyz", 0, out, 0), 0);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_i64_table),
		cmocka_unit_test(test_parse_i64_null),
		cmocka_unit_test(test_parse_i64n_table),
		cmocka_unit_test(test_utf8_chars_table),
		cmocka_unit_test(test_url_decode_table),
		cmocka_unit_test(test_url_decode_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
