/*
** tests/unit/test_clock.c: core/clock.c, Shanghai-time formatting and ISO-8601 parsing.
** Expected epoch values were computed independently (Python datetime, UTC+8).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"

/* ---- ms_to_iso ---- */

static const struct {
	int64_t ms;
	const char *want;
} iso_out_cases[] = {
	{ 0, "1970-01-01T08:00:00.000+08:00" },			/* epoch, in Shanghai */
	{ -28800000, "1970-01-01T00:00:00.000+08:00" },		/* Shanghai midnight of day 0 */
	{ 1779520195123LL, "2026-05-23T15:09:55.123+08:00" },	/* millisecond part */
	{ 1779520195001LL, "2026-05-23T15:09:55.001+08:00" },
	{ 1798732799999LL, "2026-12-31T23:59:59.999+08:00" },	/* last ms of 2026 locally */
	{ 1798732800000LL, "2027-01-01T00:00:00.000+08:00" },
	{ 1709136000000LL, "2024-02-29T00:00:00.000+08:00" },	/* leap day */
	{ -1, "1970-01-01T07:59:59.999+08:00" },			/* negative ms: floor, not truncate */
	{ -28800001, "1969-12-31T23:59:59.999+08:00" },
	{ -31536000000LL, "1969-01-01T08:00:00.000+08:00" },	/* before 1970 */
	{ 253402271999999LL, "9999-12-31T23:59:59.999+08:00" },
};

static void
test_ms_to_iso_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(iso_out_cases) / sizeof(iso_out_cases[0]); i++) {
		char out[40];

		memset(out, 'Z', sizeof(out));
		ms_to_iso(iso_out_cases[i].ms, out, sizeof(out));
		if (strcmp(out, iso_out_cases[i].want) != 0)
			fail_msg("ms_to_iso(%lld) = \"%.39s\", want \"%s\"",
				 (long long)iso_out_cases[i].ms, out, iso_out_cases[i].want);
	}
}

/* The digit writer (years 0..9999) against gmtime_r + snprintf, over the whole range. */
static void
test_ms_to_iso_matches_gmtime(void **state)
{
	uint64_t s = 42;
	const int64_t lo = -62167219200000LL - 8 * 3600000LL;	/* 0000-01-01T00:00+08:00 */
	const int64_t hi = 253402300799999LL - 8 * 3600000LL;	/* 9999-12-31T23:59:59.999 */

	(void)state;
	for (int i = 0; i < 200000; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		int64_t ms = i < 2 ? (i ? hi : lo) : lo + (int64_t)(s >> 1) % (hi - lo + 1);
		int64_t local = ms + 8 * 3600000LL, frac = ((local % 1000) + 1000) % 1000;
		time_t secs = (time_t)((local - frac) / 1000);
		struct tm tm;
		char want[64], got[40];

		gmtime_r(&secs, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)frac);
		ms_to_iso(ms, got, sizeof(got));
		if (strcmp(got, want) != 0)
			fail_msg("ms_to_iso(%lld) = %s, want %s", (long long)ms, got, want);
	}
}

/* The documented minimum buffer (32 bytes) is enough: 29 chars + NUL. */
static void
test_ms_to_iso_fits_32(void **state)
{
	char out[32];

	(void)state;
	ms_to_iso(1798732799999LL, out, sizeof(out));
	assert_string_equal(out, "2026-12-31T23:59:59.999+08:00");
	ms_to_iso(1798732799999LL, out, 11);	/* truncates but stays a C string */
	assert_string_equal(out, "2026-12-31");
}

/* ---- iso_to_ms ---- */

static const struct {
	const char *in;
	int rc;
	int64_t want;
} iso_in_cases[] = {
	{ "2026-02-28", 0, 1772208000000LL },		/* date = Shanghai midnight */
	{ "2026-02-29", ERR_INVALID, 0 },		/* 2026 is not a leap year */
	{ "2024-02-29", 0, 1709136000000LL },
	{ "2000-02-29T12:00:00+08:00", 0, 951796800000LL },	/* divisible by 400 */
	{ "2100-02-29", ERR_INVALID, 0 },		/* divisible by 100, not 400 */
	{ "1970-01-01", 0, -28800000 },
	{ "2026-11-23T08:30:00+08:00", 0, 1795393800000LL },
	{ "2026-11-23T08:30:00Z", 0, 1795422600000LL },
	{ "2026-11-23T08:30:00", 0, 1795393800000LL },	/* no offset: Shanghai */
	{ "2026-11-23 08:30:00", 0, 1795393800000LL },	/* space separator */
	{ "2026-11-23T08:30:00.5Z", 0, 1795422600500LL },
	{ "2026-11-23T08:30:00.5+08:00", 0, 1795393800500LL },
	{ "2026-11-23T08:30:00.05Z", 0, 1795422600050LL },
	{ "2026-11-23T08:30:00.123Z", 0, 1795422600123LL },
	{ "2026-11-23T08:30:00.123999Z", 0, 1795422600123LL },	/* sub-ms digits dropped */
	{ "2026-12-31T23:59:59.999+08:00", 0, 1798732799999LL },	/* year end */
	{ "2026-12-31T15:59:59.999Z", 0, 1798732799999LL },	/* the same instant in UTC */
	{ "2026-04-30", 0, 1777478400000LL },
	{ "2026-04-31", ERR_INVALID, 0 },
	{ "2026-13-01", ERR_INVALID, 0 },
	{ "2026-00-10", ERR_INVALID, 0 },
	{ "2026-01-00", ERR_INVALID, 0 },
	{ "2026-01-32", ERR_INVALID, 0 },
	{ "1969-12-31", ERR_INVALID, 0 },		/* years before 1970 are refused */
	{ "", ERR_INVALID, 0 },
	{ "2026", ERR_INVALID, 0 },
	{ "2026-1-1", ERR_INVALID, 0 },
	{ "2026/11/23", ERR_INVALID, 0 },
	{ "20261123", ERR_INVALID, 0 },
	{ " 2026-11-23", ERR_INVALID, 0 },
	{ "2026-11-23 ", ERR_INVALID, 0 },
	{ "2026-11-23x", ERR_INVALID, 0 },
	{ "+026-11-23", ERR_INVALID, 0 },
	{ "2026-+1-23", ERR_INVALID, 0 },
	{ "2026-11-2a", ERR_INVALID, 0 },
	{ "10000-01-01", ERR_INVALID, 0 },
	{ "2026-11-23T", ERR_INVALID, 0 },
	{ "2026-11-23T08:30", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:0", ERR_INVALID, 0 },
	{ "2026-11-23X08:30:00", ERR_INVALID, 0 },
	{ "2026-11-23T08-30-00", ERR_INVALID, 0 },
	{ "2026-11-23T24:00:00", ERR_INVALID, 0 },
	{ "2026-11-23T08:60:00", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:60", ERR_INVALID, 0 },
	{ "2026-11-23T-1:30:00", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00+09:00", ERR_INVALID, 0 },	/* only Z and +08:00 */
	{ "2026-11-23T08:30:00+0800", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00z", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00ZZ", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00Z ", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00.", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00.Z", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00.5.5Z", ERR_INVALID, 0 },
	{ "2026-11-23T08:30:00,5Z", ERR_INVALID, 0 },
};

static void
test_iso_to_ms_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(iso_in_cases) / sizeof(iso_in_cases[0]); i++) {
		int64_t out = 424242;
		int rc = iso_to_ms(iso_in_cases[i].in, &out);

		if (rc != iso_in_cases[i].rc || out != (rc ? 424242 : iso_in_cases[i].want))
			fail_msg("iso_to_ms(\"%s\"): rc %d out %lld, want rc %d out %lld",
				 iso_in_cases[i].in, rc, (long long)out, iso_in_cases[i].rc,
				 (long long)iso_in_cases[i].want);
	}
}

/* ---- round trip ---- */

static void
check_round_trip(int64_t ms)
{
	char iso[40];
	int64_t back = 0;

	ms_to_iso(ms, iso, sizeof(iso));
	if (iso_to_ms(iso, &back) != 0 || back != ms)
		fail_msg("round trip %lld -> \"%s\" -> %lld", (long long)ms, iso, (long long)back);
}

static void
test_round_trip(void **state)
{
	static const int64_t fixed[] = {
		-28800000, -28799999, -1, 0, 1, 999, 1000, 1709136000000LL, 1709135999999LL,
		1772208000000LL, 1798732799999LL, 1798732800000LL, 253402271999999LL,
	};
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	(void)state;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_round_trip(fixed[i]);
	/* pseudo-random instants between 1970 and ~2096, every millisecond value possible */
	for (int i = 0; i < 2000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_round_trip((int64_t)(x % 4000000000000ULL));
	}
	/* every day boundary of 2024 (leap) and 2026 in Shanghai */
	for (int64_t d = 1704038400000LL; d < 1798732800000LL; d += DAY_MS) {
		check_round_trip(d);
		check_round_trip(d - 1);
	}
}

/* "YYYY-MM-DD" is the same instant as its T00:00:00+08:00 form. */
static void
test_date_is_shanghai_midnight(void **state)
{
	int64_t a = 0, b = 0;
	char iso[40];

	(void)state;
	assert_int_equal(iso_to_ms("2026-11-23", &a), 0);
	assert_int_equal(iso_to_ms("2026-11-23T00:00:00+08:00", &b), 0);
	assert_true(a == b);
	ms_to_iso(a, iso, sizeof(iso));
	assert_string_equal(iso, "2026-11-23T00:00:00.000+08:00");
	assert_int_equal(iso_to_ms("2026-11-22T16:00:00Z", &b), 0);
	assert_true(a == b);
}

/* ---- now_ms / clock_advance ---- */

static void
test_clock_advance(void **state)
{
	int64_t before, after;

	(void)state;
	before = now_ms();
	assert_true(before > 1700000000000LL);	/* a sane wall clock (after Nov 2023) */
	clock_advance(DAY_MS);
	after = now_ms();
	assert_true(after - before >= DAY_MS);
	assert_true(after - before < DAY_MS + 5000);
	clock_advance(-2 * DAY_MS);	/* cumulative: now one day behind the wall clock */
	after = now_ms();
	assert_true(before - after >= DAY_MS - 5000);
	assert_true(before - after <= DAY_MS);
	clock_advance(DAY_MS);		/* back to real time for the other tests */
	after = now_ms();
	assert_true(after >= before);
	assert_true(after - before < 5000);
}

static void
test_now_ms_monotone_enough(void **state)
{
	int64_t a, b;

	(void)state;
	a = now_ms();
	b = now_ms();
	assert_true(b >= a);
	assert_true(b - a < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_to_iso_table),
		cmocka_unit_test(test_ms_to_iso_matches_gmtime),
		cmocka_unit_test(test_ms_to_iso_fits_32),
		cmocka_unit_test(test_iso_to_ms_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_date_is_shanghai_midnight),
		cmocka_unit_test(test_clock_advance),
		cmocka_unit_test(test_now_ms_monotone_enough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
