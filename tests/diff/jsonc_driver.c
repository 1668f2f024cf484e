/*
 * jsonc_driver.c - a tiny command-line face of the JSONC engine for the
 * differential test and the benchmark (tests/integration/jsonc_diff.sh,
 * tests/bench/bench_jsonc.sh).  Not installed.
 *
 *   jsonc_driver FILE [set PATH JSON | ins PATH JSON | del PATH]...
 *       applies the edits and writes the result to stdout; exit 4 on bad input.
 *   jsonc_driver --batch DIR N
 *       for i in 0..N-1 applies DIR/i.edits (lines "set\tPATH\tJSON", "del\tPATH")
 *       to DIR/i.in and writes DIR/i.c (or DIR/i.err with the message).
 * PATH is an RFC 6901 pointer or dotted keys, as jsonc_path_parse takes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/jsonc.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

static int run(const char *name, const char *text, size_t len, int nedits, char **ops, char **paths, char **vals,
               FILE *out, FILE *errf)
{
    jsonc_edit *edits = calloc((size_t)nedits + 1, sizeof *edits);
    jsonc_path **pp = calloc((size_t)nedits + 1, sizeof *pp);
    cc_err err;
    cc_err_clear(&err);
    int rc = 0;
    for (int i = 0; i < nedits && !rc; i++) {
        rc = jsonc_path_parse(paths[i], &pp[i], &err);
        edits[i].path = pp[i];
        edits[i].op = strcmp(ops[i], "del") == 0 ? JSONC_EDIT_DELETE : JSONC_EDIT_SET;
        edits[i].flags = strcmp(ops[i], "ins") == 0 ? JSONC_EDIT_INSERT : 0;
        edits[i].value_json = vals[i];
    }
    char *res = NULL;
    size_t rlen = 0;
    if (!rc)
        rc = jsonc_apply(text, len, name, edits, (size_t)nedits, &res, &rlen, &err);
    if (rc)
        fprintf(errf, "%s\n", err.message);
    else
        fwrite(res, 1, rlen, out);
    free(res);
    for (int i = 0; i < nedits; i++)
        jsonc_path_free(pp[i]);
    free(pp);
    free(edits);
    return rc ? -rc : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--batch") == 0) {
        int n = atoi(argv[3]);
        char p[4096];
        for (int i = 0; i < n; i++) {
            size_t len, elen;
            snprintf(p, sizeof p, "%s/%d.in", argv[2], i);
            char *text = slurp(p, &len);
            snprintf(p, sizeof p, "%s/%d.edits", argv[2], i);
            char *ed = slurp(p, &elen);
            if (!text || !ed) {
                fprintf(stderr, "cannot read case %d\n", i);
                return 1;
            }
            ed = realloc(ed, elen + 1);
            ed[elen] = '\0';
            char *ops[64], *paths[64], *vals[64];
            int ne = 0;
            for (char *line = strtok(ed, "\n"); line && ne < 64; line = strtok(NULL, "\n")) {
                char *t1 = strchr(line, '\t');
                if (!t1)
                    continue;
                *t1 = '\0';
                char *t2 = strchr(t1 + 1, '\t');
                if (t2)
                    *t2 = '\0';
                ops[ne] = line;
                paths[ne] = t1 + 1;
                vals[ne] = t2 ? t2 + 1 : NULL;
                ne++;
            }
            snprintf(p, sizeof p, "%s/%d.c", argv[2], i);
            FILE *out = fopen(p, "wb");
            snprintf(p, sizeof p, "%s/%d.err", argv[2], i);
            FILE *errf = fopen(p, "wb");
            run(p, text, len, ne, ops, paths, vals, out, errf);
            fclose(out);
            fclose(errf);
            free(text);
            free(ed);
        }
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: jsonc_driver FILE [set PATH JSON | ins PATH JSON | del PATH]...\n");
        return 2;
    }
    size_t len;
    char *text = slurp(argv[1], &len);
    if (!text) {
        perror(argv[1]);
        return 4;
    }
    char *ops[64], *paths[64], *vals[64];
    int ne = 0;
    for (int i = 2; i < argc && ne < 64;) {
        ops[ne] = argv[i];
        paths[ne] = i + 1 < argc ? argv[i + 1] : (char *)"";
        vals[ne] = (strcmp(argv[i], "del") != 0 && i + 2 < argc) ? argv[i + 2] : NULL;
        i += strcmp(argv[i], "del") == 0 ? 2 : 3;
        ne++;
    }
    int rc = run(argv[1], text, len, ne, ops, paths, vals, stdout, stderr);
    free(text);
    return rc;
}
