/* curl_dl.c - libcurl loaded on first use (see curl_dl.h for why). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define CURL_DL_LOADER /* the plain names: they name the table's fields */
#include "curl_dl.h"

#include "clinecfg/dltable.h"

curl_dl_api curl_dl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

#ifdef __APPLE__
#define CURL_SONAME "libcurl.4.dylib"
#define CURL_PACKAGE "curl (it ships with macOS)"
#else
#define CURL_SONAME "libcurl.so.4"
#define CURL_PACKAGE "libcurl4 (Debian/Ubuntu) or libcurl (Fedora)"
#endif

static void load(void)
{
    static const dltable_sym syms[] = {
#define CURL_DL_SYM(name) {#name, offsetof(curl_dl_api, name)},
        CURL_DL_FUNCTIONS(CURL_DL_SYM)
#undef CURL_DL_SYM
    };
    /* RTLD_NODELETE (dltable): curl's TLS back end must outlive every handle. */
    dltable_load(CURL_SONAME, syms, sizeof syms / sizeof syms[0], &curl_dl, sizeof curl_dl,
                 "libcurl 7.66 or newer is needed", load_error, sizeof load_error);
}

int curl_dl_load(cc_err *err)
{
    pthread_once(&once, load);
    if (!load_error[0])
        return 0;
    cc_err_set(err, CC_EINTERNAL, "http.libcurl", "%s", load_error);
    cc_err_hint(err, "install %s", CURL_PACKAGE);
    return CC_EINTERNAL;
}
