/*
** modules/supplies/purchases.h: 采购 purchase orders (issue #16, part P). The
** office orders items from an active supplier on its own department's budget
** line of class 30201 办公费 (default) or 30218 专用材料费. Above
** PO_QUOTES_MIN_FEN three supplier quotes (三家比价, attachments owned by
** "purchase_order") must be attached before the order can be submitted; a
** `stop` line without room refuses it (ERR_RULE "over_budget"). Approval kind
** "purchase_order" by amount (default rules: the office below ¥5,000, + a
** leader up to ¥50,000, + the 党组会 committee step citing its minutes above);
** the final approval commits the total on the line. At receipt (验收入库)
** above PO_TWO_PERSON_MIN_FEN two different purchasers, neither the requester
** (ERR_RULE "two_person_rule"); the acceptor is neither a purchaser nor the
** requester ("separation_of_duties"); each line goes into stock at its price
** (stock_in, source "purchase_order") and the received value is spent on the
** line. Closing a received order (or cancelling an approved one) releases
** what is left of the commitment. Writes need a write transaction and are
** audited (entity "purchase_order": create, approved, rejected, withdraw,
** receive, close, cancel); the requester is told of the outcome (notifications
** "supplies.purchase_approved", "supplies.purchase_rejected"). Strings in
** outputs live in the arena.
*/
#ifndef HOUQIN_PURCHASES_H
#define HOUQIN_PURCHASES_H

#include "core/approval.h"
#include "core/export.h"
#include "core/validate.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct files_meta;

#define PO_LINES_MAX 30
#define PO_QUOTES_MAX 10
#define PO_QUOTES_NEEDED 3
#define PO_REASON_MAX 500
#define PO_INVOICE_MAX 64
#define PO_PURCHASERS_MAX 5
#define PO_OFFICE_MAX_FEN 500000	/* ¥5,000: below, the office alone approves */
#define PO_COMMITTEE_ABOVE_FEN 5000000	/* ¥50,000: above, a committee decision */
#define PO_QUOTES_ABOVE_FEN 1000000	/* ¥10,000: above, three quotes */
#define PO_TWO_PERSON_ABOVE_FEN 5000000	/* ¥50,000: above, two purchasers at receipt */

/* routing.c: does an order of total_fen need three quotes / two purchasers? */
int po_quotes_required(int64_t total_fen);
int po_two_persons_required(int64_t total_fen);

/* pending approved rejected withdrawn received closed cancelled */
extern const char *const po_status_codes[];
extern const char *const po_class_codes[];	/* "30201", "30218" */
extern const struct appr_kind po_appr_kind;

struct po_line_in {
	int64_t item_id, qty, unit_price_fen;
};

struct po_in {
	struct po_line_in *lines;
	size_t nlines;
	int64_t supplier_id;
	const char *class_code;	/* NULL: 30201 */
	const char *reason;
	int64_t *quote_ids;
	size_t nquotes;
	/* The demo only (the API never sets them): its quotes are on paper, as `init --demo` has no
	** files; created_at dates its history (0 = now). */
	int paper_quotes;
	int64_t created_at;
};

struct po_line {
	int64_t id, item_id, qty, unit_price_fen, received_qty, received_price_fen;
	const char *item_code, *item_name, *unit, *spec;
};

struct po_person {
	int64_t user_id;
	const char *name, *role;
};

struct purchase_order {
	int64_t id, requester_id, department_id, supplier_id, line_id, total_fen, received_fen;
	int64_t approval_id, received_at, received_by, acceptor_id, created_at, updated_at;
	const char *code, *status, *class_code, *reason, *invoice_no;
	const char *requester_name, *department_name, *supplier_name, *acceptor_name;
	/* po_get only */
	struct po_line *lines;
	size_t nlines;
	struct po_person *people;
	size_t npeople;
	struct files_meta *files;
	size_t nfiles;
	struct approval *appr;	/* NULL when none */
	int can_receive, can_close, can_cancel;
};

struct po_filter {
	const char *status;	/* NULL = any */
	int64_t supplier_id, from, to;	/* 0 = any */
	int64_t limit, offset;
};

struct po_receive_line {
	int64_t item_id, qty, unit_price_fen;
};

struct po_receive_in {
	int64_t *purchaser_ids;
	size_t npurchasers;
	int64_t acceptor_id;
	const char *invoice_no;
	struct po_receive_line *lines;
	size_t nlines;
	int64_t occurred_at;	/* 0 = now (the demo dates its receipts) */
};

/* A suggestion: an active item at or below its reorder point. */
struct po_suggestion {
	int64_t item_id, qty_on_hand, reorder_point, max_stock, suggested_qty, last_price_fen;
	const char *code, *name, *spec, *unit, *category;
};

/* The office's new order, submitted for approval. *out: its row (po_get has the rest). */
int po_create(struct db *db, struct arena *a, const struct actor *who, const struct po_in *in,
	      struct purchase_order *out, struct err *e);
int po_list(struct db *db, struct arena *a, const struct actor *who, const struct po_filter *f,
	    struct purchase_order **items, size_t *n, int64_t *total, struct err *e);
/* One order of who's agency with lines, people, quotes and approval; else ERR_NOT_FOUND. */
int po_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   struct purchase_order *out, struct err *e);
/* The row only (for the flows and the approval hook), unscoped within agency. */
int po_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct purchase_order *out,
	   struct err *e);
/* 验收入库 of an approved order (office). */
int po_receive(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       const struct po_receive_in *in, struct err *e);
/* A received order closed: the rest of its commitment released. */
int po_close(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e);
/* Office cancels a pending or approved order (the approval settled, the commitment released). */
int po_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e);
int po_suggestions(struct db *db, struct arena *a, const struct actor *who,
		   struct po_suggestion **items, size_t *n, struct err *e);

/* The agency's active users, for choosing purchasers and the acceptor (role: the department's name). */
int po_people(struct db *db, struct arena *a, const struct actor *who, struct po_person **items,
	      size_t *n, struct err *e);
int po_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e);
int po_can_read(struct db *db, const struct actor *who, int64_t id);

json_t *po_json(const struct purchase_order *o);	/* a list row */
json_t *po_detail_json(const struct purchase_order *o);
json_t *po_suggestion_json(const struct po_suggestion *s);

/* "lines[i].<which>" (0 item_id, 1 qty, 2 unit_price_fen): static field names (purchases.c). */
const char *po_line_field(size_t i, int which);

/* The flows' shared steps (purchases_flow.c): a status change from -> to (409 else), its audit. */
int po_set_status(struct db *db, const struct actor *who, int64_t id, const char *from,
		  const char *to, struct err *e);
int po_record(struct db *db, struct arena *a, const struct actor *who,
	      const struct purchase_order *before, const char *action, const char *kind,
	      const char *title, struct err *e);

/* HTTP (purchases_api.c; rows in supplies_api.c) */
struct req;
struct resp;
extern const struct field po_fields[], po_receive_fields[];
extern const struct export_col po_cols[];
int po_api_create(struct req *rq, struct resp *rs, struct err *e);
int po_api_list(struct req *rq, struct resp *rs, struct err *e);
int po_api_get(struct req *rq, struct resp *rs, struct err *e);
int po_api_receive(struct req *rq, struct resp *rs, struct err *e);
int po_api_close(struct req *rq, struct resp *rs, struct err *e);
int po_api_cancel(struct req *rq, struct resp *rs, struct err *e);
int po_api_people(struct req *rq, struct resp *rs, struct err *e);
int po_api_suggestions(struct req *rq, struct resp *rs, struct err *e);

#endif
