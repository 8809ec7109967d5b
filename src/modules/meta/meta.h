/*
** modules/meta/meta.h: the API describing itself. meta_openapi() turns THE
** route table (routes, roles, flags, summaries, body field specs, export
** columns) into an OpenAPI 3.1 document, so the description cannot drift from
** what the router serves. Pure: no database, no HTTP types.
*/
#ifndef HOUQIN_META_H
#define HOUQIN_META_H

#include <jansson.h>
#include <stddef.h>

struct route_table;
struct field;

/*
** OpenAPI 3.1 document for t. version goes to info.version. New reference
** (the caller releases it); NULL on OOM.
**
** Per route: the path with :name turned into {name} and a path parameter
** (integer >= 1 when the name is id or ends in _id); summary; operationId
** "<method>_<path>" (e.g. put_api_v1_users_id_roles); tags from the first
** segment after /api/v1; security none for R_PUBLIC, else cookie or bearer;
** x-roles (role codes, ["*"] for any signed-in user) and x-write; the body
** spec as a JSON Schema request body; page/per_page/format parameters and
** CSV/XLSX responses on export routes; shared error responses referencing
** components.schemas.Error.
*/
json_t *meta_openapi(const struct route_table *t, const char *version);

/* JSON Schema (type object, additionalProperties false) of a field table. New reference. */
json_t *meta_body_schema(const struct field *spec);

/* "/api/v1/users/:id/roles" -> "/api/v1/users/{id}/roles", into out. 0, or -1 if it does not fit. */
int meta_openapi_path(const char *pattern, char *out, size_t size);

#endif
