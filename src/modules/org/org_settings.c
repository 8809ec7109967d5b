/*
** modules/org/org_settings.c: the agency's settings (issue #13 item 6).
** Owns table agency_setting: one row per agency, made on the first save.
** Today it holds the public base URL printed in QR labels.
*/
#include "modules/org/org.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

static const char sql_get[] =
	"SELECT public_base_url, updated_at FROM agency_setting WHERE agency_id = :agency";
static const char sql_insert[] =
	"INSERT INTO agency_setting (agency_id, public_base_url, created_at, updated_at, updated_by)"
	" VALUES (:agency, :url, :now, :now, :by)";
static const char sql_update[] =
	"UPDATE agency_setting SET public_base_url = :url, updated_at = :now, updated_by = :by"
	" WHERE agency_id = :agency AND updated_at = :seen";

json_t *
org_settings_json(const struct agency_settings *s)
{
	return json_pack("{so so}", "public_base_url", jstr_or_null(s->public_base_url),
			 "updated_at", s->updated_at ? jtime(s->updated_at) : json_null());
}

int
org_settings_get(struct db *db, struct arena *a, int64_t agency, struct agency_settings *out,
		 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e);

	memset(out, 0, sizeof(*out));
	if (!rc)
		rc = db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc) {
		out->public_base_url = db_col_text(&st, a, 0);
		out->updated_at = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

static int
url_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~/%:[]!$&'()*+,;=", c));
}

/* Host part (up to the first '/'): letters, digits, dots, hyphens, an optional :port. */
static int
host_ok(const char *h, size_t n)
{
	size_t colon = n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == ':' && colon == n)
			colon = i;
		else if (colon < n ? !(c >= '0' && c <= '9')
				   : !(c == '.' || c == '-' || (c >= '0' && c <= '9') ||
				       (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return colon > 0 && (colon == n || (n - colon >= 2 && n - colon <= 6));
}

/*
** An http(s) URL without query, fragment or user name; trailing slashes go. An empty
** value clears the setting (*out NULL). ERR_INVALID on field public_base_url.
*/
static int
normalize_url(struct arena *a, const char *in, const char **out, struct err *e)
{
	size_t n = in ? strlen(in) : 0, skip, host;

	*out = NULL;
	if (n == 0)
		return 0;
	if (strpbrk(in, "?#"))
		return err_setx(e, ERR_INVALID, "invalid", "public_base_url",
				"公开访问地址不能带查询参数（?）或片段（#）");
	skip = strncmp(in, "https://", 8) == 0 ? 8 : strncmp(in, "http://", 7) == 0 ? 7 : 0;
	for (size_t i = 0; skip && i < n; i++)
		if (!url_char_ok((unsigned char)in[i]))
			skip = 0;
	host = skip ? strcspn(in + skip, "/") : 0;
	if (!skip || n > ORG_BASE_URL_MAX || !host_ok(in + skip, host))
		return err_setx(e, ERR_INVALID, "invalid", "public_base_url",
				"公开访问地址应为 http:// 或 https:// 开头的网址，如 https://houqin.example.gov.cn");
	while (n > skip + host && in[n - 1] == '/')
		n--;
	*out = arena_strndup(a, in, n);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
}

static int
settings_write(struct db *db, const struct actor *who, const char *url, int64_t seen,
	       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, seen ? sql_update : sql_insert, e);

	if (!rc)
		rc = db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_text(&st, ":url", url, e) ||
		     db_bind_i64(&st, ":now", db_next_updated_at(seen, now_ms()), e) ||
		     db_bind_i64(&st, ":by", who->id, e) ||
		     (seen && db_bind_i64(&st, ":seen", seen, e)) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)	/* two first saves at once */
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "%s已被他人修改，请刷新后重试", "单位设置");
	return rc || !seen ? rc : db_check_changed(db, "单位设置", e);
}

int
org_settings_put(struct db *db, struct arena *a, const struct actor *who,
		 const struct agency_settings *in, struct agency_settings *out, struct err *e)
{
	struct agency_settings cur;
	const char *url;

	assert(db_in_tx(db));
	if (normalize_url(a, in->public_base_url, &url, e) ||
	    org_settings_get(db, a, who->agency_id, &cur, e) ||
	    (cur.updated_at && db_check_seen(in->updated_at, cur.updated_at, "单位设置", e)) ||
	    settings_write(db, who, url, cur.updated_at, e) ||
	    org_settings_get(db, a, who->agency_id, out, e))
		return e->code;
	return aud_record(db, who, "update", "agency_setting", who->agency_id,
			  jarena(a, org_settings_json(&cur)), jarena(a, org_settings_json(out)), e);
}
