/*
** modules/approvals/approvals.h: the 通用事项申请 (general request) kind and
** the HTTP face of the approval engine (core/approval.h). Requests of other
** kinds are submitted by their own modules.
*/
#ifndef HOUQIN_APPROVALS_H
#define HOUQIN_APPROVALS_H

struct appr_kind;
struct arena;
struct db;
struct err;

/* The "general" kind (通用事项申请); approvals_module registers it with the engine. */
extern const struct appr_kind appr_general_kind;

/* Demo approval rules and requests (init --demo), in the caller's write transaction. */
int approvals_demo_seed(struct db *db, struct arena *a, const char *prefix,
		struct err *e);

#endif
