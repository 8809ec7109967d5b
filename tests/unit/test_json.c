/*
** tests/unit/test_json.c: core/json.c, the jansson glue (ownership via the arena, encoders).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/jw.h"

static void
test_encoders(void **state)
{
	json_t *j;

	(void)state;
	j = jtime(0);
	assert_true(json_is_null(j));
	json_decref(j);
	j = jtime(1795393800000LL);
	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j), "2026-11-23T08:30:00.000+08:00");
	json_decref(j);
	j = jtime(-1);		/* only 0 means "no time" */
	assert_string_equal(json_string_value(j), "1970-01-01T07:59:59.999+08:00");
	json_decref(j);

	j = jstr_or_null(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
	j = jstr_or_null("后勤");
	assert_string_equal(json_string_value(j), "后勤");
	json_decref(j);
	j = jstr_or_null("");
	assert_true(json_is_string(j));
	json_decref(j);

	j = jid_or_null(0);
	assert_true(json_is_null(j));
	json_decref(j);
	j = jid_or_null(INT64_MAX);
	assert_true(json_is_integer(j));
	assert_true(json_integer_value(j) == INT64_MAX);
	json_decref(j);
	j = jid_or_null(-3);
	assert_true(json_integer_value(j) == -3);
	json_decref(j);
}

static void
test_jdump_canonical(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{\"b\": 1, \"a\": [true, null]}", "{\"a\":[true,null],\"b\":1}" },
		{ "{\"z\": {\"y\": 1, \"x\": 2}, \"名\": \"值\"}", "{\"z\":{\"x\":2,\"y\":1},\"名\":\"值\"}" },
		{ "[3, 2, 1]", "[3,2,1]" },		/* arrays keep their order */
		{ "3", "3" },				/* scalars too (JSON_ENCODE_ANY) */
		{ "\"a\\\"b\"", "\"a\\\"b\"" },
		{ "{}", "{}" },
	};
	struct arena *a = arena_new(0);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t je;
		json_t *j = json_loads(cases[i].in, JSON_DECODE_ANY, &je);
		char *s;

		assert_non_null(j);
		s = jdump(a, j);
		assert_non_null(s);
		if (strcmp(s, cases[i].want) != 0)
			fail_msg("jdump(%s) = %s, want %s", cases[i].in, s, cases[i].want);
		json_decref(j);
	}
	assert_null(jdump(a, NULL));
	arena_free(a);
}

/* jarena takes over exactly one reference and drops it at arena_free. */
static void
test_jarena_ownership(void **state)
{
	struct arena *a = arena_new(0);
	json_t *j = json_object();
	json_t *kept = json_array();

	(void)state;
	assert_null(jarena(a, NULL));
	assert_true(jarena(a, j) == j);		/* released by the arena (LSan checks) */
	json_object_set_new(j, "k", json_string("v"));
	json_incref(kept);			/* refcount 2: ours + the arena's */
	assert_true(jarena(a, kept) == kept);
	arena_free(a);
	assert_int_equal(kept->refcount, 1);	/* the arena dropped only its own */
	json_decref(kept);
}

/* ---- core/jw.h: text mode writes byte for byte what jdump_api writes for the tree ---- */

static const char *const jw_strings[] = {
	"", "plain", "引号\"与\\反斜杠", "line\nbreak\ttab\rret\bback\fform",
	"\x01\x02\x1f\x7f control", "slash / stays", "报修：办公室灯管不亮 🙂", "\"",
};

/* The same sequence of calls in either mode. */
static void
jw_sample(struct jw *w, int variant)
{
	jw_object(w, NULL);
	jw_int(w, "id", variant);
	jw_int(w, "min", INT64_MIN);
	jw_int(w, "max", INT64_MAX);
	jw_bool(w, "yes", 1);
	jw_bool(w, "no", 0);
	jw_null(w, "nothing");
	jw_str(w, "absent", NULL);
	jw_time(w, "never", 0);
	jw_time(w, "at", 1779520195123LL + variant);
	for (size_t i = 0; i < sizeof(jw_strings) / sizeof(*jw_strings); i++) {
		char key[16];
		snprintf(key, sizeof(key), "s%zu", i);
		jw_str(w, key, jw_strings[i]);
	}
	jw_str(w, "键\n名", "key needs escaping too");
	jw_array(w, "list");
	jw_int(w, NULL, 1);
	jw_str(w, NULL, "二");
	jw_object(w, NULL);
	jw_end(w);
	jw_array(w, NULL);
	jw_end(w);
	jw_json(w, NULL, json_real(0.883216549873));
	jw_json(w, NULL, json_pack("{sf si}", "rate", 62.8, "n", 3));
	jw_json(w, NULL, NULL);
	jw_end(w);
	jw_object(w, "empty");
	jw_end(w);
	jw_end(w);
}

static void
test_jw_text_matches_tree(void **state)
{
	struct arena *a = arena_new(4096);

	(void)state;
	for (int v = 0; v < 3; v++) {
		struct buf b = BUF_INIT(1 << 20);
		struct jw w;
		json_t *tree;

		jw_start(&w, NULL);
		jw_sample(&w, v);
		tree = jw_finish(&w);
		assert_non_null(tree);
		jw_start(&w, &b);
		jw_sample(&w, v);
		assert_false(jw_failed(&w));
		assert_string_equal(b.p, jdump_api(a, tree));
		json_decref(tree);
		buf_free(&b);
	}
	arena_free(a);
}

static void
test_jw_errors(void **state)
{
	struct buf small = BUF_INIT(8);
	struct jw w;

	(void)state;
	jw_start(&w, NULL);
	jw_end(&w);	/* end without a container */
	assert_true(jw_failed(&w));
	assert_null(jw_finish(&w));
	jw_start(&w, NULL);
	jw_object(&w, NULL);	/* never closed */
	assert_null(jw_finish(&w));
	jw_start(&w, NULL);
	for (int i = 0; i < JW_DEPTH + 2; i++)
		jw_array(&w, NULL);	/* too deep */
	assert_true(jw_failed(&w));
	assert_null(jw_finish(&w));
	jw_start(&w, &small);	/* the buffer's limit */
	jw_str(&w, NULL, "longer than eight bytes");
	assert_true(jw_failed(&w));
	buf_free(&small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_jdump_canonical),
		cmocka_unit_test(test_jarena_ownership),
		cmocka_unit_test(test_jw_text_matches_tree),
		cmocka_unit_test(test_jw_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
