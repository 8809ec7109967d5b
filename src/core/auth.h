/*
** core/auth.h: roles, the acting principal, passwords, tokens, sessions.
** Passwords are argon2id (libsodium crypto_pwhash_str); session and API
** tokens are 32 random bytes shown once and stored only as a BLAKE2b hash.
*/
#ifndef HOUQIN_AUTH_H
#define HOUQIN_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;

enum role {
	ROLE_STAFF = 1 << 0,
	ROLE_DEPT_HEAD = 1 << 1,
	ROLE_OFFICE = 1 << 2,
	ROLE_WORKER = 1 << 3,
	ROLE_LEADER = 1 << 4,
	ROLE_FINANCE = 1 << 5,
	ROLE_SUPERVISOR = 1 << 6,
	ROLE_SYSADMIN = 1 << 7,
	ROLE_SECADMIN = 1 << 8,
	ROLE_AUDITOR = 1 << 9,
};
#define ROLE_COUNT 10
#define ROLE_ADMINS (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR)
/* The roles that file and act on business records; supervisors only read them. */
#define ROLE_BUSINESS \
	(ROLE_STAFF | ROLE_DEPT_HEAD | ROLE_OFFICE | ROLE_WORKER | ROLE_LEADER | ROLE_FINANCE)
#define ROLE_BUSINESS_READERS (ROLE_BUSINESS | ROLE_SUPERVISOR)

/* NULL-terminated role codes in bit order, and their Chinese labels. */
extern const char *const role_codes[];
extern const char *const role_labels[];
/* Bit for a role code, 0 if unknown. */
unsigned role_bit(const char *code);

/* Parse "a,b,c" role codes into *out. ERR_INVALID on an unknown code. */
int role_parse_list(const char *csv, unsigned *out);

/* Who is acting: a logged-in user, a token holder, or the CLI (id 0). */
struct actor {
	int64_t id;
	int64_t agency_id;
	int64_t department_id;
	unsigned roles;
	const char *username;
	const char *display_name;
	const char *department_name;
	const char *ip;
	int64_t session_id;	/* 0 for bearer tokens and the CLI */
	const char *csrf_token;	/* session's CSRF token, NULL for bearer/CLI */
	const char *lang;	/* saved language "zh-CN"/"en"; NULL = the browser's */
	int64_t token_id;	/* the bearer token's id, 0 for sessions and the CLI */
	int must_change_password;	/* a reset's one-time password is still in use */
};

/* 1 if the actor holds any of mask's roles. */
int actor_has(const struct actor *a, unsigned mask);

/*
** 0 if pw meets the policy (8..128 chars, 3 of 4 classes, not a common
** password: core/pwlist.h), else ERR_RULE "weak_password" on field, the
** message naming the rule.
*/
int auth_password_policy(const char *pw, const char *field, struct err *e);
/* The policy, and pw must not contain the username (case-insensitive). */
int auth_password_policy_user(const char *pw, const char *username, const char *field,
			      struct err *e);
#define PASSWORD_HASH_MAX 256	/* room for an argon2id hash string (crypto_pwhash_STRBYTES) */

/* argon2id hash string into out (crypto_pwhash_STRBYTES). 0 or ERR_NOMEM. */
int auth_password_hash(const char *pw, char *out, size_t size, struct err *e);
/* 1 if pw matches hash. */
int auth_password_verify(const char *hash, const char *pw);
/* 1 when hash was made with other parameters than auth_password_hash uses now. */
int auth_password_needs_rehash(const char *hash);
/* Tests and the data generator: use libsodium's minimum cost (never in serve). */
void auth_set_fast_hashing(int on);

/* 64 hex chars of fresh randomness into out (>= 65 bytes). */
void auth_random_token(char *out);
/* BLAKE2b-256 hex of token into out (>= 65 bytes). */
void auth_token_hash(const char *token, char *out);

/*
** Load user id as an actor (roles, department) into *out, strings in a.
** ERR_NOT_FOUND if missing, deleted, inactive or locked by an administrator
** (locked_until ADMIN_LOCK_UNTIL): every request loads its actor, so a lock or
** a deactivation ends open sessions at once. A lockout after failed logins
** does not: anyone who knows a username could otherwise log its owner out.
*/
int auth_load_actor(struct db *db, struct arena *a, int64_t user_id, struct actor *out,
		    struct err *e);

/*
** Resolve a session cookie token. 0 with *out filled; ERR_UNAUTH if unknown,
** ended, idle longer than SESSION_IDLE_MS or older than SESSION_ABSOLUTE_MS.
** *touch is set when last_seen is older than SESSION_TOUCH_MS (caller
** refreshes it with auth_session_touch).
*/
int auth_session_lookup(struct db *db, struct arena *a, const char *token, struct actor *out,
			int *touch, struct err *e);
/* Refresh last_seen of a session (write transaction). */
int auth_session_touch(struct db *db, int64_t session_id, struct err *e);
/*
** Resolve a bearer token; ERR_UNAUTH if unknown, revoked or expired. Sets
** out->token_id. Updates nothing. The _touch form also sets *touch when
** last_used_at is older than SESSION_TOUCH_MS (the caller refreshes it with
** auth_token_touch).
*/
int auth_token_lookup(struct db *db, struct arena *a, const char *token, struct actor *out,
		      struct err *e);
int auth_token_lookup_touch(struct db *db, struct arena *a, const char *token,
			    struct actor *out, int *touch, struct err *e);
/* Refresh last_used_at of a token (write transaction). */
int auth_token_touch(struct db *db, int64_t token_id, struct err *e);

#endif
