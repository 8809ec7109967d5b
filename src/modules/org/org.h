/*
** modules/org/org.h: the organisation: departments (a tree per agency), users
** and their roles, login sessions and API tokens. Domain functions take a db
** handle and the acting user, apply the rules, write the audit record in the
** caller's transaction, and know nothing of HTTP. Strings in outputs live in
** the arena `a`. Write functions must run inside a write transaction.
*/
#ifndef HOUQIN_ORG_H
#define HOUQIN_ORG_H

#include "core/limits.h"	/* LOGIN_*, PASSWORD_HISTORY_N */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;
struct arena;
struct err;
struct actor;

/* Who reads the user and department lists and their history: the admins and 纪检. */
#define ORG_READERS (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR | ROLE_SUPERVISOR)

struct dept {
	int64_t id, agency_id, parent_id;	/* parent_id 0 for the agency root */
	const char *name, *code;
	int64_t sort_order;
	int active;
	int64_t created_at, updated_at;
};

struct dept_in {
	int64_t parent_id;
	const char *name, *code;
	int64_t sort_order;
	int active;
	int64_t updated_at;	/* optimistic concurrency token for updates */
};

/* Field bits for partial updates (match the order of the API's field table). */
enum { DEPT_F_PARENT = 1 << 0, DEPT_F_NAME = 1 << 1, DEPT_F_CODE = 1 << 2,
       DEPT_F_SORT = 1 << 3, DEPT_F_ACTIVE = 1 << 4 };

/* Every department of the actor's agency, roots first then by sort order. */
int org_dept_list(struct db *db, struct arena *a, const struct actor *who, struct dept **items,
		  size_t *n, struct err *e);
int org_dept_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct dept *out, struct err *e);
/* The agency (root id) a department belongs to. ERR_INVALID on field department_id if none. */
int org_dept_agency(struct db *db, int64_t dept_id, int64_t *agency, struct err *e);
/* New agency root (CLI and demo only): parent_id must be 0. */
int org_agency_create(struct db *db, struct arena *a, const struct actor *who, const char *name,
		      struct dept *out, struct err *e);
/* Every agency's id (root departments), ascending, in a (the jobs runner walks them). */
int org_agency_ids(struct db *db, struct arena *a, int64_t **ids, size_t *n, struct err *e);
/*
** Child of in->parent_id in the actor's agency. ERR_INVALID on fields, ERR_CONFLICT on a
** duplicate sibling name.
*/
int org_dept_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct dept_in *in, struct dept *out, struct err *e);
/*
** Update the fields in `present`. in->updated_at is required (db_check_seen:
** ERR_INVALID on "updated_at" when 0, ERR_CONFLICT "stale" when old), checked
** before anything is written; ERR_RULE "cycle".
*/
int org_dept_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    const struct dept_in *in, uint32_t present, struct dept *out, struct err *e);

struct user {
	int64_t id, agency_id, department_id;
	const char *username, *display_name, *phone, *department_name;
	unsigned roles;
	int active, locked;
	int64_t created_at, updated_at;
};

struct user_in {
	const char *username, *display_name, *phone, *password;
	const char *password_hash;	/* pre-hashed (demo data only); password is then ignored */
	int64_t department_id;
	int active;
	int64_t updated_at;
};

/* No password here: an administrator resets one (org_user_reset_password), never sets it. */
enum { USER_F_DISPLAY = 1 << 0, USER_F_PHONE = 1 << 1, USER_F_DEPT = 1 << 2,
       USER_F_ACTIVE = 1 << 3 };

struct user_filter {
	const char *q;		/* matches username, display name, phone */
	int64_t department_id;	/* 0 = any */
	const char *role;	/* NULL = any */
	int active;		/* -1 any, 0, 1 */
	int64_t limit, offset;
};

int org_user_list(struct db *db, struct arena *a, const struct actor *who,
		  const struct user_filter *f, struct user **items, size_t *n, int64_t *total,
		  struct err *e);
int org_user_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct user *out, struct err *e);
/* Find by login name in any agency (CLI). ERR_NOT_FOUND. */
int org_user_find(struct db *db, struct arena *a, const char *username, struct user *out,
		  struct err *e);
/*
** Create a user with role staff (or `roles` when non-zero: CLI/demo only).
** The CLI passes an actor with id 0 and the department's agency.
*/
int org_user_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct user_in *in, unsigned roles, struct user *out, struct err *e);
/*
** Generator (houqin gen --users; benchmarks, demos): n active staff users of
** agency_id with common Chinese names and 13x phone numbers, spread at random
** over its departments (seeded, reproducible), logins gen000001, gen000002, ...
** after the highest existing one, all with one hash of `password`. In the
** caller's write transaction; one audit record "generate" for the run.
** ERR_RULE "no_departments" when the agency has none.
*/
int org_gen_users(struct db *db, int64_t agency_id, int64_t n, uint64_t seed,
		  const char *password, struct err *e);
/*
** 三员分立 (the one guard of every administrative write to an account): an
** account that holds an admin role (sysadmin, secadmin, auditor) is the
** secadmin's alone, a business account the sysadmin's; nobody changes their
** own through these routes (they have /me). ERR_FORBIDDEN "self_account",
** "admin_account" or "business_account". The CLI (who->id 0) runs as the
** operator of the server and passes.
*/
int org_check_account_admin(const struct actor *who, const struct user *target, struct err *e);
/*
** Update the fields in `present` (org_check_account_admin; in->updated_at as
** for org_dept_update, compared before anything is written). A deactivation
** ends the user's sessions and tokens.
*/
int org_user_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    const struct user_in *in, uint32_t present, struct user *out,
		    struct err *e);
/* A one-time password meeting the policy: ONE_TIME_PASSWORD_LEN chars, every class, into out. */
void org_one_time_password(char *out, size_t size);
/*
** Administrative reset (org_check_account_admin; seen = the updated_at the
** admin read): hash is the argon2id hash of a one-time password made off the
** writer thread. Sets must_change_password, ends every session and token of
** the user, notifies the agency's other admins, audits "reset_password".
*/
int org_user_reset_password(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			    int64_t seen, const char *hash, struct user *out, struct err *e);
/*
** Replace the role set. ERR_RULE "role_conflict" for two admin roles, for
** supervisor (纪检) with office, finance or worker, and for auditor with a
** business role; "self_grant" for one's own.
*/
int org_user_set_roles(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       unsigned roles, struct user *out, struct err *e);
/*
** The operator's reset from the shell (houqin user passwd): new_pw must pass
** the policy (with the username); ends every session and token of the user;
** audits "reset_password". The web's resets are org_user_reset_password.
*/
int org_user_set_password(struct db *db, const struct actor *who, int64_t id, const char *new_pw,
			  struct err *e);
/*
** Save who's language: "zh-CN" or "en", NULL to follow the browser's
** Accept-Language again. Audited. Write transaction.
*/
int org_user_set_lang(struct db *db, const struct actor *who, const char *lang, struct err *e);
/*
** lock = 1 locks until unlocked (locked_until ADMIN_LOCK_UNTIL) and ends the
** user's sessions and tokens; 0 unlocks and clears failed attempts. The API
** form checks org_check_account_admin and seen (updated_at); the CLI's
** (org_user_lock) neither.
*/
int org_user_set_lock(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      int lock, int64_t seen, struct user *out, struct err *e);
int org_user_lock(struct db *db, const struct actor *who, int64_t id, int lock, struct err *e);

/*
** End every open session of user id but keep_session (0 = none) and revoke
** every API token of the user: called in the same write transaction as a
** changed or reset password, a lock or a deactivation, so the credentials
** die with the change. The caller's audit record covers it.
*/
int org_end_credentials(struct db *db, int64_t user_id, int64_t keep_session, struct err *e);

struct login_out {
	int64_t user_id;
	char token[65];		/* session cookie value, shown once */
	char csrf[65];
	int64_t retry_after;	/* seconds until a rate-limited client may try again (ERR_RATE) */
};

/*
** Login in two steps, so the slow hashing runs off the writer (router.h prep):
** org_login_read (a reader: the user row and the throttle), org_login_verify
** (no database: exactly one argon2id verify, against a dummy hash for an
** unknown name, none when throttled), then org_login in the write. Failures
** never lock an account. Throttling, by the rows of login_failure:
** - per (name, source IP): from the LOGIN_PAIR_FREE-th failure on, a delay
**   that starts at LOGIN_DELAY_MIN_MS and doubles up to LOGIN_DELAY_MAX_MS;
**   a successful login from the pair clears it;
** - per source IP: LOGIN_IP_MAX failures (any names) in LOGIN_IP_WINDOW_MS
**   (password spraying; org_set_login_ip_limit);
** - per name: LOGIN_ACCOUNT_MAX failures in LOGIN_ACCOUNT_WINDOW_MS, applied
**   only to sources the owner has not logged in from in LOGIN_KNOWN_IP_MS,
**   so an attacker elsewhere never slows the owner's usual address.
** Unknown names are throttled the same way, by the name tried.
*/
enum login_verdict { LOGIN_BAD, LOGIN_OK, LOGIN_THROTTLED };

struct login_check {
	int verdict;		/* enum login_verdict */
	int64_t user_id, agency_id;	/* 0 for an unknown name */
	int usable;		/* active, not locked, not deleted */
	char hash[256];		/* the hash read: the write checks it did not change */
	char new_hash[256];	/* today's parameters for a right password, "" if unchanged */
	int64_t retry_after;	/* seconds (LOGIN_THROTTLED) */
	const char *rule;	/* the throttle that applied: "pair", "ip", "account" */
};

/* Change the per-IP limit (houqin serve --login-limit); 0 turns it off. Call before serving. */
void org_set_login_ip_limit(int max);
/* Read side of a login (any connection). Fills c; ERR_DB only. */
int org_login_read(struct db *db, const char *username, const char *ip, struct login_check *c,
		   struct err *e);
/* Verify password for c (no database): sets c->verdict unless throttled. */
void org_login_verify(const char *password, struct login_check *c);
/*
** The write: open a session (audit login) when c says the password was right
** and the user row still has the hash c saw and is usable. Otherwise ERR_UNAUTH
** "bad_credentials" (one answer for unknown, disabled, locked, deleted and
** wrong: a login_failure row and audit login_failed), or ERR_RATE
** "rate_limited" with out->retry_after (audit login_rate_limited). In both
** error cases the caller must still COMMIT.
*/
int org_login(struct db *db, const char *username, const char *ip, const struct login_check *c,
	      struct login_out *out, struct err *e);

/*
** PUT /me/password in the same three steps. A wrong old password counts as
** a failed login of who's name from ip (same throttles). The new password
** must pass auth_password_policy_user and differ from the current one and
** the PASSWORD_HISTORY_N - 1 before it (password_history).
*/
struct password_check {
	int verdict;		/* enum login_verdict, for the old password */
	char hash[256];		/* the current hash read */
	char history[PASSWORD_HISTORY_N - 1][256];
	int nhistory;
	char new_hash[256];
	int64_t retry_after;
	const char *rule;
};
int org_password_read(struct db *db, const struct actor *who, struct password_check *c,
		      struct err *e);
/* Verify old_pw, check and hash new_pw: ERR_RULE "weak_password" (new_password) or 0. */
int org_password_verify(const struct actor *who, const char *old_pw, const char *new_pw,
			struct password_check *c, struct err *e);
/*
** The write: store the new hash (clears must_change_password), keep the old
** one in the history, end every other session and every token of who, audit
** change_password. ERR_RULE "bad_password" (a login_failure row, audit
** change_password_failed) or ERR_RATE "rate_limited": the caller must COMMIT.
*/
int org_password_change(struct db *db, const struct actor *who, const struct password_check *c,
			struct err *e);
/* End the actor's session. */
int org_logout(struct db *db, const struct actor *who, struct err *e);
struct api_token {
	int64_t id, user_id;
	const char *username, *name;
	int64_t created_at, expires_at, last_used_at, revoked_at;	/* 0 = never */
};

/*
** New API token for the actor, valid `days` (1..TOKEN_DAYS_MAX); the plain
** token is written to out (65 bytes) once. A bearer-token caller cannot mint
** tokens (ERR_FORBIDDEN "token_not_allowed"): a stolen token must not outlive
** its own expiry or revocation.
*/
int org_token_create(struct db *db, const struct actor *who, const char *name, int64_t days,
		     char *out, struct api_token *tok, struct err *e);
struct token_filter {
	int64_t user_id;	/* 0 = who's own */
	int all;		/* every user of the agency */
	int64_t limit, offset;
};
/*
** Tokens, newest first, never their hashes: who's own; the secadmin's view of
** f->user_id's, or with f->all of every user of the agency. *total ignores
** the limit. ERR_FORBIDDEN for another user's unless secadmin.
*/
int org_token_list(struct db *db, struct arena *a, const struct actor *who,
		   const struct token_filter *f, struct api_token **items, size_t *n,
		   int64_t *total, struct err *e);
/* Revoke token id: its owner's or (secadmin) any in the agency; ERR_NOT_FOUND otherwise. Audited. */
int org_token_revoke(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct api_token *out, struct err *e);
json_t *org_token_json(const struct api_token *t);

/* JSON views shared by the API and the CLI. New references. */
json_t *org_dept_json(const struct dept *d);
json_t *org_user_json(const struct user *u);
json_t *org_actor_json(const struct actor *a);
json_t *org_roles_json(unsigned roles);

/* The password of every demo account (init --demo) and, by default, of generated ones. */
#define DEMO_PASSWORD "Demo@2026"

/*
** org_demo.c (`init --demo`, in the caller's write transaction): the demo
** agency, its departments and users. org_demo_actor loads a demo login as the
** CLI acts (ip "cli") for the other modules' demo seeds. With a prefix other
** than "" (`gen --agencies`) the agency is named after it ("示例市人民检察院
** a002") and every login is prefix + the demo login ("a002-office").
*/
int org_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);
int org_demo_actor(struct db *db, struct arena *a, const char *prefix, const char *username,
		   struct actor *out, struct err *e);
/* The demo logins table `make run` prints. */
void org_demo_print_logins(FILE *out);

/* ---------- agency settings (org_settings.c, table agency_setting) ---------- */

#define ORG_BASE_URL_MAX 200	/* bytes of public_base_url */

struct agency_settings {
	const char *public_base_url;	/* "https://houqin.example.gov.cn", no trailing '/'; NULL unset */
	int64_t updated_at;		/* 0 while never saved; the concurrency token of a save */
};

/* The agency's settings; all unset (zero) when never saved. Strings live in a. */
int org_settings_get(struct db *db, struct arena *a, int64_t agency, struct agency_settings *out,
		     struct err *e);
/*
** Save the actor's agency settings from *in and audit it ("update" "agency_setting" with the
** agency's id). public_base_url: http(s), no query, fragment or user name, trailing slashes
** trimmed; "" or NULL unsets it (ERR_INVALID on that field otherwise). in->updated_at is
** required once the settings were saved (db_check_seen). Must run inside a write transaction.
*/
int org_settings_put(struct db *db, struct arena *a, const struct actor *who,
		     const struct agency_settings *in, struct agency_settings *out, struct err *e);
json_t *org_settings_json(const struct agency_settings *s);

#endif
