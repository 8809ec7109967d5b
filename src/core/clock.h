/*
** core/clock.h: the one source of "now" (UTC epoch ms). Tests can move it.
*/
#ifndef HOUQIN_CLOCK_H
#define HOUQIN_CLOCK_H

#include <stdint.h>

int64_t now_ms(void);
/* Tests only: shift every later now_ms() by delta ms (cumulative, thread-safe). */
void clock_advance(int64_t delta_ms);
/*
** Format ms as ISO-8601 in Asia/Shanghai (+08:00, no DST), e.g. 2026-11-23T19:49:55.123+08:00
** (milliseconds kept: updated_at is a concurrency token). out >= 32 bytes.
*/
void ms_to_iso(int64_t ms, char *out, unsigned long size);
/* Parse "YYYY-MM-DD" (Shanghai midnight) or ISO-8601 with Z / +08:00 offset. 0 or ERR_INVALID. */
int iso_to_ms(const char *s, int64_t *out);

/*
** Civil (proleptic Gregorian) dates as yyyymmdd integers and day numbers
** (days since 1970-01-01), Howard Hinnant's algorithms: no timegm, no TZ.
** date_to_days expects a real date; days_to_date(date_to_days(d)) == d.
*/
int64_t date_to_days(int yyyymmdd);
int days_to_date(int64_t days);

#endif
