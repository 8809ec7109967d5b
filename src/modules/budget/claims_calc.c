/*
** modules/budget/claims_calc.c: the travel standards' arithmetic (claims.h),
** pure so the unit test can walk it: which standard a trip takes, its nights
** and days, and how much of each item is over its cap.
*/
#include "modules/budget/claims.h"
#include "core/clock.h"

#include <stdio.h>
#include <string.h>

const char *const claim_item_kinds[] = { "lodging", "meals", "transport", "fare", "other", NULL };
const char *const claim_ranks[] = { "minister", "bureau", "other", NULL };

static int
valid_on(const struct claim_std *s, int date)
{
	return s->valid_from <= date && (!s->valid_to || date <= s->valid_to);
}

/* Among rows valid on date for (city, rank), the one that started last. */
static const struct claim_std *
pick_exact(const struct claim_std *rows, size_t n, const char *city, const char *rank, int date)
{
	const struct claim_std *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].city, city) == 0 && strcmp(rows[i].rank, rank) == 0 &&
		    valid_on(&rows[i], date) && (!best || rows[i].valid_from > best->valid_from))
			best = &rows[i];
	return best;
}

const struct claim_std *
claim_std_pick(const struct claim_std *rows, size_t n, const char *city, const char *rank,
	       int date)
{
	const struct claim_std *s = pick_exact(rows, n, city, rank, date);

	return s ? s : pick_exact(rows, n, "*", rank, date);
}

/* A real yyyymmdd date (round-trips through the day number). */
static int
date_ok(int d)
{
	return d >= 19000101 && d <= 29991231 && days_to_date(date_to_days(d)) == d &&
	       d % 100 >= 1 && d % 100 <= 31 && d / 100 % 100 >= 1 && d / 100 % 100 <= 12;
}

int
claim_trip_nights(int start, int end)
{
	if (!date_ok(start) || !date_ok(end) || end < start)
		return -1;
	return (int)(date_to_days(end) - date_to_days(start));
}

int64_t
claim_kind_cap(const struct claim_std *s, const char *kind, int nights)
{
	if (!s || !kind || nights < 0)
		return -1;
	if (strcmp(kind, "lodging") == 0)
		return s->lodging_fen * nights;
	if (strcmp(kind, "meals") == 0)
		return s->meal_fen * (nights + 1);
	if (strcmp(kind, "transport") == 0)
		return s->transport_fen * (nights + 1);
	return -1;	/* fare (城际交通) and other: no cap */
}

int64_t
claim_calc_over(const struct claim_std *s, int nights, struct claim_calc *items, size_t n)
{
	int64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t cap = claim_kind_cap(s, items[i].kind, nights), before = 0;

		items[i].standard_fen = cap;
		items[i].over_fen = 0;
		if (cap < 0)
			continue;
		for (size_t k = 0; k < i; k++)	/* the kind's amount before this item */
			if (items[k].kind && strcmp(items[k].kind, items[i].kind) == 0)
				before += items[k].amount_fen;
		if (before + items[i].amount_fen > cap)
			items[i].over_fen = before >= cap ? items[i].amount_fen
							  : before + items[i].amount_fen - cap;
		total += items[i].over_fen;
	}
	return total;
}
