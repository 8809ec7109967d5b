/*
** tests/unit/test_msg.c: the message table (core/msg.h). Scans src/ for every
** string-literal format passed to err_set/err_setx/err_field, msg_text and
** notify_send (and the few wrappers that pass a literal on to "%s") and fails,
** naming file:line, for a Chinese text without an English entry; checks that
** every entry's English reads the same arguments as its Chinese; and tests
** English formatting, argument translation and Accept-Language parsing.
** Runs from the repository root (as make test does).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/msg.h"
#include "modules.h"

/*
** Calls whose argument `fmt` (0-based) is a message format: the literal texts
** of every argument from fmt on are messages. file NULL = any file. Wrappers
** pass a literal on to err_*(..., "%s", msg), so their literal is a plain key.
*/
static const struct {
	const char *fn, *file;
	int fmt;
} calls[] = {
	{ "err_set", NULL, 3 },
	{ "err_setx", NULL, 4 },
	{ "err_field", NULL, 2 },
	{ "msg_text", NULL, 1 },
	{ "notify_send", NULL, 4 },	/* title, body */
	{ "bad", "src/core/multipart.c", 1 },
	{ "bad", "src/modules/workorders/workorders_pm.c", 2 },
	{ "need_text", "src/modules/workorders/workorders.c", 3 },
};

/* The inttypes.h macros as this compiler spells them, for "%" PRId64 keys. */
static const struct {
	const char *name, *value;
} pri[] = {
	{ "PRId64", PRId64 }, { "PRIu64", PRIu64 }, { "PRIi64", PRIi64 }, { "PRIx64", PRIx64 },
	{ "PRId32", PRId32 }, { "PRIu32", PRIu32 }, { "PRIdMAX", PRIdMAX },
};

static int
has_cjk(const char *s)
{
	/* U+3000..U+9FFF (CJK punctuation, kana, ideographs) and U+FF00..U+FFEF (fullwidth) */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0xE3 || (*p >= 0xE4 && *p <= 0xE9))
			return 1;
		if (*p == 0xEF && (p[1] == 0xBC || p[1] == 0xBD || p[1] == 0xBE || p[1] == 0xBF))
			return 1;
	}
	return 0;
}

static int
non_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			return 1;
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (n >= 0 && fseek(f, 0, SEEK_SET) == 0)
		s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) == (size_t)n) {
		s[n] = '\0';
		*len = (size_t)n;
	} else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Blank out comments (keeping newlines, so line numbers hold); strings untouched. */
static void
strip_comments(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\'') {
			char q = s[i];
			for (i++; i < n && s[i] != q; i++)
				if (s[i] == '\\')
					i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			for (; i < n && !(s[i] == '*' && i + 1 < n && s[i + 1] == '/'); i++)
				if (s[i] != '\n')
					s[i] = ' ';
			if (i < n)
				s[i] = s[i + 1] = ' ';
			i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			for (; i < n && s[i] != '\n'; i++)
				s[i] = ' ';
		}
	}
}

/* Decode the C string literal body [p, end) (escapes) onto out. */
static void
add_literal(char *out, size_t size, const char *p, const char *end)
{
	size_t n = strlen(out);

	while (p < end && n + 1 < size) {
		char c = *p++;
		if (c == '\\' && p < end) {
			c = *p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'x': {
				unsigned v = 0;
				while (p < end && strchr("0123456789abcdefABCDEF", *p) && *p) {
					char h = *p++;
					v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				}
				c = (char)v;
				break;
			}
			default:
				if (c >= '0' && c <= '7') {
					unsigned v = (unsigned)(c - '0');
					for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
						v = v * 8 + (unsigned)(*p++ - '0');
					c = (char)v;
				}
			}
		}
		out[n++] = c;
	}
	out[n] = '\0';
}

struct found {
	int failures;
	int checked;
};

static int
line_of(const char *s, const char *p)
{
	int line = 1;

	for (; s < p; s++)
		line += *s == '\n';
	return line;
}

static void
fail_at(struct found *fd, const char *path, int line, const char *what, const char *text)
{
	print_error("%s:%d: %s: \"%s\"\n", path, line, what, text);
	fd->failures++;
}

/* One Chinese text used as a key: it needs an entry. */
static void
need_entry(struct found *fd, const char *path, int line, const char *text)
{
	fd->checked++;
	if (!msg_en(text))
		fail_at(fd, path, line, "no English in the message table (or its conversions differ)",
			text);
}

/*
** The argument [p, end): if it is literals (and PRI macros) only, its
** concatenation is a format key; otherwise each Chinese literal in it is a
** plain key (ternaries choosing a message).
*/
static void
check_arg(struct found *fd, const char *path, const char *src, const char *p, const char *end)
{
	char text[1024] = "";
	int pure = 1, nlit = 0;
	const char *q = p;

	while (q < end) {
		if (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
			q++;
		} else if (*q == '"') {
			const char *b = ++q;
			while (q < end && *q != '"')
				q += *q == '\\' ? 2 : 1;
			add_literal(text, sizeof(text), b, q);
			q++;
			nlit++;
		} else {
			size_t k, len = 0;
			while (q + len < end && (q[len] == '_' || (q[len] >= 'A' && q[len] <= 'Z') ||
						 (q[len] >= 'a' && q[len] <= 'z') ||
						 (q[len] >= '0' && q[len] <= '9')))
				len++;
			for (k = 0; len && k < sizeof(pri) / sizeof(pri[0]); k++)
				if (strlen(pri[k].name) == len && strncmp(q, pri[k].name, len) == 0)
					break;
			if (len && k < sizeof(pri) / sizeof(pri[0])) {
				add_literal(text, sizeof(text), pri[k].value,
					    pri[k].value + strlen(pri[k].value));
				q += len;
			} else {
				pure = 0;
				break;
			}
		}
	}
	if (pure && nlit) {
		if (non_ascii(text))
			need_entry(fd, path, line_of(src, p), text);
		return;
	}
	for (q = p; q < end; q++) {	/* not a pure literal: each Chinese literal in it */
		if (*q == '\'') {
			q += q[1] == '\\' ? 3 : 2;
			continue;
		}
		if (*q != '"')
			continue;
		const char *b = ++q;
		while (q < end && *q != '"')
			q += *q == '\\' ? 2 : 1;
		text[0] = '\0';
		add_literal(text, sizeof(text), b, q);
		if (non_ascii(text))
			need_entry(fd, path, line_of(src, b), text);
	}
}

/* The arguments of the call whose '(' is at p: checks those from index fmt on. */
static void
check_call(struct found *fd, const char *path, const char *src, const char *p, int fmt)
{
	const char *arg = ++p;
	int depth = 0, idx = 0;

	for (; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;
			for (p++; *p && *p != q; p++)
				if (*p == '\\')
					p++;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ')' || *p == ']' || *p == '}') && depth) {
			depth--;
		} else if ((*p == ',' && !depth) || *p == ')') {
			if (idx >= fmt)
				check_arg(fd, path, src, arg, p);
			if (*p == ')')
				return;
			idx++;
			arg = p + 1;
		}
	}
}


static int
ident_char(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
** A message written into a struct err by hand (snprintf(e->msg, ...)) has no
** English: only core/err.c may write msg; others call err_* (err_msg_from_field).
*/
static void
check_raw_writes(struct found *fd, const char *path, const char *s)
{
	static const char *const writers[] = { "snprintf(", "memcpy(", "strcpy(", NULL };

	if (strcmp(path, "src/core/err.c") == 0)
		return;
	for (int w = 0; writers[w]; w++) {
		for (const char *p = s; (p = strstr(p, writers[w])); p++) {
			const char *a = p + strlen(writers[w]), *end = strchr(a, ',');
			size_t len;
			if ((p > s && ident_char(p[-1])) || !end)
				continue;
			while (end > a && end[-1] == ' ')
				end--;
			len = (size_t)(end - a);
			if ((len > 5 && strncmp(end - 5, "->msg", 5) == 0) ||
			    (len > 4 && strncmp(end - 4, ".msg", 4) == 0)) {
				char what[96];
				snprintf(what, sizeof(what), "%.*s", (int)len, a);
				fail_at(fd, path, line_of(s, p),
					"message written past err_set (no English)", what);
			}
		}
	}
}

static void
scan_file(struct found *fd, const char *path)
{
	size_t n = 0;
	char *s = slurp(path, &n);

	assert_non_null(s);
	strip_comments(s, n);
	check_raw_writes(fd, path, s);
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		size_t len = strlen(calls[c].fn);
		if (calls[c].file && strcmp(calls[c].file, path) != 0)
			continue;
		for (const char *p = s; (p = strstr(p, calls[c].fn)); p += len) {
			const char *q = p + len;
			if ((p > s && ident_char(p[-1])) || ident_char(*q))
				continue;
			while (*q == ' ' || *q == '\t' || *q == '\n')
				q++;
			if (*q != '(')
				continue;
			/* a declaration or definition names the parameters, not literals: harmless */
			check_call(fd, path, s, q, calls[c].fmt);
		}
	}
	free(s);
}

static void
scan_dir(struct found *fd, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512];
		struct stat sb;
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			scan_dir(fd, path);
		else if (len > 2 && strcmp(de->d_name + len - 2, ".c") == 0 &&
			 !strstr(de->d_name, "_msg.c"))
			scan_file(fd, path);
	}
	closedir(d);
}

static void
every_chinese_format_in_src_has_an_english_entry(void **state)
{
	struct found fd = { 0 };

	(void)state;
	modules_init();
	scan_dir(&fd, "src");
	/* the scanner found the calls at all (a rename would make this pass vacuously) */
	print_message("%d texts checked\n", fd.checked);
	assert_true(fd.checked > 250);
	assert_int_equal(fd.failures, 0);
}

static void
every_entry_reads_the_same_arguments_in_both_languages(void **state)
{
	const struct msg *table;
	int failures = 0, ntables = 0;

	(void)state;
	modules_init();
	for (int t = 0; (table = msg_table(t)); t++) {	/* every table, as registered */
		ntables++;
		for (const struct msg *m = table; m->zh; m++) {
			char a[64], b[64];
			int na = msg_conversions(m->zh, a, sizeof(a));
			int nb = m->en ? msg_conversions(m->en, b, sizeof(b)) : -1;
			if (na < 0 || nb != na || strcmp(a, b) != 0) {
				print_error("table %d: \"%s\" -> \"%s\": conversions %s vs %s\n",
					    t, m->zh, m->en ? m->en : "(null)",
					    na < 0 ? "?" : a, nb < 0 ? "?" : b);
				failures++;
			}
			if (!m->en || has_cjk(m->en) || !*m->en) {
				print_error("table %d: \"%s\": English is empty or Chinese\n", t,
					    m->zh);
				failures++;
			}
			/* a key defined twice must mean the same (the first table wins) */
			if (msg_en(m->zh) && strcmp(msg_en(m->zh), m->en ? m->en : "") != 0) {
				print_error("table %d: \"%s\" defined twice: \"%s\" and \"%s\"\n",
					    t, m->zh, msg_en(m->zh), m->en);
				failures++;
			}
		}
	}
	assert_true(ntables >= 9);	/* core and the eight modules' */
	assert_int_equal(failures, 0);
}

static void
conversions_name_the_argument_types(void **state)
{
	static const struct {
		const char *fmt, *sig;
		int n;
	} cases[] = {
		{ "plain", "", 0 },
		{ "100%% sure", "", 0 },
		{ "%s 第 %d 行 %lld", "siL", 3 },
		{ "%zu %ld %" PRId64 " %.*s %5.2f %Lf %p %c %hhu", "zl" "l" "isdDpii", 9 },
		{ "%n", "", -1 },
		{ "%1$s", "", -1 },
		{ "%ls", "", -1 },
		{ "%", "", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sig[32];
		int n = msg_conversions(cases[i].fmt, sig, sizeof(sig));
		assert_int_equal(n, cases[i].n);
		if (n >= 0)
			assert_string_equal(sig, cases[i].sig);
	}
}

static void
err_set_fills_both_languages(void **state)
{
	struct err e = { 0 };

	(void)state;
	modules_init();
	err_set(&e, ERR_INVALID, "attachment_ids", "最多上传 %d 张照片", 9);
	assert_string_equal(e.msg, "最多上传 9 张照片");
	assert_string_equal(e.msg_en, "at most 9 photos");
	assert_string_equal(e.fields[0].msg_en, "at most 9 photos");
	/* a message copied into a field keeps its English */
	err_clear(&e);
	err_set(&e, ERR_INVALID, NULL, "JSON 格式错误（第 %d 行第 %d 列）", 3, 7);
	err_field(&e, "body", "%s", e.msg);
	assert_string_equal(e.fields[0].msg, "JSON 格式错误（第 3 行第 7 列）");
	assert_string_equal(e.fields[0].msg_en, "malformed JSON (line 3, column 7)");
	/* a label argument is translated, user text is not */
	err_clear(&e);
	err_set(&e, ERR_CONFLICT, NULL, "报修单%s，不能%s", "已完成", "派单");
	assert_string_equal(e.msg_en, "the work order is resolved: action \"dispatch\" is not allowed");
	err_clear(&e);
	err_set(&e, ERR_INVALID, NULL, "附件「%s」已关联到其他记录", "照片.jpg");
	assert_string_equal(e.msg_en, "attachment \"照片.jpg\" belongs to another record");
	/* no entry: no English, and the Chinese is kept */
	err_clear(&e);
	err_set(&e, ERR_INVALID, "x", "没有条目的消息 %d", 1);
	assert_string_equal(e.msg, "没有条目的消息 1");
	assert_string_equal(e.msg_en, "");
	assert_string_equal(msg_pick(LANG_EN, e.msg, e.msg_en), "没有条目的消息 1");
	/* copied into a field it stays Chinese (not empty) inside an English format */
	err_field(&e, "y", "%s", e.msg);
	assert_string_equal(e.fields[1].msg_en, "没有条目的消息 1");
	/* "%s：%s" joins two translated texts */
	err_clear(&e);
	err_set(&e, ERR_INVALID, NULL, "%s：%s", "照片", "文件为空");
	assert_string_equal(e.msg_en, "photo: the file is empty");
}

static void
msg_text_formats_both(void **state)
{
	struct arena *a = arena_new(1024);
	struct msg_text t;

	(void)state;
	modules_init();
	t = msg_text(a, "%s %s，地点：%s", "WO-1", "紧急", "A 楼");
	assert_string_equal(t.zh, "WO-1 紧急，地点：A 楼");
	assert_string_equal(t.en, "WO-1 urgent, location: A 楼");
	t = msg_text(a, "未登记的 %d", 5);
	assert_string_equal(t.zh, "未登记的 5");
	assert_null(t.en);
	t = msg_plain("您有待审批的申请");
	assert_string_equal(t.en, "a request is waiting for your approval");
	assert_null(msg_plain("用户写的标题").en);
	arena_free(a);
}

static void
accept_language_picks_by_q(void **state)
{
	static const struct {
		const char *h;
		enum lang want;
	} cases[] = {
		{ NULL, LANG_ZH },
		{ "", LANG_ZH },
		{ "en", LANG_EN },
		{ "en-US,en;q=0.9", LANG_EN },
		{ "EN-gb", LANG_EN },
		{ "zh-CN,zh;q=0.9,en;q=0.8", LANG_ZH },
		{ "en-US,en;q=0.9,zh-CN;q=0.8", LANG_EN },
		{ "zh-CN;q=0.5, en;q=0.7", LANG_EN },
		{ "en;q=0.5, zh;q=0.5", LANG_ZH },
		{ "fr-FR, de", LANG_ZH },
		{ "fr, en;q=0.1", LANG_EN },
		{ "en;q=0", LANG_ZH },
		{ "en;q=bogus", LANG_ZH },
		{ "eng", LANG_ZH },
		{ "*", LANG_ZH },
		{ "zh-TW", LANG_ZH },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(msg_lang_parse(cases[i].h), cases[i].want);
	assert_int_equal(msg_lang_from_name("en"), LANG_EN);
	assert_int_equal(msg_lang_from_name("zh-CN"), LANG_ZH);
	assert_int_equal(msg_lang_from_name("fr"), -1);
	assert_string_equal(msg_lang_name(LANG_EN), "en");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_chinese_format_in_src_has_an_english_entry),
		cmocka_unit_test(every_entry_reads_the_same_arguments_in_both_languages),
		cmocka_unit_test(conversions_name_the_argument_types),
		cmocka_unit_test(err_set_fills_both_languages),
		cmocka_unit_test(msg_text_formats_both),
		cmocka_unit_test(accept_language_picks_by_q),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
