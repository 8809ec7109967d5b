/*
** core/limits.h: the platform-wide size, count and time limits in one place.
** A module's own limits stay in its header with its prefix (WO_NAME_MAX).
** Never a bare POSIX/C name (NAME_MAX, PATH_MAX, LINE_MAX, PIPE_BUF ... from
** <limits.h>, SIG* from <signal.h>): a system header included later would
** redefine it.
*/
#ifndef HOUQIN_LIMITS_H
#define HOUQIN_LIMITS_H

#include "core/clock.h"	/* MINUTE_MS, DAY_MS */

#define BODY_MAX (1024 * 1024)		/* JSON request body */
#define PAGE_MAX 200			/* per_page ceiling */
#define PAGE_DEFAULT 20
#define EXPORT_MAX 50000		/* rows in one ?format=csv|xlsx export */
#define EXPORT_BYTES_MAX (64 * 1024 * 1024)	/* size of one exported file */
#define TEXT_MAX 4096			/* free text fields */
#define NAME_MAX_CHARS 64		/* names, titles (characters, not bytes) */
#define PHONE_MAX_CHARS 32		/* telephone numbers, with extensions */
#define URL_PATH_MAX 1024
#define URI_MAX 8192			/* request target (path + query) in bytes; beyond: 414 */
#define URI_LINE_MAX (32 * 1024)	/* request lines up to this get our JSON 414 */
#define HTTP_CONN_MEMORY (64 * 1024)	/* MHD's per-connection buffer: > URI_LINE_MAX + headers */
#define PATH_PARAMS_MAX 4
#define QUERY_PARAMS_MAX 32
#define LOGIN_IP_MAX 20			/* failed logins from one IP within the window */
#define LOGIN_IP_WINDOW_MS (10 * MINUTE_MS)
#define LOGIN_PAIR_FREE 3		/* failures per (name, IP) before the delay starts */
#define LOGIN_DELAY_MIN_MS SECOND_MS	/* the first delay; it doubles per failure */
#define LOGIN_DELAY_MAX_MS (15 * MINUTE_MS)
#define LOGIN_ACCOUNT_MAX 50		/* failures per account from unfamiliar IPs within the window */
#define LOGIN_ACCOUNT_WINDOW_MS HOUR_MS
#define LOGIN_KNOWN_IP_MS (30 * DAY_MS)	/* a source the owner logged in from this recently is theirs */
#define LOGIN_FAILURE_KEEP_MS DAY_MS	/* login_failure rows older than this are pruned */
#define PASSWORD_HISTORY_N 5		/* a new password differs from this many previous ones */
#define PREP_QUEUE_MAX 256		/* preps (password hashing) waiting for a worker */
#define PREP_THREADS_MAX 4		/* prep workers: one per core, but each hash holds 19 MiB */
#define SESSION_IDLE_MS (30 * MINUTE_MS)
#define SESSION_TOUCH_MS MINUTE_MS	/* refresh last_seen at most once a minute */
#define SESSION_ABSOLUTE_MS (12 * HOUR_MS)	/* a session dies this long after login */
#define TOKEN_DAYS_DEFAULT 90		/* API token lifetime when none is asked for */
#define TOKEN_DAYS_MAX 365
#define ADMIN_LOCK_UNTIL INT64_MAX	/* app_user.locked_until of an administrator's lock */
#define ONE_TIME_PASSWORD_LEN 16	/* a reset's password, shown once */
#define PASSWORD_MIN 8
#define PASSWORD_MAX 128
#define PASSWORD_NAME_MIN 3		/* usernames this long may not appear in the password */
#define FILES_USER_QUOTA (200ll * 1024 * 1024)	/* bytes a user's uploads may hold */
#define FILES_UNATTACHED_MS DAY_MS	/* an upload never attached expires after this */
#define FILES_EXPIRE_BATCH 500		/* expired uploads deleted per job run */

#endif
