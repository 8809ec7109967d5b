/*
** tests/api/test_workbench.c: the 工作台 (GET /api/v1/workbench). Data is
** made through the API for every counter; each counter must then equal the
** `total` of the list the web links it to, asked with that list's own
** filters, for every role that sees it. Roles see only their counters and
** figures, "my open requests" mixes every kind, a user with no role gets an
** empty but valid page, and nobody without a session gets one.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

static struct hq_server srv;
static struct hq_wo fx;

static const char *const users[] = { "staff", "dept_head", "office", "worker", "leader",
				     "finance", "supervisor", "sysadmin", "secadmin", "auditor" };
#define NUSERS (sizeof(users) / sizeof(users[0]))

/*
** Each counter and the list it links to (web/src/modules/<d>/index.js, home):
** the list's total, or (statuses set) its rows in those statuses, which is
** what the worker's 待处理 tab shows of GET /workorders?scope=tasks&status=open.
*/
static const struct {
	const char *key, *list;
	const char *const *statuses;
} links[] = {
	{ "wo_to_accept", "/api/v1/workorders?scope=all&status=submitted", NULL },
	{ "wo_overdue", "/api/v1/workorders?scope=all&overdue=1", NULL },
	{ "wo_my_tasks", "/api/v1/workorders?scope=tasks&status=open&per_page=200",
	  (const char *const[]){ "dispatched", "in_progress", "suspended", NULL } },
	{ "wo_to_rate", "/api/v1/workorders?scope=mine&status=resolved", NULL },
	{ "appr_pending", "/api/v1/approvals?mine=pending", NULL },
	{ "notif_unread", "/api/v1/notifications?unread=true", NULL },
	{ "claims_to_pay", "/api/v1/expense-claims?status=approved", NULL },
	{ "trips_to_dispatch", "/api/v1/trips?status=approved", NULL },
	{ "trips_my_tasks", "/api/v1/trips?tasks=1", NULL },
	{ "requisitions_to_issue", "/api/v1/requisitions?to_issue=1", NULL },
	{ "purchases_to_receive", "/api/v1/purchase-orders?status=approved", NULL },
};
#define NLINKS (sizeof(links) / sizeof(links[0]))

/* The counter keys each fixture user sees (as its roles give them). */
static const char *const expected_keys[NUSERS] = {
	"appr_pending notif_unread wo_to_rate",				/* staff */
	"appr_pending notif_unread wo_to_rate",				/* dept_head */
	"appr_pending notif_unread wo_to_accept wo_overdue wo_to_rate trips_to_dispatch"
	" requisitions_to_issue purchases_to_receive",			/* office */
	"appr_pending notif_unread wo_my_tasks wo_to_rate trips_my_tasks",	/* worker */
	"appr_pending notif_unread wo_overdue wo_to_rate",		/* leader */
	"appr_pending notif_unread wo_to_rate claims_to_pay",		/* finance */
	"notif_unread wo_overdue wo_to_rate trip_flags_unreviewed",	/* supervisor */
	"notif_unread", "notif_unread", "notif_unread",			/* the three admins */
};

static int
setup(void **state)
{
	struct hq_client office;
	struct hq_resp r;

	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fx);
	hq_sign_in(&srv, &office, "office");
	/* general requests up to ¥5,000 go to the requester's department head */
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/approval-rules",
				"{\"kind\":\"general\",\"name\":\"一般\",\"max_amount_fen\":500000,"
				"\"steps\":[{\"name\":\"部门负责人\",\"role\":\"dept_head\","
				"\"scope\":\"dept_head\"}]}", &r), 201);
	hq_resp_free(&r);
	hq_client_free(&office);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

static json_t *
workbench(struct hq_client *c, struct hq_resp *r)
{
	if (hq_req(&srv, c, "GET", "/api/v1/workbench", NULL, r) != 200)
		fail_msg("workbench gave %ld: %s", r->status, r->body);
	return r->json;
}

/* The counter key in page, or -1 when absent. */
static int64_t
counter(const json_t *page, const char *key)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(page, "counters"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "key")), key) == 0)
			return (int64_t)json_integer_value(json_object_get(c, "count"));
	return -1;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* What the linked list shows c. */
static int64_t
list_total(struct hq_client *c, size_t k)
{
	struct hq_resp r;
	int64_t n = 0;
	const json_t *it;
	size_t i;

	if (hq_req(&srv, c, "GET", links[k].list, NULL, &r) != 200)
		fail_msg("%s gave %ld: %s", links[k].list, r.status, r.body);
	if (!links[k].statuses)
		n = (int64_t)json_integer_value(json_object_get(r.json, "total"));
	else
		json_array_foreach(json_object_get(r.json, "items"), i, it)
			n += in_list(json_string_value(json_object_get(it, "status")),
				     links[k].statuses);
	hq_resp_free(&r);
	return n;
}

/* Every counter user sees equals its list; returns the page's count for key (-1: absent). */
static int64_t
check_user(const char *user, const char *key)
{
	struct hq_client c;
	struct hq_resp r;
	int64_t want = -1;

	hq_sign_in(&srv, &c, user);
	workbench(&c, &r);
	for (size_t k = 0; k < NLINKS; k++) {
		int64_t got = counter(r.json, links[k].key);

		if (got < 0)
			continue;
		if (got != list_total(&c, k))
			fail_msg("%s: %s is %lld, its list has %lld", user, links[k].key,
				 (long long)got, (long long)list_total(&c, k));
		if (strcmp(links[k].key, key) == 0)
			want = got;
	}
	hq_resp_free(&r);
	hq_client_free(&c);
	return want;
}

static int64_t
create(struct hq_client *c, const char *title)
{
	struct hq_resp r;
	char body[384];
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\",\"description\":"
		 "\"测试\",\"priority\":\"normal\",\"contact_phone\":\"13800000000\"}",
		 (long long)fx.cat, (long long)fx.room, title);
	if (hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r) != 201)
		fail_msg("create gave %ld: %s", r.status, r.body);
	id = (int64_t)json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return id;
}


/* staff: A resolved (待我评价), B dispatched to worker (我的待办), C submitted (待受理). */
static void
make_orders(void)
{
	struct hq_client staff, office, worker;
	char to_worker[64];
	int64_t a, b;

	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	snprintf(to_worker, sizeof(to_worker), "{\"worker_id\":%lld}", (long long)fx.worker);
	a = create(&staff, "水龙头漏水");
	b = create(&staff, "灯不亮");
	(void)create(&staff, "门锁坏了");
	hq_wo_act(&srv, &office, a, "accept", NULL);
	hq_wo_act(&srv, &office, a, "dispatch", to_worker);
	hq_wo_act(&srv, &worker, a, "start", NULL);
	hq_wo_act(&srv, &worker, a, "resolve", "{\"notes\":\"换了阀芯\"}");
	hq_wo_act(&srv, &office, b, "accept", NULL);
	hq_wo_act(&srv, &office, b, "dispatch", to_worker);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

static void
make_approval(void)
{
	struct hq_client staff;
	struct hq_resp r;

	hq_sign_in(&srv, &staff, "staff");
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/approvals",
				"{\"kind\":\"general\",\"title\":\"买打印纸\",\"amount_fen\":20000}",
				&r), 201);
	hq_resp_free(&r);
	hq_client_free(&staff);
}

static void
counters_equal_their_lists(void **state)
{
	(void)state;
	for (size_t u = 0; u < NUSERS; u++)	/* nothing yet: every counter 0 = its empty list */
		check_user(users[u], "");
	make_orders();
	make_approval();
	assert_int_equal(check_user("office", "wo_to_accept"), 1);
	assert_int_equal(check_user("worker", "wo_my_tasks"), 1);
	assert_int_equal(check_user("staff", "wo_to_rate"), 1);
	assert_int_equal(check_user("dept_head", "appr_pending"), 1);
	assert_true(check_user("staff", "notif_unread") > 0);	/* accepted, dispatched, resolved */
	assert_int_equal(check_user("office", "wo_overdue"), 0);
	/* a week later (business time) C waits past its accept time and B past its resolve time */
	clock_advance(7 * DAY_MS);
	assert_int_equal(check_user("office", "wo_overdue"), 2);
	assert_int_equal(check_user("supervisor", "wo_overdue"), 2);
	assert_int_equal(check_user("leader", "wo_overdue"), 2);
	for (size_t u = 0; u < NUSERS; u++)
		check_user(users[u], "");
}

/* The leader's satisfaction figure: today's point of its series (NAN: none measured). */
static double
satisfaction_today(void)
{
	struct hq_client c;
	struct hq_resp r;
	const json_t *figures, *f, *today = NULL;
	size_t i;
	double v;

	hq_sign_in(&srv, &c, "leader");
	figures = json_object_get(workbench(&c, &r), "figures");	/* foreach evaluates it often */
	json_array_foreach(figures, i, f)
		if (strcmp(json_string_value(json_object_get(f, "key")), "wo_satisfaction") == 0)
			today = json_array_get(json_object_get(f, "series"), 6);
	v = json_is_number(today) ? json_number_value(today) : NAN;
	hq_resp_free(&r);
	hq_client_free(&c);
	return v;
}

/* the week's figures are kept in the memo, yet a rating shows at once */
static void
figures_follow_a_rating(void **state)
{
	struct hq_client staff, office, worker;
	char to_worker[64];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	snprintf(to_worker, sizeof(to_worker), "{\"worker_id\":%lld}", (long long)fx.worker);
	id = create(&staff, "窗户关不上");
	hq_wo_act(&srv, &office, id, "accept", NULL);
	hq_wo_act(&srv, &office, id, "dispatch", to_worker);
	hq_wo_act(&srv, &worker, id, "start", NULL);
	hq_wo_act(&srv, &worker, id, "resolve", "{\"notes\":\"调了合页\"}");
	assert_true(isnan(satisfaction_today()));
	hq_wo_act(&srv, &staff, id, "confirm", "{\"rating\":4}");
	assert_true(satisfaction_today() == 4.0);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* "appr_pending notif_unread" holds key as a word */
static int
has_word(const char *words, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = strstr(words, key); p; p = strstr(p + 1, key))
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static size_t
words(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

static void
roles_see_only_their_counters(void **state)
{
	(void)state;
	for (size_t u = 0; u < NUSERS; u++) {
		struct hq_client c;
		struct hq_resp r;
		const json_t *x;
		size_t i, figures;
		int manager = strcmp(users[u], "office") == 0 || strcmp(users[u], "leader") == 0 ||
			      strcmp(users[u], "supervisor") == 0;

		hq_sign_in(&srv, &c, users[u]);
		workbench(&c, &r);
		json_array_foreach(json_object_get(r.json, "counters"), i, x)
			if (!has_word(expected_keys[u],
				      json_string_value(json_object_get(x, "key"))))
				fail_msg("%s sees %s", users[u],
					 json_string_value(json_object_get(x, "key")));
		assert_int_equal(json_array_size(json_object_get(r.json, "counters")),
				 words(expected_keys[u]));
		figures = json_array_size(json_object_get(r.json, "figures"));
		assert_int_equal(figures, manager ? 2 : 0);
		json_array_foreach(json_object_get(r.json, "figures"), i, x)
			assert_int_equal(json_array_size(json_object_get(x, "series")), 7);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
}

/* staff's open requests of every kind: the three orders and the approval, newest first */
static void
my_requests_mix_every_kind(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	const json_t *mine, *it;
	size_t i;
	int orders = 0, approvals = 0;
	const char *prev = NULL;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	workbench(&c, &r);
	mine = json_object_get(r.json, "my_requests");
	assert_int_equal(json_integer_value(json_object_get(mine, "total")), 4);
	json_array_foreach(json_object_get(mine, "items"), i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		const char *at = json_string_value(json_object_get(it, "updated_at"));

		orders += strcmp(kind, "workorder") == 0;
		approvals += strcmp(kind, "approval") == 0;
		assert_non_null(json_string_value(json_object_get(it, "status")));
		assert_non_null(json_string_value(json_object_get(it, "entity")));
		assert_true(json_integer_value(json_object_get(it, "id")) > 0);
		if (prev)
			assert_true(strcmp(prev, at) >= 0);
		prev = at;
	}
	assert_int_equal(orders, 3);
	assert_int_equal(approvals, 1);
	hq_resp_free(&r);
	/* the orders are 我的报修's open ones, the approval 我的申请's pending one */
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/workorders?scope=mine&status=open", NULL,
				&r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), orders);
	hq_resp_free(&r);
	/* the office has no request of its own */
	hq_client_free(&c);
	hq_sign_in(&srv, &c, "office");
	workbench(&c, &r);
	mine = json_object_get(r.json, "my_requests");
	assert_int_equal(json_integer_value(json_object_get(mine, "total")), 0);
	assert_int_equal(json_array_size(json_object_get(mine, "items")), 0);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* the latest notifications, at most 5, with the unread count of the bell */
static void
notifications_are_the_latest_five(void **state)
{
	struct hq_client c;
	struct hq_resp r, bell;
	const json_t *n;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	workbench(&c, &r);
	n = json_object_get(r.json, "notifications");
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/notifications/unread-count", NULL, &bell),
			 200);
	assert_int_equal(json_integer_value(json_object_get(n, "unread")),
			 json_integer_value(json_object_get(bell.json, "count")));
	assert_true(json_array_size(json_object_get(n, "items")) > 0);
	assert_true(json_array_size(json_object_get(n, "items")) <= 5);
	hq_resp_free(&bell);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* a user left with no role (rows removed below the API, which always keeps one): 200, all empty */
static void
no_role_gets_an_empty_page(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	struct db *db;
	struct err e = { 0 };
	int64_t id[1];

	(void)state;
	hq_fixture_users(&srv, srv.agency_id, srv.dept1_id, "bare", "staff", 1, id);
	db = db_pool_writer(srv.pool);
	assert_int_equal(db_begin_write(db, &e) ||
			 db_exec_id(db, "DELETE FROM user_role WHERE user_id = :id", id[0], &e) ||
			 db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
	hq_sign_in(&srv, &c, "bare1");
	workbench(&c, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "counters")), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "figures")), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "my_requests"),
							 "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "my_requests"),
							    "total")), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "notifications"),
							 "items")), 0);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
no_session_is_401(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/workbench", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_equal_their_lists),
		cmocka_unit_test(roles_see_only_their_counters),
		cmocka_unit_test(my_requests_mix_every_kind),
		cmocka_unit_test(notifications_are_the_latest_five),
		cmocka_unit_test(no_role_gets_an_empty_page),
		cmocka_unit_test(no_session_is_401),
		cmocka_unit_test(figures_follow_a_rating),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
