/*
** core/clock.c: wall clock with a test offset, Shanghai-time formatting.
** Asia/Shanghai has had no DST since 1991, so a fixed +08:00 is exact for our data.
*/
#include "core/clock.h"
#include "core/err.h"
#include "core/parse.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t offset_ms;

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * SECOND_MS + ts.tv_nsec / 1000000 + atomic_load(&offset_ms);
}

void
clock_advance(int64_t delta_ms)
{
	atomic_fetch_add(&offset_ms, delta_ms);
}

/* Days from civil date (Howard Hinnant's algorithm): no timegm/TZ dependence. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t
date_to_days(int date)
{
	return days_from_civil(date / 10000, (unsigned)(date / 100 % 100), (unsigned)(date % 100));
}

int
days_to_date(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);

	return (int)(y * 10000 + (int64_t)m * 100 + d);
}

static char *
digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* Every API time goes through here (20 orders x 6 times per list page): no snprintf. */
static void
write_iso(char *out, int date, int sod, int frac)
{
	char *p = out;

	p = digits(p, date / 10000, 4);
	*p++ = '-';
	p = digits(p, date / 100 % 100, 2);
	*p++ = '-';
	p = digits(p, date % 100, 2);
	*p++ = 'T';
	p = digits(p, sod / 3600, 2);
	*p++ = ':';
	p = digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = digits(p, sod % 60, 2);
	*p++ = '.';
	p = digits(p, frac, 3);
	memcpy(p, "+08:00", 7);
}

void
ms_to_iso(int64_t ms, char *out, unsigned long size)
{
	/* clamp so the offset cannot overflow; real data is nowhere near either end */
	int64_t clamped = ms > INT64_MAX - SHANGHAI_OFFSET_MS ? INT64_MAX - SHANGHAI_OFFSET_MS
			  : ms < INT64_MIN + SHANGHAI_OFFSET_MS ? INT64_MIN + SHANGHAI_OFFSET_MS : ms;
	int64_t local = clamped + SHANGHAI_OFFSET_MS;
	int64_t frac = ((local % SECOND_MS) + SECOND_MS) % SECOND_MS;
	time_t secs = (time_t)((local - frac) / SECOND_MS);
	int64_t days = local / DAY_MS - (local % DAY_MS < 0);
	struct tm tm;

	if (days >= -719528 && days <= 2932896 && size >= 30) {	/* years 0..9999: no printf */
		write_iso(out, days_to_date(days), (int)((local - days * DAY_MS) / SECOND_MS), (int)frac);
		return;
	}
	gmtime_r(&secs, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

static int64_t
days_in_month(int64_t y, int64_t m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : mdays[m - 1];
}

static int
num(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	return parse_i64n(s, n, min, max, out);
}

int
iso_to_ms(const char *s, int64_t *out)
{
	int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = SHANGHAI_OFFSET_MS;
	size_t n = strlen(s);

	if (n < 10 || s[4] != '-' || s[7] != '-' || num(s, 4, 1970, 9999, &y) ||
	    num(s + 5, 2, 1, 12, &mo) || num(s + 8, 2, 1, 31, &d))
		return ERR_INVALID;
	if (n > 10) {
		if (n < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
		    num(s + 11, 2, 0, 23, &h) || num(s + 14, 2, 0, 59, &mi) ||
		    num(s + 17, 2, 0, 59, &sec))
			return ERR_INVALID;
		const char *tz = s + 19;
		if (*tz == '.') {	/* milliseconds kept; finer digits dropped */
			int64_t scale = 100;
			for (tz++; *tz >= '0' && *tz <= '9'; tz++, scale /= 10)
				frac += (*tz - '0') * scale;
			if (tz == s + 20)
				return ERR_INVALID;
		}
		if (strcmp(tz, "Z") == 0)
			off = 0;
		else if (*tz == '\0' || strcmp(tz, "+08:00") == 0)
			off = SHANGHAI_OFFSET_MS;
		else
			return ERR_INVALID;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (d > days_in_month(y, mo))
		return ERR_INVALID;
	*out = days * DAY_MS + h * HOUR_MS + mi * MINUTE_MS + sec * SECOND_MS + frac - off;
	return 0;
}
