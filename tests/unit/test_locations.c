/*
** tests/unit/test_locations.c: modules/locations/locations.c without HTTP:
** the QR label SVG (well-formed, module for module the libqrencode matrix,
** and decoded back by zbarimg), the tree JSON, loc_list's tree order and
** loc_is_within on an in-memory database.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "tmpdb.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"

#define QUIET 4
#define SIDE_MAX 200

/* ---- the SVG read back into a bitmap ---- */

struct bitmap {
	int side;			/* modules, quiet zone included */
	unsigned char px[SIDE_MAX][SIDE_MAX];
};

/* Parse viewBox and the one path of "Mx yhNv1h-Nz" runs; fails the test on anything else. */
static void
svg_bitmap(const char *svg, struct bitmap *bm)
{
	const char *p = strstr(svg, "viewBox=\"0 0 "), *d;
	int w, h, x, y, n, m, used;

	memset(bm, 0, sizeof(*bm));
	assert_non_null(p);
	assert_int_equal(sscanf(p, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
	assert_int_equal(w, h);
	assert_true(w > 2 * QUIET && w < SIDE_MAX);
	bm->side = w;
	d = strstr(svg, " d=\"");
	assert_non_null(d);
	for (d += 4; *d != '"'; d += used) {
		used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used), 4);
		assert_true(used > 0);
		assert_int_equal(n, m);
		assert_true(x >= QUIET && y >= QUIET && n > 0 && x + n <= w - QUIET &&
			    y < w - QUIET);
		for (int i = 0; i < n; i++) {
			assert_int_equal(bm->px[y][x + i], 0);	/* runs never overlap */
			bm->px[y][x + i] = 1;
		}
	}
}

static const char *
qr_of(struct arena *a, const char *url)
{
	const char *svg = NULL;
	size_t len = 0;
	struct err e = { 0 };

	assert_int_equal(loc_qr_svg(a, url, &svg, &len, &e), 0);
	assert_non_null(svg);
	assert_int_equal(strlen(svg), len);
	return svg;
}

static int
count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void
qr_svg_is_a_compact_document(void **state)
{
	struct arena *a = arena_new(4096);
	const char *svg = qr_of(a, "http://127.0.0.1:8080/m/report?location=1");

	(void)state;
	assert_memory_equal(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44);
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	/* 41 bytes at level M fit version 3: 29 modules + 2 x 4 quiet */
	assert_non_null(strstr(svg, "viewBox=\"0 0 37 37\""));
	assert_int_equal(count(svg, "<path"), 1);
	assert_int_equal(count(svg, "<rect"), 1);	/* the white background */
	assert_int_equal(count(svg, "<svg"), 1);
	assert_string_equal(svg + strlen(svg) - 7, "</svg>\n");
	assert_true(strlen(svg) < 8000);
	arena_free(a);
}

/* Every module of the SVG matches libqrencode's matrix for the same input. */
static void
qr_svg_matches_the_matrix(void **state)
{
	static const char *const urls[] = {
		"http://127.0.0.1:8080/m/report?location=1",
		"http://houqin.example.gov.cn:8443/m/report?location=9223372036854775807",
		"x",
		"http://[::1]:8080/m/report?location=42",
	};
	static struct bitmap bm;
	struct arena *a = arena_new(4096);

	(void)state;
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		QRcode *qr = QRcode_encodeString(urls[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		assert_non_null(qr);
		svg_bitmap(qr_of(a, urls[i]), &bm);
		assert_int_equal(bm.side, qr->width + 2 * QUIET);
		for (int y = 0; y < qr->width; y++)
			for (int x = 0; x < qr->width; x++)
				assert_int_equal(bm.px[y + QUIET][x + QUIET],
						 qr->data[y * qr->width + x] & 1);
		QRcode_free(qr);
	}
	arena_free(a);
}

/* The bitmap as a binary PGM scaled 4x (black on white) into path. */
static void
write_pgm(const struct bitmap *bm, const char *path)
{
	FILE *f = fopen(path, "wb");
	int px = bm->side * 4;

	assert_non_null(f);
	fprintf(f, "P5\n%d %d\n255\n", px, px);
	for (int y = 0; y < px; y++)
		for (int x = 0; x < px; x++)
			fputc(bm->px[y / 4][x / 4] ? 0 : 255, f);
	assert_int_equal(fclose(f), 0);
}

/* What zbarimg reads from the SVG's modules: the URL, byte for byte. */
static void
qr_svg_decodes_back(void **state)
{
	static const char *const urls[] = {
		"http://127.0.0.1:8080/m/report?location=1",
		"http://hq.example.cn/m/report?location=123456",
	};
	static struct bitmap bm;
	struct arena *a = arena_new(4096);
	char path[] = "/tmp/houqin-qr-XXXXXX", cmd[160], got[256];

	(void)state;
	if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
		arena_free(a);
		skip();	/* tools/deps.sh test installs zbar-tools */
	}
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		svg_bitmap(qr_of(a, urls[i]), &bm);
		write_pgm(&bm, path);
		snprintf(cmd, sizeof(cmd),
			 "zbarimg --raw -q -Sdisable -Sqrcode.enable 'PGM:%s' 2>/dev/null", path);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		size_t n = fread(got, 1, sizeof(got) - 1, p);
		got[n] = '\0';
		assert_int_equal(pclose(p), 0);
		unlink(path);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
		assert_int_equal(n, strlen(urls[i]) + 1);
		got[n - 1] = '\0';	/* the newline */
		assert_string_equal(got, urls[i]);
	}
	arena_free(a);
}

static void
qr_svg_refuses_what_does_not_fit(void **state)
{
	struct arena *a = arena_new(4096);
	char *big = malloc(3000);
	const char *svg = "unchanged";
	size_t len = 0;
	struct err e = { 0 };

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 2999);
	big[2999] = '\0';	/* version 40-M holds 2331 bytes */
	assert_int_equal(loc_qr_svg(a, big, &svg, &len, &e), ERR_INVALID);
	assert_string_equal(e.slug, "qr_too_long");
	err_clear(&e);
	assert_int_equal(loc_qr_svg(a, "", &svg, &len, &e), ERR_INVALID);
	big[2000] = '\0';
	assert_int_equal(loc_qr_svg(a, big, &svg, &len, &e), 0);	/* a big one still works */
	assert_non_null(strstr(svg, "</svg>"));
	free(big);
	arena_free(a);
}

/* ---- tree JSON ---- */

static void
tree_json_nests_by_parent(void **state)
{
	static const struct location items[] = {
		{ .id = 1, .kind = "building", .name = "A", .path = "A" },
		{ .id = 3, .parent_id = 1, .kind = "floor", .name = "1F", .path = "A / 1F" },
		{ .id = 5, .parent_id = 3, .kind = "room", .name = "101", .code = "A-101",
		  .path = "A / 1F / 101", .active = 1 },
		{ .id = 4, .parent_id = 1, .kind = "floor", .name = "2F", .path = "A / 2F" },
		{ .id = 9, .parent_id = 8, .kind = "room", .name = "orphan", .path = "x" },
		{ .id = 6, .parent_id = 4, .kind = "room", .name = "201", .path = "A / 2F / 201" },
		{ .id = 2, .kind = "building", .name = "B", .path = "B" },
	};
	json_t *t = loc_tree_json(items, sizeof(items) / sizeof(items[0]));
	char *s = json_dumps(t, JSON_COMPACT);
	json_t *a;

	(void)state;
	assert_int_equal(json_array_size(t), 2);
	a = json_array_get(t, 0);
	assert_int_equal(json_integer_value(json_object_get(a, "id")), 1);
	assert_int_equal(json_array_size(json_object_get(a, "children")), 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(json_array_get(json_object_get(
								       a, "children"), 0),
							       "children"), 0), "id")), 5);
	/* an orphan in between does not close the open 2F */
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(json_object_get(a, "children"), 1), "children")), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(t, 1), "children")), 0);
	assert_null(strstr(s, "orphan"));
	assert_non_null(strstr(s, "\"code\":\"A-101\""));
	assert_non_null(strstr(s, "\"path\":\"A / 1F / 101\""));
	free(s);
	json_decref(t);
}

/* ---- on a database ---- */

struct fixture {
	struct db *db;
	struct arena *a;
	struct actor sys;
};

static int
setup(void **state)
{
	static struct fixture f;
	struct dept root;
	struct err e = { 0 };
	int applied;

	memset(&f, 0, sizeof(f));
	f.a = arena_new(16384);
	f.sys = (struct actor){ .ip = "test", .username = "test" };
	tmpdb_audit_key();	/* every write is audited, with the key */
	if (db_open(":memory:", DB_CREATE, &f.db, &e) || db_migrate(f.db, &applied, &e) ||
	    db_begin_write(f.db, &e) || org_agency_create(f.db, f.a, &f.sys, "机关", &root, &e) ||
	    db_commit(f.db, &e))
		fail_msg("setup: %s", e.msg);
	f.sys.agency_id = root.id;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	db_close(f->db);
	arena_free(f->a);
	return 0;
}

static int64_t
add(struct fixture *f, int64_t parent, const char *kind, const char *name, int64_t sort)
{
	struct location_in in = { .parent_id = parent, .kind = kind, .name = name,
				  .sort_order = sort };
	struct location out;
	struct err e = { 0 };

	assert_int_equal(db_begin_write(f->db, &e), 0);
	if (loc_save(f->db, f->a, &f->sys, 0, &in, &out, &e))
		fail_msg("loc_save %s: %s", name, e.msg);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(out.active, 1);	/* new nodes start active */
	return out.id;
}

static void
list_is_in_tree_order_and_within_follows_it(void **state)
{
	struct fixture *f = *state;
	struct location *v;
	size_t n;
	struct err e = { 0 };
	int64_t b2 = add(f, 0, "building", "乙楼", 2), b1 = add(f, 0, "building", "甲楼", 1);
	int64_t f12 = add(f, b1, "floor", "2层", 2), f11 = add(f, b1, "floor", "1层", 1);
	int64_t r = add(f, f11, "room", "101", 0), f21 = add(f, b2, "floor", "1层", 0);
	static const char *const want[] = { "甲楼", "甲楼 / 1层", "甲楼 / 1层 / 101",
					    "甲楼 / 2层", "乙楼", "乙楼 / 1层" };

	(void)state;
	assert_int_equal(loc_list(f->db, f->a, &f->sys, 0, &v, &n, &e), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].path, want[i]);
	const struct {
		int64_t *id, *anc;
		int want;
	} within[] = {
		{ &r, &r, 1 }, { &r, &f11, 1 }, { &r, &b1, 1 }, { &r, &b2, 0 }, { &r, &f12, 0 },
		{ &f11, &r, 0 }, { &f21, &b2, 1 }, { &b1, &b1, 1 }, { &b1, &b2, 0 },
	};
	for (size_t i = 0; i < sizeof(within) / sizeof(within[0]); i++)
		assert_int_equal(loc_is_within(f->db, *within[i].id, *within[i].anc, &e),
				 within[i].want);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(qr_svg_is_a_compact_document),
		cmocka_unit_test(qr_svg_matches_the_matrix),
		cmocka_unit_test(qr_svg_decodes_back),
		cmocka_unit_test(qr_svg_refuses_what_does_not_fit),
		cmocka_unit_test(tree_json_nests_by_parent),
	};
	const struct CMUnitTest db[] = {
		cmocka_unit_test(list_is_in_tree_order_and_within_follows_it),
	};

	int failed = cmocka_run_group_tests(pure, NULL, NULL);

	return failed + cmocka_run_group_tests(db, setup, teardown);
}
