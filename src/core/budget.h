/*
** core/budget.h: the 经费 engine (issue #14). Every module that promises or pays
** money calls it, inside its own write transaction, instead of recording money
** itself, so every figure is traceable from a line down to the source record.
**
** A budget line (agency, year, department, expenditure class) has an amount in
** fen and a control mode. Its ledger, budget_entry, holds signed rows:
**   adjust   追加 (+) / 调减 (-): written by the adjustments flow (later slice)
**   commit   money promised by a source (an approved purchase, claim, ...)
**   release  a commitment given back (cancelled, or settled by a spend)
**   spend    money paid, with 凭证号 and payee
** and available = amount + adjustments - (commits - releases) - spends.
**
** Control: on a `stop` line a commitment (or the part of a spend its source
** had not committed) beyond the available amount is refused, ERR_RULE
** "over_budget" naming the line and the shortfall, and nothing is written; on a
** `warn` line it is allowed and out->warned is set.
**
** Notifications, here so every module that spends gets them (core/notify.h, in
** the caller's transaction): a warn line going (further) below zero tells every
** finance user of the agency ("budget.overdraft"); a write that takes a line's
** use, (committed + spent) / (amount + adjusted), from below 80 % or 100 % to
** at/above it tells the heads of the line's department ("budget.progress"),
** once per crossing: a later write that stays above does not cross again.
**
** Periods: a month finance has closed (结账, budget_period_close) takes no
** new row dated in it: every write below refuses with ERR_RULE "period_closed"
** when src->occurred_at (or now) falls in a closed month (Asia/Shanghai).
**
** Concurrency: each call first locks the line row (SELECT ... FOR UPDATE; on
** SQLite the one writer already serialises), then reads the sums, so parallel
** commitments on one line never overdraw it. Every row written is audited
** (entity "budget_line", action "budget_<kind>") in the same transaction.
** who must belong to the line's agency (ERR_NOT_FOUND "budget_line_not_found").
*/
#ifndef HOUQIN_BUDGET_H
#define HOUQIN_BUDGET_H

#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define BUDGET_AMOUNT_MAX 100000000000000LL	/* 1 万亿元 in fen: keeps sums far from overflow */

/* A line's figures, all in fen. */
struct budget_sum {
	int64_t amount;		/* as budgeted */
	int64_t adjusted;	/* sum of adjust rows, signed */
	int64_t committed;	/* commits - releases: promised, not yet paid */
	int64_t spent;
	int64_t available;	/* amount + adjusted - committed - spent */
};

/* The record that caused an entry. module and id are required; the rest may be NULL/0. */
struct budget_src {
	const char *module;	/* "expense_claim", "purchase", ... */
	int64_t id;
	const char *voucher_no;	/* 凭证号, spend only */
	const char *payee;	/* spend only */
	int64_t occurred_at;	/* epoch ms; 0 = now */
};

struct budget_result {
	int64_t entry_id;	/* the commit or spend row (the release row for a release) */
	int warned;		/* 1: a warn line went (further) below zero */
	struct budget_sum after;
};

/* Fill s->available from the other figures (pure; the unit test's arithmetic). */
void budget_sum_finish(struct budget_sum *s);
/* How far amount_fen exceeds s->available (0 when it fits). */
int64_t budget_shortfall(const struct budget_sum *s, int64_t amount_fen);

/* Line line_id's figures (no lock). ERR_NOT_FOUND "budget_line_not_found". */
int budget_line_sum(struct db *db, int64_t agency_id, int64_t line_id, struct budget_sum *out,
		    struct err *e);

/*
** Commit amount_fen (> 0, else ERR_INVALID on "amount_fen") on line line_id for
** src. A stop line: ERR_RULE "over_budget" when it exceeds the available.
*/
int budget_commit(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		  const struct budget_src *src, struct budget_result *out, struct err *e);
/*
** Pay amount_fen for src: releases src's open commitment on the line (up to
** amount_fen) and records the spend. Only the part beyond that commitment is
** checked against the available amount (stop: over_budget; warn: flagged).
*/
int budget_spend(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		 const struct budget_src *src, struct budget_result *out, struct err *e);
/*
** Give back amount_fen of src's open commitment on the line (a cancelled
** request). ERR_RULE "not_committed" when src has less than that open.
*/
int budget_release(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		   const struct budget_src *src, struct budget_result *out, struct err *e);

/*
** 追加 (amount_fen > 0) or 调减 (< 0) on line line_id, for src (the approved
** adjustment): an 'adjust' row, audited "budget_adjust". A cut beyond the
** available amount of a stop line: ERR_RULE "over_budget"; on a warn line it
** is allowed and flagged as for a commitment. 0 or beyond the maximum: ERR_INVALID.
*/
int budget_adjust(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		  const struct budget_src *src, struct budget_result *out, struct err *e);
/*
** Would taking amount_fen from line line_id now be refused (a request checked at
** submission, written later)? Locks the line; ERR_RULE "over_budget" on a stop
** line without room, 0 otherwise (a warn line always has room). Writes nothing.
*/
int budget_check_room(struct db *db, const struct actor *who, int64_t line_id, int64_t amount_fen,
		      struct err *e);
/* How far a line is used: 0 below 80 %, 1 from 80 %, 2 from 100 % (or used with no budget). */
int budget_use_level(const struct budget_sum *s);

/*
** The line of (agency, year, department, expenditure class code) for a module
** that charges a department it derives itself (a vehicle's costs): *line_id,
** else ERR_RULE "no_budget_line" on field (may be NULL) naming the class and the
** department. Reads only; the write that follows locks the line.
*/
int budget_line_for(struct db *db, int64_t agency, int year, int64_t dept,
		    const char *class_code, const char *field, int64_t *line_id, struct err *e);

/* The month of epoch ms at in Asia/Shanghai, as yyyymm (202609). */
int budget_period_of(int64_t at_ms);
/* *closed = 1 when month period (yyyymm) of agency is closed. */
int budget_period_closed(struct db *db, int64_t agency, int period, int *closed, struct err *e);
/*
** Close month period (yyyymm) of who's agency (the caller checks who may). ERR_INVALID
** on "period" for a malformed month or one after the current month; ERR_CONFLICT
** "already_closed". Audited: entity "budget_period", id = period, action "close".
*/
int budget_period_close(struct db *db, const struct actor *who, int period, struct err *e);

#endif
