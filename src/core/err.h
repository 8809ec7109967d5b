/*
** core/err.h: error codes and the error struct every layer returns through.
** Functions return 0 or a negative enum err_code and fill a caller-owned struct err.
*/
#ifndef HOUQIN_ERR_H
#define HOUQIN_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_INVALID = -1,	/* 400: malformed or failed validation */
	ERR_NOT_FOUND = -2,	/* 404 */
	ERR_CONFLICT = -3,	/* 409: stale update, duplicate, illegal transition */
	ERR_UNAUTH = -4,	/* 401 */
	ERR_FORBIDDEN = -5,	/* 403 */
	ERR_TOO_LARGE = -6,	/* 413 */
	ERR_NOMEM = -7,		/* 503 */
	ERR_DB = -8,		/* 500: a bug or a storage failure */
	ERR_RULE = -9,		/* 422: well-formed but violates a business rule */
	ERR_BAD_JSON = -10,	/* 400 bad_json */
	ERR_METHOD = -11,	/* 405 */
	ERR_UNAVAILABLE = -12,	/* 503 storage_unavailable */
	ERR_RATE = -13,		/* 429 */
	ERR_UNSUPPORTED = -14,	/* 415 */
};

#define ERR_FIELDS_MAX 8

struct err_field {
	const char *name;	/* static string (field table name) */
	char msg[96];		/* zh-CN */
	char msg_en[96];	/* English from core/msg.h's table; "" when it has none */
};

/*
** code: the failure class; slug: a stable machine-readable code for the client
** (e.g. "role_conflict"); NULL means the default for the class.
** fields: per-field messages, fields[0] is the first bad field.
** msg is zh-CN; msg_en the same message in English when the message table
** (core/msg.h) has the format, else "". resp.c picks by the request's language.
*/
struct err {
	enum err_code code;
	const char *slug;
	char msg[160];
	char msg_en[160];
	int nfields;
	struct err_field fields[ERR_FIELDS_MAX];
};

/*
** Fill *e (message printf-style, truncated to fit) and return c. field may be NULL.
** fmt is the zh-CN text and the key of the message table (core/msg.h): the
** English is formatted from the same arguments into msg_en.
*/
int err_set(struct err *e, enum err_code c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Like err_set with a stable slug ("self_approval", "role_conflict", ...). */
int err_setx(struct err *e, enum err_code c, const char *slug, const char *field,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
** Add one more field message without changing code/msg; used by validation to
** report every bad field at once. Silently ignores fields past ERR_FIELDS_MAX.
*/
void err_field(struct err *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
** Set the message from the first field message, "name：message" (and its
** English "name: message"), after err_field calls. Code and slug are unchanged.
*/
void err_msg_from_field(struct err *e);
/*
** After a run of err_field checks: 0 when none failed, else ERR_INVALID
** "invalid" with the first field's message as the error's.
*/
int err_fields_done(struct err *e);

/* Reset to ERR_OK. */
void err_clear(struct err *e);

#endif
