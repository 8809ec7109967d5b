/*
** core/err.c: filling struct err, in zh-CN and (through core/msg.h) English.
*/
#include "core/err.h"
#include "core/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
** zh and en of fmt with ap into the given buffers. The English first: an
** argument may be the message being replaced (err_set(e, ..., "%s", e->msg)).
*/
static void
format2(char *zh, size_t zsize, char *en, size_t esize, const char *fmt, va_list ap)
{
	char tmp[160];
	va_list cp;

	va_copy(cp, ap);
	msg_vformat_en(tmp, sizeof(tmp) < esize ? sizeof(tmp) : esize, fmt, cp);
	va_end(cp);
	vsnprintf(zh, zsize, fmt, ap);
	memcpy(en, tmp, strlen(tmp) + 1);
	msg_remember(zh, en);
}

static void
add_field(struct err *e, const char *field, const char *fmt, va_list ap)
{
	struct err_field *f;

	if (!field || e->nfields >= ERR_FIELDS_MAX)
		return;
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, field) == 0)
			return;	/* first message per field wins */
	f = &e->fields[e->nfields++];
	f->name = field;
	format2(f->msg, sizeof(f->msg), f->msg_en, sizeof(f->msg_en), fmt, ap);
}

static int
vset(struct err *e, enum err_code c, const char *slug, const char *field,
     const char *fmt, va_list ap)
{
	va_list ap2;

	e->code = c;
	e->slug = slug;
	va_copy(ap2, ap);
	format2(e->msg, sizeof(e->msg), e->msg_en, sizeof(e->msg_en), fmt, ap);
	add_field(e, field, fmt, ap2);
	va_end(ap2);
	return c;
}

int
err_set(struct err *e, enum err_code c, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(e, c, NULL, field, fmt, ap);
	va_end(ap);
	return rc;
}

int
err_setx(struct err *e, enum err_code c, const char *slug, const char *field,
	 const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(e, c, slug, field, fmt, ap);
	va_end(ap);
	return rc;
}

void
err_field(struct err *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_field(e, field, fmt, ap);
	va_end(ap);
}

void
err_msg_from_field(struct err *e)
{
	const struct err_field *f = &e->fields[0];

	if (e->nfields <= 0)
		return;
	snprintf(e->msg, sizeof(e->msg), "%s：%s", f->name, f->msg);
	if (f->msg_en[0])
		snprintf(e->msg_en, sizeof(e->msg_en), "%s: %s", f->name, f->msg_en);
	else
		e->msg_en[0] = '\0';
}

int
err_fields_done(struct err *e)
{
	if (!e->nfields)
		return 0;
	e->code = ERR_INVALID;
	e->slug = "invalid";
	err_msg_from_field(e);
	return e->code;
}

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}
