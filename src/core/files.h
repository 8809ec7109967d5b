/*
** core/files.h: the attachments engine. Uploaded bytes are stored once per
** content under <data dir>/files/ab/cdef... (ab = first two hex chars of the
** BLAKE2b-256 of the bytes), written to a temp file, fsynced and renamed into
** place, so a crash never leaves a partial blob. Each upload gets its own row
** in table attachment (two uploads of the same bytes: one blob, two rows).
**
** Types are detected from the bytes (magic numbers), never from the client's
** Content-Type or file name. Each upload names a kind; the kind's row in the
** table in files.c says which types and how many bytes it accepts:
**   photo     JPEG PNG WebP GIF                 5 MiB
**   document  PDF DOCX XLSX + the image types  20 MiB
**
** Quota and expiry. A user's uploads (every row they created) hold at most
** FILES_USER_QUOTA bytes (core/limits.h); beyond, 413 "quota_exceeded". An
** upload never attached to a record expires after FILES_UNATTACHED_MS: the
** attachments module's job (files_expire) deletes the row and the blob.
**
** Ownership and visibility. A fresh upload belongs to its uploader only
** (owner_entity NULL). The module that saves a record attaches the upload to
** it in the same transaction (files_attach). Who may read an attachment:
**   - its uploader, always;
**   - a supervisor (纪检监察), always;
**   - for an attached file, whoever the owning module's can_read callback
**     admits for the owning record;
** and never anyone outside the attachment's agency. Everyone else gets
** ERR_NOT_FOUND, the same answer as for an id that does not exist, so ids do
** not leak existence.
**
** Owner registry. Core must not include modules, so a module registers its
** owner kind at startup: its descriptor lists { "workorder", wo_can_read }
** in attachment_owners, and modules_init() (which main.c and the API test
** harness run before any request) calls
**     files_register_owner("workorder", wo_can_read);
** Tests register their own kinds the same way.
**
** Threads: files_init runs once before serving (main.c serve, the test
** harness). Registration is safe at any time (mutex for writers, lock-free
** reads); entries are never removed.
*/
#ifndef HOUQIN_FILES_H
#define HOUQIN_FILES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

/* Request body limit of the upload route: the largest kind plus multipart overhead. */
#define FILES_BODY_MAX (21u * 1024 * 1024)
#define FILES_OWNERS_MAX 64	/* registered owner kinds */
#define FILES_NAME_MAX 200	/* file name, characters */

/*
** May `who` see record owner_id of this owner kind? Return 1 yes, 0 no (also
** when the record does not exist), negative enum err_code on a failure.
** Called with a reader (or the writer inside a transaction); must not write.
** The engine has already checked the agency, the uploader and the supervisor.
*/
typedef int (*files_can_read_fn)(struct db *db, const struct actor *who, int64_t owner_id);

/* One row of the kinds table. */
struct files_kind {
	const char *name;	/* "photo" */
	const char *label;	/* "照片" */
	size_t max_bytes;
	unsigned types;		/* FILES_T_* bits */
	const char *accepts;	/* for messages: "JPEG、PNG、WebP、GIF 图片" */
};

enum {
	FILES_T_JPEG = 1 << 0, FILES_T_PNG = 1 << 1, FILES_T_WEBP = 1 << 2, FILES_T_GIF = 1 << 3,
	FILES_T_PDF = 1 << 4, FILES_T_DOCX = 1 << 5, FILES_T_XLSX = 1 << 6,
	FILES_T_TEXT = 1 << 7, FILES_T_ZIP = 1 << 8,
};
#define FILES_T_IMAGE (FILES_T_JPEG | FILES_T_PNG | FILES_T_WEBP | FILES_T_GIF)

/* One attachment row. Strings live in the arena given to the call that filled it. */
struct files_meta {
	int64_t id, agency_id, size;
	const char *hash;		/* 64 hex chars, BLAKE2b-256 of the bytes */
	const char *mime;		/* detected, e.g. "image/png" */
	const char *filename;		/* sanitised display name (UTF-8, no path) */
	const char *kind;
	const char *owner_entity;	/* NULL until attached */
	int64_t owner_id;		/* 0 until attached */
	int64_t created_by, created_at, updated_at;
};

/*
** Once at startup, before serving: use <data_dir>/files for blobs (created
** 0750 with its tmp/ if missing; temp files older than an hour, left by a
** crash, are removed). ERR_UNAVAILABLE if a directory cannot be created,
** ERR_INVALID for a missing or too long path. Until it has run, uploads
** fail with ERR_UNAVAILABLE.
*/
int files_init(const char *data_dir, struct err *e);

/*
** Register owner kind entity ([a-z0-9_]{1,32}, e.g. "workorder"; copied).
** Registering the same entity with the same function again is a no-op.
** 0, ERR_INVALID for a bad name or NULL fn, ERR_CONFLICT for the same
** entity with another function, ERR_NOMEM when FILES_OWNERS_MAX are taken.
*/
int files_register_owner(const char *entity, files_can_read_fn fn);

/* The kinds row called name, or NULL. */
const struct files_kind *files_kind(const char *name);

/*
** MIME type detected from the bytes: image/jpeg, image/png, image/webp,
** image/gif, application/pdf, the OOXML types for .docx and .xlsx (a ZIP
** whose central directory holds [Content_Types].xml and word/ or xl/),
** application/zip, text/plain (no control bytes but tab, CR, LF, FF, ESC);
** NULL when none matches. *type gets the FILES_T_* bit (0 for NULL); type
** may be NULL.
*/
const char *files_sniff(const void *data, size_t len, unsigned *type);

/*
** Store an upload by `who` (needs id and agency_id) as kind, and insert its
** row with the uploader as owner. filename may be NULL or carry a path (only
** the last component is kept); a default "file.<ext>" is used when empty.
** Write transaction required; audited ("create", "attachment").
** Errors: ERR_INVALID field kind (unknown kind), field file (empty),
** field filename (not UTF-8, control characters, too long);
** ERR_TOO_LARGE "too_large" over the kind's limit, "quota_exceeded" when
** the uploader's rows would pass FILES_USER_QUOTA bytes; ERR_UNSUPPORTED
** "unsupported_media_type" when the detected type is not the kind's;
** ERR_UNAVAILABLE when the blob cannot be written. The blob is written
** before the row, so a rollback may leave an unreferenced blob (harmless,
** reused by a later identical upload), never a row without its blob.
*/
int files_store(struct db *db, struct arena *a, const struct actor *who, const char *kind,
		const char *filename, const void *data, size_t len, struct files_meta *out,
		struct err *e);

/*
** Attachment id if `who` may read it (see the rules at the top); else
** ERR_NOT_FOUND "not_found", whether or not it exists. A can_read failure is
** returned as is (ERR_DB).
*/
int files_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct files_meta *out, struct err *e);

/*
** Attach an upload to record owner_id of entity, in the transaction that
** writes the record (write transaction required; audited "attach"). Only the
** uploader may attach, and only a file of their own agency.
** Errors: ERR_NOT_FOUND "attachment_not_found" (no such id in the agency);
** ERR_FORBIDDEN "not_uploader"; ERR_CONFLICT "already_attached" when attached
** to another record (attaching again to the same record is a no-op);
** ERR_RULE "attachment_expired" for an unattached upload older than
** FILES_UNATTACHED_MS (files_expire may be deleting it);
** ERR_INVALID for owner_id <= 0; ERR_DB for an unregistered entity (a bug).
*/
int files_attach(struct db *db, const struct actor *who, int64_t id, const char *entity,
		 int64_t owner_id, struct err *e);
/*
** files_attach that also requires the upload's kind (e.g. "photo" for a work
** order's photos, so a 20 MB PDF uploaded as a document cannot pose as one):
** ERR_RULE "wrong_kind" otherwise. kind NULL = any.
*/
int files_attach_kind(struct db *db, const struct actor *who, int64_t id, const char *kind,
		      const char *entity, int64_t owner_id, struct err *e);
/*
** files_attach of each of ids[0..n) to the record: an id that cannot be attached (missing,
** another's, attached elsewhere, expired) is 400 at field naming it; ERR_DB, ERR_NOMEM and
** ERR_UNAVAILABLE pass through as they are.
*/
int files_attach_all(struct db *db, const struct actor *who, const int64_t *ids, size_t n,
		     const char *entity, int64_t owner_id, const char *field, struct err *e);

/*
** Attachments of one record, oldest first, in who's agency. No visibility
** check: the caller has already decided that who may see the record.
*/
int files_list_owner(struct db *db, struct arena *a, const struct actor *who,
		     const char *entity, int64_t owner_id, struct files_meta **items, size_t *n,
		     struct err *e);

/*
** The stored bytes of m into the arena (*data, m->size bytes).
** ERR_DB when the blob is missing or its size differs (logged),
** ERR_NOMEM, ERR_UNAVAILABLE on an I/O error.
*/
int files_read(struct arena *a, const struct files_meta *m, const char **data, struct err *e);

/*
** JSON view {"id","filename","size","mime","kind","url","owner","created_by",
** "created_at"}; url is the download path; owner is {"entity","id"} or null.
** New reference.
*/
json_t *files_meta_json(const struct files_meta *m);

/*
** Job: delete up to FILES_EXPIRE_BATCH uploads of agency never attached and
** older than FILES_UNATTACHED_MS at now, with their blobs when no other row
** uses them; one audit record ("expire", ids and bytes) per run that deleted
** any; *done = how many. Write transaction required.
** Order: rows, then (still inside the transaction) the blobs. A crash or a
** failed commit after an unlink leaves expired rows without a blob: they
** cannot be attached (files_attach refuses expired uploads) and the next run
** deletes them (a missing blob is no error). The reverse order could leave
** blobs no row names, which nothing would ever find again.
*/
int files_expire(struct db *db, int64_t agency, int64_t now, int *done, struct err *e);

/*
** Job: remove blobs no row names (left by rolled-back uploads) older than
** FILES_UNATTACHED_MS, in the blob directory of this minute (now / minute
** mod 256: the store is walked every 256 minutes), once per minute across
** agencies; audited once ("sweep") when any went. *done = how many.
** Write transaction required (uploads, which write blobs, wait for it).
*/
int files_sweep_orphans(struct db *db, int64_t agency, int64_t now, int *done, struct err *e);

/* Absolute-or-relative blob directory in use ("<data dir>/files"), "" before files_init. */
const char *files_root(void);

#endif
