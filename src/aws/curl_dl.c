/* curl_dl.c - libcurl loaded on first use (see curl_dl.h for why). */
#define _GNU_SOURCE
#include "curl_dl.h"

#include "clinecfg/dltable.h"

#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

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
#define SYM(field, name) {name, offsetof(curl_dl_api, field)}
        SYM(global_init, "curl_global_init"),
        SYM(global_cleanup, "curl_global_cleanup"),
        SYM(easy_init, "curl_easy_init"),
        SYM(easy_setopt, "curl_easy_setopt"),
        SYM(easy_getinfo, "curl_easy_getinfo"),
        SYM(easy_cleanup, "curl_easy_cleanup"),
        SYM(easy_reset, "curl_easy_reset"),
        SYM(easy_strerror, "curl_easy_strerror"),
        SYM(multi_init, "curl_multi_init"),
        SYM(multi_setopt, "curl_multi_setopt"),
        SYM(multi_add_handle, "curl_multi_add_handle"),
        SYM(multi_remove_handle, "curl_multi_remove_handle"),
        SYM(multi_perform, "curl_multi_perform"),
        SYM(multi_poll, "curl_multi_poll"),
        SYM(multi_info_read, "curl_multi_info_read"),
        SYM(multi_cleanup, "curl_multi_cleanup"),
        SYM(slist_append, "curl_slist_append"),
        SYM(slist_free_all, "curl_slist_free_all"),
        SYM(getdate, "curl_getdate"),
#undef SYM
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
