/*
 * suggest.h - "did you mean" for a misspelt command, option or config key.
 *
 * The rule is git's: a weighted Damerau-Levenshtein distance (a swap of two
 * neighbouring characters costs 0, a substitution 2, an inserted character 1,
 * a deleted one 3), plus 1 unless the candidate starts with what was typed;
 * the closest candidates are suggested when that score is below 7.
 */
#ifndef CLINECFG_SUGGEST_H
#define CLINECFG_SUGGEST_H

#include <stddef.h>

/* The weighted distance that turns `typed` into `candidate`. */
int suggest_distance(const char *typed, const char *candidate);

/* Writes the best candidates (NULL-terminated list) as "'a'" or "'a' or 'b'"
 * into buf, each with `prefix` before it (e.g. "--"); returns the number
 * written (0 when none is close enough; buf is then ""). */
size_t suggest_closest(const char *typed, const char *const *candidates, const char *prefix, char *buf,
                       size_t size);

#endif
