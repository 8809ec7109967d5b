/*
** modules/org/org.c: departments, users, roles, sessions, API tokens.
** Owns tables department, app_user, user_role, session, api_token.
*/
#include "modules/org/org.h"
#include "modules.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/parse.h"
#include "core/msg.h"
#include "core/notify.h"
#include "core/rng.h"
#include "db/db.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---------- JSON views ---------- */

json_t *
org_roles_json(unsigned roles)
{
	json_t *arr = json_array();

	for (int i = 0; role_codes[i]; i++)
		if (roles & (1u << i))
			json_array_append_new(arr, json_string(role_codes[i]));
	return arr;
}

json_t *
org_dept_json(const struct dept *d)
{
	return json_pack("{sI so ss so sI sb so so}", "id", (json_int_t)d->id, "parent_id",
			 jid_or_null(d->parent_id), "name", d->name, "code",
			 jstr_or_null(d->code), "sort_order", (json_int_t)d->sort_order, "active",
			 d->active, "created_at", jtime(d->created_at), "updated_at",
			 jtime(d->updated_at));
}

static json_t *
dept_ref(int64_t id, const char *name)
{
	return id ? json_pack("{sI ss}", "id", (json_int_t)id, "name", name ? name : "")
		  : json_null();
}

json_t *
org_user_json(const struct user *u)
{
	return json_pack("{sI ss ss so so so sb sb so so}", "id", (json_int_t)u->id, "username",
			 u->username, "display_name", u->display_name, "phone",
			 jstr_or_null(u->phone), "department",
			 dept_ref(u->department_id, u->department_name), "roles",
			 org_roles_json(u->roles), "active", u->active, "locked", u->locked,
			 "created_at", jtime(u->created_at), "updated_at", jtime(u->updated_at));
}

json_t *
org_actor_json(const struct actor *a)
{
	return json_pack("{sI ss ss so so sb}", "id", (json_int_t)a->id, "username", a->username,
			 "display_name", a->display_name, "department",
			 dept_ref(a->department_id, a->department_name), "roles",
			 org_roles_json(a->roles), "must_change_password",
			 a->must_change_password);
}

/* ---------- departments ---------- */

#define DEPT_COLS "id, COALESCE(agency_id, id), COALESCE(parent_id, 0), name, code," \
		  " sort_order, active, created_at, updated_at"

static const char sql_dept_list[] =
	"SELECT " DEPT_COLS " FROM department WHERE agency_id = :agency"
	" ORDER BY parent_id IS NOT NULL, parent_id, sort_order, id";
static const char sql_dept_get[] =
	"SELECT " DEPT_COLS " FROM department WHERE id = :id AND agency_id = :agency";
static const char sql_dept_insert[] =
	"INSERT INTO department (agency_id, parent_id, name, code, sort_order, active,"
	" created_at, updated_at, created_by)"
	" VALUES (:agency, :parent, :name, :code, :sort, 1, :now, :now, :by)";
static const char sql_agency_ids[] =
	"SELECT id FROM department WHERE parent_id IS NULL ORDER BY id";
static const char sql_agency_fix[] = "UPDATE department SET agency_id = id WHERE id = :id";
static const char sql_dept_update[] =
	"UPDATE department SET parent_id = :parent, name = :name, code = :code,"
	" sort_order = :sort, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";

static void
dept_row(struct stmt *st, struct arena *a, void *item)
{
	struct dept *d = item;

	d->id = db_col_i64(st, 0);
	d->agency_id = db_col_i64(st, 1);
	d->parent_id = db_col_i64(st, 2);
	d->name = db_col_text(st, a, 3);
	d->code = db_col_text(st, a, 4);
	d->sort_order = db_col_i64(st, 5);
	d->active = (int)db_col_i64(st, 6);
	d->created_at = db_col_i64(st, 7);
	d->updated_at = db_col_i64(st, 8);
}

int
org_dept_list(struct db *db, struct arena *a, const struct actor *who, struct dept **items,
	      size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_dept_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), dept_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
org_dept_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct dept *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_dept_get, e);

	if (!rc)
		rc = db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		dept_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "部门不存在");
	return rc;
}

static int
dept_insert(struct db *db, int64_t agency, int64_t parent, const char *name, const char *code,
	    int64_t sort, int64_t by, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_dept_insert, e);

	if (!rc)
		rc = db_bind_id_or_null(&st, ":agency", agency, e) ||
		     db_bind_id_or_null(&st, ":parent", parent, e) ||
		     db_bind_text(&st, ":name", name, e) || db_bind_text(&st, ":code", code, e) ||
		     db_bind_i64(&st, ":sort", sort, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     db_bind_id_or_null(&st, ":by", by, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "同级部门中已有同名部门");
	*id = db_last_id(db);
	return rc;
}

int
org_agency_create(struct db *db, struct arena *a, const struct actor *who, const char *name,
		  struct dept *out, struct err *e)
{
	struct actor sys = { 0 };
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	rc = dept_insert(db, 0, 0, name, NULL, 0, who->id, &id, e);
	if (!rc)
		rc = db_exec_id(db, sql_agency_fix, id, e);
	if (!rc)
		rc = cal_agency_init(db, id, e);	/* its own business calendar */
	sys.agency_id = id;
	if (!rc)
		rc = org_dept_get(db, a, &sys, id, out, e);
	if (!rc)
		rc = aud_record_raw(db, who->id, id, who->ip, "create", "department", id, NULL,
				    jarena(a, org_dept_json(out)), e);
	if (!rc) {	/* the other modules' defaults, as the creator acting in the new agency */
		struct actor in_new = *who;
		in_new.agency_id = id;
		rc = modules_agency_init(db, a, &in_new, e);
	}
	return rc;
}

int
org_agency_ids(struct db *db, struct arena *a, int64_t **ids, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_agency_ids, e) ||
		 db_read_rows(&st, a, sizeof(**ids), db_row_i64, (void **)ids, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
check_dept_in(const struct dept_in *in, struct err *e)
{
	if (in->sort_order < 0 || in->sort_order > 100000)
		return err_set(e, ERR_INVALID, "sort_order", "排序号应在 0 到 100000 之间");
	return 0;
}

int
org_dept_create(struct db *db, struct arena *a, const struct actor *who,
		const struct dept_in *in, struct dept *out, struct err *e)
{
	struct dept parent;
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	rc = check_dept_in(in, e);
	if (!rc && org_dept_get(db, a, who, in->parent_id, &parent, e))
		return err_setx(e, ERR_INVALID, "invalid", "parent_id", "上级部门不存在");
	if (!rc)
		rc = dept_insert(db, who->agency_id, in->parent_id, in->name, in->code,
				 in->sort_order, who->id, &id, e);
	if (!rc)
		rc = org_dept_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "create", "department", id, NULL,
				jarena(a, org_dept_json(out)), e);
	return rc;
}

/* 1 if `ancestor` is id itself or above it in the tree. */
static int
is_ancestor_or_self(const struct dept *all, size_t n, int64_t ancestor, int64_t id)
{
	for (size_t hops = 0; id && hops <= n; hops++) {
		if (id == ancestor)
			return 1;
		int64_t next = 0;
		for (size_t i = 0; i < n; i++)
			if (all[i].id == id)
				next = all[i].parent_id;
		id = next;
	}
	return 0;
}

static int
check_new_parent(struct db *db, struct arena *a, const struct actor *who,
		 const struct dept *cur, int64_t parent, struct err *e)
{
	struct dept *all;
	size_t n;

	if (!cur->parent_id)
		return err_setx(e, ERR_RULE, "root_fixed", "parent_id", "机关（根部门）不能设置上级");
	if (org_dept_list(db, a, who, &all, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == parent) {
			if (is_ancestor_or_self(all, n, cur->id, parent))
				return err_setx(e, ERR_RULE, "cycle", "parent_id",
						"不能把部门移到它自己或其下级之下");
			return 0;
		}
	return err_setx(e, ERR_INVALID, "invalid", "parent_id", "上级部门不存在");
}

int
org_dept_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct dept_in *in, uint32_t present, struct dept *out, struct err *e)
{
	struct dept cur, next;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (org_dept_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "部门", e))
		return e->code;
	next = cur;
	if (present & DEPT_F_PARENT)
		next.parent_id = in->parent_id;
	if (present & DEPT_F_NAME)
		next.name = in->name;
	if (present & DEPT_F_CODE)
		next.code = in->code;
	if (present & DEPT_F_SORT)
		next.sort_order = in->sort_order;
	if (present & DEPT_F_ACTIVE)
		next.active = in->active;
	if (check_dept_in(&(struct dept_in){ .sort_order = next.sort_order }, e))
		return e->code;
	if (next.parent_id != cur.parent_id && check_new_parent(db, a, who, &cur, next.parent_id, e))
		return e->code;
	rc = db_prepare(db, &st, sql_dept_update, e);
	if (!rc)
		rc = db_bind_id_or_null(&st, ":parent", next.parent_id, e) ||
		     db_bind_text(&st, ":name", next.name, e) ||
		     db_bind_text(&st, ":code", next.code, e) ||
		     db_bind_i64(&st, ":sort", next.sort_order, e) ||
		     db_bind_i64(&st, ":active", next.active, e) ||
		     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
		     db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":seen", in->updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "同级部门中已有同名部门");
	if (!rc && db_check_changed(db, "部门", e))
		return e->code;
	if (!rc)
		rc = org_dept_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "update", "department", id, jarena(a, org_dept_json(&cur)),
				jarena(a, org_dept_json(out)), e);
	return rc;
}

/* ---------- users ---------- */

#define USER_COLS "u.id, u.agency_id, COALESCE(u.department_id, 0), u.username," \
		  " u.display_name, u.phone, d.name, u.active, u.locked_until, u.created_at," \
		  " u.updated_at"
#define USER_FROM " FROM app_user u LEFT JOIN department d ON d.id = u.department_id"
#define USER_WHERE                                                                        \
	" WHERE u.agency_id = :agency AND u.deleted_at IS NULL"                           \
	" AND (:q IS NULL OR u.username LIKE :q ESCAPE '\\' OR u.display_name LIKE :q"     \
	" ESCAPE '\\' OR u.phone LIKE :q ESCAPE '\\')"                                   \
	" AND (:dept IS NULL OR u.department_id = :dept)"                                 \
	" AND (:role IS NULL OR EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id" \
	" AND r.role = :role))"                                                           \
	" AND (:active IS NULL OR u.active = :active)"

static const char sql_user_page[] =
	"SELECT " USER_COLS USER_FROM USER_WHERE " ORDER BY u.id LIMIT :limit OFFSET :offset";
static const char sql_user_count[] = "SELECT COUNT(*)" USER_FROM USER_WHERE;
static const char sql_user_get[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = :id"
				   " AND u.agency_id = :agency AND u.deleted_at IS NULL";
static const char sql_user_by_name[] = "SELECT " USER_COLS USER_FROM
				       " WHERE u.username = :name AND u.deleted_at IS NULL";
static const char sql_user_roles[] = "SELECT role FROM user_role WHERE user_id = :id";
static const char sql_user_insert[] =
	"INSERT INTO app_user (agency_id, department_id, username, display_name, phone,"
	" password_hash, active, created_at, updated_at, created_by)"
	" VALUES (:agency, :dept, :username, :display, :phone, :hash, 1, :now, :now, :by)";
static const char sql_user_update[] =
	"UPDATE app_user SET display_name = :display, phone = :phone, department_id = :dept,"
	" active = :active, updated_at = :now WHERE id = :id AND updated_at = :seen";
static const char sql_user_touch[] = "UPDATE app_user SET updated_at = :now WHERE id = :id";
static const char sql_role_clear[] = "DELETE FROM user_role WHERE user_id = :id";
/* agency_id: the user's own (0017_user_role_agency.sqlite.sql) */
static const char sql_role_add[] =
	"INSERT INTO user_role (agency_id, user_id, role)"
	" SELECT agency_id, id, :role FROM app_user WHERE id = :id";
static const char sql_pw_set[] =	/* the token moves even within one ms (db_next_updated_at) */
	"UPDATE app_user SET password_hash = :hash, updated_at = CASE WHEN updated_at >= :now"
	" THEN updated_at + 1 ELSE :now END WHERE id = :id";
static const char sql_lang_set[] =
	"UPDATE app_user SET lang = :lang, updated_at = :now WHERE id = :id";
/* :seen 0: the CLI's lock, which has read no version */
static const char sql_lock_set[] =
	"UPDATE app_user SET locked_until = :until, failed_logins = 0,"
	" updated_at = CASE WHEN updated_at >= :now THEN updated_at + 1 ELSE :now END"
	" WHERE id = :id AND (:seen = 0 OR updated_at = :seen)";
static const char sql_pw_reset[] =
	"UPDATE app_user SET password_hash = :hash, must_change_password = 1, failed_logins = 0,"
	" updated_at = :now WHERE id = :id AND updated_at = :seen";
/* the other admins of an agency, for a reset's notice */
static const char sql_admins_of[] =
	"SELECT DISTINCT u.id FROM user_role r JOIN app_user u ON u.id = r.user_id"
	" WHERE r.agency_id = :agency AND r.role IN ('sysadmin', 'secadmin', 'auditor')"
	" AND u.id <> :actor AND u.active = 1 AND u.deleted_at IS NULL ORDER BY u.id";

static int
user_roles(struct db *db, int64_t id, unsigned *roles, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_user_roles, e);

	*roles = 0;
	if (!rc)
		rc = db_bind_i64(&st, ":id", id, e);
	while (!rc && (rc = db_step(&st, e)) == 1) {
		*roles |= role_bit(db_col_peek(&st, 0, NULL));
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static void
user_row(struct stmt *st, struct arena *a, struct user *u)
{
	u->id = db_col_i64(st, 0);
	u->agency_id = db_col_i64(st, 1);
	u->department_id = db_col_i64(st, 2);
	u->username = db_col_text(st, a, 3);
	u->display_name = db_col_text(st, a, 4);
	u->phone = db_col_text(st, a, 5);
	u->department_name = db_col_text(st, a, 6);
	u->active = (int)db_col_i64(st, 7);
	u->locked = db_col_i64(st, 8) > now_ms();
	u->created_at = db_col_i64(st, 9);
	u->updated_at = db_col_i64(st, 10);
}

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct user_filter *f, struct err *e)
{
	const char *like = f->q && *f->q ? db_like_pattern(a, f->q) : NULL;

	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_text(st, ":q", like, e) ||
	       db_bind_id_or_null(st, ":dept", f->department_id, e) ||
	       db_bind_text(st, ":role", f->role, e) ||
	       (f->active < 0 ? db_bind_null(st, ":active", e)
			      : db_bind_i64(st, ":active", f->active, e)) ? e->code : 0;
}

int
org_user_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct user_filter *f, struct user **items, size_t *n, int64_t *total,
	      struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*items = arena_array(a, (size_t)(f->limit > 0 ? f->limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_user_count, e) || bind_filter(&st, a, who, f, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_user_page, e) || bind_filter(&st, a, who, f, e) ||
		     db_bind_i64(&st, ":limit", f->limit, e) ||
		     db_bind_i64(&st, ":offset", f->offset, e) ? e->code : 0;
	while (!rc && (int64_t)*n < f->limit && (rc = db_step(&st, e)) == 1) {
		user_row(&st, a, &(*items)[(*n)++]);
		rc = 0;
	}
	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < *n; i++)
		rc = user_roles(db, (*items)[i].id, &(*items)[i].roles, e);
	return rc < 0 ? rc : 0;
}

static int
user_fetch(struct db *db, struct arena *a, const char *sql, int64_t agency, int64_t id,
	   const char *name, struct user *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e);

	if (!rc)
		rc = (name ? db_bind_text(&st, ":name", name, e)
			   : db_bind_i64(&st, ":id", id, e) ||
				     db_bind_i64(&st, ":agency", agency, e)) ||
		     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		user_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在");
	return rc ? rc : user_roles(db, out->id, &out->roles, e);
}

int
org_user_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct user *out, struct err *e)
{
	return user_fetch(db, a, sql_user_get, who->agency_id, id, NULL, out, e);
}

int
org_user_find(struct db *db, struct arena *a, const char *username, struct user *out,
	      struct err *e)
{
	return user_fetch(db, a, sql_user_by_name, 0, 0, username, out, e);
}

static int
set_roles(struct db *db, int64_t id, unsigned roles, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_exec_id(db, sql_role_clear, id, e);

	for (int i = 0; !rc && role_codes[i]; i++) {
		if (!(roles & (1u << i)))
			continue;
		rc = db_prepare(db, &st, sql_role_add, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_text(&st, ":role", role_codes[i], e) || db_step_done(&st, e) ? e->code
											: 0;
		db_finalize(&st);
	}
	return rc;
}

int
org_dept_agency(struct db *db, int64_t dept_id, int64_t *agency, struct err *e)
{
	static const char sql[] = "SELECT COALESCE(agency_id, id) FROM department WHERE id = :id";
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", dept_id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*agency = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "department_id", "部门不存在");
	return rc;
}

/* The department must exist in the actor's agency; returns the agency through *agency. */
static int
check_dept(struct db *db, const struct actor *who, int64_t dept_id, int64_t *agency,
	   struct err *e)
{
	if (org_dept_agency(db, dept_id, agency, e))
		return e->code;
	if (*agency != who->agency_id)
		return err_setx(e, ERR_INVALID, "invalid", "department_id", "部门不存在");
	return 0;
}

static int
check_username(const char *s, struct err *e)
{
	size_t n = strlen(s);

	if (n < 2 || n > 32)
		return err_set(e, ERR_INVALID, "username", "登录名应为 2 到 32 个字符");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return err_set(e, ERR_INVALID, "username",
				       "登录名只能包含字母、数字、下划线、点和连字符");
	return 0;
}

static int
insert_user(struct db *db, int64_t agency, const struct user_in *in, const char *hash,
	    int64_t by, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_user_insert, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":dept", in->department_id, e) ||
		 db_bind_text(&st, ":username", in->username, e) ||
		 db_bind_text(&st, ":display", in->display_name, e) ||
		 db_bind_text(&st, ":phone", in->phone, e) || db_bind_text(&st, ":hash", hash, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_id_or_null(&st, ":by", by, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Roles that must not meet in one person: 三员分立, 纪检 and what it watches, auditor and business. */
static int
check_role_mix(unsigned roles, struct err *e)
{
	unsigned admins = roles & ROLE_ADMINS;

	if (admins & (admins - 1))
		return err_setx(e, ERR_RULE, "role_conflict", "roles",
				"系统管理员、安全管理员、审计管理员三员分立，不能兼任");
	if ((roles & ROLE_SUPERVISOR) && (roles & (ROLE_OFFICE | ROLE_FINANCE | ROLE_WORKER)))
		return err_setx(e, ERR_RULE, "role_conflict", "roles",
				"纪检监察不能兼任后勤管理员、财务或维修工");
	if ((roles & ROLE_AUDITOR) && (roles & ROLE_BUSINESS))
		return err_setx(e, ERR_RULE, "role_conflict", "roles",
				"审计管理员不能兼任业务角色");
	return 0;
}

int
org_user_create(struct db *db, struct arena *a, const struct actor *who,
		const struct user_in *in, unsigned roles, struct user *out, struct err *e)
{
	char hash[256];
	int64_t agency = 0, id;
	int rc;

	assert(db_in_tx(db));
	rc = check_username(in->username, e);
	if (!rc)	/* the CLI's --roles obey the same mixes as PUT /users/:id/roles */
		rc = check_role_mix(roles, e);
	if (!rc)
		rc = check_dept(db, who, in->department_id, &agency, e);
	if (!rc && in->password_hash)
		snprintf(hash, sizeof(hash), "%s", in->password_hash);
	else if (!rc)
		rc = auth_password_policy_user(in->password, in->username, "password", e) ||
		     auth_password_hash(in->password, hash, sizeof(hash), e) ? e->code : 0;
	if (!rc)
		rc = insert_user(db, agency, in, hash, who->id, e);
	sodium_memzero(hash, sizeof(hash));
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "username", "登录名已被使用");
	if (rc)
		return rc;
	id = db_last_id(db);
	rc = set_roles(db, id, roles ? roles : ROLE_STAFF, e);
	if (!rc)
		rc = user_fetch(db, a, sql_user_get, agency, id, NULL, out, e);
	if (!rc)
		rc = aud_record(db, who, "create", "user", id, NULL, jarena(a, org_user_json(out)),
				e);
	return rc;
}

/* ---------- generated users (houqin gen --users) ---------- */

static const char *const gen_surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
	"胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
	"邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
};
static const char *const gen_given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
	"涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "建国", "红",
	"志强", "晓东", "海燕", "婷", "雪", "浩然", "子涵", "欣怡", "宇航", "思远", "晨", "佳琪",
};

#define GEN_DEPTS_MAX 256	/* users go to the first 256 departments */
static const char sql_gen_depts[] =
	"SELECT id FROM department WHERE agency_id = :agency AND id <> :agency AND active = 1"
	" ORDER BY id LIMIT 256";	/* GEN_DEPTS_MAX */
/*
** Generated logins are gen000001, gen000002, ...: carry on after the highest.
** LIKE selects the candidates in both dialects; C keeps those that are "gen"
** and six or more digits (a user called "genius" is not one).
*/
static const char sql_gen_names[] = "SELECT username FROM app_user WHERE username LIKE 'gen%'";

static int
gen_last_login(struct db *db, int64_t *last, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_gen_names, e);

	*last = 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		size_t n;
		const char *name = db_col_peek(&st, 0, &n);
		int64_t v;

		if (name && n >= 9 && !parse_i64n(name + 3, n - 3, 0, INT64_MAX, &v) && v > *last)
			*last = v;
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
gen_load(struct db *db, int64_t agency_id, struct arena *a, int64_t **depts, size_t *ndepts,
	 int64_t *last, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*depts = arena_array(a, GEN_DEPTS_MAX, sizeof(**depts));
	*ndepts = 0;
	if (!*depts)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_gen_depts, e) || db_bind_i64(&st, ":agency", agency_id, e)
		     ? e->code : 0;
	while (rc == 0 && (rc = db_step(&st, e)) == 1) {
		(*depts)[(*ndepts)++] = db_col_i64(&st, 0);
		rc = 0;
	}
	db_finalize(&st);
	if (rc < 0)
		return rc;
	if (*ndepts == 0)
		return err_setx(e, ERR_RULE, "no_departments", "users", "本单位还没有部门");
	return gen_last_login(db, last, e);
}

static int
gen_insert(struct db *db, int64_t agency_id, const int64_t *depts, size_t ndepts, int64_t n,
	   int64_t last, uint64_t seed, const char *hash, struct err *e)
{
	char username[32], name[32], phone[16];
	struct user_in in = { .username = username, .display_name = name, .phone = phone };
	uint64_t s = seed;
	int rc = 0;

	for (int64_t i = 1; i <= n && !rc; i++) {
		snprintf(username, sizeof(username), "gen%06lld", (long long)(last + i));
		snprintf(name, sizeof(name), "%s%s",
			 gen_surnames[rng_below(&s, sizeof(gen_surnames) / sizeof(*gen_surnames))],
			 gen_given[rng_below(&s, sizeof(gen_given) / sizeof(*gen_given))]);
		snprintf(phone, sizeof(phone), "13%09llu",
			 (unsigned long long)rng_below(&s, 1000000000ULL));
		in.department_id = depts[rng_below(&s, ndepts)];
		rc = insert_user(db, agency_id, &in, hash, 0, e) ||
		     set_roles(db, db_last_id(db), ROLE_STAFF, e) ? e->code : 0;
	}
	return rc;
}

int
org_gen_users(struct db *db, int64_t agency_id, int64_t n, uint64_t seed, const char *password,
	      struct err *e)
{
	struct arena *a = arena_new(4096);
	int64_t *depts = NULL, last = 0;
	size_t ndepts = 0;
	char hash[256];
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = n < 1 ? err_set(e, ERR_INVALID, "users", "n must be positive") : 0;
	if (!rc)
		rc = gen_load(db, agency_id, a, &depts, &ndepts, &last, e) ||
		     auth_password_hash(password, hash, sizeof(hash), e) ? e->code : 0;
	if (!rc) {	/* one hash for all: argon2id per user would take minutes */
		rc = gen_insert(db, agency_id, depts, ndepts, n, last, seed, hash, e);
		sodium_memzero(hash, sizeof(hash));
	}
	if (!rc) {
		after = json_pack("{sI sI sI}", "count", (json_int_t)n, "first_login",
				  (json_int_t)(last + 1), "seed", (json_int_t)(seed & INT64_MAX));
		rc = aud_record_raw(db, 0, agency_id, "cli", "generate", "user", 0, NULL, after, e);
		json_decref(after);
	}
	arena_free(a);
	return rc;
}

int
org_user_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct user_in *in, uint32_t present, struct user *out, struct err *e)
{
	struct user cur, next;
	struct stmt st = { 0 };
	int64_t agency;
	int rc;

	assert(db_in_tx(db));
	if (org_user_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "用户", e) ||
	    org_check_account_admin(who, &cur, e))
		return e->code;
	next = cur;
	if (present & USER_F_DISPLAY)
		next.display_name = in->display_name;
	if (present & USER_F_PHONE)
		next.phone = in->phone;
	if (present & USER_F_DEPT)
		next.department_id = in->department_id;
	if (present & USER_F_ACTIVE)
		next.active = in->active;
	if (next.department_id != cur.department_id &&
	    check_dept(db, who, next.department_id, &agency, e))
		return e->code;
	rc = db_prepare(db, &st, sql_user_update, e) ||
	     db_bind_text(&st, ":display", next.display_name, e) ||
	     db_bind_text(&st, ":phone", next.phone, e) ||
	     db_bind_id_or_null(&st, ":dept", next.department_id, e) ||
	     db_bind_i64(&st, ":active", next.active, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_check_changed(db, "用户", e))
		return e->code;
	if (!rc && cur.active && !next.active)
		rc = org_end_credentials(db, id, 0, e);
	if (!rc)
		rc = org_user_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "update", "user", id, jarena(a, org_user_json(&cur)),
				jarena(a, org_user_json(out)), e);
	return rc;
}

static int
touch_user(struct db *db, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_user_touch, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
org_user_set_roles(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   unsigned roles, struct user *out, struct err *e)
{
	struct user cur;
	int rc;

	assert(db_in_tx(db));
	if (check_role_mix(roles, e))
		return e->code;
	if (!roles)
		return err_set(e, ERR_INVALID, "roles", "至少保留一个角色");
	rc = org_user_get(db, a, who, id, &cur, e);
	if (!rc && who->id == id)
		return err_setx(e, ERR_RULE, "self_grant", "roles", "不能修改自己的角色");
	if (!rc)
		rc = set_roles(db, id, roles, e);
	if (!rc)
		rc = touch_user(db, id, e);
	if (!rc)
		rc = org_user_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "set_roles", "user", id,
				jarena(a, json_pack("{so}", "roles", org_roles_json(cur.roles))),
				jarena(a, json_pack("{so}", "roles", org_roles_json(roles))), e);
	return rc;
}

int
org_user_set_password(struct db *db, const struct actor *who, int64_t id, const char *new_pw,
		      struct err *e)
{
	struct stmt st = { 0 };
	struct user u;
	struct arena *a = arena_new(1024);
	char hash[PASSWORD_HASH_MAX];
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = org_user_get(db, a, who, id, &u, e);	/* the CLI acts in the user's agency */
	if (!rc)
		rc = auth_password_policy_user(new_pw, u.username, "password", e) ||
		     auth_password_hash(new_pw, hash, sizeof(hash), e) ? e->code : 0;
	arena_free(a);
	if (!rc)
		rc = db_prepare(db, &st, sql_pw_set, e) || db_bind_text(&st, ":hash", hash, e) ||
		     db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	sodium_memzero(hash, sizeof(hash));
	if (!rc)
		rc = org_end_credentials(db, id, 0, e);
	if (!rc)	/* never the hash itself: the log says that it changed */
		rc = aud_record(db, who, "reset_password", "user", id, NULL, NULL, e);
	return rc;
}

int
org_user_set_lang(struct db *db, const struct actor *who, const char *lang, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	rc = db_prepare(db, &st, sql_lang_set, e) || db_bind_text(&st, ":lang", lang, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", who->id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc) {
		json_t *before = json_pack("{so}", "lang", jstr_or_null(who->lang));
		json_t *after = json_pack("{so}", "lang", jstr_or_null(lang));
		rc = aud_record(db, who, "set_language", "user", who->id, before, after, e);
		json_decref(before);
		json_decref(after);
	}
	return rc;
}

static int
lock_write(struct db *db, int64_t id, int lock, int64_t seen, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_lock_set, e) ||
		 db_bind_i64(&st, ":until", lock ? ADMIN_LOCK_UNTIL : 0, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":seen", seen, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
org_user_set_lock(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  int lock, int64_t seen, struct user *out, struct err *e)
{
	struct user cur;
	int rc;

	assert(db_in_tx(db));
	if (org_user_get(db, a, who, id, &cur, e) ||
	    db_check_seen(seen, cur.updated_at, "用户", e) ||
	    org_check_account_admin(who, &cur, e))
		return e->code;
	rc = lock_write(db, id, lock, seen, e);
	if (!rc && db_check_changed(db, "用户", e))
		return e->code;
	if (!rc && lock)	/* the lock ends what is open, in the same transaction */
		rc = org_end_credentials(db, id, 0, e);
	if (!rc)
		rc = org_user_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, lock ? "lock" : "unlock", "user", id,
				jarena(a, json_pack("{sb}", "locked", cur.locked)),
				jarena(a, json_pack("{sb}", "locked", out->locked)), e);
	return rc;
}

int
org_user_lock(struct db *db, const struct actor *who, int64_t id, int lock, struct err *e)
{
	int rc;

	assert(db_in_tx(db));
	rc = lock_write(db, id, lock, 0, e);
	if (!rc && db_changes(db) == 0)
		rc = err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在");
	if (!rc && lock)
		rc = org_end_credentials(db, id, 0, e);
	if (!rc)
		rc = aud_record(db, who, lock ? "lock" : "unlock", "user", id, NULL, NULL, e);
	return rc;
}

/* ---------- 三员分立 and administrative resets ---------- */

int
org_check_account_admin(const struct actor *who, const struct user *target, struct err *e)
{
	if (!who->id)
		return 0;
	if (who->id == target->id)
		return err_setx(e, ERR_FORBIDDEN, "self_account", NULL,
				"不能通过管理功能修改自己的账号，请在个人中心操作");
	if ((target->roles & ROLE_ADMINS) && !actor_has(who, ROLE_SECADMIN))
		return err_setx(e, ERR_FORBIDDEN, "admin_account", NULL,
				"管理员账号只能由安全管理员管理");
	if (!(target->roles & ROLE_ADMINS) && !actor_has(who, ROLE_SYSADMIN))
		return err_setx(e, ERR_FORBIDDEN, "business_account", NULL,
				"业务用户账号由系统管理员管理");
	return 0;
}

void
org_one_time_password(char *out, size_t size)
{
	/* no look-alikes (0/O, 1/l/I): it is read off a screen and typed */
	static const char *const classes[] = { "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz",
					       "23456789", "@#%+=?!" };
	size_t n = size - 1 < ONE_TIME_PASSWORD_LEN ? size - 1 : ONE_TIME_PASSWORD_LEN;

	assert(size > 4);
	for (size_t i = 0; i < n; i++) {
		const char *c = classes[i < 4 ? i : randombytes_uniform(4)];
		out[i] = c[randombytes_uniform((uint32_t)strlen(c))];
	}
	for (size_t i = n - 1; i > 0; i--) {	/* Fisher-Yates: the classes anywhere */
		size_t j = randombytes_uniform((uint32_t)i + 1);
		char t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
	out[n] = '\0';
}

/* Tell the agency's admins but who, who did it: a reset is how one admin could become another. */
static int
notify_reset(struct db *db, struct arena *a, const struct actor *who, const struct user *u,
	     struct err *e)
{
	struct msg_text title = msg_text(a, "用户 %s 的密码已被重置", u->username);
	struct msg_text body = msg_text(a, "%s 重置了用户 %s（%s）的密码", who->username,
					u->username, u->display_name);
	struct stmt st = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (!title.zh || !body.zh)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_admins_of, e) ||
	     db_bind_i64(&st, ":agency", u->agency_id, e) ||
	     db_bind_i64(&st, ":actor", who->id, e) ||
	     db_read_rows(&st, a, sizeof(*ids), db_row_i64, (void **)&ids, &n, e) ? e->code : 0;
	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < n; i++)	/* sent after the read: one statement at a time */
		rc = notify_send_text(db, who, ids[i], "org.password_reset", title, body, "user",
				      u->id, e);
	return rc < 0 ? rc : 0;
}

int
org_user_reset_password(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			int64_t seen, const char *hash, struct user *out, struct err *e)
{
	struct user cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (org_user_get(db, a, who, id, &cur, e) || db_check_seen(seen, cur.updated_at, "用户", e) ||
	    org_check_account_admin(who, &cur, e))
		return e->code;
	rc = db_prepare(db, &st, sql_pw_reset, e) || db_bind_text(&st, ":hash", hash, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", seen, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_check_changed(db, "用户", e))
		return e->code;
	if (!rc)
		rc = org_end_credentials(db, id, 0, e);
	if (!rc)
		rc = org_user_get(db, a, who, id, out, e);
	if (!rc)	/* never the password or its hash */
		rc = aud_record(db, who, "reset_password", "user", id, NULL,
				jarena(a, json_pack("{sb}", "must_change_password", 1)), e);
	if (!rc)
		rc = notify_reset(db, a, who, out, e);
	return rc;
}

/* ---------- ending credentials (API tokens: org_token.c) ---------- */

static const char sql_sessions_end[] =
	"UPDATE session SET ended_at = :now"
	" WHERE user_id = :uid AND ended_at IS NULL AND id <> :keep";
static const char sql_tokens_revoke[] =
	"UPDATE api_token SET revoked_at = :now WHERE user_id = :uid AND revoked_at IS NULL";

static int
exec_for_user(struct db *db, const char *sql, int64_t uid, int64_t keep, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_i64(&st, ":uid", uid, e) ||
		 (keep >= 0 && db_bind_i64(&st, ":keep", keep, e)) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
org_end_credentials(struct db *db, int64_t user_id, int64_t keep_session, struct err *e)
{
	assert(db_in_tx(db));
	if (exec_for_user(db, sql_sessions_end, user_id, keep_session, e) ||
	    exec_for_user(db, sql_tokens_revoke, user_id, -1, e))
		return e->code;
	return 0;
}
