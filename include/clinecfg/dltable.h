/*
 * dltable.h - fills a table of function pointers from a shared library
 * opened with dlopen (src/core/dltable.c).
 *
 * Owns the one loop behind every library clinecfg loads on first use
 * (libcurl in src/aws/curl_dl.c, libsecret in src/store/libsecret_dl.c):
 * open the library, look every name up, and either fill the whole table or
 * leave it untouched and say which name or file was the problem.
 */
#ifndef CLINECFG_DLTABLE_H
#define CLINECFG_DLTABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dltable_sym {
    const char *name;  /* symbol to look up */
    size_t offset;     /* offsetof its pointer in the table */
} dltable_sym;

/* Opens `soname` (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: what it sets up
 * must outlive every user) and stores each symbol's address at its offset
 * in `table` (`table_size` bytes), all or nothing.  On failure writes
 * "cannot load SONAME: REASON" or "SONAME has no NAME (REQUIREMENT)" to
 * `why` and returns false. */
bool dltable_load(const char *soname, const dltable_sym *syms, size_t nsyms, void *table, size_t table_size,
                  const char *requirement, char *why, size_t why_size);

#endif
