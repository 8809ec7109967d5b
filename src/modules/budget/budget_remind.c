/*
** modules/budget/budget_remind.c: the mid-year reminder 温馨提醒 (issue #14
** item 4). Finance sets a date (MM-DD, default 07-01); on or after it, once a
** year, the module job sends each department head their department's lines of
** the year: budget, spent, committed, available and % used.
** Owns tables budget_setting and budget_reminder (migrations/0029_budget_adjust.*.sql).
*/
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

#define MIDYEAR_DEFAULT "07-01"
#define REMIND_LINES_MAX 30	/* one line per class, ~15; notify clips a longer body */

static const char sql_get[] =
	"SELECT midyear_reminder, updated_at FROM budget_setting WHERE agency_id = :agency";
static const char sql_insert[] =
	"INSERT INTO budget_setting (agency_id, midyear_reminder, updated_at, updated_by)"
	" VALUES (:agency, :midyear, :now, :by)";
static const char sql_update[] =
	"UPDATE budget_setting SET midyear_reminder = :midyear, updated_at = :now, updated_by = :by"
	" WHERE agency_id = :agency AND updated_at = :seen";
static const char sql_sent[] =
	"SELECT COUNT(*) FROM budget_reminder WHERE agency_id = :agency AND year = :year";
static const char sql_sent_add[] =
	"INSERT INTO budget_reminder (agency_id, year, sent_at, recipients)"
	" VALUES (:agency, :year, :now, :n)";
/* heads of the agency with their department, as core/budget.c finds a line's heads */
static const char sql_heads[] =
	"SELECT u.id, u.department_id FROM user_role r CROSS JOIN app_user u"
	" WHERE u.id = r.user_id AND r.role = 'dept_head' AND r.agency_id = :agency"
	" AND u.department_id IS NOT NULL AND u.active = 1 AND u.deleted_at IS NULL"
	" ORDER BY u.id";

int
bud_settings_get(struct db *db, int64_t agency, struct bud_settings *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->midyear_reminder, sizeof(out->midyear_reminder), "%s", MIDYEAR_DEFAULT);
	if (!rc) {
		snprintf(out->midyear_reminder, sizeof(out->midyear_reminder), "%s",
			 db_col_peek(&st, 0, NULL));
		out->updated_at = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

/* "MM-DD" of a day every year has (so not 02-29) as MMDD, else 0. */
static int
mmdd_of(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int m, d;

	if (!s || strlen(s) != 5 || s[2] != '-' || strspn(s, "0123456789-") != 5)
		return 0;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	d = (s[3] - '0') * 10 + (s[4] - '0');
	if (s[0] == '-' || s[1] == '-' || s[3] == '-' || s[4] == '-' || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return 0;
	return m * 100 + d;
}

/* The first save inserts, a later one updates what was read (409 "stale" otherwise). */
static int
settings_write(struct db *db, const struct actor *who, const char *midyear, int64_t seen,
	       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, seen ? sql_update : sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":midyear", midyear, e) ||
		 db_bind_i64(&st, ":now", db_next_updated_at(seen, now_ms()), e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) ||
		 (seen && db_bind_i64(&st, ":seen", seen, e)) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc == ERR_CONFLICT)	/* two first saves at once */
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "%s已被他人修改，请刷新后重试", "经费设置");
	return rc || !seen ? rc : db_check_changed(db, "经费设置", e);
}

int
bud_settings_put(struct db *db, const struct actor *who, const char *midyear, int64_t seen,
		 struct bud_settings *out, struct err *e)
{
	struct bud_settings before;
	json_t *b, *after;
	int rc;

	if (who->id != 0 && !actor_has(who, ROLE_FINANCE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以维护预算");
	if (!mmdd_of(midyear))
		return err_setx(e, ERR_INVALID, "invalid", "midyear_reminder",
				"提醒日期应为 MM-DD，如 07-01（不可为 02-29）");
	if (bud_settings_get(db, who->agency_id, &before, e) ||
	    (before.updated_at && db_check_seen(seen, before.updated_at, "经费设置", e)) ||
	    settings_write(db, who, midyear, before.updated_at, e) ||
	    bud_settings_get(db, who->agency_id, out, e))
		return e->code;
	b = bud_settings_json(&before);
	after = bud_settings_json(out);
	rc = b && after ? aud_record(db, who, "update", "budget_setting", who->agency_id, b, after, e)
			: err_set(e, ERR_NOMEM, NULL, "out of memory");
	json_decref(b);
	json_decref(after);
	return rc;
}

/* The settings' history: the agency's own (id is the agency), for finance and its readers. */
int
bud_settings_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct err *e)
{
	(void)db;
	(void)a;
	if (id != who->agency_id)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	return 0;
}

json_t *
bud_settings_json(const struct bud_settings *s)
{
	return json_pack("{ss so}", "midyear_reminder", s->midyear_reminder, "updated_at",
			 s->updated_at ? jtime(s->updated_at) : json_null());
}

/* ---------- the job ---------- */

static int
count_i64(struct db *db, const char *sql, int64_t agency, int64_t year, int64_t *n,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":year", year, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*n = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static const char *
yuan(struct arena *a, int64_t fen)
{
	int64_t m = fen < 0 ? -fen : fen;

	return arena_printf(a, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(m / 100),
			    (long long)(m % 100));
}

/* One line of the reminder, appended in both languages. */
static int
line_text(struct arena *a, struct buf *zh, struct buf *en, const struct bud_line *l)
{
	const struct budget_sum *s = &l->sum;
	int64_t base = s->amount + s->adjusted, used = s->committed + s->spent;
	struct msg_text t = msg_text(a, "%s：预算 %s 元，已支出 %s 元，已占用 %s 元，可用 %s 元，"
				     "已使用 %lld%%。", l->class_name, yuan(a, base),
				     yuan(a, s->spent), yuan(a, s->committed),
				     yuan(a, s->available),
				     (long long)(base > 0 ? used * 100 / base : used > 0 ? 100 : 0));

	if (!t.zh)
		return ERR_NOMEM;
	return buf_printf(zh, "%s\n", t.zh) || buf_printf(en, "%s\n", t.en ? t.en : t.zh);
}

/* Remind head of dept of the year's lines; *sent = 1 when they had any. */
static int
remind_head(struct db *db, struct arena *a, const struct actor *sys, int64_t head, int64_t dept,
	    int64_t year, int *sent, struct err *e)
{
	struct bud_line_filter f = { .year = year, .department_id = dept,
				     .limit = REMIND_LINES_MAX };
	struct buf zh = BUF_INIT(8192), en = BUF_INIT(8192);
	struct bud_line *lines;
	struct msg_text title, body;
	int64_t total;
	size_t n;
	int rc = 0;

	*sent = 0;
	if (bud_line_list(db, a, sys, &f, &lines, &n, &total, e) || n == 0)
		return n == 0 ? 0 : e->code;
	for (size_t i = 0; !rc && i < n; i++)
		rc = line_text(a, &zh, &en, &lines[i]);
	title = msg_text(a, "温馨提醒：%s %lld 年预算执行进度", lines[0].department_name,
			 (long long)year);
	body = (struct msg_text){ buf_to_arena(&zh, a), buf_to_arena(&en, a) };
	if (rc || !title.zh || !body.zh || !body.en)
		rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	else
		rc = notify_send_text(db, sys, head, "budget.midyear", title, body, NULL, 0, e);
	buf_free(&zh);
	buf_free(&en);
	*sent = !rc;
	return rc;
}

/* The agency's department heads and their departments, in the arena. */
static int
read_heads(struct db *db, struct arena *a, int64_t agency, int64_t **heads, int64_t **depts,
	   size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0, cap2 = 0;
	int rc = db_prepare(db, &st, sql_heads, e) || db_bind_i64(&st, ":agency", agency, e)
			 ? e->code : 0;

	*heads = *depts = NULL;
	*n = 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t *h = arena_grow(a, *heads, *n, &cap, sizeof(*h));
		int64_t *d = h ? arena_grow(a, *depts, *n, &cap2, sizeof(*d)) : NULL;
		rc = h && d ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (!rc) {
			(*heads = h)[*n] = db_col_i64(&st, 0);
			(*depts = d)[(*n)++] = db_col_i64(&st, 1);
		}
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
bud_midyear_job(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		struct err *e)
{
	struct actor sys = { .agency_id = agency, .roles = ROLE_FINANCE, .ip = "system",
			     .username = "system" };
	int today = days_to_date((now + SHANGHAI_OFFSET_MS) / DAY_MS), sent;
	int64_t year = today / 10000, already = 0, *heads, *depts;
	struct bud_settings s;
	struct stmt st = { 0 };
	struct arena *a;
	size_t n = 0;
	int rc;

	(void)cal;
	*done = 0;
	if (bud_settings_get(db, agency, &s, e) ||
	    count_i64(db, sql_sent, agency, year, &already, e))
		return e->code;
	if (today % 10000 < mmdd_of(s.midyear_reminder) || already)
		return 0;
	a = arena_new(16384);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = read_heads(db, a, agency, &heads, &depts, &n, e);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = remind_head(db, a, &sys, heads[i], depts[i], year, &sent, e);
		*done += sent;
	}
	/* the year's row, in the same transaction: never twice, also after a restart */
	rc = rc || db_prepare(db, &st, sql_sent_add, e) || db_bind_i64(&st, ":agency", agency, e) ||
	     db_bind_i64(&st, ":year", year, e) || db_bind_i64(&st, ":now", now, e) ||
	     db_bind_i64(&st, ":n", *done, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	arena_free(a);
	return rc;
}
