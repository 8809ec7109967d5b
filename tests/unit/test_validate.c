/*
** tests/unit/test_validate.c: core/validate.c, field tables against JSON objects.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/validate.h"

struct thing_in {
	const char *name;
	const char *note;
	int64_t dept_id;
	int64_t parent_id;
	int64_t qty;
	int active;
	const char *kind;
	int64_t at;
	struct strlist roles;
	struct strlist tags;
};

static const char *const kinds[] = { "car", "van", NULL };
static const char *const roles[] = { "staff", "office", "leader", NULL };

static const struct field thing_fields[] = {
	{ .name = "name", .type = F_STR, .required = 1, .min = 2, .max = 4,
	  .off = offsetof(struct thing_in, name) },
	{ .name = "note", .type = F_STR, .off = offsetof(struct thing_in, note) },
	{ .name = "dept_id", .type = F_ID, .required = 1, .off = offsetof(struct thing_in, dept_id) },
	{ .name = "parent_id", .type = F_ID, .off = offsetof(struct thing_in, parent_id) },
	{ .name = "qty", .type = F_INT, .min = 1, .max = 10, .off = offsetof(struct thing_in, qty) },
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct thing_in, active) },
	{ .name = "kind", .type = F_ENUM, .enums = kinds, .off = offsetof(struct thing_in, kind) },
	{ .name = "at", .type = F_TIME, .off = offsetof(struct thing_in, at) },
	{ .name = "roles", .type = F_STRLIST, .enums = roles, .off = offsetof(struct thing_in, roles) },
	{ .name = "tags", .type = F_STRLIST, .off = offsetof(struct thing_in, tags) },
	{ 0 }
};

/* Space-separated names of e->fields, in order. */
static const char *
field_names(const struct err *e, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < e->nfields && o < size; i++) {
		size_t n = strlen(e->fields[i].name);
		if (o + n + 2 > size)
			break;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, e->fields[i].name, n + 1);
		o += n;
	}
	return out;
}

static json_t *
parse(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &je);

	if (!j)
		fail_msg("bad test JSON %s: %s", text, je.text);
	return j;
}

/* ---- one row per input: rc and the exact list of bad fields ---- */

static const struct {
	const char *json;
	int rc;
	const char *bad;	/* expected e.fields names, space-separated */
} cases[] = {
	{ "{\"name\":\"后勤\",\"dept_id\":1}", 0, "" },
	/* F_STR: min/max count characters, not bytes */
	{ "{\"name\":\"后\",\"dept_id\":1}", ERR_INVALID, "name" },		/* 1 char, 3 bytes */
	{ "{\"name\":\"ab\",\"dept_id\":1}", 0, "" },
	{ "{\"name\":\"后勤管理\",\"dept_id\":1}", 0, "" },			/* 4 chars, 12 bytes */
	{ "{\"name\":\"后勤管理处\",\"dept_id\":1}", ERR_INVALID, "name" },	/* 5 chars */
	{ "{\"name\":\"abcd\",\"dept_id\":1}", 0, "" },
	{ "{\"name\":\"abcde\",\"dept_id\":1}", ERR_INVALID, "name" },
	{ "{\"name\":\"😀😀\",\"dept_id\":1}", 0, "" },				/* 2 chars, 8 bytes */
	{ "{\"name\":\"  \",\"dept_id\":1}", ERR_INVALID, "name" },		/* required blank */
	{ "{\"name\":\" \\t\\n \",\"dept_id\":1}", ERR_INVALID, "name" },
	{ "{\"name\":\"\",\"dept_id\":1}", ERR_INVALID, "name" },
	{ "{\"name\":null,\"dept_id\":1}", ERR_INVALID, "name" },		/* required: null is not text */
	{ "{\"name\":12,\"dept_id\":1}", ERR_INVALID, "name" },
	{ "{\"name\":[\"ab\"],\"dept_id\":1}", ERR_INVALID, "name" },
	{ "{\"dept_id\":1}", ERR_INVALID, "name" },				/* required missing */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"note\":null}", 0, "" },		/* optional null */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"note\":\"\"}", 0, "" },		/* optional empty */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"note\":\"  \"}", 0, "" },		/* optional blank */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"note\":false}", ERR_INVALID, "note" },
	/* F_ID */
	{ "{\"name\":\"ab\",\"dept_id\":null}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":0}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":-1}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":\"1\"}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":1.0}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":true}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":9223372036854775807}", 0, "" },
	{ "{\"name\":\"ab\"}", ERR_INVALID, "dept_id" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"parent_id\":null}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"parent_id\":0}", ERR_INVALID, "parent_id" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"parent_id\":\"2\"}", ERR_INVALID, "parent_id" },
	/* F_INT in [1, 10] */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":1}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":10}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":0}", ERR_INVALID, "qty" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":11}", ERR_INVALID, "qty" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":-9223372036854775808}", ERR_INVALID, "qty" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":\"5\"}", ERR_INVALID, "qty" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":5.0}", ERR_INVALID, "qty" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"qty\":true}", ERR_INVALID, "qty" },
	/* F_BOOL */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"active\":true}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"active\":false}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"active\":1}", ERR_INVALID, "active" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"active\":\"true\"}", ERR_INVALID, "active" },
	/* F_ENUM */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"kind\":\"van\"}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"kind\":\"bus\"}", ERR_INVALID, "kind" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"kind\":\"CAR\"}", ERR_INVALID, "kind" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"kind\":\"\"}", ERR_INVALID, "kind" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"kind\":1}", ERR_INVALID, "kind" },
	/* F_TIME */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"at\":\"2026-11-23T08:30:00+08:00\"}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"at\":\"2026-02-29\"}", ERR_INVALID, "at" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"at\":1795393800000}", ERR_INVALID, "at" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"at\":\"tomorrow\"}", ERR_INVALID, "at" },
	/* F_STRLIST, with and without enums */
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":[\"staff\",\"office\"]}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":[]}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":[\"staff\",\"bogus\"]}", ERR_INVALID, "roles" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":\"staff\"}", ERR_INVALID, "roles" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":[1]}", ERR_INVALID, "roles" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"roles\":[null]}", ERR_INVALID, "roles" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"tags\":[\"any\",\"thing\"]}", 0, "" },
	{ "{\"name\":\"ab\",\"dept_id\":1,\"tags\":[\"a\",2]}", ERR_INVALID, "tags" },
	/* several bad fields are all reported, in table order */
	{ "{}", ERR_INVALID, "name dept_id" },
	{ "{\"kind\":\"bus\",\"qty\":99,\"dept_id\":0,\"name\":\"\"}", ERR_INVALID,
	  "name dept_id qty kind" },
	{ "{\"name\":\"x\",\"note\":1,\"dept_id\":-5,\"parent_id\":-1,\"qty\":0,\"active\":0,"
	  "\"kind\":\"x\",\"at\":\"x\",\"roles\":[\"x\"],\"tags\":{}}", ERR_INVALID,
	  "name note dept_id parent_id qty active kind at" },	/* capped at ERR_FIELDS_MAX */
};

static void
test_val_object_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena *a = arena_new(0);
		json_t *j = parse(cases[i].json);
		struct thing_in in = { 0 };
		struct err e = { 0 };
		char names[256];
		int rc = val_object(a, j, thing_fields, &in, NULL, &e);

		field_names(&e, names, sizeof(names));
		if (rc != cases[i].rc || strcmp(names, cases[i].bad) != 0)
			fail_msg("%s: rc %d fields \"%s\", want rc %d fields \"%s\"", cases[i].json,
				 rc, names, cases[i].rc, cases[i].bad);
		if (rc) {
			assert_int_equal(e.code, ERR_INVALID);
			assert_string_equal(e.slug, "invalid");
			/* the summary message names the first bad field */
			assert_memory_equal(e.msg, e.fields[0].name, strlen(e.fields[0].name));
			for (int k = 0; k < e.nfields; k++)
				assert_true(e.fields[k].msg[0] != '\0');
		}
		json_decref(j);
		arena_free(a);
	}
}

/* Values land in the struct, with the right C types. */
static void
test_val_object_values(void **state)
{
	struct arena *a = arena_new(0);
	json_t *j = parse("{\"name\":\"后勤管理\",\"note\":\"备注\",\"dept_id\":42,\"parent_id\":null,"
			  "\"qty\":7,\"active\":true,\"kind\":\"van\","
			  "\"at\":\"2026-11-23T08:30:00Z\",\"roles\":[\"leader\",\"staff\"],"
			  "\"tags\":[]}");
	struct thing_in in = { 0 };
	struct err e = { 0 };

	(void)state;
	in.parent_id = 99;	/* null must reset it to 0 */
	assert_int_equal(val_object(a, j, thing_fields, &in, NULL, &e), 0);
	assert_int_equal(e.nfields, 0);
	assert_string_equal(in.name, "后勤管理");
	assert_string_equal(in.note, "备注");
	assert_true(in.dept_id == 42);
	assert_true(in.parent_id == 0);
	assert_true(in.qty == 7);
	assert_int_equal(in.active, 1);
	assert_string_equal(in.kind, "van");
	assert_true(in.at == 1795422600000LL);
	assert_int_equal(in.roles.n, 2);
	assert_string_equal(in.roles.v[0], "leader");
	assert_string_equal(in.roles.v[1], "staff");
	assert_int_equal(in.tags.n, 0);
	assert_non_null(in.tags.v);
	json_decref(j);
	arena_free(a);
}

static void
test_unknown_field(void **state)
{
	static const char *const inputs[] = {
		"{\"name\":\"ab\",\"dept_id\":1,\"bogus\":1}",
		"{\"bogus\":null}",
		"{\"Name\":\"ab\",\"dept_id\":1}",	/* keys are case-sensitive */
		"{\"name\":\"ab\",\"dept_id\":1,\"\":1}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct arena *a = arena_new(0);
		json_t *j = parse(inputs[i]);
		struct thing_in in = { 0 };
		struct err e = { 0 };

		if (val_object(a, j, thing_fields, &in, NULL, &e) != ERR_INVALID)
			fail_msg("%s accepted", inputs[i]);
		assert_int_equal(e.code, ERR_INVALID);
		assert_non_null(e.slug);
		assert_string_equal(e.slug, "unknown_field");
		assert_int_equal(e.nfields, 1);
		assert_non_null(strstr(inputs[i], e.fields[0].name));
		json_decref(j);
		arena_free(a);
	}
}

static void
test_non_object(void **state)
{
	static const char *const inputs[] = { "[]", "[{\"name\":\"ab\",\"dept_id\":1}]", "\"x\"",
					      "1", "true", "null" };

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct arena *a = arena_new(0);
		json_t *j = parse(inputs[i]);
		struct thing_in in = { 0 };
		struct err e = { 0 };

		if (val_object(a, j, thing_fields, &in, NULL, &e) != ERR_INVALID)
			fail_msg("%s accepted", inputs[i]);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.slug, "invalid");
		assert_int_equal(e.nfields, 0);
		json_decref(j);
		arena_free(a);
	}
	{
		struct arena *a = arena_new(0);
		struct thing_in in = { 0 };
		struct err e = { 0 };

		assert_int_equal(val_object(a, NULL, thing_fields, &in, NULL, &e), ERR_INVALID);
		arena_free(a);
	}
}

/* *present has a bit per spec entry present in the object, null values included. */
static void
test_present_bits(void **state)
{
	static const struct {
		const char *json;
		const char *keys;	/* space-separated names expected present */
	} pcases[] = {
		{ "{\"name\":\"ab\",\"dept_id\":1}", "name dept_id" },
		{ "{\"name\":\"ab\",\"dept_id\":1,\"active\":false}", "name dept_id active" },
		{ "{\"name\":\"ab\",\"dept_id\":1,\"parent_id\":null,\"note\":null}",
		  "name note dept_id parent_id" },
		{ "{\"tags\":[],\"name\":\"ab\",\"dept_id\":1,\"roles\":[]}", "name dept_id roles tags" },
	};

	(void)state;
	assert_true(val_bit(thing_fields, "name") == 1u);
	assert_true(val_bit(thing_fields, "dept_id") == 1u << 2);
	assert_true(val_bit(thing_fields, "tags") == 1u << 9);
	assert_true(val_bit(thing_fields, "bogus") == 0);
	for (size_t i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		struct arena *a = arena_new(0);
		json_t *j = parse(pcases[i].json);
		struct thing_in in = { 0 };
		struct err e = { 0 };
		uint32_t present = 0xdeadbeef, want = 0;
		char keys[128];
		char *save = NULL;

		memcpy(keys, pcases[i].keys, strlen(pcases[i].keys) + 1);
		for (char *k = keys; *k;) {
			size_t n = strcspn(k, " ");
			save = k + n;
			if (*save)
				*save++ = '\0';
			want |= val_bit(thing_fields, k);
			k = save;
		}
		assert_int_equal(val_object(a, j, thing_fields, &in, &present, &e), 0);
		if (present != want)
			fail_msg("%s: present %#x, want %#x", pcases[i].json, present, want);
		json_decref(j);
		arena_free(a);
	}
	/* still filled when validation fails, so callers can tell missing from bad */
	{
		struct arena *a = arena_new(0);
		json_t *j = parse("{\"name\":\"ab\",\"dept_id\":1,\"qty\":0}");
		struct thing_in in = { 0 };
		struct err e = { 0 };
		uint32_t present = 0;

		assert_int_equal(val_object(a, j, thing_fields, &in, &present, &e), ERR_INVALID);
		assert_true(present == (val_bit(thing_fields, "name") |
					val_bit(thing_fields, "dept_id") | val_bit(thing_fields, "qty")));
		json_decref(j);
		arena_free(a);
	}
}

/* Long strings: the default max (TEXT_MAX) in characters; embedded NUL rejected; 64-item lists. */
static void
test_lengths_and_nul(void **state)
{
	static const struct {
		const char *unit;
		int count;
		int rc;
	} lcases[] = {
		{ "a", TEXT_MAX, 0 },
		{ "a", TEXT_MAX + 1, ERR_INVALID },
		{ "后", TEXT_MAX, 0 },		/* 12288 bytes but 4096 characters */
		{ "后", TEXT_MAX + 1, ERR_INVALID },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		struct arena *a = arena_new(0);
		struct buf b = BUF_INIT(1 << 20);
		json_t *j = json_pack("{ss sI}", "name", "ab", "dept_id", (json_int_t)1);
		struct thing_in in = { 0 };
		struct err e = { 0 };
		int rc;

		for (int k = 0; k < lcases[i].count; k++)
			assert_int_equal(buf_adds(&b, lcases[i].unit), 0);
		json_object_set_new(j, "note", json_string(b.p));
		rc = val_object(a, j, thing_fields, &in, NULL, &e);
		if (rc != lcases[i].rc)
			fail_msg("note of %d x \"%s\": rc %d", lcases[i].count, lcases[i].unit, rc);
		if (rc)
			assert_string_equal(e.fields[0].name, "note");
		buf_free(&b);
		json_decref(j);
		arena_free(a);
	}
	/* a string with an embedded NUL (jansson allows it via json_stringn) */
	{
		struct arena *a = arena_new(0);
		json_t *j = json_pack("{ss# sI}", "name", "a\0bc", (int)4, "dept_id", (json_int_t)1);
		struct thing_in in = { 0 };
		struct err e = { 0 };

		assert_non_null(j);
		assert_int_equal(val_object(a, j, thing_fields, &in, NULL, &e), ERR_INVALID);
		assert_string_equal(e.fields[0].name, "name");
		json_decref(j);
		arena_free(a);
	}
	/* an enum value that is a valid code up to an embedded NUL ("van\0junk") */
	{
		struct arena *a = arena_new(0);
		json_t *j = json_pack("{ss sI ss#}", "name", "ab", "dept_id", (json_int_t)1, "kind",
				      "van\0junk", (int)8);
		struct thing_in in = { 0 };
		struct err e = { 0 };

		assert_non_null(j);
		assert_int_equal(val_object(a, j, thing_fields, &in, NULL, &e), ERR_INVALID);
		assert_string_equal(e.fields[0].name, "kind");
		json_decref(j);
		arena_free(a);
	}
	/* list sizes: 64 items allowed, 65 refused */
	for (int n = 64; n <= 65; n++) {
		struct arena *a = arena_new(0);
		json_t *j = json_pack("{ss sI}", "name", "ab", "dept_id", (json_int_t)1);
		json_t *list = json_array();
		struct thing_in in = { 0 };
		struct err e = { 0 };

		for (int k = 0; k < n; k++)
			json_array_append_new(list, json_string("t"));
		json_object_set_new(j, "tags", list);
		assert_int_equal(val_object(a, j, thing_fields, &in, NULL, &e),
				 n <= 64 ? 0 : ERR_INVALID);
		if (n <= 64)
			assert_int_equal(in.tags.n, (size_t)n);
		json_decref(j);
		arena_free(a);
	}
}

static void
test_val_in(void **state)
{
	(void)state;
	assert_int_equal(val_in("car", kinds), 1);
	assert_int_equal(val_in("van", kinds), 1);
	assert_int_equal(val_in("ca", kinds), 0);
	assert_int_equal(val_in("", kinds), 0);
	assert_int_equal(val_in("car", NULL), 0);
}

/* err.c, which validation reports through: first message per field wins, capped list. */
static void
test_err_fields(void **state)
{
	static const char *const names[] = { "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8" };
	struct err e = { 0 };
	char longmsg[400];

	(void)state;
	assert_int_equal(err_set(&e, ERR_INVALID, "a", "first %d", 1), ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(e.slug);
	assert_string_equal(e.msg, "first 1");
	assert_int_equal(e.nfields, 1);
	err_field(&e, "a", "second");		/* same field: ignored */
	err_field(&e, NULL, "no field");	/* no name: ignored */
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].msg, "first 1");
	err_clear(&e);
	assert_int_equal(e.code, ERR_OK);
	assert_int_equal(e.nfields, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		err_field(&e, names[i], "bad %zu", i);
	assert_int_equal(e.nfields, ERR_FIELDS_MAX);	/* the ninth is dropped */
	assert_string_equal(e.fields[ERR_FIELDS_MAX - 1].name, "f7");
	assert_string_equal(e.fields[ERR_FIELDS_MAX - 1].msg, "bad 7");
	err_clear(&e);
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	assert_int_equal(err_setx(&e, ERR_RULE, "some_rule", "x", "%s", longmsg), ERR_RULE);
	assert_string_equal(e.slug, "some_rule");
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);		/* truncated, terminated */
	assert_int_equal(strlen(e.fields[0].msg), sizeof(e.fields[0].msg) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_val_object_table),
		cmocka_unit_test(test_val_object_values),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_non_object),
		cmocka_unit_test(test_present_bits),
		cmocka_unit_test(test_lengths_and_nul),
		cmocka_unit_test(test_val_in),
		cmocka_unit_test(test_err_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
