/*
** modules/audit/audit_module.c: the audit log browser's descriptor, the
** daily checkpoint job and `gen --audit`. The history views it serves are
** declared by each module (struct module_history).
*/
#include "http/router.h"
#include "core/audit.h"
#include "core/msg.h"
#include "module.h"

extern const struct route audit_routes[];	/* audit_api.c */
extern const struct msg audit_msg[];	/* audit_msg.c */

/*
** The daily signed checkpoint of the chain. The chain is global while jobs run
** per agency: the first agency's run of the day makes it, the others find it
** less than a day old and do nothing (aud_checkpoint_if_due).
*/
static int
job_checkpoint(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
	       struct err *e)
{
	(void)agency;
	(void)cal;
	return aud_checkpoint_if_due(db, now, done, e);
}

static const struct module_job jobs[] = {
	{ "audit_checkpoint", job_checkpoint, "audit chain checkpoints" },
	{ 0 }
};

/* `houqin gen --audit N` (bench/audit_verify.sh): N records to time `audit verify` on. */
static int
gen_audit(struct db *db, const struct gen_ctx *ctx, int64_t n, struct err *e)
{
	return aud_bench_append(db, ctx->agency_id, n, ctx->from_ms, ctx->to_ms, ctx->seed, e);
}

static const struct module_gen gen = { "audit", 100000000, "audit records", gen_audit };

const struct module audit_module = {
	.name = "audit",
	.routes = audit_routes,
	.jobs = jobs,
	.gen = &gen,
	.messages = audit_msg,
};
