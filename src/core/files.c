/*
** core/files.c: the attachments engine (see files.h for the rules). Owns
** table attachment and the blob directory <data dir>/files:
**   files/ab/cdef...   one blob per content, named by its BLAKE2b-256 hex
**   files/tmp/         uploads being written (temp file -> fsync -> rename)
*/
#include "core/files.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/parse.h"
#include "db/db.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_MOD "files"
#define MIB (1024u * 1024u)
#define TMP_STALE_S 3600	/* temp files older than this are a crash's leftovers */

/* ---------- kinds and types ---------- */

static const struct files_kind kinds[] = {
	{ "photo", "照片", 5 * MIB, FILES_T_IMAGE, "JPEG、PNG、WebP、GIF 图片" },
	{ "document", "文件", 20 * MIB,
	  FILES_T_IMAGE | FILES_T_PDF | FILES_T_DOCX | FILES_T_XLSX,
	  "PDF、Word（docx）、Excel（xlsx）文档或图片" },
};

static const struct ftype {
	unsigned bit;
	const char *mime, *ext, *label;
} ftypes[] = {
	{ FILES_T_JPEG, "image/jpeg", "jpg", "JPEG 图片" },
	{ FILES_T_PNG, "image/png", "png", "PNG 图片" },
	{ FILES_T_WEBP, "image/webp", "webp", "WebP 图片" },
	{ FILES_T_GIF, "image/gif", "gif", "GIF 图片" },
	{ FILES_T_PDF, "application/pdf", "pdf", "PDF 文档" },
	{ FILES_T_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  "docx", "Word 文档" },
	{ FILES_T_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  "xlsx", "Excel 表格" },
	{ FILES_T_TEXT, "text/plain", "txt", "纯文本" },
	{ FILES_T_ZIP, "application/zip", "zip", "ZIP 压缩包" },
};

const struct files_kind *
files_kind(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static const struct ftype *
ftype_of(unsigned bit)
{
	for (size_t i = 0; i < sizeof(ftypes) / sizeof(ftypes[0]); i++)
		if (ftypes[i].bit == bit)
			return &ftypes[i];
	return NULL;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static size_t
le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/*
** A ZIP is a .docx or .xlsx when its central directory lists
** [Content_Types].xml and word/... or xl/... entries. Only the directory at
** the end is read (nothing is decompressed); anything inconsistent is a
** plain ZIP, which no kind accepts.
*/
static unsigned
sniff_zip(const unsigned char *p, size_t len)
{
	size_t lo, eocd = 0, count, cd_off, cd_size, cd_end, pos;
	int found = 0, ct = 0, word = 0, xl = 0;

	if (len < 22)
		return FILES_T_ZIP;
	lo = len > 22 + 65535 ? len - 22 - 65535 : 0;	/* EOCD + the longest comment */
	for (size_t i = len - 22 + 1; i-- > lo;) {
		if (p[i] == 'P' && p[i + 1] == 'K' && p[i + 2] == 5 && p[i + 3] == 6) {
			eocd = i;
			found = 1;
			break;
		}
	}
	if (!found)
		return FILES_T_ZIP;
	count = le16(p + eocd + 10);
	cd_size = le32(p + eocd + 12);
	cd_off = le32(p + eocd + 16);
	if (cd_off > eocd || cd_size > eocd - cd_off)
		return FILES_T_ZIP;	/* zip64 (0xffffffff) lands here too */
	cd_end = cd_off + cd_size;
	pos = cd_off;
	for (size_t i = 0; i < count && pos + 46 <= cd_end; i++) {
		const unsigned char *h = p + pos;
		size_t nl = le16(h + 28), extra = le16(h + 30), comment = le16(h + 32);
		const char *name = (const char *)h + 46;

		if (le32(h) != 0x02014b50 || pos + 46 + nl > cd_end)
			break;
		if (nl == 19 && memcmp(name, "[Content_Types].xml", 19) == 0)
			ct = 1;
		else if (nl > 5 && memcmp(name, "word/", 5) == 0)
			word = 1;
		else if (nl > 3 && memcmp(name, "xl/", 3) == 0)
			xl = 1;
		pos += 46 + nl + extra + comment;
	}
	if (ct && word && !xl)
		return FILES_T_DOCX;
	if (ct && xl && !word)
		return FILES_T_XLSX;
	return FILES_T_ZIP;
}

/* Text: no control bytes but TAB LF FF CR ESC (UTF-8, GBK and ASCII all pass). */
static int
is_text(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1b) ||
		    c == 0x7f)
			return 0;
	}
	return len > 0;
}

const char *
files_sniff(const void *data, size_t len, unsigned *type)
{
	const unsigned char *p = data;
	unsigned t = 0;
	const struct ftype *ft;

	if (!p)
		len = 0;
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		t = FILES_T_JPEG;
	else if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		t = FILES_T_PNG;
	else if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		t = FILES_T_WEBP;
	else if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		t = FILES_T_GIF;
	else if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		t = FILES_T_PDF;
	else if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
		t = sniff_zip(p, len);
	else if (is_text(p, len))
		t = FILES_T_TEXT;
	ft = t ? ftype_of(t) : NULL;
	if (type)
		*type = ft ? t : 0;
	return ft ? ft->mime : NULL;
}

/* ---------- owner registry ---------- */

struct owner_slot {
	char entity[33];
	files_can_read_fn fn;
};

static struct owner_slot owners[FILES_OWNERS_MAX];
static atomic_size_t nowners;	/* slots [0, nowners) are published and never change */
static pthread_mutex_t owners_mu = PTHREAD_MUTEX_INITIALIZER;

static int
valid_entity(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static files_can_read_fn
owner_fn(const char *entity)
{
	size_t n = atomic_load_explicit(&nowners, memory_order_acquire);

	for (size_t i = 0; entity && i < n; i++)
		if (strcmp(owners[i].entity, entity) == 0)
			return owners[i].fn;
	return NULL;
}

int
files_register_owner(const char *entity, files_can_read_fn fn)
{
	size_t n;
	int rc = 0;

	if (!valid_entity(entity) || !fn)
		return ERR_INVALID;
	pthread_mutex_lock(&owners_mu);
	n = atomic_load_explicit(&nowners, memory_order_relaxed);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(owners[i].entity, entity) == 0) {
			rc = owners[i].fn == fn ? 0 : ERR_CONFLICT;
			pthread_mutex_unlock(&owners_mu);
			return rc;
		}
	}
	if (n >= FILES_OWNERS_MAX) {
		rc = ERR_NOMEM;
	} else {
		snprintf(owners[n].entity, sizeof(owners[n].entity), "%s", entity);
		owners[n].fn = fn;
		atomic_store_explicit(&nowners, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&owners_mu);
	if (rc)
		log_msg(LOG_ERROR, LOG_MOD, "cannot register owner kind %s (%d)", entity, rc);
	return rc;
}

/* ---------- blob directory ---------- */

static char root[PATH_MAX];	/* "<data dir>/files"; set once by files_init */

const char *
files_root(void)
{
	return root;
}

static int
make_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	log_msg(LOG_ERROR, LOG_MOD, "cannot create %s: %s", path, strerror(errno));
	return err_set(e, ERR_UNAVAILABLE, NULL, "cannot create %s: %s", path, strerror(errno));
}

/* Remove temp files a crash left behind (old enough that no upload is still writing them). */
static void
sweep_tmp(void)
{
	char dir[PATH_MAX + 8], path[PATH_MAX + 300];
	DIR *d;
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);

	snprintf(dir, sizeof(dir), "%s/tmp", root);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > TMP_STALE_S &&
		    unlink(path) == 0)
			log_msg(LOG_INFO, LOG_MOD, "removed stale upload %s", path);
	}
	closedir(d);
}

int
files_init(const char *data_dir, struct err *e)
{
	char tmp[PATH_MAX + 8];
	int n;

	if (!data_dir || !*data_dir)
		return err_set(e, ERR_INVALID, "data", "data directory missing");
	n = snprintf(root, sizeof(root), "%s/files", data_dir);
	if (n < 0 || (size_t)n >= sizeof(root) - 80) {
		root[0] = '\0';
		return err_set(e, ERR_INVALID, "data", "data directory path too long");
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	if (make_dir(data_dir, e) || make_dir(root, e) || make_dir(tmp, e))
		return e->code;
	sweep_tmp();
	return 0;
}

static int
valid_hash(const char *h)
{
	size_t i = 0;

	for (; h && h[i]; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return i == 64;
}

/* <root>/ab/cdef... for hash; dir gets <root>/ab when non-NULL. */
static void
blob_path(const char *hash, char *path, size_t size, char *dir, size_t dsize)
{
	snprintf(path, size, "%s/%.2s/%s", root, hash, hash + 2);
	if (dir)
		snprintf(dir, dsize, "%s/%.2s", root, hash);
}

static int
io_fail(const char *what, const char *path, struct err *e)
{
	int saved = errno;

	log_msg(LOG_ERROR, LOG_MOD, "%s %s: %s", what, path, strerror(saved));
	return err_setx(e, ERR_UNAVAILABLE, "storage_unavailable", NULL, "附件存储暂不可用");
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
** Make sure the blob for hash holds data. Already there with the right size:
** nothing to do (deduplication). Otherwise temp file -> fsync -> rename ->
** fsync of the directory, so the name only ever points at complete bytes.
*/
static int
store_blob(const char *hash, const void *data, size_t len, struct err *e)
{
	char path[PATH_MAX + 80], dir[PATH_MAX + 8], tmp[PATH_MAX + 120], rnd[17];
	unsigned char r[8];
	struct stat st;
	int fd;

	if (!root[0])
		return err_setx(e, ERR_UNAVAILABLE, "storage_unavailable", NULL,
				"附件存储未配置");
	blob_path(hash, path, sizeof(path), dir, sizeof(dir));
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size == len)
		return 0;
	if (make_dir(dir, e))
		return err_setx(e, ERR_UNAVAILABLE, "storage_unavailable", NULL, "附件存储暂不可用");
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rnd, sizeof(rnd), r, sizeof(r));
	snprintf(tmp, sizeof(tmp), "%s/tmp/%.16s-%s.tmp", root, hash, rnd);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return io_fail("cannot create", tmp, e);
	if (write_all(fd, data, len) || fsync(fd)) {
		io_fail("cannot write", tmp, e);
		close(fd);
		unlink(tmp);
		return e->code;
	}
	if (close(fd)) {
		io_fail("cannot close", tmp, e);
		unlink(tmp);
		return e->code;
	}
	if (rename(tmp, path)) {
		io_fail("cannot rename to", path, e);
		unlink(tmp);
		return e->code;
	}
	if (fsync_dir(dir))
		return io_fail("cannot fsync", dir, e);
	return 0;
}

int
files_read(struct arena *a, const struct files_meta *m, const char **data, struct err *e)
{
	char path[PATH_MAX + 80];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd;

	*data = NULL;
	if (!valid_hash(m->hash) || m->size <= 0)
		return err_set(e, ERR_DB, NULL, "attachment %" PRId64 " has a bad hash", m->id);
	blob_path(m->hash, path, sizeof(path), NULL, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		log_msg(LOG_ERROR, LOG_MOD, "blob of attachment %" PRId64 " missing: %s", m->id, path);
		return err_set(e, ERR_DB, NULL, "blob missing");
	}
	if (fd < 0)
		return io_fail("cannot open", path, e);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size != m->size) {
		close(fd);
		log_msg(LOG_ERROR, LOG_MOD, "blob of attachment %" PRId64 " has the wrong size: %s",
			m->id, path);
		return err_set(e, ERR_DB, NULL, "blob size mismatch");
	}
	buf = arena_alloc(a, (size_t)m->size);
	if (!buf) {
		close(fd);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	while (got < (size_t)m->size) {
		ssize_t r = read(fd, buf + got, (size_t)m->size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			io_fail("cannot read", path, e);
			close(fd);
			return e->code;
		}
		got += (size_t)r;
	}
	close(fd);
	*data = buf;
	return 0;
}

/* ---------- file names ---------- */

/* Bidi overrides and isolates (U+202A..U+202E, U+2066..U+2069) disguise extensions. */
static int
has_bidi_control(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == 0xe2 && ((s[i + 1] == 0x80 && s[i + 2] >= 0xaa && s[i + 2] <= 0xae) ||
				     (s[i + 1] == 0x81 && s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9)))
			return 1;
	return 0;
}

/* Last path component of in, trimmed; checked; "file.<ext>" when nothing is left. */
static int
clean_filename(struct arena *a, const char *in, const struct ftype *t, const char **out,
	       struct err *e)
{
	const char *base = in ? in : "";
	size_t n;
	long chars;
	int dots_only = 1;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == ' ')
		base++;
	n = strlen(base);
	while (n > 0 && base[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)base[i];
		if (c < 0x20 || c == 0x7f)
			return err_setx(e, ERR_INVALID, "invalid", "filename", "文件名含有控制字符");
		if (c != '.')
			dots_only = 0;
	}
	if (n == 0 || dots_only) {
		*out = arena_printf(a, "file.%s", t->ext);
		return *out ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	chars = utf8_chars(base, n);
	if (chars < 0)
		return err_setx(e, ERR_INVALID, "invalid", "filename", "文件名不是有效的 UTF-8");
	if (chars > FILES_NAME_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "filename", "文件名不能超过 %d 个字符",
				FILES_NAME_MAX);
	if (has_bidi_control((const unsigned char *)base, n))
		return err_setx(e, ERR_INVALID, "invalid", "filename", "文件名含有方向控制字符");
	*out = arena_strndup(a, base, n);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
}

/* ---------- rows ---------- */

#define COLS "id, agency_id, content_hash, size, mime, filename, kind, owner_entity," \
	     " COALESCE(owner_id, 0), COALESCE(created_by, 0), created_at, updated_at"

static const char sql_insert[] =
	"INSERT INTO attachment (agency_id, content_hash, size, mime, filename, kind,"
	" owner_entity, owner_id, created_by, created_at, updated_at)"
	" VALUES (:agency, :hash, :size, :mime, :filename, :kind, NULL, NULL, :by, :now, :now)";
static const char sql_get[] = "SELECT " COLS " FROM attachment WHERE id = :id";
static const char sql_attach[] =
	"UPDATE attachment SET owner_entity = :entity, owner_id = :owner, updated_at = :now"
	" WHERE id = :id AND owner_entity IS NULL";
static const char sql_used[] =
	"SELECT COALESCE(SUM(size), 0) FROM attachment WHERE created_by = :me";
static const char sql_expired[] =
	"SELECT id, content_hash, size FROM attachment WHERE agency_id = :agency"
	" AND owner_entity IS NULL AND created_at < :before ORDER BY id LIMIT :limit";
static const char sql_delete[] = "DELETE FROM attachment WHERE id = :id AND owner_entity IS NULL";
static const char sql_hash_used[] = "SELECT 1 FROM attachment WHERE content_hash = :hash LIMIT 1";
static const char sql_list_owner[] =
	"SELECT " COLS " FROM attachment WHERE owner_entity = :entity AND owner_id = :owner"
	" AND agency_id = :agency ORDER BY id";

static void
meta_row(struct stmt *st, struct arena *a, void *item)
{
	struct files_meta *m = item;

	m->id = db_col_i64(st, 0);
	m->agency_id = db_col_i64(st, 1);
	m->hash = db_col_text(st, a, 2);
	m->size = db_col_i64(st, 3);
	m->mime = db_col_text(st, a, 4);
	m->filename = db_col_text(st, a, 5);
	m->kind = db_col_text(st, a, 6);
	m->owner_entity = db_col_text(st, a, 7);
	m->owner_id = db_col_i64(st, 8);
	m->created_by = db_col_i64(st, 9);
	m->created_at = db_col_i64(st, 10);
	m->updated_at = db_col_i64(st, 11);
}

/* Row id of any agency; ERR_NOT_FOUND when missing (callers check the agency). */
static int
load(struct db *db, struct arena *a, int64_t id, struct files_meta *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e);

	if (!rc)
		rc = db_bind_i64(&st, ":id", id, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc) {
		meta_row(&st, a, out);
		if (!out->hash || !out->mime || !out->filename || !out->kind)
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	db_finalize(&st);
	return rc;
}

json_t *
files_meta_json(const struct files_meta *m)
{
	char url[64];
	json_t *owner = m->owner_entity ?
		json_pack("{ss sI}", "entity", m->owner_entity, "id", (json_int_t)m->owner_id) :
		json_null();

	snprintf(url, sizeof(url), "/api/v1/attachments/%" PRId64 "/content", m->id);
	return json_pack("{sI ss sI ss ss ss so so so}", "id", (json_int_t)m->id, "filename",
			 m->filename, "size", (json_int_t)m->size, "mime", m->mime, "kind", m->kind,
			 "url", url, "owner", owner, "created_by", jid_or_null(m->created_by),
			 "created_at", jtime(m->created_at));
}

/* ---------- store, read, attach ---------- */

/*
** Refuse an upload that would take who's uploads past FILES_USER_QUOTA
** (every row they created counts, attached or not: a duplicate costs its
** size again, so the quota never depends on what others uploaded).
*/
static int
quota_check(struct db *db, const struct actor *who, size_t len, struct err *e)
{
	struct stmt st = { 0 };
	int64_t used = 0;
	int rc = db_prepare(db, &st, sql_used, e) || db_bind_i64(&st, ":me", who->id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		used = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc)
		return rc;
	if (used < 0 || (uint64_t)used + len > (uint64_t)FILES_USER_QUOTA)
		return err_setx(e, ERR_TOO_LARGE, "quota_exceeded", "file",
				"您的附件空间已满（上限 %lld MB，已用 %lld MB），无法再上传",
				(long long)(FILES_USER_QUOTA / MIB), (long long)(used / MIB));
	return 0;
}

int
files_store(struct db *db, struct arena *a, const struct actor *who, const char *kind,
	    const char *filename, const void *data, size_t len, struct files_meta *out,
	    struct err *e)
{
	const struct files_kind *k = files_kind(kind);
	const struct ftype *ft;
	unsigned char h[32];
	char hex[65];
	unsigned type;
	const char *mime, *name;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!k)
		return err_set(e, ERR_INVALID, "kind", "附件类别应为 photo 或 document");
	if (!who || who->agency_id <= 0)
		return err_set(e, ERR_INVALID, NULL, "upload needs an actor with an agency");
	if (len == 0)
		return err_setx(e, ERR_INVALID, "empty_file", "file", "文件为空");
	if (len > k->max_bytes)
		return err_setx(e, ERR_TOO_LARGE, "too_large", "file", "%s不能超过 %zu MB", k->label,
				k->max_bytes / MIB);
	mime = files_sniff(data, len, &type);
	if (!mime || !(type & k->types)) {
		ft = mime ? ftype_of(type) : NULL;
		return err_setx(e, ERR_UNSUPPORTED, "unsupported_media_type", "file",
				"%s只接受%s（收到的是%s）", k->label, k->accepts,
				ft ? ft->label : "无法识别的格式");
	}
	ft = ftype_of(type);
	if (clean_filename(a, filename, ft, &name, e))
		return e->code;
	if (quota_check(db, who, len, e))
		return e->code;
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (store_blob(hex, data, len, e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e);
	if (!rc)
		rc = db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_text(&st, ":hash", hex, e) ||
		     db_bind_i64(&st, ":size", (int64_t)len, e) ||
		     db_bind_text(&st, ":mime", mime, e) || db_bind_text(&st, ":filename", name, e) ||
		     db_bind_text(&st, ":kind", k->name, e) ||
		     db_bind_id_or_null(&st, ":by", who->id, e) ||
		     db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = load(db, a, db_last_id(db), out, e);
	if (!rc)
		rc = aud_record(db, who, "create", "attachment", out->id, NULL,
				jarena(a, files_meta_json(out)), e);
	return rc;
}

/* 1 if who may read m, 0 if not, negative on a callback failure. */
static int
visible(struct db *db, const struct actor *who, const struct files_meta *m, struct err *e)
{
	files_can_read_fn fn;
	int ok;

	if (!who || m->agency_id != who->agency_id)
		return 0;
	if (who->id > 0 && m->created_by == who->id)
		return 1;
	if (actor_has(who, ROLE_SUPERVISOR))
		return 1;
	if (!m->owner_entity)
		return 0;
	fn = owner_fn(m->owner_entity);
	if (!fn) {
		log_msg(LOG_WARN, LOG_MOD, "attachment %" PRId64 ": owner kind %s not registered",
			m->id, m->owner_entity);
		return 0;
	}
	ok = fn(db, who, m->owner_id);
	if (ok < 0)
		return err_set(e, ERR_DB, NULL, "can_read of %s failed (%d)", m->owner_entity, ok);
	return ok > 0;
}

int
files_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	  struct files_meta *out, struct err *e)
{
	int rc = load(db, a, id, out, e);

	if (!rc) {
		rc = visible(db, who, out, e);
		if (rc == 0)
			rc = ERR_NOT_FOUND;
	}
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "附件不存在");
	return rc < 0 ? rc : 0;
}

static json_t *
owner_json(const char *entity, int64_t id)
{
	return json_pack("{so}", "owner", entity ? json_pack("{ss sI}", "entity", entity, "id",
							     (json_int_t)id) : json_null());
}

static int
attach(struct db *db, struct arena *a, const struct actor *who, int64_t id, const char *kind,
       const char *entity, int64_t owner_id, struct err *e)
{
	struct files_meta m;
	struct stmt st = { 0 };
	json_t *before, *after;
	int rc;

	if (owner_id <= 0)
		return err_set(e, ERR_INVALID, NULL, "owner id must be positive");
	if (!owner_fn(entity))
		return err_set(e, ERR_DB, NULL, "owner kind %s not registered", entity ? entity : "");
	rc = load(db, a, id, &m, e);
	if (rc == ERR_NOT_FOUND || (!rc && (!who || m.agency_id != who->agency_id)))
		return err_setx(e, ERR_NOT_FOUND, "attachment_not_found", NULL, "附件 %" PRId64 " 不存在",
				id);
	if (rc)
		return rc;
	if (who->id <= 0 || m.created_by != who->id)
		return err_setx(e, ERR_FORBIDDEN, "not_uploader", NULL, "只能关联自己上传的附件");
	if (kind && strcmp(m.kind, kind) != 0) {
		const struct files_kind *k = files_kind(kind);
		return err_setx(e, ERR_RULE, "wrong_kind", NULL, "附件「%s」不是%s", m.filename,
				k ? k->label : kind);
	}
	if (m.owner_entity) {
		if (strcmp(m.owner_entity, entity) == 0 && m.owner_id == owner_id)
			return 0;
		return err_setx(e, ERR_CONFLICT, "already_attached", NULL,
				"附件「%s」已关联到其他记录", m.filename);
	}
	/* files_expire may already have removed its blob: never attach it */
	if (m.created_at < now_ms() - FILES_UNATTACHED_MS)
		return err_setx(e, ERR_RULE, "attachment_expired", NULL,
				"附件「%s」上传已超过一天未使用，已失效，请重新上传", m.filename);
	rc = db_prepare(db, &st, sql_attach, e);
	if (!rc)
		rc = db_bind_text(&st, ":entity", entity, e) ||
		     db_bind_i64(&st, ":owner", owner_id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		rc = err_setx(e, ERR_CONFLICT, "already_attached", NULL, "附件已关联到其他记录");
	if (rc)
		return rc;
	before = jarena(a, owner_json(NULL, 0));
	after = jarena(a, owner_json(entity, owner_id));
	return aud_record(db, who, "attach", "attachment", id, before, after, e);
}

int
files_attach_kind(struct db *db, const struct actor *who, int64_t id, const char *kind,
		  const char *entity, int64_t owner_id, struct err *e)
{
	struct arena *a = arena_new(2048);
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = attach(db, a, who, id, kind, entity, owner_id, e);
	arena_free(a);
	return rc;
}

int
files_attach(struct db *db, const struct actor *who, int64_t id, const char *entity,
	     int64_t owner_id, struct err *e)
{
	return files_attach_kind(db, who, id, NULL, entity, owner_id, e);
}

int
files_attach_all(struct db *db, const struct actor *who, const int64_t *ids, size_t n,
		 const char *entity, int64_t owner_id, const char *field, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (files_attach(db, who, ids[i], entity, owner_id, e)) {
			if (e->code == ERR_DB || e->code == ERR_NOMEM || e->code == ERR_UNAVAILABLE)
				return e->code;
			return err_setx(e, ERR_INVALID, "invalid", field, "附件 #%lld 不存在或不是您上传的",
					(long long)ids[i]);
		}
	return 0;
}

int
files_list_owner(struct db *db, struct arena *a, const struct actor *who, const char *entity,
		 int64_t owner_id, struct files_meta **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list_owner, e) ||
		 db_bind_text(&st, ":entity", entity, e) || db_bind_i64(&st, ":owner", owner_id, e) ||
		 db_bind_i64(&st, ":agency", who ? who->agency_id : 0, e) ||
		 db_read_rows(&st, a, sizeof(**items), meta_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* ---------- expiry ---------- */

struct gone {
	int64_t id, size;
	const char *hash;
};

static int
expired_rows(struct db *db, struct arena *a, int64_t agency, int64_t before, struct gone **out,
	     size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*out = arena_array(a, FILES_EXPIRE_BATCH, sizeof(**out));
	if (!*out)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_expired, e) || db_bind_i64(&st, ":agency", agency, e) ||
	     db_bind_i64(&st, ":before", before, e) ||
	     db_bind_i64(&st, ":limit", FILES_EXPIRE_BATCH, e) ? e->code : 0;
	while (!rc && *n < FILES_EXPIRE_BATCH && (rc = db_step(&st, e)) == 1) {
		struct gone *g = &(*out)[(*n)++];
		g->id = db_col_i64(&st, 0);
		g->hash = db_col_text(&st, a, 1);
		g->size = db_col_i64(&st, 2);
		rc = g->hash ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* Delete row g (this transaction), then its blob when no row is left using it. */
static int
drop(struct db *db, const struct gone *g, struct err *e)
{
	char path[PATH_MAX + 80];
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_delete, e) || db_bind_i64(&st, ":id", g->id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_hash_used, e) ||
		     db_bind_text(&st, ":hash", g->hash, e) ? e->code : db_step(&st, e);
	db_finalize(&st);
	if (rc != 0 || !valid_hash(g->hash) || !root[0])
		return rc < 0 ? rc : 0;	/* still used (rc 1): keep the blob */
	blob_path(g->hash, path, sizeof(path), NULL, 0);
	if (unlink(path) && errno != ENOENT)
		return io_fail("cannot remove", path, e);
	return 0;
}

int
files_expire(struct db *db, int64_t agency, int64_t now, int *done, struct err *e)
{
	struct arena *a = arena_new(16384);
	struct gone *g = NULL;
	json_t *ids, *after;
	int64_t bytes = 0;
	size_t n = 0;
	int rc;

	assert(db_in_tx(db));
	*done = 0;
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = expired_rows(db, a, agency, now - FILES_UNATTACHED_MS, &g, &n, e);
	ids = json_array();
	for (size_t i = 0; !rc && i < n; i++) {
		rc = drop(db, &g[i], e);
		bytes += g[i].size;
		json_array_append_new(ids, json_integer(g[i].id));
	}
	if (!rc && n > 0) {
		after = json_pack("{sI sI so}", "count", (json_int_t)n, "bytes", (json_int_t)bytes,
				  "ids", json_incref(ids));
		rc = !after ? err_set(e, ERR_NOMEM, NULL, "out of memory")
			    : aud_record_raw(db, 0, agency, NULL, "expire", "attachment", 0, NULL,
					     after, e);
		json_decref(after);
	}
	json_decref(ids);
	arena_free(a);
	if (!rc)
		*done = (int)n;
	return rc;
}

/* ---------- orphan blobs ---------- */

/*
** A rolled-back upload leaves its blob behind (files_store writes it before
** the row). Each run looks at one of the 256 blob directories, the one for
** this minute, so the whole store is walked every 256 minutes at the cost of
** one small directory a minute; the first agency's run of a minute does it.
*/
static atomic_llong swept_minute = -1;

static int
sweep_one(struct db *db, const char *dir, const char *name, int64_t before, int *done,
	  struct err *e)
{
	char path[PATH_MAX + 300], hash[65];
	struct stat st;
	int rc;

	if (strlen(name) != 62 || snprintf(hash, sizeof(hash), "%.2s%s", dir + strlen(dir) - 2,
					   name) != 64 || !valid_hash(hash))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) || !S_ISREG(st.st_mode) || (int64_t)st.st_mtime * 1000 >= before)
		return 0;
	{
		struct stmt q = { 0 };
		rc = db_prepare(db, &q, sql_hash_used, e) || db_bind_text(&q, ":hash", hash, e)
			     ? e->code : db_step(&q, e);
		db_finalize(&q);
	}
	if (rc != 0)
		return rc < 0 ? rc : 0;	/* a row uses it */
	if (unlink(path) && errno != ENOENT)
		return io_fail("cannot remove", path, e);
	(*done)++;
	return 0;
}

int
files_sweep_orphans(struct db *db, int64_t agency, int64_t now, int *done, struct err *e)
{
	long long minute = (long long)(now / MINUTE_MS), seen = atomic_load(&swept_minute);
	char dir[PATH_MAX + 8];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	assert(db_in_tx(db));
	*done = 0;
	if (!root[0] || seen == minute ||
	    !atomic_compare_exchange_strong(&swept_minute, &seen, minute))
		return 0;
	snprintf(dir, sizeof(dir), "%s/%02llx", root, minute % 256);
	d = opendir(dir);
	if (!d)
		return 0;	/* no blob of that prefix yet */
	while (!rc && (de = readdir(d)))
		rc = sweep_one(db, dir, de->d_name, now - FILES_UNATTACHED_MS, done, e);
	closedir(d);
	if (!rc && *done > 0) {
		json_t *after = json_pack("{sI ss}", "count", (json_int_t)*done, "dir",
					  dir + strlen(root) + 1);
		rc = !after ? err_set(e, ERR_NOMEM, NULL, "out of memory")
			    : aud_record_raw(db, 0, agency, NULL, "sweep", "attachment", 0, NULL,
					     after, e);
		json_decref(after);
	}
	return rc;
}
