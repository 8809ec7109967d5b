/*
** http/server.h: the libmicrohttpd listener (epoll + thread pool). /api/ paths
** go through the router, everything else to the static files.
*/
#ifndef HOUQIN_SERVER_H
#define HOUQIN_SERVER_H

#include <stdint.h>

struct err;
struct db_pool;
struct route_table;
struct server;

struct server_config {
	const char *addr;		/* IPv4 address to bind, default 127.0.0.1 */
	uint16_t port;			/* 0 = ephemeral (tests) */
	int threads;			/* worker threads (>= 1) */
	const char *web_root;		/* web/dist; NULL or missing = no static files */
	struct db_pool *pool;		/* borrowed; must outlive the server */
	const struct route_table *routes;	/* borrowed */
	int access_log;			/* one line per request to stderr */
	/*
	 * The reverse proxy's address (e.g. "127.0.0.1" for nginx on the host),
	 * or NULL: requests from it are taken to come from its X-Real-IP (a
	 * valid IPv4/IPv6 address), which login throttling and the audit record.
	 * From any other address the header is ignored (anyone can send it).
	 */
	const char *trusted_proxy;
};

int server_start(const struct server_config *cfg, struct server **out, struct err *e);
/* The bound port (useful with port 0). */
uint16_t server_port(const struct server *s);
/* Stop accepting, finish in-flight requests, free everything. NULL is a no-op. */
void server_stop(struct server *s);

#endif
