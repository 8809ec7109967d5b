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

/* A checkpoint of this chain read from the anchor file. */
struct aud_cp {
	int64_t head_id;
	char head_hash[65];
};

/* This chain's checkpoints, ascending head_id. */
struct aud_cps {
	struct aud_cp *v;
	size_t n;
};

/* The largest canonical text of r (aud_canonical needs that much room). */
size_t aud_canon_bound(const struct aud_row *r);
/* BLAKE2b-256 of prev || canon[0..n) as hex, keyed with the MAC key when keyed. */
int aud_hash_text(const char *prev, const char *canon, size_t n, int keyed, char out[65]);

/* The hash chain walk; fills rep (problem, bad_id, count, head_id), checking cps on the way. */
int aud_walk(struct db *db, const struct aud_cps *cps, struct aud_report *rep, struct err *e);

#endif
