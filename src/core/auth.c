/*
** core/auth.c: roles, password policy and hashing, tokens, session resolution.
*/
#include "core/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/parse.h"
#include "core/pwlist.h"
#include "db/db.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

const char *const role_codes[] = { "staff", "dept_head", "office", "worker", "leader",
				   "finance", "supervisor", "sysadmin", "secadmin", "auditor",
				   NULL };
const char *const role_labels[] = { "职工", "部门负责人", "后勤管理员", "维修工/司机/服务人员",
				    "分管领导", "财务", "纪检监察", "系统管理员", "安全管理员",
				    "审计管理员", NULL };

static atomic_int fast_hashing;

unsigned
role_bit(const char *code)
{
	for (int i = 0; role_codes[i]; i++)
		if (strcmp(code, role_codes[i]) == 0)
			return 1u << i;
	return 0;
}

int
role_parse_list(const char *csv, unsigned *out)
{
	char code[32];

	*out = 0;
	for (const char *p = csv; *p;) {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;
		if (n < sizeof(code)) {
			memcpy(code, p, n);
			code[n] = '\0';
			bit = role_bit(code);
		}
		if (!bit)
			return ERR_INVALID;
		*out |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
actor_has(const struct actor *a, unsigned mask)
{
	return a && (a->roles & mask) != 0;
}

int
auth_password_policy(const char *pw, const char *field, struct err *e)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	long chars = utf8_chars(pw, strlen(pw));

	if (chars < PASSWORD_MIN || chars > PASSWORD_MAX)
		return err_setx(e, ERR_RULE, "weak_password", field, "密码长度应为 %d 到 %d 个字符",
				PASSWORD_MIN, PASSWORD_MAX);
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			lower = 1;
		else if (*p >= 'A' && *p <= 'Z')
			upper = 1;
		else if (*p >= '0' && *p <= '9')
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return err_setx(e, ERR_RULE, "weak_password", field,
				"密码须包含大写字母、小写字母、数字、符号中的至少三类");
	if (pwlist_common(pw))
		return err_setx(e, ERR_RULE, "weak_password", field,
				"密码过于常见，容易被猜中，请换一个");
	return 0;
}

/* Case-insensitive strstr for ASCII (usernames are ASCII). */
static int
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
auth_password_policy_user(const char *pw, const char *username, const char *field,
			  struct err *e)
{
	if (auth_password_policy(pw, field, e))
		return e->code;
	if (username && strlen(username) >= PASSWORD_NAME_MIN && contains_nocase(pw, username))
		return err_setx(e, ERR_RULE, "weak_password", field, "密码不能包含登录名");
	return 0;
}

/*
** argon2id at OWASP's m = 19 MiB, t = 2, p = 1, which OWASP rates as strong
** as 46 MiB with t = 1. libsodium's INTERACTIVE (64 MiB) made one login the
** server's peak memory (issue #5: RSS < 64 MB), and every concurrent login
** another 64 MiB. Hashes made before keep their own parameters (they are in
** the string) and are upgraded at the next login (auth_password_needs_rehash).
*/
#define PW_OPS 2ULL
#define PW_MEM (19u << 20)

static void
pw_params(unsigned long long *ops, size_t *mem)
{
	*ops = PW_OPS;
	*mem = PW_MEM;
	if (atomic_load(&fast_hashing)) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	}
}

int
auth_password_hash(const char *pw, char *out, size_t size, struct err *e)
{
	unsigned long long ops;
	size_t mem;

	if (size < crypto_pwhash_STRBYTES)
		return err_set(e, ERR_NOMEM, NULL, "hash buffer too small");
	pw_params(&ops, &mem);
	if (crypto_pwhash_str(out, pw, strlen(pw), ops, mem) != 0)
		return err_set(e, ERR_NOMEM, NULL, "out of memory while hashing");
	return 0;
}

int
auth_password_verify(const char *hash, const char *pw)
{
	return hash && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int
auth_password_needs_rehash(const char *hash)
{
	unsigned long long ops;
	size_t mem;

	pw_params(&ops, &mem);
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

void
auth_set_fast_hashing(int on)
{
	atomic_store(&fast_hashing, on);
}

void
auth_random_token(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, 65, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

void
auth_token_hash(const char *token, char *out)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static const char sql_actor[] =
	"SELECT u.id, u.agency_id, COALESCE(u.department_id, 0), u.username, u.display_name,"
	" d.name, u.lang, u.must_change_password"
	" FROM app_user u LEFT JOIN department d ON d.id = u.department_id"
	" WHERE u.id = :id AND u.active = 1 AND u.deleted_at IS NULL"
	" AND u.locked_until <> :admin_lock";
static const char sql_roles[] = "SELECT role FROM user_role WHERE user_id = :id";

static int
load_roles(struct db *db, int64_t user_id, unsigned *roles, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*roles = 0;
	rc = db_prepare(db, &st, sql_roles, e);
	if (!rc)
		rc = db_bind_i64(&st, ":id", user_id, e);
	while (!rc && (rc = db_step(&st, e)) == 1) {
		*roles |= role_bit(db_col_peek(&st, 0, NULL));
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
auth_load_actor(struct db *db, struct arena *a, int64_t user_id, struct actor *out,
		struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, &st, sql_actor, e);
	if (!rc)
		rc = db_bind_i64(&st, ":id", user_id, e) ||
		     db_bind_i64(&st, ":admin_lock", ADMIN_LOCK_UNTIL, e) ? e->code : 0;
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc) {
		out->id = db_col_i64(&st, 0);
		out->agency_id = db_col_i64(&st, 1);
		out->department_id = db_col_i64(&st, 2);
		out->username = db_col_text(&st, a, 3);
		out->display_name = db_col_text(&st, a, 4);
		out->department_name = db_col_text(&st, a, 5);
		out->lang = db_col_text(&st, a, 6);
		out->must_change_password = db_col_i64(&st, 7) != 0;
	}
	db_finalize(&st);
	if (!rc)
		rc = load_roles(db, user_id, &out->roles, e);
	return rc;
}

static const char sql_session[] =
	"SELECT id, user_id, csrf_token, last_seen_at, created_at FROM session"
	" WHERE token_hash = :h AND ended_at IS NULL";
static const char sql_touch[] = "UPDATE session SET last_seen_at = :now WHERE id = :id";

int
auth_session_lookup(struct db *db, struct arena *a, const char *token, struct actor *out,
		    int *touch, struct err *e)
{
	struct stmt st = { 0 };
	char hash[65];
	int64_t sid = 0, uid = 0, seen = 0, born = 0, now = now_ms();
	char *csrf = NULL;
	int rc;

	auth_token_hash(token, hash);
	rc = db_prepare(db, &st, sql_session, e);
	if (!rc)
		rc = db_bind_text(&st, ":h", hash, e);
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc) {
		sid = db_col_i64(&st, 0);
		uid = db_col_i64(&st, 1);
		csrf = db_col_text(&st, a, 2);
		seen = db_col_i64(&st, 3);
		born = db_col_i64(&st, 4);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND ||
	    (!rc && (now - seen > SESSION_IDLE_MS || now - born > SESSION_ABSOLUTE_MS)))
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "会话已过期，请重新登录");
	if (rc)
		return rc;
	rc = auth_load_actor(db, a, uid, out, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "账号不可用，请重新登录");
	out->session_id = sid;
	out->csrf_token = csrf;
	*touch = now - seen > SESSION_TOUCH_MS;
	return rc;
}

/* Stamp row id with now through sql (a session's last_seen, a token's last use). */
static int
stamp_now(struct db *db, const char *sql, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e);

	if (!rc)
		rc = db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
auth_session_touch(struct db *db, int64_t session_id, struct err *e)
{
	return stamp_now(db, sql_touch, session_id, e);
}

static const char sql_token[] =
	"SELECT id, user_id, expires_at, COALESCE(last_used_at, 0) FROM api_token"
	" WHERE token_hash = :h AND revoked_at IS NULL";
static const char sql_token_touch[] = "UPDATE api_token SET last_used_at = :now WHERE id = :id";

int
auth_token_lookup(struct db *db, struct arena *a, const char *token, struct actor *out,
		  struct err *e)
{
	int touch = 0;

	return auth_token_lookup_touch(db, a, token, out, &touch, e);
}

int
auth_token_lookup_touch(struct db *db, struct arena *a, const char *token, struct actor *out,
			int *touch, struct err *e)
{
	struct stmt st = { 0 };
	char hash[65];
	int64_t tid = 0, uid = 0, expires = 0, used = 0, now = now_ms();
	int rc;

	auth_token_hash(token, hash);
	rc = db_prepare(db, &st, sql_token, e);
	if (!rc)
		rc = db_bind_text(&st, ":h", hash, e);
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc) {
		tid = db_col_i64(&st, 0);
		uid = db_col_i64(&st, 1);
		expires = db_col_i64(&st, 2);
		used = db_col_i64(&st, 3);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND || (!rc && expires <= now))
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "令牌无效");
	if (rc)
		return rc;
	rc = auth_load_actor(db, a, uid, out, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "令牌对应账号不可用");
	out->token_id = tid;
	*touch = now - used > SESSION_TOUCH_MS;
	return rc;
}

int
auth_token_touch(struct db *db, int64_t token_id, struct err *e)
{
	return stamp_now(db, sql_token_touch, token_id, e);
}
