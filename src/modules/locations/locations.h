/*
** modules/locations/locations.h: the location tree shared by every module:
** building 楼栋 -> floor 楼层 -> room 房间, per agency. A building has no
** parent, a floor's parent is a building, a room's a floor. Every node has a
** QR code (SVG, libqrencode) whose URL opens the phone submit form of 报修
** with the location filled in (/m/report?location=<id>).
**
** Everyone in the agency may read the tree; the office and the sysadmin edit
** it. Nodes are deactivated, never deleted (orders keep pointing at them).
** Strings in outputs live in the arena `a`; writes need a write transaction
** and are audited (entity "location").
*/
#ifndef HOUQIN_LOCATIONS_H
#define HOUQIN_LOCATIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define LOC_NAME_MAX 64		/* characters */
#define LOC_CODE_MAX 32

enum loc_kind { LOC_BUILDING, LOC_FLOOR, LOC_ROOM };
extern const char *const loc_kind_codes[];	/* "building","floor","room",NULL */

struct location {
	int64_t id, agency_id, parent_id;	/* parent_id 0 for a building */
	const char *kind, *name, *code;		/* code may be NULL */
	const char *path;	/* names from the building down, joined by " / " */
	int64_t sort_order;
	int active;
	int64_t created_at, updated_at;
};

struct location_in {
	int64_t parent_id;
	const char *kind, *name, *code;
	int64_t sort_order;
	int active;
	int64_t updated_at;	/* update: required, the value read (db_check_seen) */
};

/*
** Location id in who's agency. ERR_NOT_FOUND "location_not_found" when it does
** not exist or belongs to another agency. out->path filled.
*/
int loc_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct location *out, struct err *e);
/* Every location of who's agency in tree order (parents before children, by sort order). */
int loc_list(struct db *db, struct arena *a, const struct actor *who, int active_only,
	     struct location **items, size_t *n, struct err *e);
/* loc_get without the output: 0 or ERR_NOT_FOUND (the module's history hook). */
int loc_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e);
/* 1 when id is ancestor_id or lies below it. */
int loc_is_within(struct db *db, int64_t id, int64_t ancestor_id, struct err *e);
/*
** Create (id 0) or update. ERR_INVALID with fields (kind/parent mismatch,
** name, code), ERR_CONFLICT "duplicate" for a sibling with the same name or
** a code in use; an update needs in->updated_at (ERR_INVALID on "updated_at"
** when 0, ERR_CONFLICT "stale" when old), checked before any write. Office
** or sysadmin (or the CLI actor, id 0), else ERR_FORBIDDEN. An update replaces every field of in
** (kind may be NULL: it never changes, ERR_INVALID "kind_fixed"); a new
** node starts active whatever in->active says.
*/
int loc_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     const struct location_in *in, struct location *out, struct err *e);
/* Tree JSON: [{"id","kind","name","code","path","active","children":[...]}]. */
json_t *loc_tree_json(const struct location *items, size_t n);
json_t *loc_json(const struct location *l);
/*
** The QR code of url as a standalone SVG document into the arena (*svg,
** *len). ERR_INVALID when url does not fit a QR code, ERR_NOMEM.
*/
int loc_qr_svg(struct arena *a, const char *url, const char **svg, size_t *len,
	       struct err *e);

/* Demo buildings A, B and C with floors and rooms (init --demo), in the caller's transaction. */
int loc_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
