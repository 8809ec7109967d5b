/*
** http/static.c: static files from web/dist.
*/
#define _GNU_SOURCE
#include "http/static.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/req.h"
#include "http/resp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define STATIC_FILE_MAX (32 * 1024 * 1024)
#define GZ_CACHE 64

struct gz_entry {
	char *path;	/* realpath */
	char etag[64];
	char *data;
	size_t len;
};

struct static_root {
	char root[PATH_MAX];
	size_t rootlen;
	pthread_mutex_t lock;
	struct gz_entry gz[GZ_CACHE];
	int ngz;
};

static const struct {
	const char *ext, *type;
	int text;
} mime[] = {
	{ ".html", "text/html; charset=utf-8", 1 },
	{ ".js", "text/javascript; charset=utf-8", 1 },
	{ ".mjs", "text/javascript; charset=utf-8", 1 },
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".json", "application/json; charset=utf-8", 1 },
	{ ".svg", "image/svg+xml", 1 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".map", "application/json; charset=utf-8", 1 },
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".jpeg", "image/jpeg", 0 },
	{ ".gif", "image/gif", 0 },
	{ ".webp", "image/webp", 0 },
	{ ".ico", "image/x-icon", 0 },
	{ ".woff", "font/woff", 0 },
	{ ".woff2", "font/woff2", 0 },
	{ ".ttf", "font/ttf", 0 },
};

int
static_new(const char *root, struct static_root **out, struct err *e)
{
	struct static_root *s = calloc(1, sizeof(*s));

	if (!s)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!realpath(root, s->root)) {
		free(s);
		return err_set(e, ERR_NOT_FOUND, NULL, "web root %s not found", root);
	}
	s->rootlen = strlen(s->root);
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

void
static_free(struct static_root *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->ngz; i++) {
		free(s->gz[i].path);
		free(s->gz[i].data);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Reject anything but plain relative segments: no "", ".", "..", backslash, control chars. */
static int
safe_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == '\\' || *c == '%')
			return 0;
	for (const char *seg = p + 1; *seg;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if ((n == 0 && end) || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!end)
			break;
		seg = end + 1;
	}
	return 1;
}

static int
lookup_mime(const char *path, const char **type)
{
	const char *dot = strrchr(path, '.');

	*type = "application/octet-stream";
	for (size_t i = 0; dot && i < sizeof(mime) / sizeof(mime[0]); i++)
		if (strcasecmp(dot, mime[i].ext) == 0) {
			*type = mime[i].type;
			return mime[i].text;
		}
	return 0;
}

static int
read_file(struct arena *a, const char *path, const struct stat *st, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0, n = (size_t)st->st_size;
	char *p;

	if (fd < 0)
		return -1;
	p = arena_alloc(a, n + 1);
	while (p && got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!p || got != n)
		return -1;
	*out = p;
	return 0;
}

static int
gzip_buf(const char *in, size_t n, char **out, size_t *outlen)
{
	uLong cap = compressBound((uLong)n) + 32;
	z_stream zs = { 0 };
	char *p = malloc(cap);

	if (!p || deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(p);
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)p;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(p);
		return -1;
	}
	*outlen = zs.total_out;
	deflateEnd(&zs);
	*out = p;
	return 0;
}

/* Compressed copy of a file, cached per (path, etag); copied into the arena. */
static int
gz_get(struct static_root *s, struct arena *a, const char *path, const char *etag,
       const char *data, size_t n, const char **out, size_t *outlen)
{
	struct gz_entry *hit = NULL;
	char *z = NULL;
	size_t zl = 0;
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->ngz && !hit; i++)
		if (strcmp(s->gz[i].path, path) == 0)
			hit = &s->gz[i];
	if (hit && strcmp(hit->etag, etag) != 0) {
		free(hit->data);
		hit->data = NULL;
	}
	if ((!hit || !hit->data) && gzip_buf(data, n, &z, &zl) == 0) {
		if (!hit && s->ngz < GZ_CACHE) {
			hit = &s->gz[s->ngz++];
			hit->path = strdup(path);
		}
		if (hit) {
			snprintf(hit->etag, sizeof(hit->etag), "%s", etag);
			hit->data = z;
			hit->len = zl;
			z = NULL;
		}
	}
	if (hit && hit->data) {
		*out = arena_strndup(a, hit->data, hit->len);
		*outlen = hit->len;
		rc = *out ? 0 : -1;
	} else if (z) {
		*out = arena_strndup(a, z, zl);
		*outlen = zl;
		rc = *out ? 0 : -1;
	}
	pthread_mutex_unlock(&s->lock);
	free(z);
	return rc;
}

static void
not_found(struct resp *rs)
{
	struct err e = { 0 };

	err_setx(&e, ERR_NOT_FOUND, "not_found", NULL, "文件不存在");
	resp_error(rs, &e);
}

/* Resolve rq->path to a regular file inside the root; SPA routes fall back to index.html. */
static int
resolve(struct static_root *s, const char *urlpath, char *real, struct stat *st)
{
	char joined[PATH_MAX];
	const char *last = strrchr(urlpath, '/');
	int n;

	if (strcmp(urlpath, "/") == 0)
		urlpath = "/index.html";
	n = snprintf(joined, sizeof(joined), "%s%s", s->root, urlpath);
	if (n < 0 || (size_t)n >= sizeof(joined))
		return -1;
	if (!realpath(joined, real) || stat(real, st) != 0 || !S_ISREG(st->st_mode)) {
		/* client-side routes like /admin/users have no dot in their last segment */
		if (last && strchr(last, '.'))
			return -1;
		n = snprintf(joined, sizeof(joined), "%s/index.html", s->root);
		if (n < 0 || (size_t)n >= sizeof(joined) || !realpath(joined, real) ||
		    stat(real, st) != 0)
			return -1;
	}
	if (strncmp(real, s->root, s->rootlen) != 0 || real[s->rootlen] != '/')
		return -1;
	return 0;
}

void
static_serve(struct static_root *s, struct req *rq, struct resp *rs)
{
	char real[PATH_MAX], *etag, *data;
	const char *type, *inm, *ae;
	struct stat st;
	int text;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		struct err e = { 0 };
		err_setx(&e, ERR_METHOD, "method_not_allowed", NULL, "不支持此请求方法");
		resp_error(rs, &e);
		return;
	}
	if (!s || !safe_path(rq->path) || resolve(s, rq->path, real, &st) != 0 ||
	    st.st_size > STATIC_FILE_MAX) {
		not_found(rs);
		return;
	}
	text = lookup_mime(real, &type);
	etag = arena_printf(rq->arena, "\"%llx-%llx\"", (unsigned long long)st.st_size,
			    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
				    (unsigned long long)st.st_mtim.tv_nsec);
	resp_header(rs, "ETag", etag);
	resp_header(rs, "Cache-Control", strstr(real, "/assets/") ?
			"public, max-age=31536000, immutable" : "no-cache");
	if (text)
		resp_header(rs, "Vary", "Accept-Encoding");
	inm = req_header(rq, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		resp_body(rs, 304, NULL, "", 0);
		return;
	}
	if (read_file(rq->arena, real, &st, &data) != 0) {
		not_found(rs);
		return;
	}
	ae = req_header(rq, "Accept-Encoding");
	if (text && ae && strstr(ae, "gzip") && st.st_size > 256) {
		const char *z;
		size_t zl;
		if (gz_get(s, rq->arena, real, etag, data, (size_t)st.st_size, &z, &zl) == 0) {
			resp_header(rs, "Content-Encoding", "gzip");
			resp_body(rs, 200, type, z, zl);
			return;
		}
	}
	resp_body(rs, 200, type, data, (size_t)st.st_size);
}
