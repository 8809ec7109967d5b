/*
** core/approval.h: the approval engine every module uses instead of coding
** its own chain (DESIGN §5).
**
** A rule, keyed by request kind and an amount range in fen, gives an ordered
** list of steps; each step names a role and a scope:
**   APPR_SCOPE_DEPT_HEAD  a dept_head of the requester's department (or of the
**                         nearest ancestor department that has one; when none
**                         does, e.g. a department head's own request, any
**                         leader decides that step instead)
**   APPR_SCOPE_ROLE       any holder of the role in the agency (leader, office,
**                         finance, ...)
**   APPR_SCOPE_COMMITTEE  a holder of the role records a committee decision,
**                         which must cite a meeting-minutes reference
** Rules enforced here: nobody approves their own request (self_approval); one
** person cannot decide two steps of one request (already_decided), also not as
** a deputy; a rejection ends the request; the requester may withdraw before
** the first decision; an approver's deputy (出差代理, for a date range) may
** decide in their place, recorded as such.
**
** Modules: register the kind once at startup (appr_register_kind), call
** appr_submit() in the write transaction that creates the request, and get
** the outcome through the kind's on_decided hook, called in the transaction
** of the final decision or withdrawal. Every change writes an audit record.
*/
#ifndef HOUQIN_APPROVAL_H
#define HOUQIN_APPROVAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define APPR_STEPS_MAX 8
#define APPR_KINDS_MAX 32

enum appr_status { APPR_PENDING, APPR_APPROVED, APPR_REJECTED, APPR_WITHDRAWN };
enum appr_scope { APPR_SCOPE_DEPT_HEAD, APPR_SCOPE_ROLE, APPR_SCOPE_COMMITTEE };
enum appr_step_status { STEP_WAITING, STEP_PENDING, STEP_APPROVED, STEP_REJECTED, STEP_SKIPPED };

extern const char *const appr_status_codes[];	/* "pending", "approved", ... */
extern const char *const appr_scope_codes[];	/* "dept_head", "role", "committee" */
extern const char *const appr_step_codes[];	/* "waiting", "pending", ... */

struct approval;

/*
** Called in the transaction that settles a request (final approval, rejection
** or withdrawal), with the settled approval (its entity_id is the module's record) and an
** arena that lives for the call. Returning an error rolls the whole decision back.
*/
typedef int (*appr_decided_fn)(struct db *db, struct arena *a, const struct actor *who,
			       const struct approval *ap, enum appr_status outcome, struct err *e);

struct appr_kind {
	const char *kind;	/* "general", "vehicle_trip", ... */
	const char *label;	/* 中文 */
	appr_decided_fn on_decided;	/* may be NULL */
};

/* Register a kind (static storage, not copied). ERR_CONFLICT if already registered differently. */
int appr_register_kind(const struct appr_kind *k);
/* The registered kinds, NULL-terminated array of pointers. */
const struct appr_kind *const *appr_kinds(void);
const struct appr_kind *appr_find_kind(const char *kind);

struct appr_submit {
	const char *kind;
	const char *entity;	/* owning record, e.g. "vehicle_trip"; NULL for general requests */
	int64_t entity_id;
	const char *title;
	int64_t amount_fen;	/* < 0 = no amount */
	const char *reason;
};

/*
** Start an approval for who's request: picks the active rule of the kind
** with the highest priority whose amount range [min, max) contains the amount, copies
** its steps, activates the first. ERR_RULE "no_rule" when none matches.
** Must run inside the caller's write transaction.
*/
int appr_submit(struct db *db, const struct actor *who, const struct appr_submit *in,
		int64_t *approval_id, struct err *e);

enum appr_decision { APPR_APPROVE, APPR_REJECT };

struct appr_decide_in {
	enum appr_decision decision;
	const char *comment;
	const char *minutes_ref;	/* required for committee steps */
};

/*
** Decide the current step as who (directly, or as the deputy of an eligible
** approver). ERR_NOT_FOUND, ERR_CONFLICT "not_pending", ERR_RULE
** "self_approval" / "already_decided" / "minutes_required", ERR_FORBIDDEN
** "not_approver". Settling the request calls the kind's on_decided.
*/
int appr_decide(struct db *db, const struct actor *who, int64_t approval_id,
		const struct appr_decide_in *in, struct err *e);
/*
** Requester withdraws before any decision: ERR_FORBIDDEN, ERR_CONFLICT
** "not_pending"/"already_decided_step".
*/
int appr_withdraw(struct db *db, const struct actor *who, int64_t approval_id, struct err *e);
/*
** The owning module's cancel: its record was cancelled (by the office, or by
** the requester after a first decision) while the approval was pending. It is
** settled as withdrawn (the kind's on_decided sees APPR_WITHDRAWN), its open
** steps skipped, so it leaves the approvers' 待办; audited "cancel". An approval
** no longer pending is left as it is (0). The caller checked who may cancel.
*/
int appr_cancel(struct db *db, const struct actor *who, int64_t approval_id, struct err *e);

struct appr_step {
	int seq;
	const char *name, *role;
	enum appr_scope scope;
	enum appr_step_status status;
	int64_t decided_by, deputy_for, decided_at, activated_at;
	const char *decided_by_name, *deputy_for_name, *comment, *minutes_ref;
};

struct approval {
	int64_t id, agency_id, entity_id, amount_fen;	/* amount_fen < 0: none */
	const char *kind, *entity, *title, *reason;
	int64_t requester_id, requester_dept_id;
	const char *requester_name, *requester_dept_name;
	enum appr_status status;
	int current_seq;	/* 0 when settled */
	int64_t created_at, updated_at, decided_at;
	int nsteps;
	struct appr_step steps[APPR_STEPS_MAX];
	int can_decide, can_withdraw;	/* for the actor who loaded it */
};

/*
** Load an approval with its steps. Visible to the requester, anyone who
** decided a step, anyone who may decide the current one, office and
** supervisor of the agency; others get ERR_NOT_FOUND.
*/
int appr_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct approval *out, struct err *e);
/*
** For a module showing its record's approval to one it lets see the record
** (its scope, say, wider than the engine's): as appr_get, else loaded without
** the visibility check, can_decide and can_withdraw 0.
*/
int appr_get_for_record(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			struct approval *out, struct err *e);

enum appr_mine { APPR_MINE_PENDING, APPR_MINE_DECIDED, APPR_MINE_REQUESTED };

/* Lists for 我的待办 / 我已审批 / 我的申请, newest first. */
int appr_list(struct db *db, struct arena *a, const struct actor *who, enum appr_mine mine,
	      int64_t limit, int64_t offset, struct approval **items, size_t *n, int64_t *total,
	      struct err *e);

/* The users who may decide the current step of approval id (for reminders). */
int appr_current_approvers(struct db *db, struct arena *a, int64_t approval_id,
			   int64_t **user_ids, size_t *n, struct err *e);

struct cal;

/*
** Remind the approvers of agency's steps that have waited longer than one
** business day (on cal, the agency's calendar) at `now`, once per step: the
** step's reminded_at is set in the same transaction, so a reminder is never
** sent twice, also across restarts. Walks every waiting step, 500 at a time.
** *sent counts the steps reminded. Must run inside a write transaction.
*/
int appr_remind_due(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *sent,
		    struct err *e);

/* --- rules (office) --- */
struct appr_rule_step {
	const char *name, *role;
	enum appr_scope scope;
};

struct appr_rule {
	int64_t id;
	const char *kind, *name;
	int64_t min_amount_fen, max_amount_fen;	/* < 0 = unbounded */
	int64_t priority;
	int active;
	int nsteps;
	struct appr_rule_step steps[APPR_STEPS_MAX];
	int64_t updated_at;
};

int appr_rule_list(struct db *db, struct arena *a, const struct actor *who,
		   struct appr_rule **items, size_t *n, struct err *e);
/*
** Create (in->id == 0) or update. An update needs in->updated_at, checked
** before any write (db_check_seen: ERR_INVALID on "updated_at" when 0,
** ERR_CONFLICT "stale" when old). ERR_INVALID for a bad kind, range or step.
*/
int appr_rule_save(struct db *db, struct arena *a, const struct actor *who,
		   const struct appr_rule *in, struct appr_rule *out, struct err *e);

/*
** A module's default rules (struct module's approval_rules): rows of one kind
** next to each other, ended by a row whose kind is NULL. For each kind of
** which who's agency has no rule at all, active or not, save its rows active
** (appr_rule_save: each audited); a kind with any rule is left as the office
** made it, so running this again adds nothing. *added grows by the rules
** saved. Must run inside a write transaction.
*/
int appr_rule_seed(struct db *db, struct arena *a, const struct actor *who,
		   const struct appr_rule *defaults, int *added, struct err *e);

/* The steps default rules are made of (the office renames or replaces them). */
#define APPR_STEP_DEPT_HEAD { "部门负责人审批", "dept_head", APPR_SCOPE_DEPT_HEAD }
#define APPR_STEP_LEADER { "分管领导审批", "leader", APPR_SCOPE_ROLE }

/* --- deputies --- */
struct appr_deputy {
	int64_t id, principal_id, deputy_id, from_ms, to_ms, created_at;
	const char *principal_name, *deputy_name;
};

int appr_deputy_add(struct db *db, const struct actor *who, int64_t deputy_id, int64_t from_ms,
		    int64_t to_ms, int64_t *id, struct err *e);
int appr_deputy_revoke(struct db *db, const struct actor *who, int64_t id, struct err *e);
int appr_deputy_list(struct db *db, struct arena *a, const struct actor *who,
		     struct appr_deputy **items, size_t *n, struct err *e);

/* JSON views (new references). */
json_t *appr_json(const struct approval *ap);
json_t *appr_rule_json(const struct appr_rule *r);

#endif
