/*
** modules/supplies/suppliers.c: the suppliers (supplies.h): the lookup
** purchasing needs, then the list and the office's edits (catalog.h). The
** 统一社会信用代码 is checked by its check character and unique per agency.
*/
#include "modules/supplies/catalog.h"

#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <ctype.h>
#include <string.h>

#define SUPPLIER_WHERE                                                                   \
	" FROM supplier WHERE agency_id = :agency"                                        \
	" AND (:active < 0 OR active = :active) AND (:desig < 0 OR designated = :desig)"   \
	" AND (:q IS NULL OR name LIKE :q ESCAPE '\\' OR credit_code LIKE :q ESCAPE '\\'"  \
	" OR contact LIKE :q ESCAPE '\\')"
static const char sql_list[] =
	"SELECT id, name, contact, phone, credit_code, designated, active, created_at, updated_at"
	SUPPLIER_WHERE " ORDER BY designated DESC, name, id LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*)" SUPPLIER_WHERE;
static const char sql_dup[] =
	"SELECT COUNT(*) FROM supplier WHERE agency_id = :agency AND credit_code = :code"
	" AND id <> :id";
static const char sql_insert[] =
	"INSERT INTO supplier (agency_id, name, contact, phone, credit_code, designated, active,"
	" created_at, updated_at, created_by) VALUES (:agency, :name, :contact, :phone, :code,"
	" :desig, :active, :now, :now, :by) RETURNING id";
static const char sql_update[] =
	"UPDATE supplier SET name = :name, contact = :contact, phone = :phone, credit_code = :code,"
	" designated = :desig, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";

static const char sql_supplier[] =
	"SELECT id, name, contact, phone, credit_code, designated, active, created_at, updated_at"
	" FROM supplier WHERE id = :id AND agency_id = :agency";

static void
supplier_row(struct stmt *st, struct arena *a, void *item)
{
	struct supplier *out = item;

	out->id = db_col_i64(st, 0);
	out->name = db_col_text(st, a, 1);
	out->contact = db_col_text(st, a, 2);
	out->phone = db_col_text(st, a, 3);
	out->credit_code = db_col_text(st, a, 4);
	out->designated = (int)db_col_i64(st, 5);
	out->active = (int)db_col_i64(st, 6);
	out->created_at = db_col_i64(st, 7);
	out->updated_at = db_col_i64(st, 8);
}

int
sup_supplier_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct supplier *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_supplier, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		supplier_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "supplier_not_found", NULL, "供应商不存在");
	return rc;
}

json_t *
sup_supplier_json(const struct supplier *s)
{
	return json_pack("{sI ss ss* ss* ss sb sb so so}", "id", (json_int_t)s->id, "name", s->name,
			 "contact", s->contact, "phone", s->phone, "credit_code", s->credit_code,
			 "designated", s->designated, "active", s->active, "created_at",
			 jtime(s->created_at), "updated_at", jtime(s->updated_at));
}

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct supplier_filter *f, struct err *e)
{
	const char *q = f->q && f->q[0] ? db_like_pattern(a, f->q) : NULL;

	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_i64(st, ":active", f->active, e) ||
	       db_bind_i64(st, ":desig", f->designated, e) || db_bind_text(st, ":q", q, e)
		       ? e->code : 0;
}

int
sup_supplier_list(struct db *db, struct arena *a, const struct actor *who,
		  const struct supplier_filter *f, struct supplier **items, size_t *n,
		  int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, a, who, f, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc)
		return rc;
	rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, a, who, f, e) ||
	     db_bind_i64(&st, ":limit", f->limit, e) || db_bind_i64(&st, ":offset", f->offset, e) ||
	     db_read_rows(&st, a, sizeof(**items), supplier_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
sup_supplier_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct err *e)
{
	struct supplier s;

	return sup_supplier_get(db, a, who, id, &s, e);
}

/* The check character (400 at the field), then one supplier per code (409). */
static int
check_supplier(struct db *db, const struct actor *who, int64_t id, const char *code,
	       struct err *e)
{
	struct stmt st = { 0 };
	int64_t n = 0;
	int rc;

	if (!sup_credit_code_ok(code))
		return err_setx(e, ERR_INVALID, "invalid", "credit_code",
				"统一社会信用代码校验位不正确");
	rc = db_prepare(db, &st, sql_dup, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc && n)
		return err_setx(e, ERR_CONFLICT, "duplicate", "credit_code",
				"统一社会信用代码 %s 的供应商已登记", code);
	return rc;
}

/* Typed in lower case is the same code: stored and compared upper-cased. */
static const char *
upper(struct arena *a, const char *s)
{
	char *u = arena_strdup(a, s ? s : "");

	for (char *p = u; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static const char *
opt(const char *s)
{
	return s && s[0] ? s : NULL;
}

static int
bind_supplier(struct stmt *st, const struct supplier_in *in, const char *code, struct err *e)
{
	return db_bind_text(st, ":name", in->name, e) ||
	       db_bind_text(st, ":contact", opt(in->contact), e) ||
	       db_bind_text(st, ":phone", opt(in->phone), e) || db_bind_text(st, ":code", code, e) ||
	       db_bind_i64(st, ":desig", !!in->designated, e) ||
	       db_bind_i64(st, ":active", !!in->active, e) ? e->code : 0;
}

static int
may_keep(const struct actor *who, struct err *e)
{
	if (who->id == 0 || actor_has(who, ROLE_OFFICE))
		return 0;
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以维护供应商");
}

int
sup_supplier_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct supplier_in *in, struct supplier *out, struct err *e)
{
	const char *code = upper(a, in->credit_code);
	struct stmt st = { 0 };
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	if (!code)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (may_keep(who, e) || check_supplier(db, who, 0, code, e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     bind_supplier(&st, in, code, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		id = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || sup_supplier_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "supplier", id, NULL,
			  jarena(a, sup_supplier_json(out)), e);
}

int
sup_supplier_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    const struct supplier_in *in, struct supplier *out, struct err *e)
{
	const char *code = upper(a, in->credit_code);
	struct supplier cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!code)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (may_keep(who, e) || sup_supplier_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "供应商", e) ||
	    check_supplier(db, who, id, code, e))
		return e->code;
	rc = db_prepare(db, &st, sql_update, e) || bind_supplier(&st, in, code, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seen", cur.updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc || db_check_changed(db, "供应商", e) || sup_supplier_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "update", "supplier", id, jarena(a, sup_supplier_json(&cur)),
			  jarena(a, sup_supplier_json(out)), e);
}
