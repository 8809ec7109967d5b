/*
** demo.h: demo data for `houqin init --demo` (never used by tests).
*/
#ifndef HOUQIN_DEMO_H
#define HOUQIN_DEMO_H

#include <stdio.h>

struct db;
struct err;

#define DEMO_PASSWORD "Demo@2026"

/* Seed the demo agency, departments and users. Runs its own write transaction. */
int demo_seed(struct db *db, struct err *e);
/* Print the demo logins table. */
void demo_print_logins(FILE *out);

#endif
