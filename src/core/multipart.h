/*
** core/multipart.h: a strict, bounded multipart/form-data parser (RFC 7578,
** RFC 2046 §5.1) over a body already in memory. Part data is never copied:
** mp_part.data points into the body. Names, file names and content types are
** small and copied into the arena.
**
** Strict means: every line ends in CRLF (a bare LF or CR is malformed);
** header lines are at most MP_LINE_MAX bytes and at most MP_HEADERS_MAX per
** part; no header folding; every part has Content-Disposition: form-data with
** a name; a delimiter line may carry only transport padding (SP/HT); the body
** must end with the close delimiter (a truncated body is malformed). A
** preamble before the first delimiter and an epilogue after the last are
** ignored, as RFC 2046 says.
*/
#ifndef HOUQIN_MULTIPART_H
#define HOUQIN_MULTIPART_H

#include <stddef.h>

struct arena;
struct err;

#define MP_LINE_MAX 4096	/* one part header line, bytes without CRLF */
#define MP_HEADERS_MAX 8	/* header lines per part */
#define MP_BOUNDARY_MAX 70	/* RFC 2046 */

struct mp_part {
	const char *name;		/* form field name (arena) */
	const char *filename;		/* arena; filename* (RFC 5987, decoded to UTF-8) wins
					   over filename; NULL when the part has neither */
	const char *content_type;	/* arena; NULL when absent. Never trusted for types */
	const char *data;		/* borrowed: points into the body */
	size_t len;
};

/* 1 if the Content-Type value's media type is multipart/form-data (any case). */
int mp_is_form_data(const char *content_type);

/*
** The boundary parameter of a multipart/form-data Content-Type value (token or
** quoted string) into the arena. ERR_INVALID "bad_multipart" when the media
** type is not multipart/form-data, the boundary is missing, repeated, empty,
** longer than MP_BOUNDARY_MAX or has characters outside RFC 2046's bchars.
*/
int mp_boundary(struct arena *a, const char *content_type, const char **boundary,
		struct err *e);

/*
** Split body[0..len) into at most max parts (parts[] has room for max).
** 0 with *n parts (0 is possible: a body that is only a close delimiter);
** ERR_INVALID "bad_multipart" (field "file") when malformed or when there
** are more than max parts; ERR_NOMEM.
*/
int mp_parse(struct arena *a, const char *body, size_t len, const char *boundary,
	     struct mp_part *parts, int max, int *n, struct err *e);

#endif
