/*
** core/validate.h: declarative input specs. A field table describes a JSON
** object; val_object() checks it and writes the values into a C struct.
** Every bad field is reported in e->fields (field-level messages for the UI);
** unknown keys are rejected (e->fields[0].name then points into the JSON,
** alive as long as the request). An optional field sent as null keeps the
** caller's default (F_ID stores 0). Strings are borrowed from the JSON value, which
** the request arena keeps alive.
*/
#ifndef HOUQIN_VALIDATE_H
#define HOUQIN_VALIDATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct err;

enum field_type {
	F_STR,		/* const char *; min/max in characters; trimmed input must be non-empty if required */
	F_ID,		/* int64_t > 0; null allowed if !required (stored as 0) */
	F_INT,		/* int64_t in [min, max]; null allowed if !required (default kept) */
	F_BOOL,		/* int 0/1 */
	F_ENUM,		/* const char * from .enums (NULL-terminated) */
	F_TIME,		/* int64_t ms from ISO-8601 string */
	F_STRLIST,	/* struct strlist; each item from .enums if set */
	F_JSON,		/* const json_t * borrowed as is; the handler checks its shape */
};

struct strlist {
	const char **v;
	size_t n;
};

struct field {
	const char *name;
	enum field_type type;
	int required;
	int64_t min, max;		/* F_STR: chars (max 0 = TEXT_MAX); F_INT: range */
	const char *const *enums;
	size_t off;			/* offsetof the target member */
};

/*
** The optimistic-concurrency token (DESIGN.md §6) as the last row of a PUT
** spec: every PUT of an editable record requires the updated_at it read, and
** the domain checks it with db_check_seen (tests/api/test_openapi.c walks the
** route table for it). A create spec leaves it out.
*/
#define FIELD_UPDATED_AT(in_struct, member) \
	{ .name = "updated_at", .type = F_TIME, .required = 1, \
	  .off = offsetof(in_struct, member) }

/*
** Check obj against spec and fill out. *present (may be NULL) gets bit i set
** for each spec[i] present in obj (at most 32 fields). Returns 0 or
** ERR_INVALID with every bad field listed. arena holds F_STRLIST arrays.
*/
struct arena;
int val_object(struct arena *a, const json_t *obj, const struct field *spec, void *out,
	       uint32_t *present, struct err *e);
/* Bit of the named field in spec (for testing *present); 0 if absent from spec. */
uint32_t val_bit(const struct field *spec, const char *name);
/* Whether s is one of enums. */
int val_in(const char *s, const char *const *enums);

#endif
