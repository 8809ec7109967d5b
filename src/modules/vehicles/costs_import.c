/*
** modules/vehicles/costs_import.c: the fuel card issuer's CSV imported (costs.h
** fuel_import): the file is parsed and every line checked first (costs_csv.c,
** then the plates and dates here), so a bad line refuses the file before any
** write; then one transaction: the import row, a fuel cost per line through
** cost_post (the budget engine), and the flags check of each refuel.
*/
#include "modules/vehicles/costs.h"
#include "modules/vehicles/flags.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>

static const char sql_vehicle[] =
	"SELECT id FROM vehicle WHERE agency_id = :agency AND plate = :plate";
static const char sql_insert[] =
	"INSERT INTO fuel_import (agency_id, rows, litres_x100, amount_fen, created_by, created_at)"
	" VALUES (:agency, :rows, :litres, :amount, :by, :now) RETURNING id";
static const char sql_flags[] =
	"SELECT f.id, f.kind, f.cost_id, v.plate, c.occurred_on, f.evidence FROM trip_flag f"
	" JOIN vehicle_cost c ON c.id = f.cost_id JOIN vehicle v ON v.id = c.vehicle_id"
	" WHERE c.fuel_import_id = :id AND f.agency_id = :agency ORDER BY f.id";
static const char sql_list[] =
	"SELECT i.id, i.rows, i.litres_x100, i.amount_fen, u.display_name, i.created_at,"
	" (SELECT COUNT(*) FROM trip_flag f JOIN vehicle_cost c ON c.id = f.cost_id"
	"  WHERE c.fuel_import_id = i.id)"
	" FROM fuel_import i LEFT JOIN app_user u ON u.id = i.created_by"
	" WHERE i.agency_id = :agency ORDER BY i.created_at DESC, i.id DESC"
	" LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM fuel_import WHERE agency_id = :agency";
static const char sql_one[] =
	"SELECT COUNT(*) FROM fuel_import WHERE agency_id = :agency AND id = :id";

static int
vehicle_of(struct db *db, int64_t agency, const char *plate, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_vehicle, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":plate", plate, e) || db_step_row(&st, e) ? e->code : 0;

	*id = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		rc = 0;
	}
	return rc;
}

int
fuel_check_rows(struct db *db, struct arena *a, const struct actor *who, struct fuel_csv *csv,
		struct err *e)
{
	int today = cal_local_date(now_ms());

	for (size_t i = 0; i < csv->n; i++) {
		struct fuel_line *l = &csv->lines[i];

		if (vehicle_of(db, who->agency_id, l->plate, &l->vehicle_id, e))
			return e->code;
		if (!l->vehicle_id &&
		    fuel_csv_error(a, csv, l->line, "plate", "车辆未登记", "no such vehicle"))
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (l->date > today &&
		    fuel_csv_error(a, csv, l->line, "date", "日期不能晚于今天",
				   "the date cannot be after today"))
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	return 0;
}

static int
insert_import(struct db *db, const struct actor *who, struct fuel_import_result *r,
	      struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":rows", r->rows, e) ||
		 db_bind_i64(&st, ":litres", r->litres_x100, e) ||
		 db_bind_i64(&st, ":amount", r->amount_fen, e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;

	r->id = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* A cost_post refusal names the file's line, so the office can find it. */
static int
on_line(struct err *e, int line)
{
	char msg[sizeof(e->msg)];

	snprintf(msg, sizeof(msg), "%s", e->msg);
	return err_setx(e, e->code, e->slug, "line", "第 %d 行：%s", line, msg);
}

static int
post_line(struct db *db, struct arena *a, const struct actor *who, const struct fuel_line *l,
	  int64_t import_id, struct err *e)
{
	struct cost_in in = { .vehicle_id = l->vehicle_id, .kind = "fuel",
			      .amount_fen = l->amount_fen, .occurred_on = l->date,
			      .vendor_name = l->station, .fuel_import_id = import_id,
			      .litres_x100 = l->litres_x100 };
	int64_t cost_id;

	if (vendor_by_name(db, who->agency_id, l->station, &in.vendor_id, e))
		return e->code;
	if (cost_post(db, a, who, &in, &cost_id, e))
		return on_line(e, l->line);
	return flag_check_refuel(db, a, who->agency_id, l->vehicle_id, l->date, l->litres_x100,
				 cost_id, e);
}

/* The flags this import raised, for the answer. */
static int
read_flags(struct db *db, struct arena *a, const struct actor *who, int64_t id, json_t *out,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_flags, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;

	for (; !rc && (rc = db_step(&st, e)) == 1; rc = 0) {
		const char *kind = db_col_text(&st, a, 1), *ev = db_col_text(&st, a, 5);
		json_t *evidence = jarena(a, ev ? json_loads(ev, 0, NULL) : NULL);

		json_array_append_new(
			out, json_pack("{sI ss sI ss so so}", "id", (json_int_t)db_col_i64(&st, 0),
				       "kind", kind, "cost_id", (json_int_t)db_col_i64(&st, 2),
				       "plate", db_col_text(&st, a, 3), "date",
				       jdate((int)db_col_i64(&st, 4)), "summary",
				       jstr_or_null(flag_summary(a, kind, evidence))));
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
fuel_import(struct db *db, struct arena *a, const struct actor *who, const struct fuel_csv *csv,
	    struct fuel_import_result *out, struct err *e)
{
	assert(db_in_tx(db));
	*out = (struct fuel_import_result){ .rows = (int64_t)csv->n };
	if (csv->nbad || !csv->n)
		return err_setx(e, ERR_INVALID, "invalid_csv", NULL, "导入文件有错误");
	for (size_t i = 0; i < csv->n; i++) {
		out->litres_x100 += csv->lines[i].litres_x100;
		out->amount_fen += csv->lines[i].amount_fen;
	}
	if (insert_import(db, who, out, e) ||
	    aud_record(db, who, "create", "fuel_import", out->id, NULL,
		       jarena(a, json_pack("{sI sI sI}", "rows", (json_int_t)out->rows,
					   "litres_x100", (json_int_t)out->litres_x100,
					   "amount_fen", (json_int_t)out->amount_fen)),
		       e))
		return e->code;
	for (size_t i = 0; i < csv->n; i++)
		if (post_line(db, a, who, &csv->lines[i], out->id, e))
			return e->code;
	out->flags = jarena(a, json_array());
	if (!out->flags)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return read_flags(db, a, who, out->id, out->flags, e);
}

static int
list_rows(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	  int64_t offset, json_t *arr, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e)
			 ? e->code : 0;

	for (; !rc && (rc = db_step(&st, e)) == 1; rc = 0)
		json_array_append_new(
			arr, json_pack("{sI sI sI sI so so sI}", "id",
				       (json_int_t)db_col_i64(&st, 0), "rows",
				       (json_int_t)db_col_i64(&st, 1), "litres_x100",
				       (json_int_t)db_col_i64(&st, 2), "amount_fen",
				       (json_int_t)db_col_i64(&st, 3), "created_by_name",
				       jstr_or_null(db_col_text(&st, a, 4)), "created_at",
				       jtime(db_col_i64(&st, 5)), "flags",
				       (json_int_t)db_col_i64(&st, 6)));
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
fuel_import_list(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
		 int64_t offset, json_t **items, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	*total = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	*items = jarena(a, json_array());
	if (!rc && !*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return rc ? rc : list_rows(db, a, who, limit, offset, *items, e);
}

int
fuel_import_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_one, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_row(&st, e) ? e->code : 0;
	int64_t n = rc ? 0 : db_col_i64(&st, 0);

	(void)a;
	db_finalize(&st);
	if (!rc && !n)
		rc = err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "导入记录不存在");
	return rc;
}
