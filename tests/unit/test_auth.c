/*
** tests/unit/test_auth.c: core/auth.c password policy and hashing, roles, tokens.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/limits.h"

/* ---- password policy: 8..128 characters, 3 of 4 classes (lower, upper, digit, other) ---- */

static const struct {
	const char *pw;
	int rc;
} policy_cases[] = {
	{ "Abcdef1", ERR_RULE },		/* 7 chars */
	{ "Hqzdefg1", 0 },			/* 8 chars, 3 classes */
	{ "abcdefgh", ERR_RULE },		/* 1 class */
	{ "abcdefg1", ERR_RULE },		/* 2 classes */
	{ "ABCDEFG1", ERR_RULE },
	{ "12345678", ERR_RULE },
	{ "!!!!!!!!", ERR_RULE },
	{ "abcd!!!!", ERR_RULE },		/* lower + other */
	{ "hqz1234!", 0 },			/* lower + digit + other */
	{ "HQZ1234!", 0 },
	{ "Hqzdefg!", 0 },
	{ "Ab1!Ab1!", 0 },			/* all four */
	{ "Hqz 1234", 0 },			/* space is "other" */
	{ "", ERR_RULE },
	{ "密码密码密码ab", ERR_RULE },		/* other + lower only */
	{ "密码密码密码a1", 0 },		/* Chinese counts as "other" */
	{ "密码密码ab1", ERR_RULE },		/* 7 characters although 15 bytes */
	{ "密码密码abc1", 0 },			/* 8 characters */
	{ "密码密码密码密码", ERR_RULE },	/* one class only */
	{ "Abcdef\xC0\xAF", ERR_RULE },		/* invalid UTF-8 */
};

static void
test_password_policy_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++) {
		struct err e = { 0 };
		int rc = auth_password_policy(policy_cases[i].pw, "password", &e);

		if (rc != policy_cases[i].rc)
			fail_msg("policy(\"%s\") = %d, want %d", policy_cases[i].pw, rc,
				 policy_cases[i].rc);
		if (rc) {
			assert_int_equal(e.code, ERR_RULE);
			assert_string_equal(e.slug, "weak_password");
			assert_int_equal(e.nfields, 1);
			assert_string_equal(e.fields[0].name, "password");
		}
	}
}

/* Length limits are in characters: 8 and 128 pass, 7 and 129 fail (ASCII and Chinese). */
static void
test_password_policy_lengths(void **state)
{
	static const struct {
		const char *fill;	/* repeated after the "Aa1" prefix */
		int chars;		/* total characters */
		int rc;
	} lcases[] = {
		{ "x", 7, ERR_RULE }, { "x", 8, 0 }, { "x", 128, 0 }, { "x", 129, ERR_RULE },
		{ "码", 7, ERR_RULE }, { "码", 8, 0 }, { "码", 128, 0 }, { "码", 129, ERR_RULE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		char pw[3 + 129 * 3 + 1];
		size_t o = 3, fl = strlen(lcases[i].fill);
		struct err e = { 0 };
		int rc;

		memcpy(pw, "Aa1", 3);
		for (int k = 3; k < lcases[i].chars; k++, o += fl)
			memcpy(pw + o, lcases[i].fill, fl);
		pw[o] = '\0';
		rc = auth_password_policy(pw, "new_password", &e);
		if (rc != lcases[i].rc)
			fail_msg("%d chars of \"%s\": rc %d, want %d", lcases[i].chars, lcases[i].fill,
				 rc, lcases[i].rc);
		if (rc)
			assert_string_equal(e.fields[0].name, "new_password");
	}
}

/* ---- blocklist: common passwords, however decorated, and the username ---- */

static const struct {
	const char *pw;
	int common;
} common_cases[] = {
	{ "Password1!", 1 }, { "P@ssw0rd", 1 }, { "P@ssword2026", 1 }, { "pASSWORD123", 1 },
	{ "Qwerty@2024", 1 }, { "Woaini1314.", 1 }, { "Aa123456", 1 }, { "Abc@123456", 1 },
	{ "1qaz@WSX", 1 }, { "Admin@123", 1 }, { "Zhangwei1988", 1 }, { "Abcdefg1", 1 },
	{ "Asdf1234!", 1 }, { "Houqin@2026", 1 }, { "!!Dragon99", 1 }, { "Iloveyou!2", 1 },
	{ "Qq@123456", 1 }, { "Zxcvbnm,1", 1 },
	/* not common: the fixtures' and demo passwords, and random ones */
	{ "Demo@2026", 0 }, { "Test@2026x", 0 }, { "Next@2026y", 0 }, { "Kx9#mP2!vL", 0 },
	{ "Correct-Horse-9", 0 }, { "Tr0ub4dor&3", 0 }, { "密码密码abc1", 0 },
};

static void
test_password_blocklist(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(common_cases) / sizeof(common_cases[0]); i++) {
		struct err e = { 0 };
		int rc = auth_password_policy(common_cases[i].pw, "password", &e);

		if ((rc != 0) != common_cases[i].common)
			fail_msg("policy(\"%s\") = %d, want %s", common_cases[i].pw, rc,
				 common_cases[i].common ? "weak" : "ok");
		if (rc) {
			assert_string_equal(e.slug, "weak_password");
			assert_string_equal(e.msg, "密码过于常见，容易被猜中，请换一个");
		}
	}
}

static void
test_password_not_the_username(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(auth_password_policy_user("Zhaoliu#77x", "zhaoliu", "new_password", &e),
			 ERR_RULE);
	assert_string_equal(e.msg, "密码不能包含登录名");
	err_clear(&e);
	assert_int_equal(auth_password_policy_user("xx!ZHAOLIU7", "zhaoliu", "password", &e),
			 ERR_RULE);
	err_clear(&e);
	assert_int_equal(auth_password_policy_user("Kx9#mP2!vL", "zhaoliu", "password", &e), 0);
	/* a name too short to matter, and the policy itself still applies */
	assert_int_equal(auth_password_policy_user("Kx9#mP2!vL", "kx", "password", &e), 0);
	assert_int_equal(auth_password_policy_user("Password1!", "zhaoliu", "password", &e),
			 ERR_RULE);
}

/* ---- hashing ---- */

static int
setup_sodium(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	auth_set_fast_hashing(1);
	return 0;
}

static void
test_password_hash_verify(void **state)
{
	static const char *const pws[] = { "Abcdefg1", "密码密码密码a1", "x" };
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	struct err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		assert_int_equal(auth_password_hash(pws[i], h1, sizeof(h1), &e), 0);
		assert_int_equal(auth_password_hash(pws[i], h2, sizeof(h2), &e), 0);
		assert_non_null(strstr(h1, "$argon2id$"));
		assert_string_not_equal(h1, h2);		/* salted */
		assert_int_equal(auth_password_verify(h1, pws[i]), 1);
		assert_int_equal(auth_password_verify(h2, pws[i]), 1);
		if (strlen(pws[i]) >= 8)
			assert_null(strstr(h1, pws[i]));	/* never the plain text */
	}
	assert_int_equal(auth_password_hash("Abcdefg1", h1, sizeof(h1), &e), 0);
	assert_int_equal(auth_password_verify(h1, "Abcdefg2"), 0);
	assert_int_equal(auth_password_verify(h1, "abcdefg1"), 0);
	assert_int_equal(auth_password_verify(h1, "Abcdefg1 "), 0);
	assert_int_equal(auth_password_verify(h1, ""), 0);
	assert_int_equal(auth_password_verify(NULL, "Abcdefg1"), 0);
	assert_int_equal(auth_password_verify("not a hash", "Abcdefg1"), 0);
	assert_int_equal(auth_password_verify("", ""), 0);
}

/* OWASP's argon2id m = 19 MiB, t = 2, p = 1; older parameters are known as such. */
static void
test_password_parameters_and_rehash(void **state)
{
	char h[crypto_pwhash_STRBYTES], old[crypto_pwhash_STRBYTES];
	struct err e = { 0 };

	(void)state;
	auth_set_fast_hashing(0);
	assert_int_equal(auth_password_hash("Abcdefg1", h, sizeof(h), &e), 0);
	assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_int_equal(auth_password_needs_rehash(h), 0);
	/* libsodium's INTERACTIVE (64 MiB), as hashes were made before */
	assert_int_equal(crypto_pwhash_str(old, "Abcdefg1", 8, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	assert_int_equal(auth_password_needs_rehash(old), 1);
	assert_int_equal(auth_password_verify(old, "Abcdefg1"), 1);
	auth_set_fast_hashing(1);
	assert_int_equal(auth_password_needs_rehash(h), 1);	/* tests hash with the minimum */
}

static void
test_password_hash_small_buffer(void **state)
{
	char small[16];
	struct err e = { 0 };

	(void)state;
	assert_true(auth_password_hash("Abcdefg1", small, sizeof(small), &e) < 0);
	assert_true(e.code < 0);
}

/* ---- roles ---- */

static void
test_role_bit(void **state)
{
	(void)state;
	assert_true(role_bit("staff") == ROLE_STAFF);
	assert_true(role_bit("dept_head") == ROLE_DEPT_HEAD);
	assert_true(role_bit("office") == ROLE_OFFICE);
	assert_true(role_bit("worker") == ROLE_WORKER);
	assert_true(role_bit("leader") == ROLE_LEADER);
	assert_true(role_bit("finance") == ROLE_FINANCE);
	assert_true(role_bit("supervisor") == ROLE_SUPERVISOR);
	assert_true(role_bit("sysadmin") == ROLE_SYSADMIN);
	assert_true(role_bit("secadmin") == ROLE_SECADMIN);
	assert_true(role_bit("auditor") == ROLE_AUDITOR);
	assert_true(role_bit("Staff") == 0);
	assert_true(role_bit("") == 0);
	assert_true(role_bit("staff ") == 0);
	assert_true(role_bit("root") == 0);
	/* the code and label tables line up with the enum */
	for (int i = 0; i < ROLE_COUNT; i++) {
		assert_non_null(role_codes[i]);
		assert_non_null(role_labels[i]);
		assert_true(role_bit(role_codes[i]) == 1u << i);
	}
	assert_null(role_codes[ROLE_COUNT]);
	assert_null(role_labels[ROLE_COUNT]);
}

static const struct {
	const char *csv;
	int rc;
	unsigned want;
} role_cases[] = {
	{ "", 0, 0 },
	{ "staff", 0, ROLE_STAFF },
	{ "staff,office", 0, ROLE_STAFF | ROLE_OFFICE },
	{ "office,staff", 0, ROLE_STAFF | ROLE_OFFICE },
	{ "staff,staff", 0, ROLE_STAFF },
	{ "sysadmin,secadmin,auditor", 0, ROLE_ADMINS },
	{ "staff,dept_head,office,worker,leader,finance,supervisor,sysadmin,secadmin,auditor", 0,
	  (1u << ROLE_COUNT) - 1 },
	{ "staff,bogus", ERR_INVALID, 0 },
	{ "bogus", ERR_INVALID, 0 },
	{ "staff,,office", ERR_INVALID, 0 },
	{ ",staff", ERR_INVALID, 0 },
	{ "staff, office", ERR_INVALID, 0 },
	{ "STAFF", ERR_INVALID, 0 },
	{ "staffstaffstaffstaffstaffstaffstaff", ERR_INVALID, 0 },	/* longer than any code */
};

static void
test_role_parse_list_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(role_cases) / sizeof(role_cases[0]); i++) {
		unsigned out = 0xFFFF;
		int rc = role_parse_list(role_cases[i].csv, &out);

		if (rc != role_cases[i].rc || (rc == 0 && out != role_cases[i].want))
			fail_msg("role_parse_list(\"%s\"): rc %d out %#x, want rc %d out %#x",
				 role_cases[i].csv, rc, out, role_cases[i].rc, role_cases[i].want);
	}
}

static void
test_actor_has(void **state)
{
	struct actor a = { 0 };

	(void)state;
	a.roles = ROLE_STAFF | ROLE_OFFICE;
	assert_int_equal(actor_has(&a, ROLE_OFFICE), 1);
	assert_int_equal(actor_has(&a, ROLE_OFFICE | ROLE_SYSADMIN), 1);
	assert_int_equal(actor_has(&a, ROLE_ADMINS), 0);
	assert_int_equal(actor_has(&a, 0), 0);
	assert_int_equal(actor_has(NULL, ROLE_STAFF), 0);
}

/* ---- tokens ---- */

static int
is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void
test_token_hash(void **state)
{
	char h1[65], h2[65], h3[65];

	(void)state;
	auth_token_hash("abc", h1);
	auth_token_hash("abc", h2);
	auth_token_hash("abd", h3);
	assert_true(is_hex64(h1));
	assert_string_equal(h1, h2);		/* deterministic */
	assert_string_not_equal(h1, h3);
	/* BLAKE2b-256("abc"), RFC 7693 style known answer */
	assert_string_equal(h1, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	auth_token_hash("", h3);
	assert_true(is_hex64(h3));
	assert_string_equal(h3, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

static void
test_random_token(void **state)
{
	char seen[16][65];

	(void)state;
	for (int i = 0; i < 16; i++) {
		auth_random_token(seen[i]);
		assert_true(is_hex64(seen[i]));
		for (int k = 0; k < i; k++)
			assert_string_not_equal(seen[i], seen[k]);
	}
	/* the stored form of a token is its hash, never the token */
	{
		char h[65];

		auth_token_hash(seen[0], h);
		assert_true(is_hex64(h));
		assert_string_not_equal(h, seen[0]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_policy_table),
		cmocka_unit_test(test_password_policy_lengths),
		cmocka_unit_test(test_password_blocklist),
		cmocka_unit_test(test_password_not_the_username),
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_hash_small_buffer),
		cmocka_unit_test(test_password_parameters_and_rehash),
		cmocka_unit_test(test_role_bit),
		cmocka_unit_test(test_role_parse_list_table),
		cmocka_unit_test(test_actor_has),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_random_token),
	};

	return cmocka_run_group_tests(tests, setup_sodium, NULL);
}
