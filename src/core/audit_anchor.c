/*
** core/audit_anchor.c: the audit key (a file outside the database), the keys
** derived from it (the chain's MAC key, the Ed25519 checkpoint keypair),
** signed checkpoints appended to the anchor file, and the full verification
** that puts the walk (core/audit.c) and the anchor file together.
**
** Anchor line (one per checkpoint, signed over everything before " sig="):
**   houqin-audit v1 chain=<16 hex> head_id=<n> head_hash=<64 hex> at=<ms> sig=<128 hex>
** chain is the start of row 1's hash, so databases sharing a directory (and
** so a key and an anchor file) keep apart.
*/
#include "core/audit.h"
#include "core/audit_int.h"
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
	char buf[sizeof(((struct aud_checkpoint *)0)->line) + 1];
	int fd = open(anchor_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (fd < 0)
		return err_set(e, ERR_DB, NULL, "cannot open the anchor file %s: %s", anchor_path,
			       strerror(errno));
	if (write(fd, buf, (size_t)n) != n || fsync(fd) != 0) {
		close(fd);
		return err_set(e, ERR_DB, NULL, "cannot append to the anchor file %s", anchor_path);
	}
	close(fd);
	if (anchor_syslog)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", line);
	return 0;
}

/* ---------- checkpoints ---------- */

static const char sql_head[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
static const char sql_first[] = "SELECT hash FROM audit_log WHERE id = 1";
static const char sql_cp_insert[] =
	"INSERT INTO audit_checkpoint (at, head_id, head_hash, signature, line)"
	" VALUES (:at, :head_id, :head_hash, :sig, :line)";
static const char sql_cp_last[] = "SELECT MAX(at) FROM audit_checkpoint";
static const char sql_cp_lines[] = "SELECT head_id, line FROM audit_checkpoint ORDER BY id";

/* The chain's id (row 1's hash, shortened); "" for an empty chain. */
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

static int
head_of(struct db *db, struct aud_checkpoint *cp, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_head, e);

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

/* Fill cp's signature and line for its head and time. */
static int
sign_line(struct db *db, struct aud_checkpoint *cp, struct err *e)
{
	unsigned char sig[crypto_sign_BYTES];
	char chain[CHAIN_ID_HEX + 1];
	int n;

	if (chain_id(db, chain, e))
		return e->code;
	n = snprintf(cp->line, sizeof(cp->line),
		     "houqin-audit v1 chain=%s head_id=%" PRId64 " head_hash=%s at=%" PRId64, chain,
		     cp->head_id, cp->head_hash, cp->at);
	crypto_sign_detached(sig, NULL, (const unsigned char *)cp->line, (size_t)n, aud_keys.sk);
	sodium_bin2hex(cp->signature, sizeof(cp->signature), sig, sizeof(sig));
	snprintf(cp->line + n, sizeof(cp->line) - (size_t)n, " sig=%s", cp->signature);
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
	/* the file first: a line for a committed head stays true even if this tx rolls back */
	if (head_of(db, cp, e) || sign_line(db, cp, e) || anchor_append(cp->line, e) ||
	    cp_insert(db, cp, e))
		return e->code;
	after = json_pack("{sI ss}", "head_id", (json_int_t)cp->head_id, "head_hash", cp->head_hash);
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
	if (rc == ERR_RULE) {	/* empty chain: nothing to anchor yet */
		err_clear(e);
		return 0;
	}
	*done = !rc;
	return rc;
}

/* ---------- verification against the anchor file ---------- */

/* The value of " key=" in line[0..n), copied to out (size bytes); 0 if present and fits. */
static int
field(const char *line, size_t n, const char *key, char *out, size_t size)
{
	char pat[32];
	const char *p, *end;
	size_t klen = (size_t)snprintf(pat, sizeof(pat), " %s=", key);

	for (p = line; (p = strstr(p, pat)) && p < line + n; p++) {
		p += klen;
		end = memchr(p, ' ', (size_t)(line + n - p));
		end = end ? end : line + n;
		if ((size_t)(end - p) >= size)
			return -1;
		memcpy(out, p, (size_t)(end - p));
		out[end - p] = '\0';
		return 0;
	}
	return -1;
}

/* Check one line's signature and, if it is this chain's, add its checkpoint. 0 ok, 1 bad. */
static int
anchor_line(const char *line, size_t n, const char *chain, struct aud_cps *cps)
{
	unsigned char sig[crypto_sign_BYTES];
	const char *s = NULL;
	char hex[2 * crypto_sign_BYTES + 1], ch[CHAIN_ID_HEX + 1], id[24];
	struct aud_cp cp;
	size_t bin = 0;

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
	    field(line, (size_t)(s - line), "head_hash", cp.head_hash, sizeof(cp.head_hash)) ||
	    parse_i64(id, 1, INT64_MAX, &cp.head_id))
		return 1;
	if (strcmp(ch, chain) != 0)
		return 0;
	struct aud_cp *v = realloc(cps->v, (cps->n + 1) * sizeof(*v));
	if (!v)
		return 1;
	cps->v = v;
	cps->v[cps->n++] = cp;
	return 0;
}

static int
cp_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct aud_cp *)a)->head_id, y = ((const struct aud_cp *)b)->head_id;

	return x < y ? -1 : x > y;
}

/* Every line of text: signature, then this chain's checkpoints into cps (sorted). */
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
	r->last_cp_id = cps->n ? cps->v[cps->n - 1].head_id : 0;
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
	if (!rc && !r->problem && r->last_cp_id > r->head_id) {
		r->problem = AUD_TRUNCATED;
		r->bad_id = r->head_id + 1;
	}
	if (!rc && !r->problem && aud_anchor_path())
		rc = db_cps_in_file(db, text ? text : "", r, e);
	free(cps.v);
	free(text);
	return rc;
}
