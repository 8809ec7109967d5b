/*
** core/audit_walk.c: the verification walk over audit_log, in two stages so
** that it uses two cores: this thread steps the database and copies rows into
** a batch, a checker thread rebuilds each row's canonical text and MAC and
** compares links and checkpoints, in id order. Two batches alternate; the
** checker stops the reader at the first problem.
**
** One pass by id covers every chain: the legacy rows (chain NULL) come first
** and are linked by id; after them each row continues its own chain, whose
** state (last position and hash) the checker keeps in a sorted array. Within a
** chain ids grow with positions (an append waits for the previous one's
** commit), so a row out of place there is a broken link too.
*/
#include "core/audit.h"
#include "core/audit_int.h"
#include "core/err.h"
#include "db/db.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define WALK_BUF_MIN 65536
#define WALK_BATCH 4096		/* rows handed over at once */
#define NTEXT 7			/* action entity before after ip prev_hash hash */
#define NO_CHAIN (-1)		/* a row whose chain is NULL but position is not: never valid */
#define NO_TEXT SIZE_MAX	/* a NULL column */

static const char sql_walk[] =
	"SELECT id, at, COALESCE(actor_id, 0), COALESCE(agency_id, 0), action, entity,"
	" COALESCE(entity_id, 0), before_json, after_json, ip, prev_hash, hash,"
	" COALESCE(chain, -1), COALESCE(position, 0)"
	" FROM audit_log ORDER BY id";

/* ---------- checking one row (the checker's state) ---------- */

/* A chain as far as the walk has come. */
struct wchain {
	int64_t id, position;	/* its last position so far */
	char prev[65];
	size_t next_head, end_head;	/* its checkpointed heads: cps->h[next_head..end_head) */
};

struct walk {
	char prev[65], hash[65];	/* the legacy chain's */
	char *buf;
	size_t size;
	int keyed;
	struct aud_cps *cps;
	size_t next_cp;		/* cps->v[next_cp] is the next (v1) checkpoint to meet */
	int64_t expect;		/* the next legacy id */
	int legacy_done;	/* a chain's row has been seen: no legacy row may follow */
	struct wchain *chains;	/* ascending id */
	size_t nchains, cap;
};

static int
walk_buf(struct walk *w, size_t need)
{
	char *p;

	if (need <= w->size)
		return 0;
	need = need < WALK_BUF_MIN ? WALK_BUF_MIN : need;
	p = realloc(w->buf, need);
	if (!p)
		return ERR_NOMEM;
	w->buf = p;
	w->size = need;
	return 0;
}

static int
is_mark(const struct aud_row *r)
{
	return r->action && r->entity && strcmp(r->action, AUD_KEYED_ACTION) == 0 &&
	       strcmp(r->entity, "audit") == 0;
}

/* The MAC of r after prev into w->hash; AUD_OK if it is shash, else what is wrong. */
static int
check_mac(struct walk *w, const struct aud_row *r, const char *prev, const char *shash,
	  int keyed)
{
	long n;

	if (walk_buf(w, aud_canon_bound(r)))
		return ERR_NOMEM;
	n = aud_canonical(r, w->buf, w->size);
	if (n < 0 || !shash || aud_hash_text(prev, w->buf, (size_t)n, keyed, w->hash))
		return AUD_EDITED;
	if (strcmp(shash, w->hash) != 0) {
		char plain[65];
		aud_hash_text(prev, w->buf, (size_t)n, 0, plain);
		return keyed && strcmp(shash, plain) == 0 ? AUD_REHASHED : AUD_EDITED;
	}
	return AUD_OK;
}

/* A legacy row: ids contiguous from 1, keyed from the audit_keyed record on, v1 checkpoints. */
static int
check_legacy(struct walk *w, const struct aud_row *r, const char *sprev, const char *shash)
{
	int pr;

	if (r->id != w->expect || w->legacy_done)
		return AUD_LINK;
	w->keyed |= is_mark(r);
	if (!sprev || strcmp(sprev, w->prev) != 0)
		return AUD_LINK;
	pr = check_mac(w, r, w->prev, shash, w->keyed);
	if (pr)
		return pr;
	while (w->cps && w->next_cp < w->cps->n && w->cps->v[w->next_cp].head_id <= r->id) {
		const struct aud_cp *cp = &w->cps->v[w->next_cp++];
		if (cp->head_id == r->id && strcmp(cp->head_hash, w->hash) != 0)
			return AUD_CP_MISMATCH;
	}
	memcpy(w->prev, w->hash, sizeof(w->prev));
	w->expect++;
	return AUD_OK;
}

/* First index in cps->h whose chain is >= chain. */
static size_t
heads_from(const struct aud_cps *cps, int64_t chain)
{
	size_t lo = 0, hi = cps ? cps->nh : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cps->h[mid].chain < chain)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index in w->chains whose id is >= id. */
static size_t
chain_from(const struct walk *w, int64_t id)
{
	size_t lo = 0, hi = w->nchains;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->chains[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* chain's state, added (after the legacy chain's last hash) on its first row; NULL: no memory. */
static struct wchain *
chain_of(struct walk *w, int64_t id)
{
	size_t lo = chain_from(w, id);

	if (lo < w->nchains && w->chains[lo].id == id)
		return &w->chains[lo];
	if (w->nchains == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct wchain *v = realloc(w->chains, cap * sizeof(*v));
		if (!v)
			return NULL;
		w->chains = v;
		w->cap = cap;
	}
	memmove(&w->chains[lo + 1], &w->chains[lo], (w->nchains++ - lo) * sizeof(*w->chains));
	struct wchain *c = &w->chains[lo];
	*c = (struct wchain){ .id = id };
	memcpy(c->prev, w->prev, sizeof(c->prev));
	c->next_head = heads_from(w->cps, id);
	c->end_head = heads_from(w->cps, id + 1);
	return c;
}

/* A chain's row: the next position, linked to the chain's previous hash, keyed; note its heads. */
static int
check_chained(struct walk *w, const struct aud_row *r, const char *sprev, const char *shash)
{
	struct wchain *c;
	int pr;

	w->legacy_done = 1;	/* w->prev is now the legacy chain's last hash for good */
	if (r->chain == NO_CHAIN)
		return AUD_LINK;
	c = chain_of(w, r->chain);
	if (!c)
		return ERR_NOMEM;
	w->keyed |= is_mark(r);
	if (r->position != c->position + 1 || !sprev || strcmp(sprev, c->prev) != 0)
		return AUD_LINK;
	pr = check_mac(w, r, c->prev, shash, 1);
	if (pr)
		return pr;
	for (; c->next_head < c->end_head && w->cps->h[c->next_head].position <= r->position;
	     c->next_head++) {
		struct aud_head *h = &w->cps->h[c->next_head];
		if (h->position == r->position) {
			memcpy(h->hash, w->hash, sizeof(h->hash));
			h->seen = 1;
		}
	}
	memcpy(c->prev, w->hash, sizeof(c->prev));
	c->position++;
	return AUD_OK;
}

/* The problem with row r (stored prev/hash as given), AUD_OK if it links; ERR_NOMEM. */
static int
check_row(struct walk *w, const struct aud_row *r, const char *sprev, const char *shash)
{
	return r->position ? check_chained(w, r, sprev, shash) : check_legacy(w, r, sprev, shash);
}

/* ---------- batches ---------- */

struct wrow {
	int64_t id, at, actor_id, agency_id, entity_id, chain, position;
	size_t off[NTEXT];	/* into the batch's text, NO_TEXT for NULL */
};

struct batch {
	struct wrow rows[WALK_BATCH];
	size_t n;
	char *text;
	size_t used, cap;
	int full;		/* handed to the checker */
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[2];
	int done, stop;		/* reader finished; checker found a problem (or no memory) */
	int nomem;
	struct walk w;
	struct aud_report *rep;
};

/* Copy the current row of st into b; ERR_NOMEM if the text does not grow. */
static int
batch_add(struct batch *b, struct stmt *st)
{
	struct wrow *r = &b->rows[b->n];

	r->id = db_col_i64(st, 0);
	r->at = db_col_i64(st, 1);
	r->actor_id = db_col_i64(st, 2);
	r->agency_id = db_col_i64(st, 3);
	r->entity_id = db_col_i64(st, 6);
	r->chain = db_col_i64(st, 12);
	r->position = db_col_i64(st, 13);
	for (int i = 0; i < NTEXT; i++) {
		static const int col[NTEXT] = { 4, 5, 7, 8, 9, 10, 11 };
		size_t len;
		const char *s = db_col_peek(st, col[i], &len);
		if (!s) {
			r->off[i] = NO_TEXT;
			continue;
		}
		if (b->used + len + 1 > b->cap) {
			size_t cap = (b->cap ? b->cap * 2 : WALK_BUF_MIN) + len + 1;
			char *p = realloc(b->text, cap);
			if (!p)
				return ERR_NOMEM;
			b->text = p;
			b->cap = cap;
		}
		memcpy(b->text + b->used, s, len + 1);
		r->off[i] = b->used;
		b->used += len + 1;
	}
	b->n++;
	return 0;
}

static const char *
text_at(const struct batch *b, size_t off)
{
	return off == NO_TEXT ? NULL : b->text + off;
}

/* Check every row of b in order; 0, or 1 when the walk must stop. */
static int
check_batch(struct pipe *p, const struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct wrow *x = &b->rows[i];
		struct aud_row r = {
			.id = x->id, .at = x->at, .actor_id = x->actor_id,
			.agency_id = x->agency_id, .entity_id = x->entity_id,
			.chain = x->chain, .position = x->position,
			.action = text_at(b, x->off[0]), .entity = text_at(b, x->off[1]),
			.before = text_at(b, x->off[2]), .after = text_at(b, x->off[3]),
			.ip = text_at(b, x->off[4]),
		};
		int pr = check_row(&p->w, &r, text_at(b, x->off[5]), text_at(b, x->off[6]));
		if (pr == ERR_NOMEM) {
			p->nomem = 1;
			return 1;
		}
		if (pr) {
			p->rep->problem = pr;
			p->rep->bad_id = r.id;
			p->rep->bad_chain = r.position ? r.chain : 0;
			p->rep->bad_position = r.position;
			return 1;
		}
		p->rep->head_id = r.id;
		p->rep->count++;
	}
	return 0;
}

static void *
checker(void *arg)
{
	struct pipe *p = arg;

	for (int i = 0;; i ^= 1) {
		struct batch *b = &p->b[i];
		int stop, have;
		pthread_mutex_lock(&p->mu);
		while (!b->full && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		have = b->full;
		pthread_mutex_unlock(&p->mu);
		if (!have)
			break;	/* done and nothing left */
		stop = check_batch(p, b);
		pthread_mutex_lock(&p->mu);
		b->n = 0;
		b->used = 0;
		b->full = 0;
		p->stop |= stop;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
	}
	return NULL;
}

/* Hand b to the checker. */
static void
hand_over(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->full = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Wait until b is free again; 1 if the checker has stopped the walk. */
static int
wait_free(struct pipe *p, struct batch *b)
{
	int stop;

	pthread_mutex_lock(&p->mu);
	while (b->full && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* The reader: step rows into alternating batches until the end or a stop. */
static int
read_rows(struct db *db, struct pipe *p, struct err *e)
{
	struct stmt st = { 0 };
	int i = 0, fresh = 1, rc = db_prepare(db, &st, sql_walk, e);

	/* fresh: b[i] may still be the checker's; once waited for, it is ours until handed over */
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct batch *b = &p->b[i];
		rc = 0;
		if (fresh && wait_free(p, b))
			break;
		fresh = 0;
		if (batch_add(b, &st)) {
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
			break;
		}
		if (b->n == WALK_BATCH) {
			hand_over(p, b);
			i ^= 1;
			fresh = 1;
		}
	}
	db_finalize(&st);
	if (rc >= 0 && !fresh && p->b[i].n)
		hand_over(p, &p->b[i]);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return rc < 0 ? rc : 0;
}

/* After an intact walk: a checkpointed head the walk never met is a truncated chain. */
static void
heads_met(const struct walk *w, struct aud_report *rep)
{
	if (w->cps && w->cps->n && w->cps->v[w->cps->n - 1].head_id >= w->expect) {
		rep->problem = AUD_TRUNCATED;	/* the legacy chain, by a v1 checkpoint */
		rep->bad_id = w->expect;
		return;
	}
	for (size_t i = 0; w->cps && i < w->cps->nh; i++) {
		const struct aud_head *h = &w->cps->h[i];
		size_t lo;
		if (h->seen)
			continue;
		lo = chain_from(w, h->chain);	/* the chain's last position, for the report */
		rep->problem = AUD_TRUNCATED;
		rep->bad_chain = h->chain;
		rep->bad_position = 1 + (lo < w->nchains && w->chains[lo].id == h->chain
					 ? w->chains[lo].position : 0);
		return;
	}
}

int
aud_walk(struct db *db, struct aud_cps *cps, struct aud_report *rep, struct err *e)
{
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t th;
	int rc;

	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	memcpy(p->w.prev, GENESIS, sizeof(p->w.prev));
	p->w.cps = cps;
	p->w.expect = 1;
	p->rep = rep;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&th, NULL, checker, p) != 0) {
		rc = err_set(e, ERR_NOMEM, NULL, "cannot start the audit checker thread");
	} else {
		rc = read_rows(db, p, e);
		pthread_join(th, NULL);
	}
	if (!rc && p->nomem)
		rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	rep->chains = (int64_t)p->w.nchains;
	if (!rc && !rep->problem && rep->count && !p->w.keyed) {
		rep->problem = AUD_NOT_KEYED;
		rep->bad_id = 1;
	}
	if (!rc && !rep->problem)
		heads_met(&p->w, rep);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->w.chains);
	free(p->w.buf);
	free(p->b[0].text);
	free(p->b[1].text);
	free(p);
	return rc;
}

const char *
aud_problem_text(int problem)
{
	static const char *const text[] = {
		[AUD_OK] = "ok",
		[AUD_EDITED] = "row edited (its content or hash does not match the key)",
		[AUD_LINK] = "chain link broken (a row is missing or out of place,"
			     " or its prev_hash was changed)",
		[AUD_REHASHED] = "rows re-hashed without the audit key",
		[AUD_NOT_KEYED] = "chain has no keyed part: rewritten without the audit key",
		[AUD_TRUNCATED] = "truncated: a chain's head is behind the last checkpoint",
		[AUD_CP_MISMATCH] = "a checkpointed row's hash no longer matches the checkpoint",
		[AUD_CP_BAD_SIG] = "a checkpoint line in the anchor file has a bad signature",
		[AUD_CP_MISSING] = "a checkpoint in the database is missing from the anchor file",
	};

	return problem >= 0 && problem <= AUD_CP_MISSING ? text[problem] : "unknown problem";
}
