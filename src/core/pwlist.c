/*
** core/pwlist.c: instead of a list of many thousand literal passwords, the
** patterns they follow: a common word (or keyboard walk, or pinyin phrase),
** maybe in leetspeak, with only digits and symbols before or after it
** ("Password123!", "P@ssw0rd", "Qwerty@2024", "Woaini1314."). That covers
** the common lists' shapes; the letters in between must be a listed word.
*/
#include "core/pwlist.h"

#include <string.h>

/* Words and phrases at the top of the public leaked-password lists, lower case. */
static const char *const words[] = {
	"password", "passwd", "pass", "passw", "passport", "admin", "administrator", "root",
	"toor", "user", "guest", "test", "tester", "testing", "default", "login", "logon",
	"welcome", "hello", "hi", "letmein", "changeme", "change", "secret", "private", "master",
	"super", "superman", "batman", "spiderman", "ironman", "system", "sysadmin", "server",
	"manager", "oracle", "mysql", "database", "backup", "support", "service", "office",
	"computer", "internet", "windows", "linux", "ubuntu", "apple", "google", "microsoft",
	"qwerty", "qwert", "qwer", "asdf", "asdfgh", "asdfghjkl", "zxcv", "zxcvbn", "zxcvbnm",
	"qazwsx", "qazwsxedc", "qaz", "wsx", "edc", "zaq", "xsw", "abc", "abcd", "abcde",
	"abcdef", "abcdefg", "abcdefgh", "aaa", "aaaa", "qwe", "qweasd", "qweasdzxc", "asd",
	"zxc", "qwertyui", "qwertyuiop", "iloveyou", "love", "lover", "loveme", "iloveu",
	"princess", "prince", "angel", "baby", "babygirl", "sunshine", "shadow", "monkey",
	"dragon", "tiger", "lion", "eagle", "falcon", "phoenix", "football", "baseball",
	"basketball", "soccer", "hockey", "golf", "tennis", "master", "killer", "hunter",
	"ranger", "trustno", "trustnoone", "whatever", "nothing", "freedom", "liberty",
	"summer", "winter", "spring", "autumn", "monday", "friday", "sunday", "january",
	"september", "october", "december", "michael", "jennifer", "jessica", "ashley",
	"daniel", "charlie", "thomas", "jordan", "robert", "andrew", "joshua", "matthew",
	"william", "george", "michelle", "nicole", "hannah", "jasmine", "maggie", "buster",
	"pepper", "ginger", "cookie", "cheese", "chocolate", "banana", "orange", "lemon",
	"starwars", "pokemon", "naruto", "minecraft", "fortnite", "matrix", "mustang",
	"ferrari", "porsche", "corvette", "harley", "yamaha", "mercedes", "hotdog", "pussy",
	"fuckyou", "fuck", "sexy", "hottie", "flower", "rainbow", "purple", "silver", "golden",
	"diamond", "crystal", "blue", "red", "green", "black", "white", "secure", "security",
	"access", "control", "network", "wifi", "player", "gamer", "game", "samsung", "huawei",
	"xiaomi", "iphone", "android", "soft", "china", "beijing", "shanghai", "guangzhou",
	"shenzhen", "hangzhou", "nanjing", "wuhan", "chengdu", "tianjin", "chongqing",
	"woaini", "woaiwojia", "woaiwoziji", "wojiushiwo", "nihao", "nishiwode", "aini",
	"zhangwei", "wangwei", "wangfang", "liwei", "lina", "zhangmin", "liujie", "wangjing",
	"zhongguo", "zhonghua", "baobei", "laopo", "laogong", "mima", "mimami", "wodemima",
	"zuiai", "yongyuan", "xingfu", "kuaile", "tiantian", "haha", "hehe", "xiaoming",
	"xiaohong", "dongdong", "yangyang", "feifei", "lili", "jiajia", "houqin", "houqinbu",
	"bangongshi", "jiguan", "zhengfu", "danwei", "gongsi", "company", "temp", "temporary",
	"demo123", "sample", "example", "qwerasdf", "qwerasdfzxcv", "asdfqwer", "zaq1xsw2",
	"1qaz2wsx", "1q2w3e4r", "1q2w3e", "q1w2e3r4", "a1b2c3", "a1b2c3d4", "abc123",
	"1qaz@wsx", "qaz@wsx", "1qaz!qaz", "zaq1@wsx", "zaq!2wsx", "1q2w3e4r5t",
	"p4ssw0rd", "passwort", "motdepasse", "contrasena", "senha", "parola", "haslo",
};

/* Keyboard and alphabet runs: any 4+ characters of one of them is a walk. */
static const char *const runs[] = {
	"abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "qwertyuiop",
	"poiuytrewq", "asdfghjkl", "lkjhgfdsa", "zxcvbnm", "mnbvcxz", "qazwsxedcrfvtgbyhnujm",
	"1qaz2wsx3edc4rfv5tgb", "zaq12wsxcde34rfv", "qweasdzxc", "1q2w3e4r5t6y7u8i9o0p",
};

/* Pad before or after the word: digits and the symbols people add to pass a rule. */
static int
is_pad(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c && strchr("!@#$%^&*._-+=?~`'\" ,;:/\\|", c));
}

/* Leetspeak back to letters; 1 stays ambiguous (i or l), so both are tried. */
static char
unleet(char c, int one_as_l)
{
	switch (c) {
	case '@': case '4': return 'a';
	case '3': return 'e';
	case '0': return 'o';
	case '$': case '5': return 's';
	case '7': return 't';
	case '!': return 'i';
	case '1': return one_as_l ? 'l' : 'i';
	default: return c;
	}
}

static int
is_word(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

static int
is_run(const char *w, size_t n)
{
	int same = 1;

	for (size_t i = 1; i < n; i++)
		same &= w[i] == w[0];
	if (n >= 3 && same)
		return 1;	/* "aaaa", "xxx" */
	for (size_t i = 0; n >= 4 && i < sizeof(runs) / sizeof(runs[0]); i++) {
		const char *r = runs[i];
		for (const char *p = strchr(r, w[0]); p; p = strchr(p + 1, w[0]))
			if (strlen(p) >= n && memcmp(p, w, n) == 0)
				return 1;
	}
	return 0;
}

/* The core between the pads, as typed and in its two leet readings. */
static int
core_common(const char *s, size_t n)
{
	char a[160], b[160];

	if (n <= 2)
		return 1;	/* "Aa123456", "Qq@123456": nothing but pad */
	if (n >= sizeof(a))
		return 0;
	for (size_t i = 0; i < n; i++) {
		a[i] = unleet(s[i], 0);
		b[i] = unleet(s[i], 1);
	}
	return is_word(s, n) || is_word(a, n) || is_word(b, n) || is_run(s, n) || is_run(a, n);
}

int
pwlist_common(const char *pw)
{
	char low[160];
	size_t n = strlen(pw), lead = 0, trail = 0;

	if (n >= sizeof(low))
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(pw[i] >= 'A' && pw[i] <= 'Z' ? pw[i] - 'A' + 'a' : pw[i]);
	while (lead < n && is_pad((unsigned char)low[lead]))
		lead++;
	while (trail < n - lead && is_pad((unsigned char)low[n - 1 - trail]))
		trail++;
	/* pads may be leet letters of the word ("p@ss", "passw0rd"): try every split */
	for (size_t l = 0; l <= lead; l++)
		for (size_t h = n - trail; h <= n; h++)
			if (h > l && core_common(low + l, h - l))
				return 1;
	return 0;
}
