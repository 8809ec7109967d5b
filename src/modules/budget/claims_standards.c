/*
** modules/budget/claims_standards.c: 差旅标准 as data per agency (claims.h):
** the list, finance's new rows, and an agency's defaults (plausible national
** figures; finance edits them).
*/
#include "modules/budget/claims.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/validate.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

#define STD_COLS "id, city, rank, lodging_fen, meal_fen, transport_fen, valid_from," \
		 " COALESCE(valid_to, 0), created_at"
static const char sql_std_list[] =
	"SELECT " STD_COLS " FROM travel_standard WHERE agency_id = :agency"
	" ORDER BY city = '*', city, rank, valid_from DESC, id";
static const char sql_std_get[] =
	"SELECT " STD_COLS " FROM travel_standard WHERE agency_id = :agency AND id = :id";
static const char sql_std_insert[] =
	"INSERT INTO travel_standard (agency_id, city, rank, lodging_fen, meal_fen, transport_fen,"
	" valid_from, valid_to, created_at, created_by) VALUES (:agency, :city, :rank, :lodging,"
	" :meal, :transport, :from, :to, :now, :by) RETURNING id";

static void
std_row(struct stmt *st, struct arena *a, void *item)
{
	struct claim_std *s = item;

	s->id = db_col_i64(st, 0);
	s->city = db_col_text(st, a, 1);
	s->rank = db_col_text(st, a, 2);
	s->lodging_fen = db_col_i64(st, 3);
	s->meal_fen = db_col_i64(st, 4);
	s->transport_fen = db_col_i64(st, 5);
	s->valid_from = (int)db_col_i64(st, 6);
	s->valid_to = (int)db_col_i64(st, 7);
	s->created_at = db_col_i64(st, 8);
}

int
claim_std_list(struct db *db, struct arena *a, int64_t agency, struct claim_std **items,
	       size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_std_list, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_read_rows(&st, a, sizeof(**items), std_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
std_get(struct db *db, struct arena *a, int64_t agency, int64_t id, struct claim_std *out,
	struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_std_get, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		std_row(&st, a, out);
	db_finalize(&st);
	return rc;
}

/* Field checks beyond the spec's: the rank, the dates and their order. */
static int
std_check(const struct claim_std_in *in, int *from, int *to, struct err *e)
{
	*to = 0;
	if (!in->city || !in->city[0])
		err_field(e, "city", "请填写城市（其他城市填 *）");
	if (!in->rank || !val_in(in->rank, claim_ranks))
		err_field(e, "rank", "级别应为 minister、bureau 或 other");
	if (cal_parse_date(in->valid_from, from))
		err_field(e, "valid_from", "日期应为 YYYY-MM-DD");
	if (in->valid_to && cal_parse_date(in->valid_to, to))
		err_field(e, "valid_to", "日期应为 YYYY-MM-DD");
	else if (in->valid_to && *to < *from)
		err_field(e, "valid_to", "截止日期不能早于起始日期");
	return err_fields_done(e);
}

static int
std_insert(struct db *db, const struct actor *who, const struct claim_std_in *in, int from,
	   int to, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_std_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":city", in->city, e) || db_bind_text(&st, ":rank", in->rank, e) ||
		 db_bind_i64(&st, ":lodging", in->lodging_fen, e) ||
		 db_bind_i64(&st, ":meal", in->meal_fen, e) ||
		 db_bind_i64(&st, ":transport", in->transport_fen, e) ||
		 db_bind_i64(&st, ":from", from, e) || db_bind_id_or_null(&st, ":to", to, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
claim_std_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct claim_std_in *in, struct claim_std *out, struct err *e)
{
	int64_t id = 0;
	int from, to;

	assert(db_in_tx(db));
	if (who->id != 0 && !actor_has(who, ROLE_FINANCE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以维护差旅标准");
	if (std_check(in, &from, &to, e) || std_insert(db, who, in, from, to, &id, e) ||
	    std_get(db, a, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "travel_standard", id, NULL,
			  jarena(a, claim_std_json(out)), e);
}

json_t *
claim_std_json(const struct claim_std *s)
{
	return json_pack("{sI ss ss sI sI sI so so}", "id", (json_int_t)s->id, "city", s->city,
			 "rank", s->rank, "lodging_fen", (json_int_t)s->lodging_fen, "meal_fen",
			 (json_int_t)s->meal_fen, "transport_fen", (json_int_t)s->transport_fen,
			 "valid_from", jdate(s->valid_from), "valid_to", jdate(s->valid_to));
}

/* 住宿 caps by city and rank (yuan per night); 伙食 100 and 市内交通 80 yuan a day everywhere. */
static const struct { const char *city; int64_t minister, bureau, other; } std_cities[] = {
	{ "北京", 1100, 800, 500 }, { "上海", 1100, 800, 500 }, { "广州", 950, 700, 450 },
	{ "深圳", 950, 700, 450 },  { "*", 800, 450, 380 },
};

int
claim_seed_standards(struct db *db, struct arena *a, const struct actor *who, int *added,
		     struct err *e)
{
	struct claim_std out, *have;
	size_t n;

	if (claim_std_list(db, a, who->agency_id, &have, &n, e))
		return e->code;
	if (n > 0)
		return 0;	/* one set per agency: its cities fall back on "*", so never half of ours */
	for (size_t i = 0; i < sizeof(std_cities) / sizeof(std_cities[0]); i++)
		for (int r = 0; claim_ranks[r]; r++) {
			int64_t cap = r == 0 ? std_cities[i].minister : r == 1 ? std_cities[i].bureau
									  : std_cities[i].other;
			struct claim_std_in in = { std_cities[i].city, claim_ranks[r], cap * 100,
						   10000, 8000, "2024-01-01", NULL };
			if (claim_std_create(db, a, who, &in, &out, e))
				return e->code;
			(*added)++;
		}
	return 0;
}
