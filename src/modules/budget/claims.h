/*
** modules/budget/claims.h: 报销单 expense claims (issue #14, /tmp contract
** "claims-api"). A claimant lists items by expenditure class; each item falls
** on their department's budget line of that class for the year. At submission
** a `stop` line must have room (the engine's figures: budget_line_sum and
** budget_shortfall), invoices are required from CLAIM_INVOICE_MIN_FEN and
** 差旅费 items are checked against the travel standards (over: a reason). The
** claim then goes through the approval engine (kind "expense_claim"); the
** final approval commits the items on their lines, payment by finance spends
** them (releasing the commitment). Writes are audited (entity expense_claim)
** and need a write transaction; strings in outputs live in the arena.
*/
#ifndef HOUQIN_CLAIMS_H
#define HOUQIN_CLAIMS_H

#include "core/approval.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct files_meta;

#define CLAIM_ITEMS_MAX 30
#define CLAIM_ATTACH_MAX 20
#define CLAIM_TEXT_MAX 200
#define CLAIM_REASON_MAX 500
#define CLAIM_VOUCHER_MAX 64
#define CLAIM_INVOICE_MIN_FEN 20000	/* ¥200: from here invoices are required */
#define CLAIM_LEADER_MIN_FEN 500000	/* ¥5,000: the default rules add 分管领导审批 */
#define CLAIM_TRAVEL_CLASS "30211"	/* 差旅费: the class with a trip and standards */

extern const char *const claim_status_codes[];	/* pending approved rejected withdrawn paid */
extern const char *const claim_item_kinds[];	/* lodging meals transport fare other */
extern const char *const claim_ranks[];		/* minister bureau other */
extern const struct appr_kind claim_appr_kind;

/* ---- travel standards: pure (claims_calc.c) ---- */
struct claim_std {
	int64_t id;
	const char *city, *rank;
	int64_t lodging_fen, meal_fen, transport_fen;
	int valid_from, valid_to;	/* yyyymmdd, inclusive; valid_to 0 = open */
	int64_t created_at;
};

/* The row for (city, rank) valid on date, else the one for ("*", rank); NULL when none. */
const struct claim_std *claim_std_pick(const struct claim_std *rows, size_t n, const char *city,
				       const char *rank, int date);
/* Nights of a trip start..end (yyyymmdd): end - start in days; -1 if a date is bad or end < start. */
int claim_trip_nights(int start, int end);
/* The cap of an item kind for the trip: lodging per night, meals and transport per day; -1 none. */
int64_t claim_kind_cap(const struct claim_std *s, const char *kind, int nights);

struct claim_calc {
	const char *kind;	/* NULL: not a travel item */
	int64_t amount_fen;
	int64_t standard_fen;	/* out: the kind's cap, -1 none */
	int64_t over_fen;	/* out: this item's part of its kind's excess */
};
/*
** Fill each item's standard and over amount (items of one kind share its cap;
** the excess falls on the items that pass it, in order). s NULL: no caps.
** Returns the total over the standards.
*/
int64_t claim_calc_over(const struct claim_std *s, int nights, struct claim_calc *items,
			size_t n);


/* ---- standards data (claims_standards.c) ---- */
struct claim_std_in {
	const char *city, *rank;
	int64_t lodging_fen, meal_fen, transport_fen;
	const char *valid_from, *valid_to;	/* "YYYY-MM-DD"; valid_to may be NULL */
};

int claim_std_list(struct db *db, struct arena *a, int64_t agency, struct claim_std **items,
		   size_t *n, struct err *e);
/* Finance (or the CLI): a new standard row. ERR_INVALID on bad fields. Audited (travel_standard). */
int claim_std_create(struct db *db, struct arena *a, const struct actor *who,
		     const struct claim_std_in *in, struct claim_std *out, struct err *e);
json_t *claim_std_json(const struct claim_std *s);
/*
** The default standards for who's agency when it has none at all (the module's
** agency_init): standards finance ended or replaced stay as they are. *added
** grows by the rows made (each audited). In the caller's write transaction.
*/
int claim_seed_standards(struct db *db, struct arena *a, const struct actor *who, int *added,
			 struct err *e);

/* ---- claims (claims.c) ---- */
struct claim_item_in {
	const char *class_code, *description, *kind;
	int64_t amount_fen;
};

struct claim_trip {
	const char *city, *rank;
	int start, end;		/* yyyymmdd */
};

struct claim_in {
	const char *title, *over_reason;
	struct claim_item_in *items;
	size_t nitems;
	int64_t *attachment_ids;
	size_t nattach;
	int has_trip;
	struct claim_trip trip;
	/*
	** The demo only (the API never sets it): its invoices are on paper, as
	** `init --demo` has no file store to hold photos of them.
	*/
	int paper_invoices;
};

struct claim_item {
	int64_t id, line_id, amount_fen, standard_fen, over_fen;	/* standard_fen -1: none */
	const char *class_code, *class_name, *kind, *description;
};

/* What the items need of one line, against its figures now. */
struct claim_need {
	int64_t line_id, available_fen, need_fen, short_fen;
	const char *class_code, *class_name, *control;
};

struct claim_preview {
	int64_t total_fen, over_fen;
	struct claim_item *items;
	size_t nitems;
	struct claim_need *lines;
	size_t nlines;
	int nights, days;	/* 0 without a trip */
};

struct claim {
	int64_t id, requester_id, department_id, total_fen, over_standard_fen;
	int64_t created_at, updated_at, approval_id, paid_by, paid_at;
	int paid_on;		/* yyyymmdd, 0 unpaid */
	const char *code, *title, *status, *requester_name, *department_name, *voucher_no;
	const char *over_reason, *paid_by_name;
	int has_trip;
	struct claim_trip trip;
	/* claim_get only */
	struct claim_item *items;
	size_t nitems;
	struct files_meta *files;
	size_t nfiles;
	struct approval *appr;	/* NULL when not loaded */
	int can_pay, can_withdraw;
};

struct claim_filter {
	const char *status, *q;	/* NULL = any */
	int mine;
	int64_t department_id, from, to;	/* 0 = any */
	int64_t limit, offset;
};

struct claim_pay_in {
	const char *voucher_no, *paid_on;	/* paid_on NULL: today */
};

/* The checks and figures of a claim, writing nothing (400 / 422 no_budget_line as create). */
int claim_preview(struct db *db, struct arena *a, const struct actor *who,
		  const struct claim_in *in, struct claim_preview *out, struct err *e);
/* *out: the new claim's row (no items, files or approval: claim_get has them). */
int claim_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct claim_in *in, struct claim *out, struct err *e);
int claim_list(struct db *db, struct arena *a, const struct actor *who,
	       const struct claim_filter *f, struct claim **items, size_t *n, int64_t *total,
	       struct err *e);
/* One claim in who's scope with its items, attachments and approval; else ERR_NOT_FOUND. */
int claim_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct claim *out, struct err *e);
int claim_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  struct err *e);
int claim_can_read(struct db *db, const struct actor *who, int64_t id);
int claim_withdraw(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   struct claim *out, struct err *e);
/* Finance pays an approved claim; *out: its row after (as claim_create). */
int claim_pay(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      const struct claim_pay_in *in, struct claim *out, struct err *e);

json_t *claim_json(const struct claim *c);	/* a list row */
json_t *claim_detail_json(const struct claim *c);
json_t *claim_preview_json(const struct claim_preview *p);

int claim_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);
/* the demo's 结账, after every module's demo (the module's demo_finish) */
int claim_demo_close(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
