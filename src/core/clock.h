/*
** core/clock.h: the one source of "now" (UTC epoch ms). Tests can move it.
*/
#ifndef HOUQIN_CLOCK_H
#define HOUQIN_CLOCK_H

#include <stdint.h>

/*
** The one definition of the time units and of Asia/Shanghai's offset from
** UTC (+08:00; no DST since 1991, so a fixed offset is exact for our data).
** Every duration in ms is written with these: no 86400000 or 8 * 3600 * 1000
** elsewhere. All are long long, so products stay 64-bit.
*/
#define SECOND_MS 1000LL
#define MINUTE_MS (60 * SECOND_MS)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)
#define SHANGHAI_OFFSET_MS (8 * HOUR_MS)

int64_t now_ms(void);
/*
** Tests and `init --demo` only (never while serving): shift every later now_ms() by delta ms
** (cumulative, thread-safe). The demo plays its story hours or days before now with it.
*/
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
