/*
** tests/unit/test_json.c: core/json.c, the jansson glue (ownership via the arena, encoders).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/json.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_jdump_canonical),
		cmocka_unit_test(test_jarena_ownership),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
