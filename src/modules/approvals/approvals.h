/*
** modules/approvals/approvals.h: the 通用事项申请 (general request) kind and
** the HTTP face of the approval engine (core/approval.h). Requests of other
** kinds are submitted by their own modules.
*/
#ifndef HOUQIN_APPROVALS_H
#define HOUQIN_APPROVALS_H

/* Register the "general" kind with the engine (called from houqin_modules_init). */
void approvals_register(void);

#endif
