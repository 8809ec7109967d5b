/*
** core/pwlist.h: the blocklist of passwords an attacker tries first (issue
** #11): the usual words, names and keyboard walks, decorated or not with
** digits, years and symbols, compared case-insensitively.
*/
#ifndef HOUQIN_PWLIST_H
#define HOUQIN_PWLIST_H

/* 1 when pw is one of the common passwords or a decoration of one, else 0. */
int pwlist_common(const char *pw);

#endif
