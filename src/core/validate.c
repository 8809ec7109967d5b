/*
** core/validate.c: field-table validation of JSON objects.
*/
#include "core/validate.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/parse.h"

#include <stdio.h>
#include <string.h>

int
val_in(const char *s, const char *const *enums)
{
	for (; enums && *enums; enums++)
		if (strcmp(s, *enums) == 0)
			return 1;
	return 0;
}

uint32_t
val_bit(const struct field *spec, const char *name)
{
	for (int i = 0; spec[i].name; i++)
		if (strcmp(spec[i].name, name) == 0)
			return 1u << i;
	return 0;
}

/* Only white space, including the ideographic space U+3000 (E3 80 80) of Chinese input. */
static int
blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			return 0;
	}
	return 1;
}

static int
check_str(const struct field *f, const json_t *v, const char **out, struct err *e)
{
	int64_t max = f->max ? f->max : TEXT_MAX;
	const char *s;
	long chars;

	if (!json_is_string(v)) {
		err_field(e, f->name, "应为文本");
		return -1;
	}
	s = json_string_value(v);
	chars = utf8_chars(s, json_string_length(v));
	if (chars < 0 || strlen(s) != json_string_length(v)) {
		err_field(e, f->name, "包含无效字符");
		return -1;
	}
	if (f->required && blank(s)) {
		err_field(e, f->name, "不能为空");
		return -1;
	}
	if (chars < f->min) {
		err_field(e, f->name, "至少 %lld 个字符", (long long)f->min);
		return -1;
	}
	if (chars > max) {
		err_field(e, f->name, "不能超过 %lld 个字符", (long long)max);
		return -1;
	}
	*out = s;
	return 0;
}

static int
check_enum(const struct field *f, const json_t *v, const char **out, struct err *e)
{
	/* the length check refuses "open\u0000junk", which strcmp would take for "open" */
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
	    !val_in(json_string_value(v), f->enums)) {
		err_field(e, f->name, "取值无效");
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

static int
check_list(struct arena *a, const struct field *f, const json_t *v, struct strlist *out,
	   struct err *e)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 0;

	if (!json_is_array(v) || n > 64) {
		err_field(e, f->name, "应为文本列表");
		return -1;
	}
	out->v = arena_array(a, n ? n : 1, sizeof(*out->v));
	if (!out->v) {
		err_field(e, f->name, "内存不足");
		return -1;
	}
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(v, i);
		if (!json_is_string(it) || (f->enums && !val_in(json_string_value(it), f->enums))) {
			err_field(e, f->name, "第 %zu 项取值无效", i + 1);
			return -1;
		}
		out->v[i] = json_string_value(it);
	}
	return 0;
}

static int
check_one(struct arena *a, const struct field *f, const json_t *v, char *base, struct err *e)
{
	void *dst = base + f->off;
	int64_t n;

	if (json_is_null(v) && !f->required && f->type != F_ID && f->type != F_JSON)
		return 0;	/* an optional field sent as null keeps the caller's default */
	switch (f->type) {
	case F_STR:
		return check_str(f, v, (const char **)dst, e);
	case F_ENUM:
		return check_enum(f, v, (const char **)dst, e);
	case F_ID:
		if (json_is_null(v) && !f->required) {
			*(int64_t *)dst = 0;
			return 0;
		}
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			err_field(e, f->name, "应为有效编号");
			return -1;
		}
		*(int64_t *)dst = json_integer_value(v);
		return 0;
	case F_INT:
		n = json_is_integer(v) ? json_integer_value(v) : 0;
		if (!json_is_integer(v) || n < f->min || n > f->max) {
			err_field(e, f->name, "应为 %lld 到 %lld 之间的整数", (long long)f->min,
				  (long long)f->max);
			return -1;
		}
		*(int64_t *)dst = n;
		return 0;
	case F_BOOL:
		if (!json_is_boolean(v)) {
			err_field(e, f->name, "应为 true 或 false");
			return -1;
		}
		*(int *)dst = json_is_true(v);
		return 0;
	case F_TIME:
		if (!json_is_string(v) || iso_to_ms(json_string_value(v), (int64_t *)dst)) {
			err_field(e, f->name, "时间格式无效");
			return -1;
		}
		return 0;
	case F_STRLIST:
		return check_list(a, f, v, (struct strlist *)dst, e);
	case F_JSON:
		*(const json_t **)dst = v;
		return 0;
	}
	return -1;
}

int
val_object(struct arena *a, const json_t *obj, const struct field *spec, void *out,
	   uint32_t *present, struct err *e)
{
	const char *key;
	const json_t *v;
	uint32_t seen = 0;
	int bad = 0;

	if (!json_is_object(obj))
		return err_setx(e, ERR_INVALID, "invalid", NULL, "请求体应为 JSON 对象");
	json_object_foreach((json_t *)obj, key, v) {
		if (!val_bit(spec, key))
			return err_setx(e, ERR_INVALID, "unknown_field", key, "未知字段");
	}
	for (int i = 0; spec[i].name; i++) {
		v = json_object_get(obj, spec[i].name);
		if (!v) {
			if (spec[i].required) {
				err_field(e, spec[i].name, "不能为空");
				bad = 1;
			}
			continue;
		}
		seen |= 1u << i;
		if (check_one(a, &spec[i], v, out, e))
			bad = 1;
	}
	if (present)
		*present = seen;
	if (bad) {
		e->code = ERR_INVALID;
		e->slug = "invalid";
		err_msg_from_field(e);
		return ERR_INVALID;
	}
	return 0;
}
