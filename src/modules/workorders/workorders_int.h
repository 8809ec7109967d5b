/*
** modules/workorders/workorders_int.h: what the files of the 报修 module
** share among themselves and nobody else: constants, the text checks, the
** reading helpers that every write starts from, and the assignee check.
** Other modules use workorders.h only; this header is not part of the
** contract and may change with any commit.
*/
#ifndef HOUQIN_WORKORDERS_INT_H
#define HOUQIN_WORKORDERS_INT_H

#include "modules/workorders/workorders.h"
#include "core/clock.h"	/* MINUTE_MS, DAY_MS, SHANGHAI_OFFSET_MS */
#include "core/limits.h"	/* PHONE_MAX_CHARS */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct stmt;

#define WO_NAME_MAX 32			/* category and team names, characters */
#define TEAM_MEMBERS_MAX 200		/* member_ids of one team PUT (reads: no cap) */

/* Targets used when a category has no row for a priority (minutes). */
extern const struct wo_target wo_default_targets[WO_PRIORITY_N];

/* ---- workorders.c: small helpers ---- */
size_t wo_utf8_len(const char *s);		/* characters of UTF-8 text; 0 for NULL */
int wo_blank(const char *s);			/* 1 for NULL, "" or only white space */
/* Optional text of at most max characters: 0 or ERR_INVALID on field. */
int wo_check_text(const char *s, size_t max, const char *field, struct err *e);
/* Required text ("请填写<what>" when blank) of at most max characters. */
int wo_need_text(const char *s, size_t max, const char *field, const char *what,
		 struct err *e);
int wo_nomem(struct err *e);			/* ERR_NOMEM */
/*
** "<agency>|<department or 0>|v<wo_version>": what who's 报修统计 depend on, for texts kept
** beside them in the memo (wo_stats_text, the 工作台's week figures), so never stale.
** *scope NULL when who may not see statistics.
*/
int wo_stats_memo_scope(struct db *db, struct arena *a, const struct actor *who, char **scope,
			struct err *e);
/* Bind v, or NULL when v < 0 (measured figures not yet known). */
int wo_bind_opt(struct stmt *st, const char *name, int64_t v, struct err *e);
json_t *wo_ref_json(const struct wo_ref *r);	/* {id, name} or null; new reference */
/* The label of code s in codes/labels, s itself when unknown. */
const char *wo_label_of(const char *const *codes, const char *const *labels, const char *s);
/* The list view of o for the audit log (no timeline, photos, allowed). New reference. */
json_t *wo_audit_json(const struct workorder *o);

/* ---- workorders_lists.c: reading ---- */
/* r from columns col (id) and col + 1 (name). */
void wo_ref_row(struct stmt *st, struct arena *a, int col, struct wo_ref *r);
/* The order without visibility checks (no timeline, photos). ERR_NOT_FOUND. */
int wo_fetch(struct db *db, struct arena *a, int64_t id, struct workorder *o, struct err *e);
/* 1 when user is a member of team, 0 when not, negative on error. */
int wo_is_member(struct db *db, int64_t team, int64_t user, struct err *e);
/* 1 when who (NULL: the system) may read o, 0 when not, negative on error. */
int wo_can_see(struct db *db, const struct actor *who, const struct workorder *o,
	       struct err *e);
/* 1 when who is o's worker or has resolved o: they may not confirm it (own_work). */
int wo_own_work(struct db *db, const struct actor *who, const struct workorder *o,
		struct err *e);
/* The enum wo_party bits who is for o (WO_P_SYSTEM for NULL). */
int wo_parties_of(struct db *db, const struct actor *who, const struct workorder *o,
		  unsigned *out, struct err *e);

/* ---- workorders_flow.c ---- */
/*
** The assignee named by worker_id xor team_id, checked to be an active
** worker / team of agency; names into *worker and *team (a worker's team:
** cur_team when they belong to it, else their first). ERR_INVALID on field
** worker_id / team_id.
*/
int wo_check_assignee(struct db *db, struct arena *a, int64_t agency, int64_t worker_id,
		      int64_t team_id, int64_t cur_team, struct wo_ref *worker,
		      struct wo_ref *team, struct err *e);
/* Columns 0 and 1 (either may be NULL) of sql's row for :id and :agency. ERR_NOT_FOUND. */
int wo_lookup2(struct db *db, const char *sql, int64_t id, int64_t agency, int64_t *c0,
	       int64_t *c1, struct err *e);

/* ---- workorders_flow.c: the transition table ---- */
/* One move applied to an order in memory (wo_rule_apply). */
struct wo_move {
	int64_t at;			/* when */
	struct wo_ref actor;		/* id 0: the system */
	const struct wo_action_in *in;	/* the action's arguments, never NULL */
	struct wo_ref worker, team;	/* dispatch, transfer: the checked assignee */
	enum wo_status back;		/* resume: the status it was suspended from */
};
/* Who a row notifies (bits). */
enum wo_notify_to {
	WO_N_REQUESTER = 1 << 0,
	WO_N_OWNER = 1 << 1,
	WO_N_ASSIGNEE = 1 << 2,	/* the order's worker, else every member of its team */
};
struct wo_notice {
	unsigned to;		/* enum wo_notify_to bits; 0 = no notice */
	const char *kind, *title;	/* title: put before the order's title */
};
/* The timeline row's note and data. */
enum wo_note { WO_NOTE_NONE, WO_NOTE_REASON, WO_NOTE_NOTES, WO_NOTE_COMMENT, WO_NOTE_FIXED };
enum wo_data {
	WO_DATA_NONE,
	WO_DATA_ASSIGNEE,	/* {"team":{id,name}|null,"worker":...} */
	WO_DATA_CLAIM,		/* the assignee when the move set the worker */
	WO_DATA_RESOLVE,	/* {"parts":..,"photos":n} */
	WO_DATA_RATING,		/* {"rating":n} */
};
typedef void (*wo_effect_fn)(struct workorder *n, const struct wo_move *m,
			     const struct wo_clock *c);
/* A row of the transition table: the move, what it does, who hears of it. */
struct wo_rule {
	struct wo_transition t;		/* action, from-states, to, parties */
	wo_effect_fn effect;		/* the fields it sets and its effect on the clocks */
	enum wo_note note;
	const char *fixed_note;		/* WO_NOTE_FIXED */
	enum wo_data data;
	struct wo_notice notice[2];
};
/* The row for action leaving from, or NULL (wo_transition_find is its public face). */
const struct wo_rule *wo_rule_find(enum wo_action action, enum wo_status from);
/* n after r: status, updated_at (strictly later) and r's effect. Pure. */
void wo_rule_apply(const struct wo_rule *r, struct workorder *n, const struct wo_move *m,
		   const struct wo_clock *c);
/* Start the clocks of a new order at `at` from its accept/resolve targets. Pure. */
void wo_clock_open(struct workorder *o, const struct wo_clock *c, int64_t at);

#endif
