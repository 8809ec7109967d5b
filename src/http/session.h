/*
** http/session.h: who is calling. Resolves the houqin_session cookie or an
** `Authorization: Bearer` token into rq->user, and renders session cookies.
*/
#ifndef HOUQIN_SESSION_H
#define HOUQIN_SESSION_H

struct req;
struct err;
struct db_pool;

#define SESSION_COOKIE "houqin_session"

/*
** Fill rq->user from a bearer token or the session cookie. 0 when there is a
** valid caller or no credentials at all (rq->user stays NULL); ERR_UNAUTH
** when credentials were sent but are invalid or expired. Refreshes an idle
** session's last_seen through the writer at most once a minute.
*/
int session_resolve(struct db_pool *pool, struct req *rq, struct err *e);
/*
** Mark session cookies Secure (houqin serve --secure-cookies or
** HOUQIN_SECURE_COOKIES=1: served over HTTPS, directly or behind a TLS proxy).
** Call before serving.
*/
void session_set_secure(int on);
/* Arrange for the response to set the session cookie to token (NULL clears it). */
void session_set_cookie(struct req *rq, const char *token);

#endif
