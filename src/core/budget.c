/*
** core/budget.c: the 经费 engine (core/budget.h). Lock the line, read its sums,
** decide, write the entry rows, audit them: all in the caller's transaction.
*/
#include "core/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* The line itself, locked for the rest of the transaction before its sums are read. */
static const char sql_lock[] =
	"SELECT amount_fen, control FROM budget_line WHERE id = :id AND agency_id = :agency"
	" FOR UPDATE";
static const char sql_line[] =
	"SELECT amount_fen FROM budget_line WHERE id = :id AND agency_id = :agency";
static const char sql_sums[] =
	"SELECT COALESCE(SUM(CASE WHEN kind = 'adjust' THEN amount_fen ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN kind = 'commit' THEN amount_fen"
	"  WHEN kind = 'release' THEN -amount_fen ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN kind = 'spend' THEN amount_fen ELSE 0 END), 0)"
	" FROM budget_entry WHERE line_id = :id";
/* What one source still has committed on the line. */
static const char sql_open[] =
	"SELECT COALESCE(SUM(CASE WHEN kind = 'commit' THEN amount_fen ELSE -amount_fen END), 0)"
	" FROM budget_entry WHERE line_id = :id AND source_module = :module"
	" AND source_id = :source AND kind IN ('commit', 'release')";
static const char sql_insert[] =
	"INSERT INTO budget_entry (agency_id, line_id, kind, amount_fen, source_module,"
	" source_id, voucher_no, payee, occurred_at, created_by, created_at)"
	" VALUES (:agency, :line, :kind, :amount, :module, :source, :voucher, :payee, :at, :by,"
	" :now) RETURNING id";

static const char sql_period_closed[] =
	"SELECT COUNT(*) FROM budget_period WHERE agency_id = :agency AND period = :period";
static const char sql_period_close[] =
	"INSERT INTO budget_period (agency_id, period, closed_at, closed_by)"
	" VALUES (:agency, :period, :now, :by)";

void
budget_sum_finish(struct budget_sum *s)
{
	s->available = s->amount + s->adjusted - s->committed - s->spent;
}

int64_t
budget_shortfall(const struct budget_sum *s, int64_t amount_fen)
{
	return amount_fen > s->available ? amount_fen - s->available : 0;
}

static int
read_sums(struct db *db, int64_t line_id, struct budget_sum *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_sums, e) || db_bind_i64(&st, ":id", line_id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		out->adjusted = db_col_i64(&st, 0);
		out->committed = db_col_i64(&st, 1);
		out->spent = db_col_i64(&st, 2);
		budget_sum_finish(out);
	}
	db_finalize(&st);
	return rc;
}

/* Amount (and for a lock, the control mode: 1 = stop) of the line, then its sums. */
static int
line_read(struct db *db, int lock, int64_t agency, int64_t line_id, struct budget_sum *out,
	  int *stop, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, lock ? sql_lock : sql_line, e) ||
		 db_bind_i64(&st, ":id", line_id, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_step_row(&st, e) ? e->code : 0;
	const char *ctl;

	*out = (struct budget_sum){ 0 };
	if (!rc) {
		out->amount = db_col_i64(&st, 0);
		ctl = lock ? db_col_peek(&st, 1, NULL) : NULL;
		if (stop)
			*stop = ctl && ctl[0] == 's';
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "budget_line_not_found", NULL, "预算指标不存在");
	return rc ? rc : read_sums(db, line_id, out, e);
}

int
budget_line_sum(struct db *db, int64_t agency_id, int64_t line_id, struct budget_sum *out,
		struct err *e)
{
	return line_read(db, 0, agency_id, line_id, out, NULL, e);
}

static int
open_commitment(struct db *db, int64_t line_id, const struct budget_src *src, int64_t *out,
		struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_open, e) || db_bind_i64(&st, ":id", line_id, e) ||
		 db_bind_text(&st, ":module", src->module, e) ||
		 db_bind_i64(&st, ":source", src->id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*out = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static json_t *
entry_json(int64_t line_id, const char *kind, int64_t amount, const struct budget_src *src)
{
	return json_pack("{sI ss sI ss sI ss* ss* sI}", "line_id", (json_int_t)line_id, "kind",
			 kind, "amount_fen", (json_int_t)amount, "source_module", src->module,
			 "source_id", (json_int_t)src->id, "voucher_no", src->voucher_no, "payee",
			 src->payee, "occurred_at", (json_int_t)src->occurred_at);
}

/* One ledger row and its audit record (entity budget_line, so the line's history shows it). */
static int
entry_add(struct db *db, const struct actor *who, int64_t line_id, const char *kind,
	  int64_t amount, const struct budget_src *src, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":line", line_id, e) || db_bind_text(&st, ":kind", kind, e) ||
		 db_bind_i64(&st, ":amount", amount, e) ||
		 db_bind_text(&st, ":module", src->module, e) ||
		 db_bind_i64(&st, ":source", src->id, e) ||
		 db_bind_text(&st, ":voucher", src->voucher_no, e) ||
		 db_bind_text(&st, ":payee", src->payee, e) ||
		 db_bind_i64(&st, ":at", src->occurred_at ? src->occurred_at : now, e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_step_row(&st, e) ? e->code : 0;
	json_t *after;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc)
		return rc;
	after = entry_json(line_id, kind, amount, src);
	if (!after)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = aud_record(db, who, kind[0] == 'c' ? "budget_commit" : kind[0] == 's' ? "budget_spend"
			: kind[0] == 'a' ? "budget_adjust" : "budget_release", "budget_line", line_id,
			NULL, after, e);
	json_decref(after);
	return rc;
}

static int
check_input(int64_t amount, const struct budget_src *src, struct err *e)
{
	assert(src && src->module && src->id > 0);
	if (amount <= 0 || amount > BUDGET_AMOUNT_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "amount_fen", "金额应大于 0 且不超过 %lld 分",
				(long long)BUDGET_AMOUNT_MAX);
	return 0;
}

/* need fen must fit a stop line; a warn line takes it and is flagged when it goes below 0. */
static int
check_room(const struct budget_sum *s, int stop, int64_t line_id, int64_t need,
	   struct budget_result *out, struct err *e)
{
	int64_t short_by = budget_shortfall(s, need);

	if (short_by && stop)
		return err_setx(e, ERR_RULE, "over_budget", "amount_fen",
				"超出预算指标 #%lld 的可用余额，缺口 %lld.%02lld 元", (long long)line_id,
				(long long)(short_by / 100), (long long)(short_by % 100));
	out->warned = short_by > 0;
	return 0;
}

int
budget_period_of(int64_t at_ms)
{
	return cal_local_date(at_ms) / 100;
}

int
budget_period_closed(struct db *db, int64_t agency, int period, int *closed, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_period_closed, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_bind_i64(&st, ":period", period, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	*closed = !rc && db_col_i64(&st, 0) > 0;
	db_finalize(&st);
	return rc;
}

static int
check_period_open(struct db *db, int64_t agency, int64_t at, struct err *e)
{
	int period = budget_period_of(at), closed;

	if (budget_period_closed(db, agency, period, &closed, e))
		return e->code;
	if (closed)
		return err_setx(e, ERR_RULE, "period_closed", "occurred_at",
				"%d 年 %d 月已结账，不能再记入该月", period / 100, period % 100);
	return 0;
}

int
budget_period_close(struct db *db, const struct actor *who, int period, struct err *e)
{
	struct stmt st = { 0 };
	json_t *after;
	int closed, rc;

	assert(db_in_tx(db));
	if (period / 100 < 2000 || period % 100 < 1 || period % 100 > 12 ||
	    period > budget_period_of(now_ms()))
		return err_setx(e, ERR_INVALID, "invalid", "period", "月份无效（须为本月或之前的月份）");
	if (budget_period_closed(db, who->agency_id, period, &closed, e))
		return e->code;
	if (closed)
		return err_setx(e, ERR_CONFLICT, "already_closed", "period", "该月已结账");
	rc = db_prepare(db, &st, sql_period_close, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":period", period, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	after = json_pack("{si}", "period", period);
	if (!after)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = aud_record(db, who, "close", "budget_period", period, NULL, after, e);
	json_decref(after);
	return rc;
}

/* ---------- who is told: finance of a warn line's overdraft, the department head of 80 %/100 % */

static const char sql_line_names[] =
	"SELECT l.department_id, d.name, c.name FROM budget_line l"
	" JOIN department d ON d.id = l.department_id JOIN budget_class c ON c.id = l.class_id"
	" WHERE l.id = :id";
/* the names whatever exists: a missing class or line still gets a message naming them */
static const char sql_line_for[] =
	"SELECT COALESCE(MAX(l.id), 0), MAX(d.name), MAX(c.name) FROM department d"
	" LEFT JOIN budget_class c ON c.agency_id = :agency AND c.code = :code"
	" LEFT JOIN budget_line l ON l.class_id = c.id AND l.agency_id = :agency"
	" AND l.year = :year AND l.department_id = d.id"
	" WHERE d.id = :dept";
/* from the few role holders to their users, as notify.c's sql_role_users */
static const char sql_finance_users[] =
	"SELECT u.id FROM user_role r CROSS JOIN app_user u"
	" WHERE u.id = r.user_id AND r.role = 'finance' AND r.agency_id = :agency"
	" AND u.active = 1 AND u.deleted_at IS NULL ORDER BY u.id";
/* the department's own heads, as core/approval.c finds them (sql_dept_head_in) */
static const char sql_dept_heads[] =
	"SELECT u.id FROM user_role r CROSS JOIN app_user u"
	" WHERE u.id = r.user_id AND r.role = 'dept_head' AND r.agency_id = :agency"
	" AND u.department_id = :dept AND u.active = 1 AND u.deleted_at IS NULL ORDER BY u.id";

int
budget_use_level(const struct budget_sum *s)
{
	int64_t base = s->amount + s->adjusted, used = s->committed + s->spent;

	if (used <= 0)
		return 0;
	if (base <= 0 || used >= base)
		return 2;
	/* used < base <= 2 * BUDGET_AMOUNT_MAX: times 10 cannot overflow */
	return used * 10 >= base * 8 ? 1 : 0;
}

struct line_names {
	int64_t dept;
	char *dept_name, *class_name;
};

static int
line_names(struct db *db, struct arena *a, int64_t line_id, struct line_names *out,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line_names, e) || db_bind_i64(&st, ":id", line_id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		out->dept = db_col_i64(&st, 0);
		out->dept_name = db_col_text(&st, a, 1);
		out->class_name = db_col_text(&st, a, 2);
	}
	db_finalize(&st);
	return rc;
}

/*
** Send title/body to every user sql finds (read first: no statement is open while sending).
** Not notify_role: the actor is told too (finance approving a claim hears of the overdraft
** it caused), and a line's heads are those of its department only.
*/
static int
send_to(struct db *db, struct arena *a, const struct actor *who, const char *sql, int64_t dept,
	const char *kind, struct msg_text title, struct msg_text body, int64_t line_id,
	struct err *e)
{
	struct stmt st = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 (dept && db_bind_i64(&st, ":dept", dept, e)) ||
		 db_read_rows(&st, a, sizeof(*ids), db_row_i64, (void **)&ids, &n, e) ? e->code : 0;

	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = notify_send_text(db, who, ids[i], kind, title, body, "budget_line", line_id, e);
	return rc < 0 ? rc : 0;
}

static const char *
yuan(struct arena *a, int64_t fen)
{
	int64_t m = fen < 0 ? -fen : fen;
	const char *s = arena_printf(a, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(m / 100),
				     (long long)(m % 100));

	return s ? s : "?";
}

static int
notify_warned(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
	      const struct line_names *ln, const struct budget_sum *after, struct err *e)
{
	struct msg_text title = msg_text(a, "预算超支预警：%s %s", ln->dept_name, ln->class_name);
	struct msg_text body = msg_text(a, "预算指标 #%lld（%s，%s）已超支 %s 元。", (long long)line_id,
					ln->dept_name, ln->class_name, yuan(a, -after->available));

	if (!title.zh || !body.zh)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return send_to(db, a, who, sql_finance_users, 0, "budget.overdraft", title, body, line_id,
		       e);
}

static int
notify_level(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
	     const struct line_names *ln, const struct budget_sum *s, int level, struct err *e)
{
	int64_t base = s->amount + s->adjusted, used = s->committed + s->spent;
	struct msg_text title = msg_text(a, "预算执行已达 %d%%：%s %s", level == 2 ? 100 : 80,
					 ln->dept_name, ln->class_name);
	struct msg_text body = msg_text(a, "预算 %s 元，已支出 %s 元，已占用 %s 元，可用 %s 元，"
					"已使用 %lld%%。", yuan(a, base), yuan(a, s->spent),
					yuan(a, s->committed), yuan(a, s->available),
					(long long)(base > 0 ? used * 100 / base : 100));

	if (!title.zh || !body.zh)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return send_to(db, a, who, sql_dept_heads, ln->dept, "budget.progress", title, body,
		       line_id, e);
}

/*
** After a write: a warn line that went (further) below zero tells finance; a line whose use
** crossed 80 % or 100 % on this write tells its department's heads, once per crossing (a write
** that stays above does not cross again). In the caller's transaction, like the rows.
*/
static int
budget_notify(struct db *db, const struct actor *who, int64_t line_id,
	      const struct budget_sum *before, const struct budget_result *out, struct err *e)
{
	int level = budget_use_level(&out->after);
	struct line_names ln;
	struct arena *a;
	int rc;

	if (!out->warned && level <= budget_use_level(before))
		return 0;
	a = arena_new(4096);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = line_names(db, a, line_id, &ln, e) ||
	     (out->warned && notify_warned(db, a, who, line_id, &ln, &out->after, e)) ||
	     (level > budget_use_level(before) &&
	      notify_level(db, a, who, line_id, &ln, &out->after, level, e)) ? e->code : 0;
	arena_free(a);
	return rc;
}

/* Lock the line and read its sums: the start of every write here. */
static int
begin(struct db *db, const struct actor *who, int64_t line_id, int64_t amount,
      const struct budget_src *src, struct budget_sum *s, int *stop, struct budget_result *out,
      struct err *e)
{
	assert(db_in_tx(db));
	*out = (struct budget_result){ 0 };
	return check_input(amount, src, e) ||
		       check_period_open(db, who->agency_id,
					 src->occurred_at ? src->occurred_at : now_ms(), e) ||
		       line_read(db, 1, who->agency_id, line_id, s, stop, e) ? e->code : 0;
}

/* Read the line's figures after the write and tell who should know (core/budget_notify.c). */
static int
finish(struct db *db, const struct actor *who, int64_t line_id, const struct budget_sum *before,
       struct budget_result *out, struct err *e)
{
	return line_read(db, 0, who->agency_id, line_id, &out->after, NULL, e) ||
		       budget_notify(db, who, line_id, before, out, e) ? e->code : 0;
}

int
budget_commit(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
	      const struct budget_src *src, struct budget_result *out, struct err *e)
{
	struct budget_sum s;
	int stop;

	if (begin(db, who, line_id, amount_fen, src, &s, &stop, out, e) ||
	    check_room(&s, stop, line_id, amount_fen, out, e) ||
	    entry_add(db, who, line_id, "commit", amount_fen, src, &out->entry_id, e))
		return e->code;
	return finish(db, who, line_id, &s, out, e);
}

int
budget_spend(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
	     const struct budget_src *src, struct budget_result *out, struct err *e)
{
	struct budget_sum s;
	int64_t open = 0, rel, rel_id;
	int stop;

	if (begin(db, who, line_id, amount_fen, src, &s, &stop, out, e) ||
	    open_commitment(db, line_id, src, &open, e))
		return e->code;
	rel = open < amount_fen ? open : amount_fen;
	if (rel < 0)
		rel = 0;
	/* the released part was already counted against the line: only the rest needs room */
	if (check_room(&s, stop, line_id, amount_fen - rel, out, e) ||
	    (rel && entry_add(db, who, line_id, "release", rel, src, &rel_id, e)) ||
	    entry_add(db, who, line_id, "spend", amount_fen, src, &out->entry_id, e))
		return e->code;
	return finish(db, who, line_id, &s, out, e);
}

int
budget_release(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
	       const struct budget_src *src, struct budget_result *out, struct err *e)
{
	struct budget_sum s;
	int64_t open = 0;
	int stop;

	if (begin(db, who, line_id, amount_fen, src, &s, &stop, out, e) ||
	    open_commitment(db, line_id, src, &open, e))
		return e->code;
	if (open < amount_fen)
		return err_setx(e, ERR_RULE, "not_committed", "amount_fen",
				"该来源在此预算指标上只有 %lld 分未结的占用", (long long)open);
	if (entry_add(db, who, line_id, "release", amount_fen, src, &out->entry_id, e))
		return e->code;
	return finish(db, who, line_id, &s, out, e);
}

int
budget_adjust(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
	      const struct budget_src *src, struct budget_result *out, struct err *e)
{
	struct budget_sum s;
	int stop;

	/* begin() checks the size (-1: out of range); the sign only says 追加 or 调减 */
	int64_t size = amount_fen < -BUDGET_AMOUNT_MAX ? -1 : amount_fen < 0 ? -amount_fen
									: amount_fen;

	if (begin(db, who, line_id, size, src, &s, &stop, out, e) ||
	    (amount_fen < 0 && check_room(&s, stop, line_id, -amount_fen, out, e)) ||
	    entry_add(db, who, line_id, "adjust", amount_fen, src, &out->entry_id, e))
		return e->code;
	return finish(db, who, line_id, &s, out, e);
}

int
budget_check_room(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		  struct err *e)
{
	struct budget_result r;
	struct budget_sum s;
	int stop;

	assert(db_in_tx(db));
	return line_read(db, 1, who->agency_id, line_id, &s, &stop, e) ||
		       check_room(&s, stop, line_id, amount_fen, &r, e) ? e->code : 0;
}

static void
peek_copy(struct stmt *st, int col, char *out, size_t size)
{
	const char *s = db_col_peek(st, col, NULL);

	snprintf(out, size, "%s", s ? s : "");
}

int
budget_line_for(struct db *db, int64_t agency, int year, int64_t dept, const char *class_code,
		const char *field, int64_t *line_id, struct err *e)
{
	char dept_name[128] = "", class_name[128] = "";
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line_for, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":code", class_code, e) || db_bind_i64(&st, ":year", year, e) ||
		 db_bind_i64(&st, ":dept", dept, e) || db_step_row(&st, e) ? e->code : 0;

	*line_id = 0;
	if (!rc) {
		*line_id = db_col_i64(&st, 0);
		peek_copy(&st, 1, dept_name, sizeof(dept_name));
		peek_copy(&st, 2, class_name, sizeof(class_name));
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		err_clear(e);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	if (!*line_id)
		return err_setx(e, ERR_RULE, "no_budget_line", field,
				"%s %d 年度没有“%s”（%s）的预算指标", dept_name, year,
				class_name[0] ? class_name : class_code, class_code);
	return 0;
}
