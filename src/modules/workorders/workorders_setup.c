/*
** modules/workorders/workorders_setup.c: what the office sets up for 报修:
** categories with their SLA targets, maintenance teams and their members,
** and the duty roster (值班表). Owns tables wo_category, wo_sla_target,
** wo_team, wo_team_member, wo_duty.
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

/* ---------- categories ---------- */

#define CAT_COLS                                                                             \
	"c.id, c.agency_id, c.name, COALESCE(c.default_team_id, 0), t.name, c.safety,"       \
	" c.active, c.sort_order, c.created_at, c.updated_at"
#define CAT_FROM " FROM wo_category c LEFT JOIN wo_team t ON t.id = c.default_team_id"

static const char sql_cat_list[] =
	"SELECT " CAT_COLS CAT_FROM " WHERE c.agency_id = :agency AND (:active = 0 OR c.active = 1)"
	" ORDER BY c.sort_order, c.id";
static const char sql_cat_get[] =
	"SELECT " CAT_COLS CAT_FROM " WHERE c.agency_id = :agency AND c.id = :id";
static const char sql_cat_targets[] =
	"SELECT s.category_id, s.priority, s.accept_min, s.resolve_min FROM wo_sla_target s"
	" JOIN wo_category c ON c.id = s.category_id WHERE c.agency_id = :agency";
static const char sql_cat_insert[] =
	"INSERT INTO wo_category (agency_id, name, default_team_id, safety, sort_order, active,"
	" created_at, updated_at, created_by) VALUES (:agency, :name, :team, :safety, :sort,"
	" :active, :now, :now, :by)";
static const char sql_cat_update[] =
	"UPDATE wo_category SET name = :name, default_team_id = :team, safety = :safety,"
	" sort_order = :sort, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";
static const char sql_target_clear[] = "DELETE FROM wo_sla_target WHERE category_id = :id";
static const char sql_target_insert[] =
	"INSERT INTO wo_sla_target (agency_id, category_id, priority, accept_min, resolve_min)"
	" SELECT agency_id, :id, :prio, :accept, :resolve FROM wo_category WHERE id = :id";
static const char sql_team_in_agency[] =
	"SELECT active, 0 FROM wo_team WHERE id = :id AND agency_id = :agency";

static void
cat_row(struct stmt *st, struct arena *a, void *item)
{
	struct wo_category *c = item;

	memset(c, 0, sizeof(*c));
	c->id = db_col_i64(st, 0);
	c->agency_id = db_col_i64(st, 1);
	c->name = db_col_text(st, a, 2);
	wo_ref_row(st, a, 3, &c->default_team);
	c->safety = (int)db_col_i64(st, 5);
	c->active = (int)db_col_i64(st, 6);
	c->sort_order = db_col_i64(st, 7);
	c->created_at = db_col_i64(st, 8);
	c->updated_at = db_col_i64(st, 9);
	memcpy(c->targets, wo_default_targets, sizeof(c->targets));
}

static int
cat_targets(struct db *db, const struct actor *who, struct wo_category *items, size_t n,
	    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cat_targets, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t cid = db_col_i64(&st, 0);
		int p = wo_priority_parse(db_col_peek(&st, 1, NULL));
		for (size_t i = 0; p >= 0 && i < n; i++)
			if (items[i].id == cid) {
				items[i].targets[p].accept_min = db_col_i64(&st, 2);
				items[i].targets[p].resolve_min = db_col_i64(&st, 3);
			}
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
wo_category_list(struct db *db, struct arena *a, const struct actor *who, int active_only,
		 struct wo_category **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cat_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":active", active_only ? 1 : 0, e) ||
		 db_read_rows(&st, a, sizeof(**items), cat_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc ? rc : cat_targets(db, who, *items, *n, e);
}

int
wo_category_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct wo_category *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cat_get, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		cat_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修类别不存在");
	return rc ? rc : cat_targets(db, who, out, 1, e);
}

json_t *
wo_category_json(const struct wo_category *c)
{
	json_t *targets = json_object();

	for (int p = 0; p < WO_PRIORITY_N; p++)
		json_object_set_new(targets, wo_priority_codes[p],
				    json_pack("{sI sI}", "accept_min",
					      (json_int_t)c->targets[p].accept_min, "resolve_min",
					      (json_int_t)c->targets[p].resolve_min));
	return json_pack("{sI ss so sb sb sI so so so}", "id", (json_int_t)c->id, "name", c->name,
			 "default_team", wo_ref_json(&c->default_team), "safety", c->safety,
			 "active", c->active, "sort_order", (json_int_t)c->sort_order, "targets",
			 targets, "created_at", jtime(c->created_at), "updated_at",
			 jtime(c->updated_at));
}

static int
need_office(const struct actor *who, struct err *e)
{
	if (!who || !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有后勤管理员可以修改");
	return 0;
}

static int
check_category_in(struct db *db, const struct actor *who, int64_t id,
		  const struct wo_category_in *in, struct err *e)
{
	int64_t active = 0;
	int rc;

	err_clear(e);
	if (wo_blank(in->name))
		err_field(e, "name", "请填写类别名称");
	else if (wo_utf8_len(in->name) > WO_NAME_MAX)
		err_field(e, "name", "不能超过 %d 个字", WO_NAME_MAX);
	if (in->sort_order < 0 || in->sort_order > 100000)
		err_field(e, "sort_order", "排序号应在 0 到 100000 之间");
	if (!id && !in->has_targets)
		err_field(e, "targets", "请设置四个紧急程度的受理和完成时限");
	for (int p = 0; in->has_targets && p < WO_PRIORITY_N; p++)
		if (in->targets[p].accept_min <= 0 || in->targets[p].resolve_min <= 0 ||
		    in->targets[p].accept_min > 525600 || in->targets[p].resolve_min > 525600) {
			err_field(e, "targets", "时限应为 1 到 525600 分钟");
			break;
		} else if (in->targets[p].resolve_min < in->targets[p].accept_min) {
			err_field(e, "targets", "%s：完成时限不能短于受理时限", wo_priority_labels[p]);
			break;
		}
	if (e->nfields)
		return err_set(e, ERR_INVALID, e->fields[0].name, "%s", e->fields[0].msg);
	if (in->default_team_id) {
		rc = wo_lookup2(db, sql_team_in_agency, in->default_team_id, who->agency_id, &active,
			     NULL, e);
		if (rc == ERR_NOT_FOUND || (!rc && !active))
			return err_setx(e, ERR_INVALID, "invalid", "default_team_id",
					"班组不存在或已停用");
		if (rc)
			return rc;
	}
	return 0;
}

int
wo_category_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 const struct wo_category_in *in, struct wo_category *out, struct err *e)
{
	struct wo_category cur = { 0 };
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc;

	assert(db_in_tx(db));
	if (need_office(who, e) ||
	    (id && (wo_category_get(db, a, who, id, &cur, e) ||
		    db_check_seen(in->updated_at, cur.updated_at, "报修类别", e))) ||
	    check_category_in(db, who, id, in, e))
		return e->code;
	rc = db_prepare(db, &st, id ? sql_cat_update : sql_cat_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":name", in->name, e) ||
	     db_bind_id_or_null(&st, ":team", in->default_team_id, e) ||
	     db_bind_i64(&st, ":safety", in->safety ? 1 : 0, e) ||
	     db_bind_i64(&st, ":sort", in->sort_order, e) ||
	     db_bind_i64(&st, ":active", in->active ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now), e) ||
	     (id ? db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e)
		 : db_bind_i64(&st, ":by", who->id, e)) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "已有同名的报修类别");
	if (rc)
		return rc;
	if (id && db_check_changed(db, "报修类别", e))
		return e->code;
	if (!id)
		id = db_last_id(db);
	if (in->has_targets) {
		rc = db_exec_id(db, sql_target_clear, id, e);
		for (int p = 0; !rc && p < WO_PRIORITY_N; p++) {
			rc = db_prepare(db, &st, sql_target_insert, e) ||
			     db_bind_i64(&st, ":id", id, e) ||
			     db_bind_text(&st, ":prio", wo_priority_codes[p], e) ||
			     db_bind_i64(&st, ":accept", in->targets[p].accept_min, e) ||
			     db_bind_i64(&st, ":resolve", in->targets[p].resolve_min, e) ||
			     db_step_done(&st, e) ? e->code : 0;
			db_finalize(&st);
		}
		if (rc)
			return rc;
	}
	if (wo_category_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, cur.id ? "update" : "create", "wo_category", id,
			  cur.id ? jarena(a, wo_category_json(&cur)) : NULL,
			  jarena(a, wo_category_json(out)), e);
}

/* ---------- teams ---------- */

static const char sql_team_list[] =
	"SELECT id, agency_id, name, active, created_at, updated_at FROM wo_team"
	" WHERE agency_id = :agency ORDER BY id";
static const char sql_team_members[] =
	"SELECT m.team_id, u.id, u.display_name FROM wo_team_member m"
	" JOIN wo_team t ON t.id = m.team_id JOIN app_user u ON u.id = m.user_id"
	" WHERE t.agency_id = :agency ORDER BY m.team_id, u.id";
static const char sql_team_insert[] =
	"INSERT INTO wo_team (agency_id, name, active, created_at, updated_at, created_by)"
	" VALUES (:agency, :name, :active, :now, :now, :by)";
static const char sql_team_update[] =
	"UPDATE wo_team SET name = :name, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";
static const char sql_members_clear[] = "DELETE FROM wo_team_member WHERE team_id = :id";
static const char sql_member_add[] =
	"INSERT INTO wo_team_member (agency_id, team_id, user_id)"
	" SELECT agency_id, :id, :user FROM wo_team WHERE id = :id";

/* A team without its members (items start zeroed). */
static void
team_row(struct stmt *st, struct arena *a, void *item)
{
	struct wo_team *t = item;

	t->id = db_col_i64(st, 0);
	t->agency_id = db_col_i64(st, 1);
	t->name = db_col_text(st, a, 2);
	t->active = (int)db_col_i64(st, 3);
	t->created_at = db_col_i64(st, 4);
	t->updated_at = db_col_i64(st, 5);
}

int
wo_team_list(struct db *db, struct arena *a, const struct actor *who, struct wo_team **items,
	     size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	struct wo_team *cur = NULL;
	size_t mcap = 0;
	int rc = db_prepare(db, &st, sql_team_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), team_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	if (rc)
		return rc;
	rc = db_prepare(db, &st, sql_team_members, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	/* rows come team by team: each team's members grow in the arena, no cap */
	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t tid = db_col_i64(&st, 0);
		struct wo_ref *v;
		rc = 0;
		if (!cur || cur->id != tid) {
			cur = NULL;
			mcap = 0;
			for (size_t i = 0; !cur && i < *n; i++)
				if ((*items)[i].id == tid)
					cur = &(*items)[i];
		}
		if (!cur)
			continue;
		v = arena_grow(a, cur->members, cur->nmembers, &mcap, sizeof(*v));
		if (!v) {
			rc = wo_nomem(e);
			break;
		}
		cur->members = v;
		v[cur->nmembers].id = db_col_i64(&st, 1);
		v[cur->nmembers++].name = db_col_text(&st, a, 2);
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
team_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 struct wo_team *out, struct err *e)
{
	struct wo_team *items;
	size_t n;

	if (wo_team_list(db, a, who, &items, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id) {
			*out = items[i];
			return 0;
		}
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "班组不存在");
}

json_t *
wo_team_json(const struct wo_team *t)
{
	json_t *members = json_array();

	for (size_t i = 0; i < t->nmembers; i++)
		json_array_append_new(members, wo_ref_json(&t->members[i]));
	return json_pack("{sI ss sb so so so}", "id", (json_int_t)t->id, "name", t->name, "active",
			 t->active, "members", members, "created_at", jtime(t->created_at),
			 "updated_at", jtime(t->updated_at));
}

/* Name and members of a team: 0 or ERR_INVALID with the field. */
static int
check_team_in(struct db *db, struct arena *a, const struct actor *who,
	      const struct wo_team_in *in, struct err *e)
{
	struct wo_ref w, t;

	if (wo_blank(in->name))
		return err_set(e, ERR_INVALID, "name", "请填写班组名称");
	if (wo_utf8_len(in->name) > WO_NAME_MAX)
		return err_set(e, ERR_INVALID, "name", "不能超过 %d 个字", WO_NAME_MAX);
	if (in->nmembers > TEAM_MEMBERS_MAX)
		return err_set(e, ERR_INVALID, "member_ids", "成员太多");
	for (size_t i = 0; i < in->nmembers; i++) {
		if (wo_check_assignee(db, a, who->agency_id, in->member_ids[i], 0, 0, &w, &t, e)) {
			if (e->code != ERR_INVALID)
				return e->code;
			err_clear(e);
			return err_setx(e, ERR_INVALID, "invalid", "member_ids",
					"成员必须是本单位在职的维修人员");
		}
		for (size_t j = 0; j < i; j++)
			if (in->member_ids[j] == in->member_ids[i])
				return err_set(e, ERR_INVALID, "member_ids", "成员重复");
	}
	return 0;
}

static int
set_members(struct db *db, int64_t id, const struct wo_team_in *in, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_exec_id(db, sql_members_clear, id, e);

	for (size_t i = 0; !rc && i < in->nmembers; i++) {
		rc = db_prepare(db, &st, sql_member_add, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":user", in->member_ids[i], e) || db_step_done(&st, e)
			     ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

int
wo_team_put(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    const struct wo_team_in *in, struct wo_team *out, struct err *e)
{
	struct wo_team cur = { 0 };
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (need_office(who, e) ||
	    (id && (team_get(db, a, who, id, &cur, e) ||
		    db_check_seen(in->updated_at, cur.updated_at, "班组", e))) ||
	    check_team_in(db, a, who, in, e))
		return e->code;
	rc = db_prepare(db, &st, id ? sql_team_update : sql_team_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":name", in->name, e) ||
	     db_bind_i64(&st, ":active", in->active ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     (id ? db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e)
		 : db_bind_i64(&st, ":by", who->id, e)) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "已有同名的班组");
	if (rc || (id && db_check_changed(db, "班组", e)))
		return e->code;
	if (!id)
		id = db_last_id(db);
	if (set_members(db, id, in, e) || team_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, cur.id ? "update" : "create", "wo_team", id,
			  cur.id ? jarena(a, wo_team_json(&cur)) : NULL,
			  jarena(a, wo_team_json(out)), e);
}

/* ---------- duty roster ---------- */

static const char sql_duty_list[] =
	"SELECT d.id, d.team_id, d.day, d.user_id, u.display_name FROM wo_duty d"
	" JOIN wo_team t ON t.id = d.team_id JOIN app_user u ON u.id = d.user_id"
	" WHERE t.agency_id = :agency AND d.day >= :from AND d.day <= :to"
	" ORDER BY d.day, d.team_id";
static const char sql_duty_get[] =
	"SELECT d.user_id FROM wo_duty d WHERE d.team_id = :team AND d.day = :day";
static const char sql_duty_worker[] =
	"SELECT d.user_id FROM wo_duty d JOIN app_user u ON u.id = d.user_id"
	" WHERE d.team_id = :team AND d.day = :day AND u.active = 1 AND u.deleted_at IS NULL";
static const char sql_duty_delete[] = "DELETE FROM wo_duty WHERE team_id = :team AND day = :day";
static const char sql_duty_insert[] =
	"INSERT INTO wo_duty (agency_id, team_id, day, user_id, created_at, updated_at, created_by)"
	" SELECT agency_id, :team, :day, :user, :now, :now, :by FROM wo_team WHERE id = :team";

static int
valid_day(int day)
{
	return day >= 20000101 && day <= 21001231 && days_to_date(date_to_days(day)) == day;
}

static void
duty_row(struct stmt *st, struct arena *a, void *item)
{
	struct wo_duty *d = item;

	d->id = db_col_i64(st, 0);
	d->team_id = db_col_i64(st, 1);
	d->day = (int)db_col_i64(st, 2);
	d->user.id = db_col_i64(st, 3);
	d->user.name = db_col_text(st, a, 4);
}

int
wo_duty_list(struct db *db, struct arena *a, const struct actor *who, int from_day,
	     int to_day, struct wo_duty **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	if (!valid_day(from_day) || !valid_day(to_day) || to_day < from_day)
		return err_set(e, ERR_INVALID, "from", "日期范围无效");
	if (date_to_days(to_day) - date_to_days(from_day) > 366)
		return err_set(e, ERR_INVALID, "to", "一次最多查询一年");
	rc = db_prepare(db, &st, sql_duty_list, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":from", from_day, e) || db_bind_i64(&st, ":to", to_day, e) ||
	     db_read_rows(&st, a, sizeof(**items), duty_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

static int
duty_query(struct db *db, const char *sql, int64_t team_id, int day, int64_t *user_id,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":team", team_id, e) ||
		 db_bind_i64(&st, ":day", day, e) ? e->code : db_step(&st, e);

	*user_id = rc == 1 ? db_col_i64(&st, 0) : 0;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
wo_duty_worker(struct db *db, int64_t team_id, int day, int64_t *user_id, struct err *e)
{
	return duty_query(db, sql_duty_worker, team_id, day, user_id, e);
}

static json_t *
duty_audit(int64_t team_id, int day, int64_t user_id)
{
	return user_id ? json_pack("{sI sI sI}", "team_id", (json_int_t)team_id, "day",
				   (json_int_t)day, "user_id", (json_int_t)user_id)
		       : NULL;
}

int
wo_duty_set(struct db *db, const struct actor *who, int64_t team_id, int day,
	    int64_t user_id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t active = 0, before = 0;
	json_t *b, *af;
	int rc, m;

	assert(db_in_tx(db));
	if (need_office(who, e))
		return e->code;
	if (!valid_day(day))
		return err_set(e, ERR_INVALID, "day", "日期无效");
	rc = wo_lookup2(db, sql_team_in_agency, team_id, who->agency_id, &active, NULL, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "team_id", "班组不存在");
	if (rc)
		return rc;
	if (user_id) {
		m = wo_is_member(db, team_id, user_id, e);
		if (m < 0)
			return m;
		if (!m)
			return err_setx(e, ERR_INVALID, "invalid", "user_id", "值班人员必须是该班组成员");
	}
	if (duty_query(db, sql_duty_get, team_id, day, &before, e))
		return e->code;
	if (before == user_id)
		return 0;	/* nothing changes, nothing to record */
	rc = db_prepare(db, &st, sql_duty_delete, e) || db_bind_i64(&st, ":team", team_id, e) ||
	     db_bind_i64(&st, ":day", day, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && user_id)
		rc = db_prepare(db, &st, sql_duty_insert, e) ||
		     db_bind_i64(&st, ":team", team_id, e) || db_bind_i64(&st, ":day", day, e) ||
		     db_bind_i64(&st, ":user", user_id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     db_bind_i64(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	b = duty_audit(team_id, day, before);
	af = duty_audit(team_id, day, user_id);
	rc = aud_record(db, who, user_id ? "set" : "clear", "wo_duty", team_id, b, af, e);
	json_decref(b);
	json_decref(af);
	return rc;
}
