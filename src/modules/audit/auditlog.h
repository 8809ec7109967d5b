/*
** modules/audit/auditlog.h: reading the audit chain. core/audit.{h,c} writes
** it (aud_record, in every module's transaction) and proves it unbroken
** (aud_verify); this module lists it with filters and scope rules, and serves
** an entity's history to whoever may see that entity. Reads only: it never
** needs a write transaction. Strings in outputs live in the arena `a`.
**
** Why a module and not core/audit.c: the history check needs each module's
** own visibility rule (org_user_get, later wo_visible, ...), and core/ never
** includes a module (DESIGN §7). So core keeps the writer and the hash; the
** browser, its scope rules and the entity table live here.
*/
#ifndef HOUQIN_AUDITLOG_H
#define HOUQIN_AUDITLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

/* One audit_log row as the browser shows it. */
struct aud_item {
	int64_t id, at, actor_id, entity_id;	/* actor_id, entity_id 0 when NULL */
	const char *actor_username, *actor_display_name;	/* NULL without an actor */
	const char *action, *entity;
	const char *before, *after;	/* canonical JSON text or NULL */
	const char *ip, *hash;
};

/* Filters of GET /api/v1/audit; zero / NULL members do not filter. */
struct aud_filter {
	int64_t actor_id;
	const char *actor;	/* substring of the actor's username or display name */
	const char *entity, *action;	/* exact codes */
	int64_t entity_id;	/* only together with entity */
	int64_t from_ms, to_ms;	/* at >= from_ms, at < to_ms (0 = open) */
	int64_t limit, offset;
};

/*
** The audit log as `who` may read it, newest first, one page.
** Scope (applied here, whatever the route lets through):
**  - supervisor 纪检监察: every row of their agency;
**  - auditor 审计管理员 (without supervisor): the admins' logs (DESIGN §4),
**    i.e. rows of their agency whose actor holds sysadmin, secadmin or
**    auditor now, or held one earlier (a role change recorded by a
**    set_roles row: demoting an admin does not hide what they did), plus
**    command-line operations (no actor, ip "cli"), which only an operator
**    on the server can perform;
**  - anyone else: ERR_FORBIDDEN.
** Rows without an agency (failed logins of unknown user names) belong to no
** agency's view; aud_verify still covers them.
** ERR_INVALID on field entity_id when entity_id is set without entity.
** *items has *n (<= f->limit) entries; *total counts every matching row.
*/
int aud_list(struct db *db, struct arena *a, const struct actor *who,
	     const struct aud_filter *f, struct aud_item **items, size_t *n, int64_t *total,
	     struct err *e);

/*
** History of one record, newest first, one page. Which entities have a history
** view, and who may open it, each module declares (struct module_history in
** its descriptor, module.h). ERR_NOT_FOUND "unknown_entity" when no module
** declares entity, ERR_FORBIDDEN when who holds none of its
** roles, ERR_NOT_FOUND when visible() refuses.
*/
int aud_history(struct db *db, struct arena *a, const struct actor *who, const char *entity,
		int64_t id, int64_t limit, int64_t offset, struct aud_item **items, size_t *n,
		int64_t *total, struct err *e);

/* One signed checkpoint of the chain (core/audit.h aud_checkpoint) as the auditor sees it. */
struct aud_cp_item {
	int64_t head_id, at;
	const char *head_hash, *signature;
	int file_ok;	/* its exact line is in the anchor file */
};

/*
** The checkpoints, newest first, one page; *total counts all. Only the
** auditor reads them (the route says so; they cover every agency's rows, so
** they hold hashes only). file_ok compares each with the anchor file.
*/
int aud_checkpoints(struct db *db, struct arena *a, int64_t limit, int64_t offset,
		    struct aud_cp_item **items, size_t *n, int64_t *total, struct err *e);

/* 1 if s can be an entity or action code: 1..32 chars of [a-z0-9_]. */
int aud_code_ok(const char *s);

/*
** JSON view of a row: {"id","at","actor":{id,username,display_name}|null,
** "action","entity","entity_id","before","after"} with before/after parsed,
** plus "ip" and "hash" when full. New reference.
*/
json_t *aud_item_json(const struct aud_item *it, int full);

#endif
