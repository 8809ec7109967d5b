/*
** core/limits.h: every size and count limit in one place.
*/
#ifndef HOUQIN_LIMITS_H
#define HOUQIN_LIMITS_H

#include "core/clock.h"	/* MINUTE_MS */

#define BODY_MAX (1024 * 1024)		/* JSON request body */
#define PAGE_MAX 200			/* per_page ceiling */
#define PAGE_DEFAULT 20
#define EXPORT_MAX 50000		/* rows in one ?format=csv|xlsx export */
#define EXPORT_BYTES_MAX (64 * 1024 * 1024)	/* size of one exported file */
#define TEXT_MAX 4096			/* free text fields */
#define NAME_MAX_CHARS 64		/* names, titles (characters, not bytes) */
#define URL_PATH_MAX 1024
#define PATH_PARAMS_MAX 4
#define QUERY_PARAMS_MAX 32
#define LOGIN_FAIL_MAX 5		/* failures before lockout */
#define LOCKOUT_MS (15 * MINUTE_MS)
#define SESSION_IDLE_MS (30 * MINUTE_MS)
#define SESSION_TOUCH_MS MINUTE_MS	/* refresh last_seen at most once a minute */
#define PASSWORD_MIN 8
#define PASSWORD_MAX 128

#endif
