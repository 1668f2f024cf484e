/* libsecret_dl.c - libsecret loaded on first keyring use (see libsecret_dl.h
 * for why). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LIBSECRET_DL_LOADER /* the plain names: they name the table's fields */
#include "libsecret_dl.h"

libsecret_dl_api libsecret_dl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

#define LIBSECRET_SONAME "libsecret-1.so.0"

static void load(void)
{
    /* RTLD_NODELETE: GLib registers types and threads that must outlive
     * every keyring; libsecret's symbols are found through this handle,
     * GLib's through its dependencies. */
    void *h = dlopen(LIBSECRET_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        snprintf(load_error, sizeof load_error, "cannot load %s: %s", LIBSECRET_SONAME, dlerror());
        return;
    }
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
#define LIBSECRET_DL_SYM(name) {#name, offsetof(libsecret_dl_api, name)},
        LIBSECRET_DL_FUNCTIONS(LIBSECRET_DL_SYM)
#undef LIBSECRET_DL_SYM
    };
    libsecret_dl_api api;
    memset(&api, 0, sizeof api);
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *f = dlsym(h, syms[i].name);
        if (!f) {
            snprintf(load_error, sizeof load_error, "%s (or the GLib it loaded) has no %s (libsecret 0.20 or newer is needed)",
                     LIBSECRET_SONAME, syms[i].name);
            return;
        }
        /* POSIX guarantees function pointers round-trip through void *. */
        memcpy((char *)&api + syms[i].offset, &f, sizeof f);
    }
    libsecret_dl = api;
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
