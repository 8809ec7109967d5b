/*
** core/parse.h: strict parsers; the only place strtol-like calls live.
*/
#ifndef HOUQIN_PARSE_H
#define HOUQIN_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Whole string must be a decimal integer in [min, max]: optional '-', digits only. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Same for s[0..n). */
int parse_i64n(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);
/* Number of UTF-8 code points in s, or -1 if s is not valid UTF-8. */
long utf8_chars(const char *s, size_t n);
/* Percent-decode s[0..n) into out (size >= n+1). Returns length or -1 on a bad escape or NUL. */
long url_decode(const char *s, size_t n, char *out, int plus_is_space);

#endif
