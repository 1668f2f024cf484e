/*
 * bench_jsonc.c - timing driver for tests/bench/bench_jsonc.sh.
 *
 *   bench_jsonc FILE ITERATIONS POINTER
 * Each iteration reads FILE (safefile_read), sets POINTER to a new string
 * (jsonc_apply: parse, edit, re-parse check) and atomically replaces FILE
 * (safefile_write_atomic: temp file, fsync, rename, fsync of the folder).
 * Prints the median milliseconds of the whole cycle, of the in-memory edit
 * alone (wall and CPU time), of the read and of the atomic replace, one
 * "name value" per line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinecfg/jsonc.h"
#include "clinecfg/safefile.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_jsonc FILE ITERATIONS POINTER\n");
        return 2;
    }
    int iters = atoi(argv[2]);
    double *cycle = calloc((size_t)iters, sizeof *cycle), *edit = calloc((size_t)iters, sizeof *edit);
    double *rd = calloc((size_t)iters, sizeof *rd), *wr = calloc((size_t)iters, sizeof *wr);
    double *ecpu = calloc((size_t)iters, sizeof *ecpu);
    jsonc_path *p = NULL;
    cc_err err;
    if (!cycle || !edit || !rd || !wr || !ecpu || jsonc_path_parse(argv[3], &p, &err)) {
        fprintf(stderr, "bad path\n");
        return 2;
    }
    for (int i = 0; i < iters; i++) {
        char value[64];
        snprintf(value, sizeof value, "\"bedrock-%d\"", i);
        jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = value};
        double t0 = now_ms();
        char *text = NULL, *out = NULL;
        size_t len, out_len;
        bool exists;
        if (safefile_read(argv[1], JSONC_MAX_SIZE, &text, &len, &exists, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t1 = now_ms(), c1 = cpu_ms();
        if (jsonc_apply(text, len, argv[1], &ed, 1, &out, &out_len, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t2 = now_ms();
        ecpu[i] = cpu_ms() - c1;
        if (safefile_write_atomic(argv[1], out, out_len, 0600, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t3 = now_ms();
        cycle[i] = t3 - t0;
        edit[i] = t2 - t1;
        rd[i] = t1 - t0;
        wr[i] = t3 - t2;
        free(text);
        free(out);
    }
    printf("cycle_ms %.3f\nedit_ms %.3f\nread_ms %.3f\nwrite_ms %.3f\nedit_cpu_ms %.3f\n", median(cycle, iters),
           median(edit, iters), median(rd, iters), median(wr, iters), median(ecpu, iters));
    jsonc_path_free(p);
    free(cycle);
    free(edit);
    free(rd);
    free(wr);
    free(ecpu);
    return 0;
}
