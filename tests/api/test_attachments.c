/*
** tests/api/test_attachments.c: the attachments engine through the real
** server: uploads (multipart and raw), type detection by bytes, per-kind
** limits (413/415), content-hash storage and deduplication on disk,
** downloads (headers, ETag/304), visibility (uploader, supervisor, owner
** callback, 404 for everyone else), files_attach rules and audit, roles.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/files.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static struct hq_server srv;

/* ---------- test owner kinds ---------- */

/* "testdept": the record id is a department id; its members may read it. */
static int
dept_can_read(struct db *db, const struct actor *who, int64_t owner_id)
{
	(void)db;
	return who->department_id == owner_id;
}

/* "testbroken": the owning module fails. */
static int
broken_can_read(struct db *db, const struct actor *who, int64_t owner_id)
{
	(void)db;
	(void)who;
	(void)owner_id;
	return ERR_DB;
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	assert_int_equal(files_register_owner("testdept", dept_can_read), 0);
	assert_int_equal(files_register_owner("testbroken", broken_can_read), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

/* ---------- test data ---------- */

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Append one PNG chunk (length, type, data, CRC) at out; returns bytes written. */
static size_t
png_chunk(unsigned char *out, const char *type, const unsigned char *data, uint32_t n)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	put32(out, n);
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, data, n);
	crc = crc32(crc, out + 4, 4 + n);
	put32(out + 8 + n, (uint32_t)crc);
	return 12 + n;
}

/* A valid 1x1 RGB PNG of colour (r,g,b) into out (>= 128 bytes); returns its size. */
static size_t
make_png(unsigned char *out, unsigned char r, unsigned char g, unsigned char b)
{
	unsigned char ihdr[13] = { 0 }, raw[4] = { 0, r, g, b }, z[64];
	uLongf zn = sizeof(z);
	size_t n = 8;

	memcpy(out, "\x89PNG\r\n\x1a\n", 8);
	put32(ihdr, 1);
	put32(ihdr + 4, 1);
	ihdr[8] = 8;	/* bit depth */
	ihdr[9] = 2;	/* truecolour */
	assert_int_equal(compress(z, &zn, raw, sizeof(raw)), Z_OK);
	n += png_chunk(out + n, "IHDR", ihdr, sizeof(ihdr));
	n += png_chunk(out + n, "IDAT", z, (uint32_t)zn);
	n += png_chunk(out + n, "IEND", NULL, 0);
	return n;
}

static const unsigned char jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};

static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

static void
le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
le32(unsigned char *p, unsigned long v)
{
	le16(p, (unsigned)(v & 0xffff));
	le16(p + 2, (unsigned)(v >> 16));
}

/* A ZIP of empty stored entries named names[0..n) into out; returns its size. */
static size_t
make_zip(unsigned char *out, const char *const *names, int n)
{
	size_t pos = 0, cd, offs[8];

	for (int i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		offs[i] = pos;
		memset(out + pos, 0, 30);
		le32(out + pos, 0x04034b50);
		le16(out + pos + 4, 20);
		le16(out + pos + 26, (unsigned)nl);
		memcpy(out + pos + 30, names[i], nl);
		pos += 30 + nl;
	}
	cd = pos;
	for (int i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		memset(out + pos, 0, 46);
		le32(out + pos, 0x02014b50);
		le16(out + pos + 4, 20);
		le16(out + pos + 6, 20);
		le16(out + pos + 28, (unsigned)nl);
		le32(out + pos + 42, (unsigned long)offs[i]);
		memcpy(out + pos + 46, names[i], nl);
		pos += 46 + nl;
	}
	memset(out + pos, 0, 22);
	le32(out + pos, 0x06054b50);
	le16(out + pos + 8, (unsigned)n);
	le16(out + pos + 10, (unsigned)n);
	le32(out + pos + 12, (unsigned long)(pos - cd));
	le32(out + pos + 16, (unsigned long)cd);
	return pos + 22;
}

/* ---------- requests ---------- */

#define BOUNDARY "----HouqinTestBoundary7MA4YWxk"

/* multipart/form-data with one part named part (filename may be NULL). */
static long
upload_mp_named(struct hq_client *c, const char *kind, const char *part, const char *filename,
		const void *data, size_t len, struct hq_resp *r)
{
	char path[128], head[512];
	const char *tail = "\r\n--" BOUNDARY "--\r\n";
	size_t hl, tl = strlen(tail);
	char *body;
	long status;

	snprintf(path, sizeof(path), "/api/v1/attachments%s%s", kind ? "?kind=" : "",
		 kind ? kind : "");
	if (filename)
		hl = (size_t)snprintf(head, sizeof(head),
				      "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\";"
				      " filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n", part,
				      filename);
	else
		hl = (size_t)snprintf(head, sizeof(head),
				      "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\""
				      "\r\n\r\n", part);
	body = malloc(hl + len + tl);
	assert_non_null(body);
	memcpy(body, head, hl);
	memcpy(body + hl, data, len);
	memcpy(body + hl + len, tail, tl);
	status = hq_req_bin(&srv, c, "POST", path, "multipart/form-data; boundary=" BOUNDARY, NULL,
			    body, hl + len + tl, r);
	free(body);
	return status;
}

static long
upload_mp(struct hq_client *c, const char *kind, const char *filename, const void *data,
	  size_t len, struct hq_resp *r)
{
	return upload_mp_named(c, kind, "file", filename, data, len, r);
}

/* Raw body; xname is sent as X-Filename as given (already percent-encoded). */
static long
upload_raw(struct hq_client *c, const char *kind, const char *ct, const char *xname,
	   const void *data, size_t len, struct hq_resp *r)
{
	char path[128], h[300];

	snprintf(path, sizeof(path), "/api/v1/attachments?kind=%s", kind);
	if (xname)
		snprintf(h, sizeof(h), "X-Filename: %s", xname);
	return hq_req_bin(&srv, c, "POST", path, ct, xname ? h : NULL, data, len, r);
}

static int64_t
id_of(const struct hq_resp *r)
{
	return (int64_t)json_integer_value(json_object_get(r->json, "id"));
}

static const char *
str_of(const struct hq_resp *r, const char *key)
{
	const char *s = json_string_value(json_object_get(r->json, key));

	return s ? s : "";
}

static const char *
field_of(const struct hq_resp *r)
{
	json_t *f = json_object_get(json_object_get(r->json, "error"), "fields");
	const char *k = NULL;
	json_t *v;

	json_object_foreach(f, k, v)
		return k;
	return "";
}

static long
get(struct hq_client *c, int64_t id, const char *suffix, struct hq_resp *r)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/attachments/%lld%s", (long long)id, suffix);
	return hq_req(&srv, c, "GET", path, NULL, r);
}

/* Status of GET metadata and content for user (logs in and out). */
static void
expect_read(const char *user, int64_t id, long want)
{
	struct hq_client c;
	struct hq_resp r;

	hq_sign_in(&srv, &c, user);
	if (get(&c, id, "", &r) != want)
		fail_msg("%s GET /attachments/%lld: %ld, want %ld", user, (long long)id, r.status, want);
	if (want == 404)
		assert_string_equal(hq_err_code(&r), "not_found");
	hq_resp_free(&r);
	if (get(&c, id, "/content", &r) != want)
		fail_msg("%s GET /attachments/%lld/content: %ld, want %ld", user, (long long)id,
			 r.status, want);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* files_attach_kind as user, in its own write transaction (rolled back on error). */
static int
attach_as(const char *user, int64_t id, const char *kind, const char *entity, int64_t owner,
	  struct err *e)
{
	struct arena *a = arena_new(4096);
	struct db *w = db_pool_writer(srv.pool);
	struct actor who;
	int rc;

	err_clear(e);
	rc = db_begin_write(w, e);
	if (!rc)
		rc = auth_load_actor(w, a, hq_user_id(&srv, user), &who, e);
	if (!rc)
		rc = files_attach_kind(w, &who, id, kind, entity, owner, e);
	if (rc)
		db_rollback(w);
	else
		rc = db_commit(w, e);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
	return rc;
}

static int64_t
count_sql(const char *sql, int64_t id)
{
	struct db *db = db_pool_reader(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql, &e) && !db_bind_i64(&st, ":id", id, &e) &&
	    !db_step_row(&st, &e))
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_release(srv.pool, db);
	return n;
}

static const char sql_audit_create[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND entity_id = :id"
	" AND action = 'create'";
static const char sql_audit_attach[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND entity_id = :id"
	" AND action = 'attach'";

/* Regular files under <dir>/files/ab/ directories (not tmp/). */
static int
count_blobs(int *tmp_files)
{
	char path[600];
	DIR *d, *sub;
	struct dirent *de, *se;
	int n = 0;

	snprintf(path, sizeof(path), "%s/files", srv.dir);
	d = opendir(path);
	assert_non_null(d);
	*tmp_files = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/files/%s", srv.dir, de->d_name);
		sub = opendir(path);
		if (!sub)
			continue;
		while ((se = readdir(sub)))
			if (se->d_name[0] != '.')
				(*(strcmp(de->d_name, "tmp") == 0 ? tmp_files : &n))++;
		closedir(sub);
	}
	closedir(d);
	return n;
}

static void
blake2b_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Upload as user; returns the id (asserts 201). */
static int64_t
upload_as(const char *user, const char *kind, const char *name, const void *data, size_t len)
{
	struct hq_client c;
	struct hq_resp r;
	int64_t id;

	hq_sign_in(&srv, &c, user);
	if (upload_mp(&c, kind, name, data, len, &r) != 201)
		fail_msg("upload as %s: %ld %s", user, r.status, r.body ? r.body : "");
	id = id_of(&r);
	hq_resp_free(&r);
	hq_client_free(&c);
	return id;
}

/* ---------- tests ---------- */

static void
png_multipart_upload_is_201_with_metadata(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 10, 20, 30);
	struct hq_client c;
	struct hq_resp r;
	char url[64], loc[64];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_mp(&c, "photo", "pixel.png", png, n, &r), 201);
	id = id_of(&r);
	assert_true(id > 0);
	assert_string_equal(str_of(&r, "filename"), "pixel.png");
	assert_int_equal(json_integer_value(json_object_get(r.json, "size")), n);
	assert_string_equal(str_of(&r, "mime"), "image/png");
	assert_string_equal(str_of(&r, "kind"), "photo");
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld/content", (long long)id);
	assert_string_equal(str_of(&r, "url"), url);
	assert_true(json_is_null(json_object_get(r.json, "owner")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "created_by")),
			 hq_user_id(&srv, "staff"));
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)id);
	assert_non_null(hq_header(&r, "Location", loc, sizeof(loc)));
	assert_string_equal(loc, url);
	hq_resp_free(&r);
	/* every upload is audited */
	assert_int_equal(count_sql(sql_audit_create, id), 1);
	hq_client_free(&c);
}

static void
jpeg_raw_body_with_percent_encoded_chinese_name(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &c, "worker");
	/* the client's Content-Type is ignored: the bytes say JPEG */
	assert_int_equal(upload_raw(&c, "photo", "application/pdf",
				    "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg", jpeg, sizeof(jpeg), &r),
			 201);
	assert_string_equal(str_of(&r, "mime"), "image/jpeg");
	assert_string_equal(str_of(&r, "filename"), "现场照片.jpg");
	assert_int_equal(json_integer_value(json_object_get(r.json, "size")), sizeof(jpeg));
	hq_resp_free(&r);
	/* no X-Filename: the engine names it */
	assert_int_equal(upload_raw(&c, "photo", "image/jpeg", NULL, jpeg, sizeof(jpeg), &r), 201);
	assert_string_equal(str_of(&r, "filename"), "file.jpg");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
wrong_type_for_the_kind_is_415(void **state)
{
	static const char text[] = "这不是图片，只是一段文字。\r\n";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)"
				  "</script></svg>";
	static const char *const plain_zip[] = { "a.txt" };
	unsigned char zip[256];
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_mp(&c, "photo", "fake.png", text, strlen(text), &r), 415);
	assert_string_equal(hq_err_code(&r), "unsupported_media_type");
	assert_string_equal(field_of(&r), "file");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"),
								 "message")), "纯文本"));
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/svg+xml", "x.svg", svg, strlen(svg), &r),
			 415);
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/png", "doc.pdf", pdf, strlen(pdf), &r), 415);
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "document", "text/plain", "a.txt", text, strlen(text), &r),
			 415);
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "document", "application/zip", "a.zip", zip,
				    make_zip(zip, plain_zip, 1), &r), 415);
	hq_resp_free(&r);
	/* unrecognisable binary */
	assert_int_equal(upload_raw(&c, "document", "application/octet-stream", "x.bin",
				    "\x00\x01\x02\x03", 4, &r), 415);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
documents_accept_pdf_docx_xlsx_and_download_as_attachment(void **state)
{
	static const char *const docx[] = { "[Content_Types].xml", "_rels/.rels",
					    "word/document.xml" };
	static const char *const xlsx[] = { "[Content_Types].xml", "xl/workbook.xml",
					    "xl/worksheets/sheet1.xml" };
	unsigned char zip[512];
	struct hq_client c;
	struct hq_resp r;
	char v[300];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &c, "office");
	assert_int_equal(upload_raw(&c, "document", "application/pdf", "%E5%90%88%E5%90%8C.pdf", pdf,
				    strlen(pdf), &r), 201);
	assert_string_equal(str_of(&r, "mime"), "application/pdf");
	id = id_of(&r);
	hq_resp_free(&r);
	assert_int_equal(get(&c, id, "/content", &r), 200);
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	assert_string_equal(v, "attachment; filename=\"______.pdf\"; "
			       "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf");
	assert_non_null(hq_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/pdf");
	assert_int_equal(r.len, strlen(pdf));
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "document", NULL, "a.docx", zip, make_zip(zip, docx, 3), &r),
			 201);
	assert_string_equal(str_of(&r, "mime"),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "document", NULL, "a.xlsx", zip, make_zip(zip, xlsx, 3), &r),
			 201);
	assert_string_equal(str_of(&r, "mime"),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	hq_resp_free(&r);
	/* an Office file is not a photo */
	assert_int_equal(upload_raw(&c, "photo", NULL, "a.xlsx", zip, make_zip(zip, xlsx, 3), &r),
			 415);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
photo_over_5mb_is_413_but_fits_a_document(void **state)
{
	size_t n = 6 * 1000 * 1000;
	unsigned char *big = calloc(1, n);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	assert_non_null(big);
	memcpy(big, jpeg, sizeof(jpeg));
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_raw(&c, "photo", "image/jpeg", "big.jpg", big, n, &r), 413);
	assert_string_equal(hq_err_code(&r), "too_large");
	assert_string_equal(field_of(&r), "file");
	hq_resp_free(&r);
	/* exactly 5 MiB is still a photo */
	assert_int_equal(upload_raw(&c, "photo", "image/jpeg", "edge.jpg", big, 5u * 1024 * 1024,
				    &r), 201);
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/jpeg", "edge.jpg", big,
				    5u * 1024 * 1024 + 1, &r), 413);
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "document", "image/jpeg", "big.jpg", big, n, &r), 201);
	hq_resp_free(&r);
	free(big);
	hq_client_free(&c);
}

static void
body_over_the_route_limit_is_413(void **state)
{
	size_t n = FILES_BODY_MAX + 1;
	unsigned char *big = calloc(1, n);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	assert_non_null(big);
	memcpy(big, jpeg, sizeof(jpeg));
	hq_sign_in(&srv, &c, "staff");
	/*
	** refused from Content-Length before the body is read; like any client
	** sending this much, wait for 100-continue (else the send races the reply)
	*/
	assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/attachments?kind=document",
				    "image/jpeg", "Expect: 100-continue", big, n, &r), 413);
	assert_string_equal(hq_err_code(&r), "too_large");
	hq_resp_free(&r);
	free(big);
	hq_client_free(&c);
}

static void
bad_uploads_are_400(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 1, 2, 3);
	struct hq_client c;
	struct hq_resp r;
	char *two;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_mp(&c, NULL, "a.png", png, n, &r), 400);
	assert_string_equal(field_of(&r), "kind");
	hq_resp_free(&r);
	assert_int_equal(upload_mp(&c, "video", "a.png", png, n, &r), 400);
	assert_string_equal(field_of(&r), "kind");
	hq_resp_free(&r);
	/* a form without a part named file */
	assert_int_equal(upload_mp_named(&c, "photo", "photo", "a.png", png, n, &r), 400);
	assert_string_equal(hq_err_code(&r), "missing_file");
	assert_string_equal(field_of(&r), "file");
	hq_resp_free(&r);
	/* multipart without a boundary */
	assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/attachments?kind=photo",
				    "multipart/form-data", NULL, "--x\r\n", 5, &r), 400);
	assert_string_equal(hq_err_code(&r), "bad_multipart");
	hq_resp_free(&r);
	/* truncated multipart */
	assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/attachments?kind=photo",
				    "multipart/form-data; boundary=" BOUNDARY, NULL,
				    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
				    "\r\n\x89PNG", 0 + sizeof("--" BOUNDARY "\r\nContent-Disposition: "
				    "form-data; name=\"file\"\r\n\r\n\x89PNG") - 1, &r), 400);
	assert_string_equal(hq_err_code(&r), "bad_multipart");
	hq_resp_free(&r);
	/* two file parts */
	two = malloc(1024);
	assert_non_null(two);
	{
		int len = snprintf(two, 1024,
				   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
				   "\r\nGIF89a\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "
				   "name=\"file\"\r\n\r\nGIF89a\r\n--" BOUNDARY "--\r\n");
		assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/attachments?kind=photo",
					    "multipart/form-data; boundary=" BOUNDARY, NULL, two,
					    (size_t)len, &r), 400);
		assert_string_equal(field_of(&r), "file");
		hq_resp_free(&r);
	}
	free(two);
	/* empty file, empty raw body */
	assert_int_equal(upload_mp(&c, "photo", "a.png", "", 0, &r), 400);
	assert_string_equal(field_of(&r), "file");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/png", "a.png", "", 0, &r), 400);
	hq_resp_free(&r);
	/* bad names: broken escape, control character, not UTF-8, bidi override, too long */
	assert_int_equal(upload_raw(&c, "photo", "image/png", "a%zz.png", png, n, &r), 400);
	assert_string_equal(field_of(&r), "filename");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/png", "a%0Ab.png", png, n, &r), 400);
	assert_string_equal(field_of(&r), "filename");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/png", "a%FF.png", png, n, &r), 400);
	assert_string_equal(field_of(&r), "filename");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", "image/png", "%E2%80%AEgnp.exe", png, n, &r), 400);
	assert_string_equal(field_of(&r), "filename");
	hq_resp_free(&r);
	{
		char name[260];
		memset(name, 'n', 201);
		memcpy(name + 201, ".png", 5);
		assert_int_equal(upload_raw(&c, "photo", "image/png", name, png, n, &r), 400);
		assert_string_equal(field_of(&r), "filename");
		hq_resp_free(&r);
	}
	hq_client_free(&c);
}

static void
paths_are_stripped_from_file_names(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 4, 5, 6);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_mp(&c, "photo", "../../etc/passwd.png", png, n, &r), 201);
	assert_string_equal(str_of(&r, "filename"), "passwd.png");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", NULL, "C%3A%5CUsers%5Cwang%5C%E5%9B%BE.png", png, n,
				    &r), 201);
	assert_string_equal(str_of(&r, "filename"), "图.png");
	hq_resp_free(&r);
	assert_int_equal(upload_raw(&c, "photo", NULL, "..", png, n, &r), 201);
	assert_string_equal(str_of(&r, "filename"), "file.png");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
same_bytes_twice_is_one_blob_two_rows(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 200, 100, 50);
	char hex[65], path[700], e1[80], e2[80];
	struct hq_client c;
	struct hq_resp r;
	struct stat st;
	int64_t id1, id2;
	int tmp, before, after;

	(void)state;
	blake2b_hex(png, n, hex);
	before = count_blobs(&tmp);
	id1 = upload_as("staff", "photo", "one.png", png, n);
	id2 = upload_as("staff2", "photo", "two.png", png, n);
	assert_true(id1 != id2);
	after = count_blobs(&tmp);
	assert_int_equal(after, before + 1);
	assert_int_equal(tmp, 0);	/* nothing left half-written */
	/* stored under files/ab/cdef... by content hash, byte for byte */
	snprintf(path, sizeof(path), "%s/files/%.2s/%s", srv.dir, hex, hex + 2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, n);
	/* each row is its own: its uploader, its name, the same ETag */
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(get(&c, id1, "/content", &r), 200);
	assert_non_null(hq_header(&r, "ETag", e1, sizeof(e1)));
	hq_resp_free(&r);
	assert_int_equal(get(&c, id2, "", &r), 404);	/* staff2's row */
	hq_resp_free(&r);
	hq_client_free(&c);
	hq_sign_in(&srv, &c, "staff2");
	assert_int_equal(get(&c, id2, "/content", &r), 200);
	assert_non_null(hq_header(&r, "ETag", e2, sizeof(e2)));
	hq_resp_free(&r);
	assert_int_equal(get(&c, id2, "", &r), 200);
	assert_string_equal(str_of(&r, "filename"), "two.png");
	hq_resp_free(&r);
	hq_client_free(&c);
	assert_string_equal(e1, e2);
	snprintf(path, sizeof(path), "\"%s\"", hex);
	assert_string_equal(e1, path);
}

static void
uploader_downloads_with_type_disposition_etag(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 7, 7, 7);
	char hex[65], v[300], inm[100];
	struct hq_client c;
	struct hq_resp r;
	int64_t id;

	(void)state;
	blake2b_hex(png, n, hex);
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload_raw(&c, "photo", NULL, "%E5%A2%99%E9%9D%A2%20crack.png", png, n, &r),
			 201);
	id = id_of(&r);
	hq_resp_free(&r);
	assert_int_equal(get(&c, id, "", &r), 200);
	assert_int_equal(id_of(&r), id);
	assert_string_equal(str_of(&r, "filename"), "墙面 crack.png");
	hq_resp_free(&r);
	assert_int_equal(get(&c, id, "/content", &r), 200);
	assert_int_equal(r.len, n);
	assert_memory_equal(r.body, png, n);
	assert_non_null(hq_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "image/png");
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	assert_string_equal(v, "inline; filename=\"______ crack.png\"; "
			       "filename*=UTF-8''%E5%A2%99%E9%9D%A2%20crack.png");
	assert_non_null(hq_header(&r, "X-Content-Type-Options", v, sizeof(v)));
	assert_string_equal(v, "nosniff");
	assert_non_null(hq_header(&r, "ETag", v, sizeof(v)));
	snprintf(inm, sizeof(inm), "\"%s\"", hex);
	assert_string_equal(v, inm);
	hq_resp_free(&r);
	/* If-None-Match with the hash: 304, no body */
	snprintf(v, sizeof(v), "If-None-Match: %s", inm);
	{
		char path[80];
		snprintf(path, sizeof(path), "/api/v1/attachments/%lld/content", (long long)id);
		assert_int_equal(hq_req_bin(&srv, &c, "GET", path, NULL, v, NULL, 0, &r), 304);
		assert_int_equal(r.len, 0);
		hq_resp_free(&r);
	}
	/* HEAD works too */
	{
		char path[80];
		snprintf(path, sizeof(path), "/api/v1/attachments/%lld/content", (long long)id);
		assert_int_equal(hq_req(&srv, &c, "HEAD", path, NULL, &r), 200);
		hq_resp_free(&r);
	}
	hq_client_free(&c);
}

static void
others_get_404_supervisor_reads_everything(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 9, 9, 9);
	int64_t id = upload_as("staff", "photo", "mine.png", png, n);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	expect_read("staff", id, 200);
	expect_read("staff2", id, 404);		/* another department */
	expect_read("dept_head", id, 404);	/* same department, but not attached yet */
	expect_read("office", id, 404);
	expect_read("supervisor", id, 200);	/* 纪检监察 reads everything */
	/* a missing id gives the same answer as an invisible one */
	expect_read("staff2", id + 100000, 404);
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/attachments/abc", NULL, &r), 404);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/attachments/0/content", NULL, &r), 404);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
roles_anonymous_and_csrf(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 11, 12, 13);
	int64_t id = upload_as("staff", "photo", "r.png", png, n);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	/* the three admins neither upload nor read business files; supervisors do not upload */
	static const char *const no_upload[] = { "sysadmin", "secadmin", "auditor", "supervisor" };
	for (size_t i = 0; i < sizeof(no_upload) / sizeof(no_upload[0]); i++) {
		hq_sign_in(&srv, &c, no_upload[i]);
		assert_int_equal(upload_mp(&c, "photo", "a.png", png, n, &r), 403);
		assert_string_equal(hq_err_code(&r), "forbidden");
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	expect_read("sysadmin", id, 403);
	expect_read("auditor", id, 403);
	/* anonymous: 401 */
	hq_client_init(&c);
	assert_int_equal(upload_mp(&c, "photo", "a.png", png, n, &r), 401);
	hq_resp_free(&r);
	assert_int_equal(get(&c, id, "", &r), 401);
	hq_resp_free(&r);
	assert_int_equal(get(&c, id, "/content", &r), 401);
	hq_resp_free(&r);
	hq_client_free(&c);
	/* a cookie session without the CSRF header cannot upload */
	hq_sign_in(&srv, &c, "staff");
	c.no_csrf = 1;
	assert_int_equal(upload_mp(&c, "photo", "a.png", png, n, &r), 403);
	assert_string_equal(hq_err_code(&r), "csrf");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
attached_file_is_read_through_the_owner_callback(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 21, 22, 23);
	int64_t id = upload_as("staff", "photo", "leak.png", png, n);
	struct hq_client c;
	struct hq_resp r;
	struct err e;

	(void)state;
	expect_read("dept_head", id, 404);
	/* the record "testdept #一处": readable by members of 一处 */
	assert_int_equal(attach_as("staff", id, "photo", "testdept", srv.dept1_id, &e), 0);
	expect_read("dept_head", id, 200);	/* colleague in 一处 */
	expect_read("staff", id, 200);		/* uploader */
	expect_read("staff2", id, 404);		/* 二处 */
	expect_read("office", id, 404);
	expect_read("supervisor", id, 200);
	hq_sign_in(&srv, &c, "dept_head");
	assert_int_equal(get(&c, id, "", &r), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "owner"),
							      "entity")), "testdept");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "owner"), "id")),
			 srv.dept1_id);
	hq_resp_free(&r);
	hq_client_free(&c);
	assert_int_equal(count_sql(sql_audit_attach, id), 1);
	/* attaching again to the same record is a no-op (no second audit row) */
	assert_int_equal(attach_as("staff", id, NULL, "testdept", srv.dept1_id, &e), 0);
	assert_int_equal(count_sql(sql_audit_attach, id), 1);
	/* the module can list its record's attachments */
	{
		struct arena *a = arena_new(4096);
		struct db *db = db_pool_reader(srv.pool);
		struct actor who = { .agency_id = srv.agency_id };
		struct files_meta *items;
		size_t k;
		assert_int_equal(files_list_owner(db, a, &who, "testdept", srv.dept1_id, &items, &k,
						  &e), 0);
		assert_true(k >= 1);
		assert_int_equal(items[k - 1].id, id);
		assert_string_equal(items[k - 1].filename, "leak.png");
		db_pool_release(srv.pool, db);
		arena_free(a);
	}
}

static void
attach_rules(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 31, 32, 33);
	int64_t id = upload_as("staff", "photo", "a.png", png, n);
	int64_t doc = upload_as("staff", "document", "d.png", png, n);
	struct err e;

	(void)state;
	/* only the uploader attaches: not a colleague, not the supervisor */
	assert_int_equal(attach_as("dept_head", id, NULL, "testdept", srv.dept1_id, &e),
			 ERR_FORBIDDEN);
	assert_string_equal(e.slug, "not_uploader");
	assert_int_equal(attach_as("supervisor", id, NULL, "testdept", srv.dept1_id, &e),
			 ERR_FORBIDDEN);
	expect_read("dept_head", id, 404);	/* still unattached */
	assert_int_equal(count_sql(sql_audit_attach, id), 0);
	/* the kind guard */
	assert_int_equal(attach_as("staff", doc, "photo", "testdept", srv.dept1_id, &e), ERR_RULE);
	assert_string_equal(e.slug, "wrong_kind");
	/* bad arguments */
	assert_int_equal(attach_as("staff", id, NULL, "testdept", 0, &e), ERR_INVALID);
	assert_int_equal(attach_as("staff", id, NULL, "nosuchkind", 1, &e), ERR_DB);
	assert_int_equal(attach_as("staff", id + 100000, NULL, "testdept", 1, &e), ERR_NOT_FOUND);
	assert_string_equal(e.slug, "attachment_not_found");
	/* attached once, it cannot move to another record */
	assert_int_equal(attach_as("staff", id, "photo", "testdept", srv.dept1_id, &e), 0);
	assert_int_equal(attach_as("staff", id, NULL, "testdept", srv.dept2_id, &e), ERR_CONFLICT);
	assert_string_equal(e.slug, "already_attached");
	expect_read("staff2", id, 404);
	assert_int_equal(count_sql(sql_audit_attach, id), 1);
}

static void
owner_callback_failure_is_500_not_a_leak(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 41, 42, 43);
	int64_t id = upload_as("staff", "photo", "b.png", png, n);
	struct hq_client c;
	struct hq_resp r;
	struct err e;

	(void)state;
	assert_int_equal(attach_as("staff", id, NULL, "testbroken", 5, &e), 0);
	expect_read("staff", id, 200);		/* the uploader needs no callback */
	expect_read("supervisor", id, 200);
	hq_sign_in(&srv, &c, "staff2");
	assert_int_equal(get(&c, id, "/content", &r), 500);
	assert_string_equal(hq_err_code(&r), "internal");
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* A second agency with a staff member and its own supervisor. */
static void
make_other_agency(void)
{
	struct arena *a = arena_new(8192);
	struct actor sys = { .ip = "test", .username = "test" };
	struct db *db = db_pool_writer(srv.pool);
	struct dept root, d;
	struct user u;
	struct err e = { 0 };
	struct user_in in = { .display_name = "外单位", .password = TEST_PASSWORD };
	struct dept_in din = { .name = "综合处" };

	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(org_agency_create(db, a, &sys, "另一机关", &root, &e), 0);
	sys.agency_id = root.id;
	din.parent_id = root.id;
	assert_int_equal(org_dept_create(db, a, &sys, &din, &d, &e), 0);
	in.department_id = d.id;
	in.username = "x_staff";
	assert_int_equal(org_user_create(db, a, &sys, &in, ROLE_STAFF, &u, &e), 0);
	in.username = "x_super";
	assert_int_equal(org_user_create(db, a, &sys, &in, ROLE_SUPERVISOR, &u, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
}

static void
other_agencies_never_see_or_attach(void **state)
{
	unsigned char png[128];
	size_t n = make_png(png, 51, 52, 53);
	int64_t id = upload_as("staff", "photo", "ours.png", png, n), theirs;
	struct err e;

	(void)state;
	make_other_agency();
	assert_int_equal(attach_as("staff", id, NULL, "testdept", srv.dept1_id, &e), 0);
	expect_read("x_super", id, 404);	/* a supervisor of another agency */
	expect_read("x_staff", id, 404);
	assert_int_equal(attach_as("x_staff", id, NULL, "testdept", srv.dept1_id, &e),
			 ERR_NOT_FOUND);
	/* the same bytes uploaded there are their own row, invisible here */
	theirs = upload_as("x_staff", "photo", "theirs.png", png, n);
	expect_read("x_staff", theirs, 200);
	expect_read("x_super", theirs, 200);
	expect_read("supervisor", theirs, 404);
}

static void
sniff_table(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *mime;	/* NULL: unknown */
		unsigned type;
	} cases[] = {
		{ "\xff\xd8\xff\xe0", 4, "image/jpeg", FILES_T_JPEG },
		{ "\xff\xd8\xff", 3, "image/jpeg", FILES_T_JPEG },
		{ "\xff\xd8", 2, "text/plain", FILES_T_TEXT },	/* too short for JPEG */
		{ "\x89PNG\r\n\x1a\n", 8, "image/png", FILES_T_PNG },
		{ "\x89PNG\r\n\x1a", 7, NULL, 0 },
		{ "RIFF\x10\0\0\0WEBPVP8 ", 16, "image/webp", FILES_T_WEBP },
		{ "RIFF\x10\0\0\0WAVEfmt ", 16, NULL, 0 },
		{ "GIF89a\x01\0", 8, "image/gif", FILES_T_GIF },
		{ "GIF87a", 6, "image/gif", FILES_T_GIF },
		{ "GIF88a", 6, "text/plain", FILES_T_TEXT },
		{ "%PDF-1.7\n", 9, "application/pdf", FILES_T_PDF },
		{ " %PDF-1.7\n", 10, "text/plain", FILES_T_TEXT },
		{ "PK\x03\x04", 4, "application/zip", FILES_T_ZIP },
		{ "plain text\r\n\tline\f\x1b[0m", 22, "text/plain", FILES_T_TEXT },
		{ "\xe4\xb8\xad\xe6\x96\x87", 6, "text/plain", FILES_T_TEXT },	/* UTF-8 */
		{ "\xd6\xd0\xce\xc4", 4, "text/plain", FILES_T_TEXT },		/* GBK */
		{ "text\0with NUL", 13, NULL, 0 },
		{ "bell\x07", 5, NULL, 0 },
		{ "del\x7f", 4, NULL, 0 },
		{ "", 0, NULL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned t = 12345;
		const char *m = files_sniff(cases[i].bytes, cases[i].len, &t);
		if (!m != !cases[i].mime || (m && strcmp(m, cases[i].mime) != 0) ||
		    t != cases[i].type)
			fail_msg("sniff case %zu: %s/%u, want %s/%u", i, m ? m : "NULL", t,
				 cases[i].mime ? cases[i].mime : "NULL", cases[i].type);
	}
	assert_null(files_sniff(NULL, 10, NULL));
}

static void
ooxml_needs_content_types_and_one_part_tree(void **state)
{
	static const char *const docx[] = { "[Content_Types].xml", "word/document.xml" };
	static const char *const no_ct[] = { "word/document.xml" };
	static const char *const both[] = { "[Content_Types].xml", "word/a.xml", "xl/b.xml" };
	static const char *const pptx[] = { "[Content_Types].xml", "ppt/presentation.xml" };
	unsigned char zip[512];
	size_t n;
	unsigned t;

	(void)state;
	n = make_zip(zip, docx, 2);
	assert_string_equal(files_sniff(zip, n, &t),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	/* the central directory is what counts: cut it off and it is a plain zip */
	files_sniff(zip, n - 30, &t);
	assert_int_equal(t, FILES_T_ZIP);
	files_sniff(zip, make_zip(zip, no_ct, 1), &t);
	assert_int_equal(t, FILES_T_ZIP);
	files_sniff(zip, make_zip(zip, both, 3), &t);
	assert_int_equal(t, FILES_T_ZIP);
	files_sniff(zip, make_zip(zip, pptx, 2), &t);
	assert_int_equal(t, FILES_T_ZIP);
	/* a central directory offset pointing past the end */
	n = make_zip(zip, docx, 2);
	zip[n - 22 + 16] = 0xff;
	files_sniff(zip, n, &t);
	assert_int_equal(t, FILES_T_ZIP);
}

static void
owner_registry_rules(void **state)
{
	(void)state;
	assert_int_equal(files_register_owner("testdept", dept_can_read), 0);	/* idempotent */
	assert_int_equal(files_register_owner("testdept", broken_can_read), ERR_CONFLICT);
	assert_int_equal(files_register_owner("Bad-Name", dept_can_read), ERR_INVALID);
	assert_int_equal(files_register_owner("", dept_can_read), ERR_INVALID);
	assert_int_equal(files_register_owner("ok_name", NULL), ERR_INVALID);
	assert_null(files_kind("video"));
	assert_int_equal(files_kind("photo")->max_bytes, 5u * 1024 * 1024);
	assert_int_equal(files_kind("document")->max_bytes, 20u * 1024 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(png_multipart_upload_is_201_with_metadata),
		cmocka_unit_test(jpeg_raw_body_with_percent_encoded_chinese_name),
		cmocka_unit_test(wrong_type_for_the_kind_is_415),
		cmocka_unit_test(documents_accept_pdf_docx_xlsx_and_download_as_attachment),
		cmocka_unit_test(photo_over_5mb_is_413_but_fits_a_document),
		cmocka_unit_test(body_over_the_route_limit_is_413),
		cmocka_unit_test(bad_uploads_are_400),
		cmocka_unit_test(paths_are_stripped_from_file_names),
		cmocka_unit_test(same_bytes_twice_is_one_blob_two_rows),
		cmocka_unit_test(uploader_downloads_with_type_disposition_etag),
		cmocka_unit_test(others_get_404_supervisor_reads_everything),
		cmocka_unit_test(roles_anonymous_and_csrf),
		cmocka_unit_test(attached_file_is_read_through_the_owner_callback),
		cmocka_unit_test(attach_rules),
		cmocka_unit_test(owner_callback_failure_is_500_not_a_leak),
		cmocka_unit_test(other_agencies_never_see_or_attach),
		cmocka_unit_test(sniff_table),
		cmocka_unit_test(ooxml_needs_content_types_and_one_part_tree),
		cmocka_unit_test(owner_registry_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
