/* dltable.c - a function table from a dlopen'd library (see dltable.h). */
#define _GNU_SOURCE
#include "clinecfg/dltable.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool dltable_load(const char *soname, const dltable_sym *syms, size_t nsyms, void *table, size_t table_size,
                  const char *requirement, char *why, size_t why_size)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        snprintf(why, why_size, "cannot load %s: %s", soname, dlerror());
        return false;
    }
    unsigned char *filled = calloc(1, table_size);
    if (!filled) {
        snprintf(why, why_size, "cannot load %s: out of memory", soname);
        return false;
    }
    for (size_t i = 0; i < nsyms; i++) {
        void *f = dlsym(h, syms[i].name);
        if (!f) {
            snprintf(why, why_size, "%s has no %s (%s)", soname, syms[i].name, requirement);
            free(filled);
            return false;
        }
        /* POSIX guarantees function pointers round-trip through void *. */
        memcpy(filled + syms[i].offset, &f, sizeof f);
    }
    memcpy(table, filled, table_size);
    free(filled);
    return true;
}
