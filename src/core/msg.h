/*
** core/msg.h: the message table that gives the client's texts in its language.
**
** A message's key (gettext's msgid) is its zh-CN printf format, exactly as the
** code passes it to err_set/err_setx/err_field, msg_text or notify_send; the
** table maps it to the English format. Each module keeps its English texts
** next to its code, in src/modules/<d>/<d>_msg.c:
**
**     const struct msg wo_msg[] = {
**             { "最多上传 %d 张照片", "at most %d photos" },
**             { NULL, NULL }
**     };
**
** and lists it as `messages` in its descriptor (its <d>_module.c), which
** modules_init() registers at startup with msg_register(wo_msg). core, http and
** db texts are in core/msg_core.c, always registered. The English format must
** have the same conversions as the Chinese one, in the same order and of the
** same types (tests/unit/test_msg.c checks every entry and that every Chinese
** format in src/ has an entry).
**
** English formatting also translates the arguments where it can: a %s argument
** that is itself a key of the table (a status label, a literal message chosen
** by a ternary) is replaced by its English text, and one that is a message this
** thread formatted a moment ago (e->msg copied into another field) by that
** message's English. Any other argument (user data, names) is used as it is.
**
** Tables are static data and are never freed. msg_register is for startup
** (before threads serve requests); lookups are thread-safe.
*/
#ifndef HOUQIN_MSG_H
#define HOUQIN_MSG_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct msg {
	const char *zh;	/* the key: a zh-CN printf format */
	const char *en;
};

enum lang {
	LANG_ZH = 0,	/* zh-CN, the default */
	LANG_EN = 1,
};

/* Add a { NULL, NULL }-terminated table (kept, not copied). Registering the same table
** again does nothing. The first table to define a key wins. 0 or ERR_NOMEM. */
int msg_register(const struct msg *table);

/* The i-th registered table (core_msg first), NULL past the last: for tests. */
const struct msg *msg_table(int i);

/* The English text for the Chinese key zh; NULL when the table has none. */
const char *msg_en(const char *zh);

/*
** Format the English of the Chinese format zh_fmt with ap into out (truncated
** to size, always terminated). Returns 1 when formatted, 0 (out = "") when
** zh_fmt has no entry or its conversions are not ones msg_conversions accepts.
** Consumes ap.
*/
int msg_vformat_en(char *out, size_t size, const char *zh_fmt, va_list ap);

/*
** Remember (zh, en) as a pair this thread just formatted, so that a later
** English format given zh as a %s argument uses en. Small per-thread ring.
*/
void msg_remember(const char *zh, const char *en);

/* A text in both languages; en is NULL when the table has no entry. */
struct msg_text {
	const char *zh, *en;
};
/* fmt formatted in zh-CN and (through the table) in English, both in a. zh NULL on OOM. */
struct msg_text msg_text(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A plain (already formatted) text: zh itself and its table entry, if any. */
struct msg_text msg_plain(const char *zh);

/* The text for lang: en when lang is LANG_EN and en is set, else zh. */
const char *msg_pick(enum lang lang, const char *zh, const char *en);

/*
** The argument types fmt's conversions read, one letter each, into sig
** (e.g. "%s 第 %d 行 %lld" -> "siL"): i int (also c, *), l long, L long long,
** j intmax_t, z size_t, t ptrdiff_t, d double, D long double, s char *, p void *.
** Returns the number of conversions, or -1 for one msg_vformat_en does not
** handle (%n, positional %1$s, unknown) or when sig (size) is too small.
*/
int msg_conversions(const char *fmt, char *sig, size_t size);

/*
** The language an Accept-Language header asks for: the highest q among
** zh* (zh-CN) and en*; LANG_ZH when absent, equal or neither.
*/
enum lang msg_lang_parse(const char *accept_language);

/* "zh-CN" / "en" and back (NULL/unknown -> -1). */
const char *msg_lang_name(enum lang lang);
int msg_lang_from_name(const char *name);

/* The English tables of core, http and db (core/msg_core.c). */
extern const struct msg core_msg[];

#endif
