/*
** tests/api/test_sec_http.c: HTTP edge cases an attacker sends by hand, over
** raw sockets so no client library tidies them up (issue #11, item 6):
**   - an encoded NUL (%00) in the path or the query: 400, never a truncated
**     path that reaches another file or route;
**   - Content-Length and Transfer-Encoding together, or either twice
**     (request smuggling behind a proxy that reads the other one): 400 and
**     the connection is closed, so a request hidden in the body is never
**     answered;
**   - an over-long URL or query string: 414 uri_too_long as a JSON error,
**     never a dropped connection, up to the largest request line MHD holds.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api/harness.h"
#include "core/limits.h"

static struct hq_server srv;

struct raw {
	char *text;	/* everything the server sent, NUL-terminated */
	size_t len;
	int closed;	/* the server closed the connection (EOF before the timeout) */
	int status;	/* of the first response, 0 when none */
};

static int
port_of(void)
{
	const char *p = strrchr(srv.base, ':');

	return p ? (int)strtol(p + 1, NULL, 10) : 0;
}

/* Send req[0..len) on a fresh connection; read until EOF or wait_ms of silence. */
static void
raw_send(const char *req, size_t len, int wait_ms, struct raw *out)
{
	struct sockaddr_in sa = { 0 };
	struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
	size_t cap = 4096, off = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(out, 0, sizeof(*out));
	assert_true(fd >= 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port_of());
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (off < len) {
		ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;	/* the server may close early: read what it said */
		off += (size_t)w;
	}
	out->text = malloc(cap);
	assert_non_null(out->text);
	for (;;) {
		ssize_t r;
		if (out->len + 1024 > cap) {
			cap *= 2;
			out->text = realloc(out->text, cap);
			assert_non_null(out->text);
		}
		r = recv(fd, out->text + out->len, cap - out->len - 1, 0);
		if (r == 0 || (r < 0 && errno == ECONNRESET)) {
			out->closed = 1;
			break;
		}
		if (r < 0)
			break;	/* timeout: the connection stays open */
		out->len += (size_t)r;
	}
	out->text[out->len] = '\0';
	close(fd);
	if (strncmp(out->text, "HTTP/1.1 ", 9) == 0)
		out->status = (int)strtol(out->text + 9, NULL, 10);
}

static void
raw_get(const char *target, struct raw *out)
{
	size_t n = strlen(target) + 128;
	char *req = malloc(n);

	assert_non_null(req);
	snprintf(req, n, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target);
	raw_send(req, strlen(req), 3000, out);
	free(req);
}

/* The JSON error code of a raw response ("" when none). */
static const char *
raw_code(const struct raw *r, char *buf, size_t size)
{
	const char *body = strstr(r->text, "\r\n\r\n");
	json_t *j = body ? json_loads(body + 4, 0, NULL) : NULL;
	const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));

	snprintf(buf, size, "%s", c ? c : "");
	json_decref(j);
	return buf;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---------- encoded NUL ---------- */

static void
encoded_nul_is_400(void **state)
{
	static const char *const targets[] = {
		"/api/v1/health%00.json", "/api/v1/health%00", "/index.html%00.png",
		"/assets/%00../../etc/passwd", "/api/v1/health?x=%00", "/api/v1/me?%00=1",
	};
	struct raw r;
	char code[64];

	(void)state;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		raw_get(targets[i], &r);
		if (r.status != 400)
			fail_msg("%s: status %d: %.200s", targets[i], r.status, r.text);
		assert_string_equal(raw_code(&r, code, sizeof(code)), "bad_uri");
		free(r.text);
	}
	/* the same path without the NUL is fine: the 400 is for the NUL */
	raw_get("/api/v1/health", &r);
	assert_int_equal(r.status, 200);
	free(r.text);
}

/* ---------- smuggling ---------- */

static void
content_length_with_transfer_encoding_is_400_and_closed(void **state)
{
	/* a proxy honouring Content-Length forwards 4 bytes; one honouring chunked smuggles GET */
	static const char req[] =
		"POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\n"
		"Content-Type: application/json\r\nContent-Length: 4\r\n"
		"Transfer-Encoding: chunked\r\n\r\n"
		"0\r\n\r\n"
		"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
	static const char twice[] =
		"POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\n"
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
		"Content-Length: 4\r\n\r\n"
		"0\r\n\r\n";
	static const char two_lengths[] =
		"POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\n"
		"Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 48\r\n\r\n"
		"{}GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
	static const char two_codings[] =
		"POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\n"
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
		"Transfer-Encoding: identity\r\n\r\n0\r\n\r\n";
	struct raw r;
	char code[64];

	(void)state;
	raw_send(req, sizeof(req) - 1, 3000, &r);
	if (r.status != 400)
		fail_msg("status %d: %.300s", r.status, r.text);
	assert_string_equal(raw_code(&r, code, sizeof(code)), "bad_request");
	assert_true(r.closed);
	assert_int_equal(count(r.text, "HTTP/1.1 "), 1);	/* the hidden GET got no answer */
	free(r.text);
	raw_send(twice, sizeof(twice) - 1, 3000, &r);	/* header order does not matter */
	assert_int_equal(r.status, 400);
	assert_true(r.closed);
	free(r.text);
	/* two Content-Lengths: MHD would take the first and run the rest as a request */
	raw_send(two_lengths, sizeof(two_lengths) - 1, 3000, &r);
	assert_int_equal(r.status, 400);
	assert_true(r.closed);
	assert_int_equal(count(r.text, "HTTP/1.1 "), 1);
	free(r.text);
	raw_send(two_codings, sizeof(two_codings) - 1, 3000, &r);
	assert_int_equal(r.status, 400);
	assert_true(r.closed);
	free(r.text);
}

/* ---------- long URLs ---------- */

static char *
long_target(const char *prefix, size_t n)
{
	size_t p = strlen(prefix);
	char *s = malloc(p + n + 1);

	assert_non_null(s);
	memcpy(s, prefix, p);
	memset(s + p, 'a', n);
	s[p + n] = '\0';
	return s;
}

static void
long_uri_is_414_json(void **state)
{
	static const char *const prefixes[] = { "/api/v1/health?q=", "/api/v1/", "/" };
	static const size_t sizes[] = { URI_MAX + 1, 4 * URI_MAX, URI_LINE_MAX - 64 };
	struct raw r;
	char code[64];

	(void)state;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			char *t = long_target(prefixes[i], sizes[k] - strlen(prefixes[i]));
			raw_get(t, &r);
			if (r.status != 414)
				fail_msg("%s… (%zu bytes): status %d: %.200s", prefixes[i], sizes[k],
					 r.status, r.text);
			assert_string_equal(raw_code(&r, code, sizeof(code)), "uri_too_long");
			free(r.text);
			free(t);
		}
	}
	/* past what MHD holds in memory: MHD's own 414, still an answer, never a reset */
	{
		char *t = long_target("/api/v1/health?q=", 2 * HTTP_CONN_MEMORY);
		raw_get(t, &r);
		assert_int_equal(r.status, 414);
		free(r.text);
		free(t);
	}
	/* just under the limit is served */
	{
		char *t = long_target("/api/v1/health?q=", URI_MAX - strlen("/api/v1/health?q="));
		raw_get(t, &r);
		assert_int_equal(r.status, 200);
		free(r.text);
		free(t);
	}
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encoded_nul_is_400),
		cmocka_unit_test(content_length_with_transfer_encoding_is_400_and_closed),
		cmocka_unit_test(long_uri_is_414_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
