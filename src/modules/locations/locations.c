/*
** modules/locations/locations.c: the building -> floor -> room tree and its
** QR labels. Owns table location. Paths are built from the node and its (at
** most two) ancestors in one join, so reads never walk the tree row by row.
*/
#include "modules/locations/locations.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/validate.h"
#include "db/db.h"

#include <assert.h>
#include <errno.h>
#include <qrencode.h>
#include <string.h>

const char *const loc_kind_codes[] = { "building", "floor", "room", NULL };

#define LOC_SORT_MAX 100000
#define LOC_DEPTH_MAX 3		/* building, floor, room */
#define QR_QUIET 4		/* modules of white border (ISO/IEC 18004) */
#define QR_SVG_MAX (512 * 1024)

/* ---------- JSON ---------- */

json_t *
loc_json(const struct location *l)
{
	return json_pack("{sI so ss ss so ss sI sb so so}", "id", (json_int_t)l->id,
			 "parent_id", jid_or_null(l->parent_id), "kind", l->kind, "name",
			 l->name, "code", jstr_or_null(l->code), "path", l->path ? l->path : "",
			 "sort_order", (json_int_t)l->sort_order, "active", l->active,
			 "created_at", jtime(l->created_at), "updated_at", jtime(l->updated_at));
}

/* Stack depth below which parent is open, or -1 when it is not on the stack. */
static int
open_depth(const int64_t *ids, size_t depth, int64_t parent)
{
	if (!parent)
		return 0;
	for (size_t d = depth; d > 0; d--)
		if (ids[d - 1] == parent)
			return (int)d;
	return -1;
}

/*
** items come in tree order (loc_list), so a node's parent is on the stack of
** open ancestors. A node whose parent is not (filtered out) is dropped with
** its subtree.
*/
json_t *
loc_tree_json(const struct location *items, size_t n)
{
	json_t *roots = json_array(), *stack[LOC_DEPTH_MAX] = { 0 };
	int64_t ids[LOC_DEPTH_MAX] = { 0 };
	size_t depth = 0;

	for (size_t i = 0; roots && i < n; i++) {
		int d = open_depth(ids, depth, items[i].parent_id);
		json_t *node;
		if (d < 0)
			continue;
		node = loc_json(&items[i]);
		if (!node || json_object_set_new(node, "children", json_array())) {
			json_decref(node);
			continue;
		}
		depth = (size_t)d;
		json_array_append_new(depth ? json_object_get(stack[depth - 1], "children") : roots,
				      node);
		if (depth < LOC_DEPTH_MAX) {
			stack[depth] = node;
			ids[depth++] = items[i].id;
		}
	}
	return roots;
}

/* ---------- reads ---------- */

#define LOC_COLS                                                                     \
	"l.id, l.agency_id, COALESCE(l.parent_id, 0), l.kind, l.name, l.code,"       \
	" l.sort_order, l.active, l.created_at, l.updated_at, p.name, g.name"
#define LOC_FROM                                                                     \
	" FROM location l LEFT JOIN location p ON p.id = l.parent_id"                \
	" LEFT JOIN location g ON g.id = p.parent_id"

static const char sql_get[] =
	"SELECT " LOC_COLS LOC_FROM " WHERE l.id = :id AND l.agency_id = :agency";
static const char sql_list[] =
	"SELECT " LOC_COLS LOC_FROM " WHERE l.agency_id = :agency AND (:active = 0 OR"
	" (l.active = 1 AND COALESCE(p.active, 1) = 1 AND COALESCE(g.active, 1) = 1))"
	" ORDER BY COALESCE(l.parent_id, 0), l.sort_order, l.id";
static const char sql_within[] =
	"SELECT COUNT(*) FROM location l LEFT JOIN location p ON p.id = l.parent_id"
	" WHERE l.id = :id AND (l.id = :anc OR l.parent_id = :anc OR p.parent_id = :anc)";

/* "综合楼 / 3层 / 301" from the names of the grandparent, parent and node. */
static const char *
join_path(struct arena *a, const char *g, const char *p, const char *name)
{
	if (g && p)
		return arena_printf(a, "%s / %s / %s", g, p, name);
	if (p)
		return arena_printf(a, "%s / %s", p, name);
	return name;
}

static void
loc_row(struct stmt *st, struct arena *a, void *item)
{
	struct location *l = item;

	l->id = db_col_i64(st, 0);
	l->agency_id = db_col_i64(st, 1);
	l->parent_id = db_col_i64(st, 2);
	l->kind = db_col_text(st, a, 3);
	l->name = db_col_text(st, a, 4);
	l->code = db_col_text(st, a, 5);
	l->sort_order = db_col_i64(st, 6);
	l->active = (int)db_col_i64(st, 7);
	l->created_at = db_col_i64(st, 8);
	l->updated_at = db_col_i64(st, 9);
	l->path = join_path(a, db_col_text(st, a, 11), db_col_text(st, a, 10),
			    l->name ? l->name : "");
}

int
loc_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	struct location *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e)
			 ? e->code : 0;

	if (!rc)
		loc_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "location_not_found", NULL, "位置不存在");
	return rc;
}

int
loc_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct err *e)
{
	struct location l;

	return loc_get(db, a, who, id, &l, e);
}

/* First index whose parent_id is parent (v sorted by parent_id), or n. */
static size_t
first_child(const struct location *v, size_t n, int64_t parent)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].parent_id < parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Depth-first copy of parent's subtree from src (by parent) into dst (tree order). */
static void
walk(const struct location *src, size_t n, int64_t parent, int depth, struct location *dst,
     size_t *k)
{
	if (depth >= LOC_DEPTH_MAX)
		return;
	for (size_t i = first_child(src, n, parent); i < n && src[i].parent_id == parent; i++) {
		dst[(*k)++] = src[i];
		walk(src, n, src[i].id, depth + 1, dst, k);
	}
}

int
loc_list(struct db *db, struct arena *a, const struct actor *who, int active_only,
	 struct location **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	struct location *rows = NULL;
	size_t nrows = 0;
	int rc = db_prepare(db, &st, sql_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":active", active_only ? 1 : 0, e) ||
		 db_read_rows(&st, a, sizeof(*rows), loc_row, (void **)&rows, &nrows, e) ? e->code : 0;

	db_finalize(&st);
	*n = 0;
	if (rc)
		return rc;
	*items = arena_array(a, nrows ? nrows : 1, sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	walk(rows, nrows, 0, 0, *items, n);
	return 0;
}

int
loc_is_within(struct db *db, int64_t id, int64_t ancestor_id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_within, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":anc", ancestor_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		rc = db_col_i64(&st, 0) > 0;
	db_finalize(&st);
	return rc;
}

/* ---------- writes ---------- */

static const char sql_insert[] =
	"INSERT INTO location (agency_id, parent_id, kind, name, code, sort_order, active,"
	" created_at, updated_at, created_by)"
	" VALUES (:agency, :parent, :kind, :name, :code, :sort, 1, :now, :now, :by)";
static const char sql_update[] =
	"UPDATE location SET parent_id = :parent, name = :name, code = :code,"
	" sort_order = :sort, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";
static const char sql_dup_name[] =
	"SELECT COUNT(*) FROM location WHERE agency_id = :agency AND name = :name"
	" AND id <> :id AND (parent_id = :parent OR (:parent = 0 AND parent_id IS NULL))";
static const char sql_dup_code[] =
	"SELECT COUNT(*) FROM location WHERE agency_id = :agency AND code = :code AND id <> :id";

/* Copy of s without leading and trailing ASCII blanks; NULL for NULL. */
static const char *
trimmed(struct arena *a, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

/* Text of at most max characters, valid UTF-8 without control characters. */
static int
check_text(const char *s, long max, const char *field, struct err *e)
{
	long chars = utf8_chars(s, strlen(s));

	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			chars = -1;
	if (chars < 0)
		return err_set(e, ERR_INVALID, field, "包含无效字符");
	if (chars > max)
		return err_set(e, ERR_INVALID, field, "不能超过 %ld 个字符", max);
	return 0;
}

/*
** The input made whole into *v: kind fixed on update (cur), name and code
** trimmed (an empty code is none), sort order in range.
*/
static int
normalise(struct arena *a, const struct location *cur, const struct location_in *in,
	  struct location_in *v, struct err *e)
{
	*v = *in;
	if (cur && !in->kind)
		v->kind = cur->kind;
	if (!v->kind || !val_in(v->kind, loc_kind_codes))
		return err_set(e, ERR_INVALID, "kind", "位置类型应为楼栋、楼层或房间");
	if (cur && strcmp(v->kind, cur->kind) != 0)
		return err_setx(e, ERR_INVALID, "kind_fixed", "kind", "位置类型不能修改");
	v->name = trimmed(a, in->name);
	v->code = trimmed(a, in->code);
	if ((in->name && !v->name) || (in->code && !v->code))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!v->name || !*v->name)
		return err_set(e, ERR_INVALID, "name", "名称不能为空");
	if (v->code && !*v->code)
		v->code = NULL;
	if (check_text(v->name, LOC_NAME_MAX, "name", e) ||
	    (v->code && check_text(v->code, LOC_CODE_MAX, "code", e)))
		return e->code;
	if (v->sort_order < 0 || v->sort_order > LOC_SORT_MAX)
		return err_set(e, ERR_INVALID, "sort_order", "排序号应在 0 到 %d 之间",
			       LOC_SORT_MAX);
	return 0;
}

/* The parent a kind needs: none for a building, a building for a floor, a floor for a room. */
static const char *
parent_kind(const char *kind)
{
	if (strcmp(kind, "floor") == 0)
		return "building";
	if (strcmp(kind, "room") == 0)
		return "floor";
	return NULL;
}

/* v->parent_id fits v->kind; a new or moved node needs an active parent. */
static int
check_parent(struct db *db, struct arena *a, const struct actor *who,
	     const struct location *cur, const struct location_in *v, struct err *e)
{
	const char *want = parent_kind(v->kind);
	struct location p;

	if (!want && v->parent_id)
		return err_setx(e, ERR_INVALID, "bad_parent", "parent_id", "楼栋不能有上级位置");
	if (!want)
		return 0;
	if (!v->parent_id)
		return err_setx(e, ERR_INVALID, "bad_parent", "parent_id", "%s",
				strcmp(want, "building") == 0 ? "请选择楼层所属的楼栋"
							      : "请选择房间所属的楼层");
	if (loc_get(db, a, who, v->parent_id, &p, e))
		return e->code == ERR_NOT_FOUND ? err_setx(e, ERR_INVALID, "bad_parent",
							   "parent_id", "上级位置不存在")
						: e->code;
	if (strcmp(p.kind, want) != 0)
		return err_setx(e, ERR_INVALID, "bad_parent", "parent_id", "%s",
				strcmp(want, "building") == 0 ? "楼层只能建在楼栋下"
							      : "房间只能建在楼层下");
	if (!p.active && (!cur || cur->parent_id != v->parent_id))
		return err_setx(e, ERR_INVALID, "bad_parent", "parent_id", "上级位置已停用");
	return 0;
}

static int
count_of(struct db *db, const char *sql, const struct actor *who, int64_t id,
	 const struct location_in *v, int64_t *count, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":id", id, e) ? e->code : 0;

	if (!rc && sql == sql_dup_name)
		rc = db_bind_text(&st, ":name", v->name, e) ||
		     db_bind_i64(&st, ":parent", v->parent_id, e) ? e->code : 0;
	if (!rc && sql == sql_dup_code)
		rc = db_bind_text(&st, ":code", v->code, e);
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc)
		*count = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* ERR_CONFLICT "duplicate": a sibling with the same name, or the code elsewhere. */
static int
check_unique(struct db *db, const struct actor *who, int64_t id, const struct location_in *v,
	     struct err *e)
{
	int64_t n = 0;

	if (count_of(db, sql_dup_name, who, id, v, &n, e))
		return e->code;
	if (n)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "同一上级下已有同名位置");
	if (v->code && count_of(db, sql_dup_code, who, id, v, &n, e))
		return e->code;
	if (v->code && n)
		return err_setx(e, ERR_CONFLICT, "duplicate", "code", "位置编码已被使用");
	return 0;
}

static int
insert_row(struct db *db, const struct actor *who, const struct location_in *v, int64_t *id,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_id_or_null(&st, ":parent", v->parent_id, e) ||
		 db_bind_text(&st, ":kind", v->kind, e) || db_bind_text(&st, ":name", v->name, e) ||
		 db_bind_text(&st, ":code", v->code, e) ||
		 db_bind_i64(&st, ":sort", v->sort_order, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc)
		*id = db_last_id(db);
	return rc;
}

static int
update_row(struct db *db, const struct actor *who, const struct location *cur,
	   const struct location_in *v, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	rc = db_prepare(db, &st, sql_update, e) ||
	     db_bind_id_or_null(&st, ":parent", v->parent_id, e) ||
	     db_bind_text(&st, ":name", v->name, e) || db_bind_text(&st, ":code", v->code, e) ||
	     db_bind_i64(&st, ":sort", v->sort_order, e) ||
	     db_bind_i64(&st, ":active", v->active ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur->updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", cur->id, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seen", cur->updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc || db_check_changed(db, "位置", e) ? e->code : 0;
}

/* The office and the sysadmin; also the CLI and importers (actor id 0). */
static int
may_edit(const struct actor *who)
{
	return who->id == 0 || actor_has(who, ROLE_OFFICE | ROLE_SYSADMIN);
}

int
loc_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 const struct location_in *in, struct location *out, struct err *e)
{
	struct location cur = { 0 };
	struct location_in v;
	int rc;

	assert(db_in_tx(db));
	if (!may_edit(who))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL,
				"只有后勤管理员或系统管理员可以维护位置");
	if (id && (loc_get(db, a, who, id, &cur, e) ||
		   db_check_seen(in->updated_at, cur.updated_at, "位置", e)))
		return e->code;
	if (normalise(a, id ? &cur : NULL, in, &v, e) ||
	    check_parent(db, a, who, id ? &cur : NULL, &v, e) || check_unique(db, who, id, &v, e))
		return e->code;
	rc = id ? update_row(db, who, &cur, &v, e) : insert_row(db, who, &v, &id, e);
	if (!rc)
		rc = loc_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, cur.id ? "update" : "create", "location", id,
				cur.id ? jarena(a, loc_json(&cur)) : NULL, jarena(a, loc_json(out)),
				e);
	return rc;
}

/* ---------- QR labels ---------- */

/* One path of 1-module-high rectangles, a run of dark modules each, offset by the quiet zone. */
static int
svg_modules(struct buf *b, const QRcode *qr)
{
	int rc = buf_adds(b, "<path fill=\"#000\" d=\"");

	for (int y = 0; !rc && y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
		for (int x = 0; !rc && x < qr->width;) {
			int run = 0;
			while (x + run < qr->width && (row[x + run] & 1))
				run++;
			if (run)
				rc = buf_printf(b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run,
						run);
			x += run ? run : 1;
		}
	}
	return rc ? rc : buf_adds(b, "\"/>");
}

static int
svg_document(struct buf *b, const QRcode *qr)
{
	int side = qr->width + 2 * QR_QUIET;

	return buf_printf(b,
			  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
			  " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
			  " shape-rendering=\"crispEdges\">"
			  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
			  side, side, side * 4, side * 4, side, side) ||
	       svg_modules(b, qr) || buf_adds(b, "</svg>\n");
}

int
loc_qr_svg(struct arena *a, const char *url, const char **svg, size_t *len, struct err *e)
{
	struct buf b = BUF_INIT(QR_SVG_MAX);
	QRcode *qr;
	int rc;

	errno = 0;
	qr = url && *url ? QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
	if (!qr && errno == ENOMEM)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!qr)
		return err_setx(e, ERR_INVALID, "qr_too_long", "url", "内容过长，无法生成二维码");
	rc = svg_document(&b, qr);
	QRcode_free(qr);
	*svg = rc ? NULL : arena_strndup(a, b.p, b.len);
	*len = b.len;
	buf_free(&b);
	if (!*svg)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return 0;
}
