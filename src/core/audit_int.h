/*
** core/audit_int.h: what core/audit.c (writer, walk) and core/audit_anchor.c
** (keys, checkpoints, anchor file) share. Not for other files.
*/
#ifndef HOUQIN_AUDIT_INT_H
#define HOUQIN_AUDIT_INT_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct aud_report;
struct aud_row;

/* Derived from the key file's secret once at start-up; read-only afterwards. */
struct aud_keys {
	unsigned char mac[crypto_generichash_KEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	int loaded;
};
extern struct aud_keys aud_keys;

/* A v1 checkpoint (the legacy chain's head) of this database, from the anchor file. */
struct aud_cp {
	int64_t head_id;
	char head_hash[65];
};

/* A v2 checkpoint: the digest over its heads (aud_head with cp = its index). */
struct aud_cp2 {
	int64_t head_id;	/* the newest row id when it was signed */
	char digest[65];
};

/* One chain head a v2 checkpoint signed; the walk fills hash when it meets the row. */
struct aud_head {
	int64_t chain, position;
	size_t cp;		/* index into aud_cps.v2 */
	char hash[65];
	int seen;
};

/* This database's checkpoints: v1 ascending head_id; heads by (chain, position). */
struct aud_cps {
	struct aud_cp *v;
	size_t n;
	struct aud_cp2 *v2;
	size_t n2;
	struct aud_head *h;
	size_t nh;
};

/* The largest canonical text of r (aud_canonical needs that much room). */
size_t aud_canon_bound(const struct aud_row *r);
/* BLAKE2b-256 of prev || canon[0..n) as hex, keyed with the MAC key when keyed. */
int aud_hash_text(const char *prev, const char *canon, size_t n, int keyed, char out[65]);

/*
** The walk over every row by id: the legacy chain, then each chain; fills rep
** (problem, bad_*, count, chains, head_id), checking the v1 checkpoints and
** filling the v2 heads' hashes on the way.
*/
int aud_walk(struct db *db, struct aud_cps *cps, struct aud_report *rep, struct err *e);

#endif
