/*
** core/msg.c: the registered message tables (one hash index over all of
** them, behind a read-write lock), English formatting with argument
** translation, and Accept-Language parsing.
*/
#include "core/msg.h"
#include "core/arena.h"
#include "core/err.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TABLES_MAX 64
#define CONV_SIG_LEN 32
#define RING 16

static struct {
	pthread_rwlock_t lock;
	const struct msg *tables[TABLES_MAX];
	int ntables;
	const struct msg **slots;	/* open addressing over entries; NULL = empty */
	size_t nslots, nused;
} reg = { .lock = PTHREAD_RWLOCK_INITIALIZER };

static pthread_once_t core_once = PTHREAD_ONCE_INIT;

static _Thread_local struct {
	char zh[160], en[160];
} ring[RING];
static _Thread_local unsigned ring_next;

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* reg.lock held (any mode). */
static const struct msg *
find(const char *zh)
{
	if (!reg.nslots)
		return NULL;
	for (size_t i = hash(zh) & (reg.nslots - 1);; i = (i + 1) & (reg.nslots - 1)) {
		const struct msg *m = reg.slots[i];
		if (!m)
			return NULL;
		if (strcmp(m->zh, zh) == 0)
			return m;
	}
}

/* reg.lock held for writing; nslots is a power of two with room. */
static void
put(const struct msg *m)
{
	size_t i = hash(m->zh) & (reg.nslots - 1);

	while (reg.slots[i]) {
		if (strcmp(reg.slots[i]->zh, m->zh) == 0)
			return;	/* the first table to define a key wins */
		i = (i + 1) & (reg.nslots - 1);
	}
	reg.slots[i] = m;
	reg.nused++;
}

/* An entry whose formats read different arguments is never used. */
static int
usable(const struct msg *m)
{
	char a[CONV_SIG_LEN], b[CONV_SIG_LEN];
	int na = msg_conversions(m->zh, a, sizeof(a)), nb = msg_conversions(m->en, b, sizeof(b));

	return na >= 0 && na == nb && strcmp(a, b) == 0;
}

/* reg.lock held for writing. */
static int
add(const struct msg *table)
{
	size_t n = 0, want;

	for (int i = 0; i < reg.ntables; i++)
		if (reg.tables[i] == table)
			return 0;
	if (reg.ntables >= TABLES_MAX)
		return ERR_NOMEM;
	while (table[n].zh)
		n++;
	for (want = reg.nslots ? reg.nslots : 256; (reg.nused + n) * 2 > want; want *= 2)
		;
	if (want != reg.nslots) {
		const struct msg **old = reg.slots;
		size_t oldn = reg.nslots;
		reg.slots = calloc(want, sizeof(*reg.slots));
		if (!reg.slots) {
			reg.slots = old;
			return ERR_NOMEM;
		}
		reg.nslots = want;
		reg.nused = 0;
		for (size_t i = 0; i < oldn; i++)
			if (old[i])
				put(old[i]);
		free(old);
	}
	for (size_t i = 0; i < n; i++)
		if (table[i].en && usable(&table[i]))
			put(&table[i]);
	reg.tables[reg.ntables++] = table;
	return 0;
}

static void
add_core(void)
{
	pthread_rwlock_wrlock(&reg.lock);
	add(core_msg);
	pthread_rwlock_unlock(&reg.lock);
}

int
msg_register(const struct msg *table)
{
	int rc;

	pthread_once(&core_once, add_core);
	pthread_rwlock_wrlock(&reg.lock);
	rc = add(table);
	pthread_rwlock_unlock(&reg.lock);
	return rc;
}

const struct msg *
msg_table(int i)
{
	const struct msg *t;

	pthread_once(&core_once, add_core);
	pthread_rwlock_rdlock(&reg.lock);
	t = i >= 0 && i < reg.ntables ? reg.tables[i] : NULL;
	pthread_rwlock_unlock(&reg.lock);
	return t;
}

const char *
msg_en(const char *zh)
{
	const struct msg *m;

	if (!zh)
		return NULL;
	pthread_once(&core_once, add_core);
	pthread_rwlock_rdlock(&reg.lock);
	m = find(zh);
	pthread_rwlock_unlock(&reg.lock);
	return m ? m->en : NULL;
}

void
msg_remember(const char *zh, const char *en)
{
	unsigned i = ring_next++ % RING;

	if (!zh || !en || !*zh || !*en)
		return;	/* no English: a copy of zh stays Chinese rather than empty */
	snprintf(ring[i].zh, sizeof(ring[i].zh), "%s", zh);
	snprintf(ring[i].en, sizeof(ring[i].en), "%s", en);
}

/* The English for a %s argument: its table entry, a remembered message, or s itself. */
static const char *
arg_en(const char *s)
{
	const char *en;

	if (!s || !*s)
		return s;
	en = msg_en(s);
	if (en)
		return en;
	for (unsigned i = 0; i < RING; i++)
		if (ring[i].zh[0] && strcmp(ring[i].zh, s) == 0)
			return ring[i].en;
	return s;
}

/* --- conversions --- */

struct spec {
	const char *end;	/* past the conversion character */
	int star_w, star_p;
	char type;		/* msg_conversions' letter */
	char conv;
};

/* Parse the conversion at p (just past '%'). 0, or -1 when unsupported. */
static int
parse_spec(const char *p, struct spec *sp)
{
	char len = 0;

	memset(sp, 0, sizeof(*sp));
	while (*p && strchr("-+ #0'", *p))
		p++;
	if (*p == '*') {
		sp->star_w = 1;
		p++;
	} else {
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '$')
			return -1;	/* positional arguments */
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			sp->star_p = 1;
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (p[0] == 'h' && p[1] == 'h')
		p += 2;		/* promoted to int */
	else if (p[0] == 'l' && p[1] == 'l') {
		len = 'L';
		p += 2;
	} else if (*p == 'h')
		p++;
	else if (*p && strchr("ljztL", *p))
		len = *p++;
	if (!*p)
		return -1;
	sp->conv = *p;
	sp->end = p + 1;
	if (strchr("diouxXc", *p)) {
		if (len == 'L' && *p == 'c')
			return -1;
		sp->type = len == 0 ? 'i' : len == 'l' ? 'l' : len == 'L' ? 'L' : len;
		if (*p == 'c' && len)
			return -1;	/* %lc: wint_t, not used */
	} else if (strchr("eEfFgGaA", *p)) {
		if (len && len != 'L' && len != 'l')
			return -1;
		sp->type = len == 'L' ? 'D' : 'd';
	} else if (*p == 's' && !len) {
		sp->type = 's';
	} else if (*p == 'p' && !len) {
		sp->type = 'p';
	} else {
		return -1;	/* %n, %ls, %m, unknown */
	}
	return 0;
}

int
msg_conversions(const char *fmt, char *sig, size_t size)
{
	size_t n = 0;
	int count = 0;
	struct spec sp;

	if (!fmt || !size)
		return -1;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (parse_spec(p + 1, &sp))
			return -1;
		if (n + (size_t)sp.star_w + (size_t)sp.star_p + 1 >= size)
			return -1;
		if (sp.star_w)
			sig[n++] = 'i';
		if (sp.star_p)
			sig[n++] = 'i';
		sig[n++] = sp.type;
		count++;
		p = sp.end - 1;
	}
	sig[n] = '\0';
	return count;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Append one conversion (spec text with the stars already resolved). */
static int
one(char *out, size_t size, const char *f, const struct spec *sp, va_list *ap, int translate)
{
	switch (sp->type) {
	case 'i': return snprintf(out, size, f, va_arg(*ap, int));
	case 'l': return snprintf(out, size, f, va_arg(*ap, long));
	case 'L': return snprintf(out, size, f, va_arg(*ap, long long));
	case 'j': return snprintf(out, size, f, va_arg(*ap, intmax_t));
	case 'z': return snprintf(out, size, f, va_arg(*ap, size_t));
	case 't': return snprintf(out, size, f, va_arg(*ap, ptrdiff_t));
	case 'd': return snprintf(out, size, f, va_arg(*ap, double));
	case 'D': return snprintf(out, size, f, va_arg(*ap, long double));
	case 'p': return snprintf(out, size, f, va_arg(*ap, void *));
	default: {
		const char *s = va_arg(*ap, const char *);
		return snprintf(out, size, f, translate ? arg_en(s) : s);
	}
	}
}

#pragma GCC diagnostic pop

/*
** printf of fmt (already checked by msg_conversions) into out; the length it
** wanted, like snprintf. %s arguments translated when translate.
*/
static size_t
walk(char *out, size_t size, const char *fmt, va_list *ap, int translate)
{
	size_t n = 0;

	for (const char *p = fmt; *p;) {
		char f[48];
		struct spec sp;
		size_t k = 0;
		int w = 0, pr = -1, r;

		if (*p != '%' || p[1] == '%') {
			if (n + 1 < size)
				out[n] = *p;
			n++;
			p += *p == '%' ? 2 : 1;
			continue;
		}
		if (parse_spec(p + 1, &sp))
			break;	/* cannot happen: checked at registration */
		if (sp.star_w)
			w = va_arg(*ap, int);
		if (sp.star_p)
			pr = va_arg(*ap, int);
		/* the spec with each '*' replaced by its value */
		for (const char *q = p; q < sp.end && k + 16 < sizeof(f); q++) {
			if (*q != '*') {
				f[k++] = *q;
				continue;
			}
			int v = q[-1] == '.' ? pr : w;
			if (q[-1] == '.' && v < 0) {
				k--;	/* a negative precision is no precision: drop the '.' */
				continue;
			}
			k += (size_t)snprintf(f + k, sizeof(f) - k, "%d", v);
		}
		f[k] = '\0';
		r = one(n < size ? out + n : NULL, n < size ? size - n : 0, f, &sp, ap, translate);
		if (r > 0)
			n += (size_t)r;
		p = sp.end;
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

int
msg_vformat_en(char *out, size_t size, const char *zh_fmt, va_list ap)
{
	const char *en = msg_en(zh_fmt);
	va_list cp;

	if (size)
		out[0] = '\0';
	if (!en)
		return 0;
	va_copy(cp, ap);
	walk(out, size, en, &cp, 1);
	va_end(cp);
	return 1;
}

struct msg_text
msg_text(struct arena *a, const char *fmt, ...)
{
	struct msg_text t = { 0 };
	const char *en = msg_en(fmt);
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = n >= 0 ? arena_alloc(a, (size_t)n + 1) : NULL;
	if (!s)
		return t;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t.zh = s;
	if (en) {
		size_t need;
		va_start(ap, fmt);
		need = walk(NULL, 0, en, &ap, 1);
		va_end(ap);
		s = arena_alloc(a, need + 1);
		if (s) {
			va_start(ap, fmt);
			walk(s, need + 1, en, &ap, 1);
			va_end(ap);
			t.en = s;
		}
	}
	return t;
}

struct msg_text
msg_plain(const char *zh)
{
	struct msg_text t = { zh, NULL };
	char sig[CONV_SIG_LEN];

	if (zh && msg_conversions(zh, sig, sizeof(sig)) == 0)
		t.en = msg_en(zh);
	return t;
}

const char *
msg_pick(enum lang lang, const char *zh, const char *en)
{
	return lang == LANG_EN && en && *en ? en : zh;
}

/* --- Accept-Language --- */

/* q value in thousandths from "q=0.8"; 1000 when absent, -1 when malformed. */
static int
qvalue(const char *p, const char *end)
{
	int q = 0, scale = 1000;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return -1;
	p += 2;
	if (*p != '0' && *p != '1')
		return -1;
	q = (*p++ - '0') * 1000;
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9' && scale > 1; p++) {
			scale /= 10;
			q += (*p - '0') * scale;
		}
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end && q <= 1000 ? q : -1;
}

enum lang
msg_lang_parse(const char *h)
{
	int zh = -1, en = -1;

	while (h && *h) {
		const char *end = strchr(h, ','), *semi;
		size_t n;
		int q = 1000;

		if (!end)
			end = h + strlen(h);
		while (h < end && (*h == ' ' || *h == '\t'))
			h++;
		semi = memchr(h, ';', (size_t)(end - h));
		n = (size_t)((semi ? semi : end) - h);
		while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
			n--;
		if (semi)
			q = qvalue(semi + 1, end);
		if (q > 0 && n >= 2 && (n == 2 || h[2] == '-' || h[2] == '_')) {
			if (strncasecmp(h, "zh", 2) == 0 && q > zh)
				zh = q;
			else if (strncasecmp(h, "en", 2) == 0 && q > en)
				en = q;
		}
		h = *end ? end + 1 : end;
	}
	return en > zh ? LANG_EN : LANG_ZH;
}

const char *
msg_lang_name(enum lang lang)
{
	return lang == LANG_EN ? "en" : "zh-CN";
}

int
msg_lang_from_name(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "en") == 0)
		return LANG_EN;
	if (strcmp(name, "zh-CN") == 0)
		return LANG_ZH;
	return -1;
}
