/* envlookup.c - environment lookups (see include/clinecfg/envlookup.h). */
#include "clinecfg/envlookup.h"

#include <stdlib.h>

const char *cc_getenv_process(void *ud, const char *name)
{
    (void)ud;
    return getenv(name);
}

const char *cc_getenv(cc_getenv_fn fn, void *ud, const char *name)
{
    return fn ? fn(ud, name) : getenv(name);
}

const char *cc_getenv_set(cc_getenv_fn fn, void *ud, const char *name)
{
    const char *v = cc_getenv(fn, ud, name);
    return v && *v ? v : NULL;
}
