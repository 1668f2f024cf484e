/* libsecret_dl.c - libsecret loaded on first keyring use (see libsecret_dl.h
 * for why). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LIBSECRET_DL_LOADER /* the plain names: they name the table's fields */
#include "libsecret_dl.h"

#include "clinecfg/dltable.h"

libsecret_dl_api libsecret_dl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

#define LIBSECRET_SONAME "libsecret-1.so.0"

static void load(void)
{
    static const dltable_sym syms[] = {
#define LIBSECRET_DL_SYM(name) {#name, offsetof(libsecret_dl_api, name)},
        LIBSECRET_DL_FUNCTIONS(LIBSECRET_DL_SYM)
#undef LIBSECRET_DL_SYM
    };
    /* GLib's names are found through libsecret's dependencies; RTLD_NODELETE
     * (dltable) because GLib registers types and threads that must outlive
     * every keyring. */
    dltable_load(LIBSECRET_SONAME, syms, sizeof syms / sizeof syms[0], &libsecret_dl, sizeof libsecret_dl,
                 "libsecret 0.20 or newer, with its GLib, is needed", load_error, sizeof load_error);
}

int libsecret_dl_load(cc_err *err)
{
    pthread_once(&once, load);
    if (!load_error[0])
        return 0;
    cc_err_set(err, CC_EKEYRING, "keyring.libsecret", "no keyring: %s", load_error);
    cc_err_hint(err, "install libsecret-1-0 (Debian/Ubuntu) or libsecret (Fedora)");
    return CC_EKEYRING;
}
