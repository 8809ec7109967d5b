/*
** modules/supplies/requisitions.h: 领用申请 (issue #16): any business user asks
** for their department (lines of items and quantities); the approval engine
** routes it (kind requisition: 部门负责人, plus 分管领导 at or above the value
** threshold or over the department's monthly quota, supply_quota); the office
** issues it through the stock ledger (stock.h: stock_out, reason issue, the
** department on the movement), all at once or in parts; the requester confirms
** receipt. Statuses and who moves them: requisitions_flow.c's table. Every
** write runs in the caller's write transaction with its audit record (entity
** "requisition": create, approved, rejected, issue, receive, withdraw, cancel;
** "supply_quota": set). The demo and the report call these functions too.
*/
#ifndef HOUQIN_REQUISITIONS_H
#define HOUQIN_REQUISITIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct approval;
struct appr_kind;

#define REQ_LINES_MAX 30
#define REQ_TEXT_MAX 200
#define REQ_THRESHOLD_FEN 100000	/* ¥1,000: the default rules' split, editable as a rule range */
#define REQ_QUOTA_MAX 100000000000LL	/* ¥10 亿 a month */

enum reqn_status {
	REQ_PENDING, REQ_APPROVED, REQ_REJECTED, REQ_WITHDRAWN, REQ_ISSUED, REQ_RECEIVED,
	REQ_CANCELLED, REQ_STATUS_N
};
extern const char *const reqn_status_codes[];	/* "pending", ..., NULL */

enum reqn_action {
	REQ_A_APPROVE, REQ_A_REJECT, REQ_A_ISSUE, REQ_A_RECEIVE, REQ_A_WITHDRAW, REQ_A_CANCEL
};

/* The parties an actor is to a requisition (bits). */
enum { REQ_P_REQUESTER = 1 << 0, REQ_P_OFFICE = 1 << 1, REQ_P_SYSTEM = 1 << 2 };

struct reqn_line_in {
	int64_t item_id, qty;
	const char *reason;
};

struct reqn_in {
	const char *reason;
	struct reqn_line_in *lines;
	size_t nlines;
	int64_t occurred_at;	/* the demo's past; 0 = now */
};

struct reqn_line {
	int64_t id, item_id, qty, qty_issued, unit_cost_fen, on_hand;
	const char *item_code, *item_name, *spec, *unit, *reason;
};

struct requisition {
	int64_t id, requester_id, department_id, value_fen, approval_id, issued_by;
	int64_t issued_at, received_at, created_at, updated_at;
	int64_t issued_value_fen;	/* from the ledger's movements */
	int over_quota, fully_issued;
	const char *code, *status, *requester_name, *department_name, *reason, *cancel_reason;
	const char *issued_by_name;
	struct reqn_line *lines;	/* reqn_get only */
	size_t nlines;
	struct approval *appr;	/* reqn_get only */
	struct {
		int issue, receive, withdraw, cancel;
	} can;
};

struct reqn_filter {
	const char *status;
	int mine, to_issue;	/* to_issue: approved, or issued with something left (待发放) */
	int64_t department_id, from, to;	/* created_at in [from, to) */
	int64_t limit, offset;
};

/* requisitions.c */
int reqn_create(struct db *db, struct arena *a, const struct actor *who, const struct reqn_in *in,
	       struct requisition *out, struct err *e);
/* Scope: one's own; a dept head their department's; office, leader, finance, supervisor all. */
int reqn_list(struct db *db, struct arena *a, const struct actor *who, const struct reqn_filter *f,
	     struct requisition **items, size_t *n, int64_t *total, struct err *e);
/* One with its lines, approval and can.* (an approver of it reads it too). */
int reqn_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct requisition *out, struct err *e);
int reqn_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct requisition *out,
	    struct err *e);
int reqn_lines(struct db *db, struct arena *a, struct requisition *r, struct err *e);
int reqn_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e);
json_t *reqn_json(const struct requisition *r);
/* "lines[i].item_id" (which 0), ".qty" (1), ".reason" (2): static names for err_field */
const char *reqn_line_field(size_t i, int which);
json_t *reqn_detail_json(const struct requisition *r);

/* requisitions_flow.c: the table and the moves */
unsigned reqn_parties(const struct actor *who, const struct requisition *r);
void reqn_set_can(const struct actor *who, struct requisition *r);
/* lines: what to issue now, each ≤ asked − issued (400 lines[i].qty); 422 insufficient_stock */
int reqn_issue(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      const struct reqn_line_in *lines, size_t n, int64_t occurred_at, struct err *e);
int reqn_receive(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e);
int reqn_withdraw(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e);
int reqn_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       const char *reason, struct err *e);
extern const struct appr_kind reqn_appr_kind;
/* the audit record of a move and the requisition's "changed" event */
int reqn_record(struct db *db, struct arena *a, const struct actor *who,
	       const struct requisition *before, const char *action, struct err *e);
int reqn_tell(struct db *db, struct arena *a, const struct actor *who, int64_t user,
	     const char *kind, const char *title, const struct requisition *r, struct err *e);

/* quotas.c: 部门领用限额 per Shanghai month */
struct supply_quota {
	int64_t department_id, quota_fen;	/* quota_fen -1: none set */
	int64_t issued_value_fen;	/* the month's issues to the department (the ledger) */
	int64_t open_value_fen;	/* its pending and approved requisitions of the month */
	int64_t updated_at;	/* the row's, or 0 */
	const char *department_name;
};
/* [start, end) epoch ms of the Shanghai month year-month */
void quota_month_range(int64_t year, int64_t month, int64_t *start, int64_t *end);
int quota_list(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	       int64_t month, struct supply_quota **items, size_t *n, struct err *e);
/* quota_fen -1 removes it; seen: the row's updated_at as read (checked when it exists) */
int quota_set(struct db *db, struct arena *a, const struct actor *who, int64_t dept,
	      int64_t year, int64_t month, int64_t quota_fen, int64_t seen, struct err *e);
/*
** Would adding value_fen at `at` take dept's month over its quota? (0 when none is set.)
** Locks the department's count until the transaction ends: racing requisitions take turns.
*/
int quota_over(struct db *db, int64_t agency, int64_t dept, int64_t at, int64_t value_fen,
	       int *over, struct err *e);
/* routing.c: the leader's tier over quota (leader_bound_fen <= 0: the default split) */
int64_t reqn_route_amount(int64_t value_fen, int over_quota, int64_t leader_bound_fen);
/* q NULL or without a quota: never */
int reqn_quota_exceeded(const struct supply_quota *q, int64_t value_fen);
json_t *quota_items_json(const struct supply_quota *items, size_t n, int64_t year, int64_t month);

#endif
