/*
 * suggest.c - the "did you mean" rule (see include/clinecfg/suggest.h):
 * the weighted edit distance and the choice of the closest candidates.
 */
#include "clinecfg/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COST_SWAP = 0, COST_SUBSTITUTE = 2, COST_INSERT = 1, COST_DELETE = 3, SIMILAR_BELOW = 7 };

static int min2(int a, int b) { return a < b ? a : b; }

/* Optimal string alignment over three rows: `two_back` is needed only for
 * the swap of neighbouring characters. */
int suggest_distance(const char *typed, const char *candidate)
{
    size_t n = strlen(typed), m = strlen(candidate);
    int *two_back = malloc((m + 1) * sizeof *two_back);
    int *prev = malloc((m + 1) * sizeof *prev);
    int *cur = malloc((m + 1) * sizeof *cur);
    if (!two_back || !prev || !cur) {
        free(two_back);
        free(prev);
        free(cur);
        return 1 << 20;
    }
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j * COST_INSERT;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i * COST_DELETE;
        for (size_t j = 1; j <= m; j++) {
            int best = prev[j - 1] + (typed[i - 1] == candidate[j - 1] ? 0 : COST_SUBSTITUTE);
            if (i > 1 && j > 1 && typed[i - 1] == candidate[j - 2] && typed[i - 2] == candidate[j - 1])
                best = min2(best, two_back[j - 2] + COST_SWAP);
            best = min2(best, prev[j] + COST_DELETE);
            best = min2(best, cur[j - 1] + COST_INSERT);
            cur[j] = best;
        }
        int *t = two_back;
        two_back = prev;
        prev = cur;
        cur = t;
    }
    int d = prev[m];
    free(two_back);
    free(prev);
    free(cur);
    return d;
}

static int score(const char *typed, const char *candidate)
{
    size_t n = strlen(typed);
    if (n && strncmp(candidate, typed, n) == 0)
        return 0;
    return suggest_distance(typed, candidate) + 1;
}

size_t suggest_closest(const char *typed, const char *const *candidates, const char *prefix, char *buf,
                       size_t size)
{
    if (size)
        buf[0] = '\0';
    int best = SIMILAR_BELOW;
    for (size_t i = 0; candidates[i]; i++) {
        int s = score(typed, candidates[i]);
        if (s < best)
            best = s;
    }
    if (best >= SIMILAR_BELOW || !size)
        return 0;
    size_t used = 0, count = 0;
    for (size_t i = 0; candidates[i]; i++) {
        if (score(typed, candidates[i]) != best)
            continue;
        int w = snprintf(buf + used, size - used, "%s'%s%s'", count ? " or " : "", prefix ? prefix : "",
                         candidates[i]);
        if (w < 0 || (size_t)w >= size - used) {
            buf[used] = '\0'; /* what fits, whole names only */
            break;
        }
        used += (size_t)w;
        count++;
    }
    return count;
}
