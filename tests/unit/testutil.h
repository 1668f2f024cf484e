/*
 * testutil.h - what several unit tests need: the repository and conformance
 * folders, and whole-file reads (through the library's own safefile_read).
 */
#ifndef CLINECFG_TESTUTIL_H
#define CLINECFG_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "clinecfg/safefile.h"

/* The file's bytes, NUL-terminated, or NULL when it cannot be read. */
static inline char *test_read_file(const char *path, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    bool exists = false;
    if (safefile_read(path, (size_t)256 << 20, &text, &n, &exists, NULL) != 0 || !exists) {
        free(text);
        return NULL;
    }
    if (len)
        *len = n;
    return text;
}

/* The repository root: $CLINECFG_TOP, else the current folder. */
static inline const char *test_top_dir(void)
{
    const char *t = getenv("CLINECFG_TOP");
    return t && *t ? t : ".";
}

/* $CLINECFG_CONFORMANCE, else the shared folder beside the repository. */
static inline void test_conformance_dir(char *out, size_t size)
{
    const char *c = getenv("CLINECFG_CONFORMANCE");
    if (c && *c)
        snprintf(out, size, "%s", c);
    else
        snprintf(out, size, "%s/../shared/conformance", test_top_dir());
}

#endif
