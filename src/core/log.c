/*
** core/log.c: stderr logger.
*/
#include "core/log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static _Thread_local uint64_t cur_req;

void
log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void
log_set_request(uint64_t id)
{
	cur_req = id;
}

void
log_msg(enum log_level lvl, const char *mod, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char line[1024], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	if (lvl < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (cur_req)
		fprintf(stderr, "%s %s %s req=%" PRIu64 " %s\n", ts, names[lvl], mod, cur_req, line);
	else
		fprintf(stderr, "%s %s %s %s\n", ts, names[lvl], mod, line);
}
