/*
** core/log.h: lowercase one-line messages to stderr, each with the request id
** of the calling thread when there is one. Never log secrets or bodies.
*/
#ifndef HOUQIN_LOG_H
#define HOUQIN_LOG_H

#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_msg(enum log_level lvl, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Messages below lvl are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* The request id log lines of this thread carry (0 = none). */
void log_set_request(uint64_t id);

#endif
