/*
** core/rng.h: a seedable pseudo-random sequence for the data generators
** (splitmix64: fast, reproducible from one seed, good enough for test data).
** Never for secrets: those come from libsodium (randombytes_buf).
*/
#ifndef HOUQIN_CORE_RNG_H
#define HOUQIN_CORE_RNG_H

#include <stdint.h>

static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (0 when n is 0). */
static inline uint64_t
rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

#endif
