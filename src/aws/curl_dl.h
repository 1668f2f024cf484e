/*
 * curl_dl.h - libcurl, loaded on first use (internal to src/aws/http.c, and
 * to src/app/onboard.c for libcurl's URL parser).
 *
 * Every clinecfg run maps its libraries at start-up, and libcurl with its
 * TLS, HTTP/2, IDN and GSSAPI dependencies is the largest share.  Most
 * `credential-process` runs (Cline calls it on every credential refresh)
 * only read the keyring, so libcurl is opened with dlopen the first time an
 * HTTP client is made.  The table is filled once (pthread_once) and never
 * changes after that.  It is written the same way as the libsecret one
 * (src/store/libsecret_dl.h): one list of names gives the table's fields,
 * the loader's symbol list, and the macros at the end that let http.c keep
 * calling curl by its own names.
 */
#ifndef CLINECFG_CURL_DL_H
#define CLINECFG_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "clinecfg/error.h"

/* Every libcurl function clinecfg calls.  A call of a name missing here
 * fails to link (the binary does not link libcurl), so the list cannot
 * silently fall out of date. */
#define CURL_DL_FUNCTIONS(X)                                                                                          \
    X(curl_global_init) X(curl_global_cleanup) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_getinfo)             \
    X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_strerror) X(curl_multi_init) X(curl_multi_setopt)             \
    X(curl_multi_add_handle) X(curl_multi_remove_handle) X(curl_multi_perform) X(curl_multi_poll)                     \
    X(curl_multi_info_read) X(curl_multi_cleanup) X(curl_slist_append) X(curl_slist_free_all) X(curl_getdate)         \
    X(curl_url) X(curl_url_set) X(curl_url_get) X(curl_url_cleanup) X(curl_free)

typedef struct curl_dl_api {
    /* __typeof__ keeps each pointer's type the header's own prototype. */
#define CURL_DL_FIELD(name) __typeof__(name) *name;
    CURL_DL_FUNCTIONS(CURL_DL_FIELD)
#undef CURL_DL_FIELD
} curl_dl_api;

/* Loads libcurl (once per process).  CC_EINTERNAL with the loader's reason
 * and an install hint when it is missing or too old (curl_multi_poll needs
 * 7.66). */
int curl_dl_load(cc_err *err);

/* The table; valid after curl_dl_load returned 0. */
extern curl_dl_api curl_dl;

/* curl.h wraps curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt in
 * argument-count macros; every name is replaced by its table entry.  The
 * loader itself needs the plain names (CURL_DL_LOADER). */
#ifndef CURL_DL_LOADER
#undef curl_global_init
#undef curl_global_cleanup
#undef curl_easy_init
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_easy_cleanup
#undef curl_easy_reset
#undef curl_easy_strerror
#undef curl_multi_init
#undef curl_multi_setopt
#undef curl_multi_add_handle
#undef curl_multi_remove_handle
#undef curl_multi_perform
#undef curl_multi_poll
#undef curl_multi_info_read
#undef curl_multi_cleanup
#undef curl_slist_append
#undef curl_slist_free_all
#undef curl_getdate
#undef curl_url
#undef curl_url_set
#undef curl_url_get
#undef curl_url_cleanup
#undef curl_free

#define curl_global_init curl_dl.curl_global_init
#define curl_global_cleanup curl_dl.curl_global_cleanup
#define curl_easy_init curl_dl.curl_easy_init
#define curl_easy_setopt curl_dl.curl_easy_setopt
#define curl_easy_getinfo curl_dl.curl_easy_getinfo
#define curl_easy_cleanup curl_dl.curl_easy_cleanup
#define curl_easy_reset curl_dl.curl_easy_reset
#define curl_easy_strerror curl_dl.curl_easy_strerror
#define curl_multi_init curl_dl.curl_multi_init
#define curl_multi_setopt curl_dl.curl_multi_setopt
#define curl_multi_add_handle curl_dl.curl_multi_add_handle
#define curl_multi_remove_handle curl_dl.curl_multi_remove_handle
#define curl_multi_perform curl_dl.curl_multi_perform
#define curl_multi_poll curl_dl.curl_multi_poll
#define curl_multi_info_read curl_dl.curl_multi_info_read
#define curl_multi_cleanup curl_dl.curl_multi_cleanup
#define curl_slist_append curl_dl.curl_slist_append
#define curl_slist_free_all curl_dl.curl_slist_free_all
#define curl_getdate curl_dl.curl_getdate
#define curl_url curl_dl.curl_url
#define curl_url_set curl_dl.curl_url_set
#define curl_url_get curl_dl.curl_url_get
#define curl_url_cleanup curl_dl.curl_url_cleanup
#define curl_free curl_dl.curl_free
#endif /* CURL_DL_LOADER */

#endif
