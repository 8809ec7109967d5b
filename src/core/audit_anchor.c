/*
** core/audit_anchor.c: the audit key (a file outside the database), the keys
** derived from it (the chain's MAC key, the Ed25519 checkpoint keypair),
** signed checkpoints appended to the anchor file, and the full verification
** that puts the walk (core/audit.c) and the anchor file together.
**
** Anchor lines (one per checkpoint, signed over everything before " sig="),
** v2 for all chains' heads, v1 for the legacy chain's: see core/audit.h.
** chain= is the start of the oldest row's hash, so databases sharing a
** directory (and so a key and an anchor file) keep apart.
*/
#include "core/audit.h"
#include "core/audit_int.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/parse.h"
#include "db/db.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define KDF_CONTEXT "hqaudit1"	/* crypto_kdf_CONTEXTBYTES = 8 */
#define KDF_MAC_ID 1
#define KDF_SIGN_ID 2
#define KEY_FILE_MAX 256	/* bytes read from the key file */
#define CHAIN_ID_HEX 16
#define ANCHOR_PATH_MAX 1024
#define ANCHOR_FILE_MAX (256 * 1024 * 1024)	/* ~800k checkpoints: centuries of daily ones */
#define HEADS_MAX (4 * 1024 * 1024)	/* a v2 line's heads= (some 100k chains) */
#define LINE_FIXED 400			/* a line without its heads= */

struct aud_keys aud_keys;
static char anchor_path[ANCHOR_PATH_MAX];
static int anchor_syslog;

/* ---------- the key ---------- */

void
aud_key_set(const unsigned char secret[AUD_KEY_BYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	if (sodium_init() < 0)	/* idempotent; tests may not have called it */
		return;
	crypto_kdf_derive_from_key(aud_keys.mac, sizeof(aud_keys.mac), KDF_MAC_ID, KDF_CONTEXT,
				   secret);
	crypto_kdf_derive_from_key(seed, sizeof(seed), KDF_SIGN_ID, KDF_CONTEXT, secret);
	crypto_sign_seed_keypair(aud_keys.pk, aud_keys.sk, seed);
	sodium_memzero(seed, sizeof(seed));
	aud_keys.loaded = 1;
}

void
aud_key_clear(void)
{
	sodium_memzero(&aud_keys, sizeof(aud_keys));
}

int
aud_key_loaded(void)
{
	return aud_keys.loaded;
}

void
aud_public_key_hex(char out[65])
{
	sodium_bin2hex(out, 65, aud_keys.pk, sizeof(aud_keys.pk));
}

/* A new secret in a new file (never over an existing one). */
static int
key_create(const char *path, struct err *e)
{
	unsigned char secret[AUD_KEY_BYTES];
	char hex[2 * AUD_KEY_BYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return err_set(e, ERR_DB, NULL, "cannot create the audit key %s: %s", path,
			       strerror(errno));
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(hex, sizeof(hex) - 1, secret, sizeof(secret));
	hex[2 * AUD_KEY_BYTES] = '\n';
	n = write(fd, hex, 2 * AUD_KEY_BYTES + 1);
	if (n != 2 * AUD_KEY_BYTES + 1 || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return err_set(e, ERR_DB, NULL, "cannot write the audit key %s", path);
	}
	close(fd);
	aud_key_set(secret);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(hex, sizeof(hex));
	return 0;
}

/* Read the secret from an open key file: regular, 0600 or stricter, 64 hex digits. */
static int
key_read(int fd, const char *path, struct err *e)
{
	unsigned char secret[AUD_KEY_BYTES];
	char text[KEY_FILE_MAX + 1];
	struct stat sb;
	size_t bin = 0;
	ssize_t n;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return err_set(e, ERR_DB, NULL, "audit key %s is not a regular file", path);
	if (sb.st_mode & 077)
		return err_set(e, ERR_DB, NULL,
			       "audit key %s is readable by others: chmod 600 it", path);
	n = read(fd, text, KEY_FILE_MAX);
	if (n < 0)
		return err_set(e, ERR_DB, NULL, "cannot read the audit key %s", path);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	text[n] = '\0';
	if (n != 2 * AUD_KEY_BYTES ||
	    sodium_hex2bin(secret, sizeof(secret), text, (size_t)n, NULL, &bin, NULL) != 0 ||
	    bin != sizeof(secret))
		return err_set(e, ERR_DB, NULL, "audit key %s is malformed (want 64 hex digits)",
			       path);
	aud_key_set(secret);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(text, sizeof(text));
	return 0;
}

int
aud_key_load(const char *path, int create, int *created, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	*created = 0;
	if (fd < 0 && errno == ENOENT && create) {
		*created = 1;
		return key_create(path, e);
	}
	if (fd < 0)
		return err_set(e, ERR_DB, NULL, "cannot open the audit key %s: %s", path,
			       strerror(errno));
	rc = key_read(fd, path, e);
	close(fd);
	return rc;
}

/* ---------- the anchor file ---------- */

void
aud_anchor_set(const char *path, int use_syslog)
{
	snprintf(anchor_path, sizeof(anchor_path), "%s", path ? path : "");
	anchor_syslog = use_syslog;
}

const char *
aud_anchor_path(void)
{
	return anchor_path[0] ? anchor_path : NULL;
}

int
aud_anchor_read(char **text, struct err *e)
{
	int fd = aud_anchor_path() ? open(anchor_path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat sb;
	char *p = NULL;
	ssize_t n = 0;

	*text = NULL;
	if (fd < 0)
		return !aud_anchor_path() || errno == ENOENT
			       ? 0 : err_set(e, ERR_DB, NULL, "cannot open the anchor file %s: %s",
					     anchor_path, strerror(errno));
	if (fstat(fd, &sb) == 0 && sb.st_size >= 0 && sb.st_size <= ANCHOR_FILE_MAX)
		p = malloc((size_t)sb.st_size + 1);
	for (ssize_t got = 1; p && n < sb.st_size && got > 0; n += got > 0 ? got : 0)
		got = read(fd, p + n, (size_t)(sb.st_size - n));
	close(fd);
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "cannot read the anchor file %s", anchor_path);
	p[n] = '\0';
	*text = p;
	return 0;
}

int
aud_anchor_has(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && n && (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* One line + '\n' in a single O_APPEND write, on disk before the transaction commits. */
static int
anchor_append(const char *line, struct err *e)
{
	size_t n = strlen(line) + 1;
	char *buf = malloc(n);
	int fd = buf ? open(anchor_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;

	if (fd < 0) {
		free(buf);
		return err_set(e, ERR_DB, NULL, "cannot open the anchor file %s: %s", anchor_path,
			       buf ? strerror(errno) : "out of memory");
	}
	memcpy(buf, line, n - 1);
	buf[n - 1] = '\n';
	if (write(fd, buf, n) != (ssize_t)n || fsync(fd) != 0) {
		free(buf);
		close(fd);
		return err_set(e, ERR_DB, NULL, "cannot append to the anchor file %s", anchor_path);
	}
	free(buf);
	close(fd);
	if (anchor_syslog)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", line);
	return 0;
}

/* ---------- checkpoints ---------- */

static const char sql_legacy_head[] =
	"SELECT id, hash FROM audit_log WHERE chain IS NULL ORDER BY id DESC LIMIT 1";
static const char sql_heads[] =
	"SELECT a.chain, a.position, a.hash FROM audit_log a JOIN"
	" (SELECT chain, MAX(position) AS top FROM audit_log WHERE chain IS NOT NULL"
	" GROUP BY chain) h ON a.chain = h.chain AND a.position = h.top ORDER BY a.chain";
static const char sql_newest[] = "SELECT COALESCE(MAX(id), 0) FROM audit_log";
static const char sql_first[] = "SELECT hash FROM audit_log ORDER BY id LIMIT 1";
static const char sql_cp_insert[] =
	"INSERT INTO audit_checkpoint (at, head_id, head_hash, signature, line)"
	" VALUES (:at, :head_id, :head_hash, :sig, :line)";
static const char sql_cp_last[] = "SELECT MAX(at) FROM audit_checkpoint";
static const char sql_cp_lines[] = "SELECT head_id, line FROM audit_checkpoint ORDER BY id";

/* The database's id (the oldest row's hash, shortened); "" when the log is empty. */
static int
chain_id(struct db *db, char out[CHAIN_ID_HEX + 1], struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_first, e);

	out[0] = '\0';
	if (!rc)
		rc = db_step(&st, e);
	if (rc == 1) {
		const char *h = db_col_peek(&st, 0, NULL);
		snprintf(out, CHAIN_ID_HEX + 1, "%s", h ? h : "");
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

/* The legacy chain's head into cp (a v1 checkpoint); ERR_RULE when there is none either. */
static int
legacy_head(struct db *db, struct aud_checkpoint *cp, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_legacy_head, e);

	if (!rc)
		rc = db_step(&st, e);
	if (rc == 1) {
		const char *h = db_col_peek(&st, 1, NULL);
		cp->head_id = db_col_i64(&st, 0);
		snprintf(cp->head_hash, sizeof(cp->head_hash), "%s", h ? h : "");
		rc = 0;
	} else if (rc == 0) {
		rc = err_setx(e, ERR_RULE, "audit_empty", NULL, "audit chain is empty");
	}
	db_finalize(&st);
	return rc;
}

/* Add "<chain>:<position>:<hash>\n" to the heads' digest. */
static void
digest_add(crypto_generichash_state *d, int64_t chain, int64_t position, const char *hash)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 ":%s\n", chain, position, hash);

	crypto_generichash_update(d, (const unsigned char *)line, (size_t)n);
}

static void
digest_hex(crypto_generichash_state *d, char out[65])
{
	unsigned char h[32];

	crypto_generichash_final(d, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Every chain's head: "c:p,..." into heads, their digest into cp->head_hash, cp->chains. */
static int
chain_heads(struct db *db, struct aud_checkpoint *cp, struct buf *heads, struct err *e)
{
	crypto_generichash_state d;
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_heads, e);

	crypto_generichash_init(&d, NULL, 0, 32);
	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t chain = db_col_i64(&st, 0), pos = db_col_i64(&st, 1);
		const char *h = db_col_peek(&st, 2, NULL);
		rc = buf_printf(heads, "%s%" PRId64 ":%" PRId64, cp->chains ? "," : "", chain, pos)
			     ? err_set(e, ERR_NOMEM, NULL, "too many audit chains to sign") : 0;
		digest_add(&d, chain, pos, h ? h : "");
		cp->chains++;
	}
	db_finalize(&st);
	digest_hex(&d, cp->head_hash);
	if (!rc)
		rc = db_prepare(db, &st, sql_newest, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		cp->head_id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* Fill cp's line (v2 with heads, else v1) and signature for its heads and time. */
static int
sign_line(struct db *db, struct aud_checkpoint *cp, const char *heads, struct err *e)
{
	unsigned char sig[crypto_sign_BYTES];
	char chain[CHAIN_ID_HEX + 1];
	size_t size = LINE_FIXED + strlen(heads);
	int n;

	if (chain_id(db, chain, e))
		return e->code;
	cp->line = malloc(size);
	if (!cp->line)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (cp->chains)
		n = snprintf(cp->line, size,
			     "houqin-audit v2 chain=%s head_id=%" PRId64 " chains=%" PRId64
			     " heads=%s digest=%s at=%" PRId64, chain, cp->head_id, cp->chains,
			     heads, cp->head_hash, cp->at);
	else
		n = snprintf(cp->line, size,
			     "houqin-audit v1 chain=%s head_id=%" PRId64 " head_hash=%s at=%" PRId64,
			     chain, cp->head_id, cp->head_hash, cp->at);
	crypto_sign_detached(sig, NULL, (const unsigned char *)cp->line, (size_t)n, aud_keys.sk);
	sodium_bin2hex(cp->signature, sizeof(cp->signature), sig, sizeof(sig));
	snprintf(cp->line + n, size - (size_t)n, " sig=%s", cp->signature);
	return 0;
}

static int
cp_insert(struct db *db, struct aud_checkpoint *cp, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cp_insert, e) || db_bind_i64(&st, ":at", cp->at, e) ||
		 db_bind_i64(&st, ":head_id", cp->head_id, e) ||
		 db_bind_text(&st, ":head_hash", cp->head_hash, e) ||
		 db_bind_text(&st, ":sig", cp->signature, e) ||
		 db_bind_text(&st, ":line", cp->line, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	cp->id = rc ? 0 : db_last_id(db);
	return rc;
}

void
aud_checkpoint_free(struct aud_checkpoint *cp)
{
	free(cp->line);
	cp->line = NULL;
}

/* The heads to sign: every chain's, or the legacy chain's while there are no chains. */
static int
heads_to_sign(struct db *db, struct aud_checkpoint *cp, struct err *e)
{
	struct buf heads = BUF_INIT(HEADS_MAX);
	int rc = chain_heads(db, cp, &heads, e);

	if (!rc && !cp->chains)
		rc = legacy_head(db, cp, e);
	if (!rc)
		rc = sign_line(db, cp, heads.p ? heads.p : "", e);
	buf_free(&heads);
	return rc;
}

int
aud_checkpoint(struct db *db, int64_t now, struct aud_checkpoint *cp, struct err *e)
{
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	memset(cp, 0, sizeof(*cp));
	cp->at = now;
	if (!aud_keys.loaded)
		return err_setx(e, ERR_DB, "audit_key", NULL, "audit key not loaded");
	if (!aud_anchor_path())
		return err_setx(e, ERR_RULE, "no_anchor", NULL, "no audit anchor file configured");
	/* the file first: a line for committed heads stays true even if this tx rolls back */
	if (heads_to_sign(db, cp, e) || anchor_append(cp->line, e) || cp_insert(db, cp, e))
		return e->code;
	after = json_pack("{sI ss sI}", "head_id", (json_int_t)cp->head_id, "head_hash",
			  cp->head_hash, "chains", (json_int_t)cp->chains);
	rc = after ? aud_record_raw(db, 0, 0, NULL, "checkpoint", "audit_checkpoint", cp->id, NULL,
				    after, e)
		   : err_set(e, ERR_NOMEM, NULL, "out of memory");
	json_decref(after);
	return rc;
}

int
aud_checkpoint_if_due(struct db *db, int64_t now, int *done, struct err *e)
{
	struct aud_checkpoint cp;
	struct stmt st = { 0 };
	int64_t last = 0;
	int rc;

	*done = 0;
	if (!aud_anchor_path() || !aud_keys.loaded)
		return 0;	/* a server without an anchor (tests) has nothing to append to */
	rc = db_prepare(db, &st, sql_cp_last, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		last = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || (last && now - last < AUD_CHECKPOINT_EVERY_MS))
		return rc;
	rc = aud_checkpoint(db, now, &cp, e);
	aud_checkpoint_free(&cp);
	if (rc == ERR_RULE) {	/* empty chain: nothing to anchor yet */
		err_clear(e);
		return 0;
	}
	*done = !rc;
	return rc;
}

/* ---------- verification against the anchor file ---------- */

/* The value of " key=" in line[0..n): *v and *len; 0 if present. */
static int
field_span(const char *line, size_t n, const char *key, const char **v, size_t *len)
{
	char pat[32];
	const char *p, *end;
	size_t klen = (size_t)snprintf(pat, sizeof(pat), " %s=", key);

	for (p = line; (p = strstr(p, pat)) && p < line + n; p++) {
		p += klen;
		end = memchr(p, ' ', (size_t)(line + n - p));
		*v = p;
		*len = (size_t)((end ? end : line + n) - p);
		return 0;
	}
	return -1;
}

/* The value of " key=" in line[0..n), copied to out (size bytes); 0 if present and fits. */
static int
field(const char *line, size_t n, const char *key, char *out, size_t size)
{
	const char *v;
	size_t len;

	if (field_span(line, n, key, &v, &len) || len >= size)
		return -1;
	memcpy(out, v, len);
	out[len] = '\0';
	return 0;
}

static int
add_v1(struct aud_cps *cps, const struct aud_cp *cp)
{
	struct aud_cp *v = realloc(cps->v, (cps->n + 1) * sizeof(*v));

	if (!v)
		return 1;
	cps->v = v;
	cps->v[cps->n++] = *cp;
	return 0;
}

/* "c:p,c:p,..." of a v2 line into cps->h for checkpoint index cp; 0 ok, 1 malformed. */
static int
add_heads(struct aud_cps *cps, const char *s, size_t n, size_t cp)
{
	char item[64], c[24];
	int64_t chain, pos;

	while (n) {
		const char *comma = memchr(s, ',', n), *colon;
		size_t len = comma ? (size_t)(comma - s) : n;
		if (len >= sizeof(item))
			return 1;
		memcpy(item, s, len);
		item[len] = '\0';
		colon = strchr(item, ':');
		if (!colon || (size_t)(colon - item) >= sizeof(c))
			return 1;
		memcpy(c, item, (size_t)(colon - item));
		c[colon - item] = '\0';
		if (parse_i64(c, 0, INT64_MAX, &chain) || parse_i64(colon + 1, 1, INT64_MAX, &pos))
			return 1;
		struct aud_head *h = realloc(cps->h, (cps->nh + 1) * sizeof(*h));
		if (!h)
			return 1;
		cps->h = h;
		cps->h[cps->nh++] = (struct aud_head){ .chain = chain, .position = pos, .cp = cp };
		s += len + (comma ? 1 : 0);
		n -= len + (comma ? 1 : 0);
	}
	return 0;
}

/* A v2 line's checkpoint (line[0..n) without the signature): digest and heads. 0 ok, 1 bad. */
static int
add_v2(struct aud_cps *cps, const char *line, size_t n, int64_t head_id)
{
	struct aud_cp2 *v = realloc(cps->v2, (cps->n2 + 1) * sizeof(*v));
	const char *heads;
	size_t len;

	if (!v)
		return 1;
	cps->v2 = v;
	v = &cps->v2[cps->n2];
	v->head_id = head_id;
	if (field(line, n, "digest", v->digest, sizeof(v->digest)) ||
	    field_span(line, n, "heads", &heads, &len) || add_heads(cps, heads, len, cps->n2))
		return 1;
	cps->n2++;
	return 0;
}

/* Check one line's signature and, if it is this database's, add its checkpoint. 0 ok, 1 bad. */
static int
anchor_line(const char *line, size_t n, const char *chain, struct aud_cps *cps)
{
	unsigned char sig[crypto_sign_BYTES];
	const char *s = NULL;
	char hex[2 * crypto_sign_BYTES + 1], ch[CHAIN_ID_HEX + 1], id[24];
	struct aud_cp cp;
	size_t bin = 0;
	int v2 = strncmp(line, "houqin-audit v2 ", 16) == 0;

	for (const char *p = line; (p = strstr(p, " sig=")) && p < line + n; p++)
		s = p;
	if (!s || field(s, (size_t)(line + n - s), "sig", hex, sizeof(hex)) ||
	    sodium_hex2bin(sig, sizeof(sig), hex, strlen(hex), NULL, &bin, NULL) ||
	    bin != sizeof(sig) ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)line, (size_t)(s - line),
					aud_keys.pk) != 0)
		return 1;
	if (field(line, (size_t)(s - line), "chain", ch, sizeof(ch)) ||
	    field(line, (size_t)(s - line), "head_id", id, sizeof(id)) ||
	    parse_i64(id, 1, INT64_MAX, &cp.head_id))
		return 1;
	if (strcmp(ch, chain) != 0)
		return 0;
	if (v2)
		return add_v2(cps, line, (size_t)(s - line), cp.head_id);
	return field(line, (size_t)(s - line), "head_hash", cp.head_hash, sizeof(cp.head_hash)) ||
	       add_v1(cps, &cp);
}

static int
cp_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct aud_cp *)a)->head_id, y = ((const struct aud_cp *)b)->head_id;

	return x < y ? -1 : x > y;
}

/* By chain, then position: the order the walk meets a chain's heads in. */
static int
head_cmp(const void *a, const void *b)
{
	const struct aud_head *x = a, *y = b;

	if (x->chain != y->chain)
		return x->chain < y->chain ? -1 : 1;
	return x->position < y->position ? -1 : x->position > y->position;
}

/* By checkpoint, then chain: the order of a line's digest. */
static int
head_cp_cmp(const void *a, const void *b)
{
	const struct aud_head *x = a, *y = b;

	if (x->cp != y->cp)
		return x->cp < y->cp ? -1 : 1;
	return x->chain < y->chain ? -1 : x->chain > y->chain;
}

/* Every line of text: signature, then this database's checkpoints into cps (sorted). */
static void
anchor_parse(const char *text, const char *chain, struct aud_cps *cps, struct aud_report *r)
{
	int64_t no = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		no++;
		if (n && anchor_line(p, n, chain, cps)) {
			r->problem = AUD_CP_BAD_SIG;
			r->line = no;
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (cps->n)
		qsort(cps->v, cps->n, sizeof(cps->v[0]), cp_cmp);
	if (cps->nh)
		qsort(cps->h, cps->nh, sizeof(cps->h[0]), head_cmp);
	r->last_cp_id = cps->n ? cps->v[cps->n - 1].head_id : 0;
	for (size_t i = 0; i < cps->n2; i++)
		if (cps->v2[i].head_id > r->last_cp_id)
			r->last_cp_id = cps->v2[i].head_id;
}

/* After the walk met every head: each v2 checkpoint's digest over the hashes it found. */
static void
digests_match(struct aud_cps *cps, struct aud_report *r)
{
	size_t i = 0;

	if (cps->nh)
		qsort(cps->h, cps->nh, sizeof(cps->h[0]), head_cp_cmp);
	for (size_t cp = 0; cp < cps->n2; cp++) {
		crypto_generichash_state d;
		char hex[65];
		crypto_generichash_init(&d, NULL, 0, 32);
		for (; i < cps->nh && cps->h[i].cp == cp; i++)
			digest_add(&d, cps->h[i].chain, cps->h[i].position, cps->h[i].hash);
		digest_hex(&d, hex);
		if (strcmp(hex, cps->v2[cp].digest) != 0) {
			r->problem = AUD_CP_MISMATCH;
			r->bad_id = cps->v2[cp].head_id;
			return;
		}
	}
}

/* Each checkpoint the database holds must be a line of the anchor file. */
static int
db_cps_in_file(struct db *db, const char *text, struct aud_report *r, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cp_lines, e);

	while (!rc && (rc = db_step(&st, e)) == 1) {
		const char *line = db_col_peek(&st, 1, NULL);
		rc = 0;
		if (!line || !aud_anchor_has(text, line)) {
			r->problem = AUD_CP_MISSING;
			r->bad_id = db_col_i64(&st, 0);
			break;
		}
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
aud_verify_report(struct db *db, struct aud_report *r, struct err *e)
{
	struct aud_cps cps = { 0 };
	char chain[CHAIN_ID_HEX + 1], *text = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!aud_keys.loaded)
		return err_setx(e, ERR_DB, "audit_key", NULL, "audit key not loaded");
	rc = chain_id(db, chain, e) || aud_anchor_read(&text, e) ? e->code : 0;
	if (!rc && text)
		anchor_parse(text, chain, &cps, r);
	if (!rc && !r->problem)
		rc = aud_walk(db, &cps, r, e);
	if (!rc && !r->problem)
		digests_match(&cps, r);
	if (!rc && !r->problem && aud_anchor_path())
		rc = db_cps_in_file(db, text ? text : "", r, e);
	free(cps.v);
	free(cps.v2);
	free(cps.h);
	free(text);
	return rc;
}
