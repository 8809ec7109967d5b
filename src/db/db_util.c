/*
** db/db_util.c: dialect-neutral helpers.
*/
#include "db/db.h"
#include "core/arena.h"

#include <string.h>

char *
db_like_pattern(struct arena *a, const char *q)
{
	size_t n = strlen(q), o = 0;
	char *p = arena_alloc(a, n * 2 + 3);

	if (!p)
		return NULL;
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[o++] = '\\';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}
