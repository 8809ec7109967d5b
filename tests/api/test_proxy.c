/*
** tests/api/test_proxy.c: behind a reverse proxy (serve --trusted-proxy), the
** client's address is the proxy's X-Real-IP: failed logins are throttled and
** audited per real client, not all as the proxy. The header counts only from
** the trusted address, and only when it is an address.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

static struct hq_server srv;

static const char sql_last_failed_ip[] =
	"SELECT ip FROM audit_log WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1";

/* A failed login for staff sent with extra header line hdr (NULL: none); the ip it was audited with. */
static void
failed_login_ip(const char *hdr, char *out, size_t size)
{
	static const char body[] = "{\"username\":\"staff\",\"password\":\"wrong-Pass1\"}";
	struct hq_client c;
	struct hq_resp r;
	struct stmt st = { 0 };
	struct err e = { 0 };
	struct db *db;

	hq_client_init(&c);
	assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/session", "application/json", hdr,
				    body, sizeof(body) - 1, &r),
			 401);
	hq_resp_free(&r);
	hq_client_free(&c);
	db = db_pool_reader(srv.pool);
	assert_int_equal(db_prepare(db, &st, sql_last_failed_ip, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	snprintf(out, size, "%s", db_col_peek(&st, 0, NULL) ? db_col_peek(&st, 0, NULL) : "");
	db_finalize(&st);
	db_pool_release(srv.pool, db);
}

static void
trusted_proxy_names_the_client(void **state)
{
	char ip[64];

	(void)state;
	hq_set_trusted_proxy("127.0.0.1");
	hq_start(&srv);
	failed_login_ip("X-Real-IP: 203.0.113.9", ip, sizeof(ip));
	assert_string_equal(ip, "203.0.113.9");
	failed_login_ip("X-Real-IP: 2001:db8::7", ip, sizeof(ip));
	assert_string_equal(ip, "2001:db8::7");
	/* not an address: the proxy's own is kept */
	failed_login_ip("X-Real-IP: 203.0.113.9, 10.0.0.1", ip, sizeof(ip));
	assert_string_equal(ip, "127.0.0.1");
	failed_login_ip("X-Real-IP: ' OR 1=1 --", ip, sizeof(ip));
	assert_string_equal(ip, "127.0.0.1");
	failed_login_ip(NULL, ip, sizeof(ip));
	assert_string_equal(ip, "127.0.0.1");
	hq_stop(&srv);
	hq_set_trusted_proxy(NULL);
}

static void
untrusted_peers_cannot_claim_an_address(void **state)
{
	char ip[64];

	(void)state;
	hq_start(&srv);	/* no trusted proxy */
	failed_login_ip("X-Real-IP: 203.0.113.9", ip, sizeof(ip));
	assert_string_equal(ip, "127.0.0.1");
	hq_stop(&srv);
	hq_set_trusted_proxy("10.9.9.9");	/* a proxy elsewhere: 127.0.0.1 is not it */
	hq_start(&srv);
	failed_login_ip("X-Real-IP: 203.0.113.9", ip, sizeof(ip));
	assert_string_equal(ip, "127.0.0.1");
	hq_stop(&srv);
	hq_set_trusted_proxy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trusted_proxy_names_the_client),
		cmocka_unit_test(untrusted_peers_cannot_claim_an_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
