/*
** modules/budget/budget.h: 经费 classes and budget lines (issue #14, first
** slice). The money rules themselves are core/budget.h; this module keeps the
** data they apply to and shows it:
**   classes  支出经济分类 per agency, with codes and the 三公 flag (editable data)
**   lines    one per (year, department, class): amount in fen, control stop|warn
**   entries  a line's ledger (read only here; core/budget.c writes it)
** Finance creates classes and lines. Finance, leaders, supervisors and the
** office read every line; a department head (without one of those roles)
** reads only their own department's. Strings in outputs live in the arena.
** Writes need a write transaction and are audited.
*/
#ifndef HOUQIN_BUDGET_MOD_H
#define HOUQIN_BUDGET_MOD_H

#include "core/budget.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define BUD_CODE_MAX 16
#define BUD_NAME_MAX 64
#define BUD_YEAR_MIN 2000
#define BUD_YEAR_MAX 2100

extern const char *const bud_control_codes[];	/* "stop","warn",NULL */
extern const char *const bud_entry_kinds[];	/* "adjust","commit","spend","release",NULL */

struct bud_class {
	int64_t id;
	const char *code, *name;
	int sangong, active;
	int64_t created_at, updated_at;
};

struct bud_class_in {
	const char *code, *name;
	int sangong;
};

struct bud_line {
	int64_t id, year, department_id, class_id;
	const char *department_name, *class_code, *class_name;
	int sangong;
	const char *control;
	struct budget_sum sum;
	int64_t created_at, updated_at;
};

struct bud_line_in {
	int64_t year, department_id, class_id, amount_fen;
	const char *control;
};

struct bud_line_filter {
	int64_t year, department_id, class_id;	/* 0 = any */
	int64_t limit, offset;
};

struct bud_entry {
	int64_t id, line_id, amount_fen, source_id, occurred_at, created_by, created_at;
	const char *kind, *source_module, *voucher_no, *payee, *created_by_name;
};

/* Every class of who's agency, by code. */
int bud_class_list(struct db *db, struct arena *a, const struct actor *who,
		   struct bud_class **items, size_t *n, struct err *e);
/*
** New class. Finance (or the CLI, id 0), else ERR_FORBIDDEN; ERR_CONFLICT
** "duplicate" on "code" when the agency has the code already.
*/
int bud_class_create(struct db *db, struct arena *a, const struct actor *who,
		     const struct bud_class_in *in, struct bud_class *out, struct err *e);

/* 1 when who reads every line of the agency; 0: only their department's (a dept head). */
int bud_reads_all(const struct actor *who);
/*
** Lines of who's agency matching f (within who's scope), by year (newest
** first), department and class code, with their sums; *total before paging.
*/
int bud_line_list(struct db *db, struct arena *a, const struct actor *who,
		  const struct bud_line_filter *f, struct bud_line **items, size_t *n,
		  int64_t *total, struct err *e);
/* One line in who's scope, else ERR_NOT_FOUND "budget_line_not_found". */
int bud_line_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct bud_line *out, struct err *e);
int bud_line_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct err *e);
/*
** New line. Finance (or the CLI), else ERR_FORBIDDEN; ERR_INVALID on a
** department or class not of the agency, an inactive class; ERR_CONFLICT
** "duplicate" when the (year, department, class) line exists.
*/
int bud_line_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct bud_line_in *in, struct bud_line *out, struct err *e);
/* The ledger of line id (in who's scope), newest first, paged; *total before paging. */
int bud_entry_list(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   int64_t limit, int64_t offset, struct bud_entry **items, size_t *n,
		   int64_t *total, struct err *e);

/* One month of a year: closed (结账) or not. */
struct bud_period {
	int period;	/* yyyymm */
	int closed;
	int64_t closed_at, closed_by;
	const char *closed_by_name;
};

/* The 12 months of year for agency, January first, with which are closed. */
int bud_period_year(struct db *db, struct arena *a, int64_t agency, int64_t year,
		    struct bud_period out[12], struct err *e);

int bud_period_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       struct err *e);

json_t *bud_class_json(const struct bud_class *c);
json_t *bud_period_json(const struct bud_period *p);
json_t *bud_line_json(const struct bud_line *l);
json_t *bud_entry_json(const struct bud_entry *en);

/*
** The standard classes who's agency lacks, by code (the module's agency_init;
** finance adds classes, never deletes one). *added grows by the classes made
** (each audited). In the caller's write transaction.
*/
int bud_seed_classes(struct db *db, struct arena *a, const struct actor *who, int *added,
		     struct err *e);
int bud_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

/* ---------- adjustments 追加/调减/调剂 (budget_adjust.c) ---------- */

#define BUD_REASON_MAX 500

extern const char *const bud_adj_kinds[];	/* "add","cut","transfer",NULL */
extern const char *const bud_adj_statuses[];	/* "pending","approved","rejected","withdrawn",NULL */

struct bud_adj_in {
	const char *kind, *reason;
	int64_t amount_fen, to_line_id;	/* to_line_id: transfer only */
};

struct bud_adj {
	int64_t id, line_id, to_line_id, amount_fen, approval_id, created_by;
	const char *kind, *status, *reason, *created_by_name;
	const char *line_label, *to_line_label;	/* "一处 差旅费" */
	int64_t created_at, updated_at, decided_at;
};

/*
** Request an adjustment of line line_id (finance only, else ERR_FORBIDDEN): one
** budget_adjustment row (pending) and its approval (kind "budget_adjustment").
** ERR_INVALID on a transfer without to_line_id, to the same line or to another
** agency's; ERR_RULE "other_year" to a line of another year; a cut or transfer
** beyond the available amount of a stop line: ERR_RULE "over_budget". Audited.
*/
int bud_adj_create(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
		   const struct bud_adj_in *in, struct bud_adj *out, struct err *e);
/* Adjustments from or to line_id (in who's scope), newest first. */
int bud_adj_list(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
		 int64_t limit, int64_t offset, struct bud_adj **items, size_t *n, int64_t *total,
		 struct err *e);
int bud_adj_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct err *e);
json_t *bud_adj_json(const struct bud_adj *j);
struct appr_kind;
/* The approval kind (its default rule, 分管领导审批: budget_module.c). */
extern const struct appr_kind bud_adj_kind;

/* ---------- the mid-year reminder 温馨提醒 (budget_remind.c) ---------- */

struct bud_settings {
	char midyear_reminder[6];	/* "MM-DD" */
	int64_t updated_at;	/* 0: never saved (the default) */
};

int bud_settings_get(struct db *db, int64_t agency, struct bud_settings *out, struct err *e);
/*
** Finance sets "MM-DD" (ERR_INVALID on "midyear_reminder" else). Once saved, seen
** must be the updated_at read (db_check_seen: 400 when 0, 409 "stale"). Audited.
*/
int bud_settings_put(struct db *db, const struct actor *who, const char *midyear, int64_t seen,
		     struct bud_settings *out, struct err *e);
int bud_settings_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 struct err *e);
json_t *bud_settings_json(const struct bud_settings *s);
struct cal;
/*
** The module job: on or after the agency's date, once a year, every department
** head gets their department's lines of the year (budget, spent, committed,
** available, % used); the year is recorded in the same transaction.
*/
int bud_midyear_job(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		    struct err *e);

/* HTTP handlers and bodies of budget_adjust_api.c (their rows are in budget_api.c's table). */
struct req;
struct resp;
int bud_api_adj_create(struct req *rq, struct resp *rs, struct err *e);
int bud_api_adj_list(struct req *rq, struct resp *rs, struct err *e);
int bud_api_settings_get(struct req *rq, struct resp *rs, struct err *e);
int bud_api_settings_put(struct req *rq, struct resp *rs, struct err *e);
/* ---------- reports (budget_reports.c) ---------- */

/* The first ms of month (1..12; 13 = January of the next year) of year in Asia/Shanghai. */
int64_t bud_month_start(int64_t year, int64_t month);

/*
** One row of the bulletin 财务支出月通报: a department x class ("line"), a
** department's 小计 ("subtotal") or the 合计 ("total"). Spending is the ledger's
** spend rows by occurred_at: month, year to date (January..month) and the same
** two windows of last year; budget (amount + adjustments) and committed (open)
** are this year's line's as at the end of the month.
*/
struct bud_bulletin_row {
	const char *row;
	int64_t department_id, class_id;
	const char *department_name, *class_code, *class_name;
	int has_line;
	int64_t budget, committed, month, ytd, ly_month, ly_ytd;
};

struct bud_bulletin {
	int64_t year, month;
	struct bud_bulletin_row *rows;
	size_t n;
};

/* The bulletin of month (1..12) of year in who's scope (a dept head: their department). */
int bud_bulletin(struct db *db, struct arena *a, const struct actor *who, int64_t year,
		 int64_t month, struct bud_bulletin *out, struct err *e);
json_t *bud_bulletin_row_json(const struct bud_bulletin_row *r);

/* A 三公 class in the disclosure: the year's budget and each month's spending. */
struct bud_sangong {
	int64_t class_id;
	const char *code, *name;
	int64_t budget;
	int64_t month[12];	/* filled for closed months only */
};

/* 三公经费公开 of who's agency: no names, payees or vouchers; open months stay empty. */
struct bud_disclosure {
	int64_t year;
	struct bud_period periods[12];
	struct bud_sangong *classes;
	size_t n;
};

int bud_disclosure(struct db *db, struct arena *a, const struct actor *who, int64_t year,
		   struct bud_disclosure *out, struct err *e);
json_t *bud_disclosure_json(const struct bud_disclosure *d);

/* Handlers (budget_reports_api.c) for budget_api.c's route table, and their export columns. */
struct req;
struct resp;
int bud_api_bulletin(struct req *rq, struct resp *rs, struct err *e);
int bud_api_disclosure(struct req *rq, struct resp *rs, struct err *e);
int bud_api_line(struct req *rq, struct resp *rs, struct err *e);

#endif
