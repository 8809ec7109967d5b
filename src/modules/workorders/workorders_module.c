/*
** modules/workorders/workorders_module.c: 报修's descriptor: its routes, order
** history, photos attached to orders, the SLA watch, automatic confirmation
** and preventive-maintenance jobs, the demo set-up and `gen --workorders`.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"
#include "modules/workorders/workorders.h"

extern const struct route workorders_routes[];	/* workorders_api.c */
extern const struct msg wo_msg[];	/* workorders_msg.c */
extern const struct module_counter wo_home_counters[];	/* workorders_home.c */
extern const struct module_requests wo_home_requests;
extern const struct module_figure wo_home_figures[];

static const struct module_history history[] = {
	{ "workorder", 0, wo_visible },
	{ 0 }
};

static const struct module_owner owners[] = {
	{ "workorder", wo_can_read },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "workorder_sla_watch", wo_sla_watch, "work-order SLA alerts sent" },
	{ "workorder_auto_confirm", wo_auto_confirm, "work orders confirmed automatically" },
	{ "workorder_pm", wo_pm_run, "preventive-maintenance orders created" },
	{ 0 }
};

static int
gen_orders(struct db *db, const struct gen_ctx *ctx, int64_t n, struct err *e)
{
	return wo_gen_history(db, ctx->agency_id, n, ctx->from_ms, ctx->to_ms, ctx->seed, e);
}

static const struct module_gen gen = { "workorders", 100000000, "work orders", gen_orders };

const struct module workorders_module = {
	.name = "workorders",
	.routes = workorders_routes,
	.messages = wo_msg,
	.history = history,
	.jobs = jobs,
	.attachment_owners = owners,
	.demo = wo_demo_seed,
	.gen = &gen,
	.counters = wo_home_counters,
	.requests = &wo_home_requests,
	.figures = wo_home_figures,
};
