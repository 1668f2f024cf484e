/*
 * curl_dl.h - libcurl, loaded on first use (internal to src/aws/http.c).
 *
 * Every clinecfg run maps its libraries at start-up, and libcurl with its
 * TLS, HTTP/2, IDN and GSSAPI dependencies is the largest share.  Most
 * `credential-process` runs (Cline calls it on every credential refresh)
 * only read the keyring, so libcurl is opened with dlopen the first time an
 * HTTP client is made.  The table is filled once (pthread_once) and never
 * changes after that.  The macros below let http.c keep calling curl by its
 * own names.
 */
#ifndef CLINECFG_CURL_DL_H
#define CLINECFG_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "clinecfg/error.h"

typedef struct curl_dl_api {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    time_t (*getdate)(const char *, const time_t *);
} curl_dl_api;

/* Loads libcurl (once per process).  CC_EINTERNAL with the loader's reason
 * and an install hint when it is missing or too old (curl_multi_poll needs
 * 7.66). */
int curl_dl_load(cc_err *err);

/* The table; valid after curl_dl_load returned 0. */
extern curl_dl_api curl_dl;

/* curl.h wraps these three in argument-count macros; replace them. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt

#define curl_global_init curl_dl.global_init
#define curl_global_cleanup curl_dl.global_cleanup
#define curl_easy_init curl_dl.easy_init
#define curl_easy_setopt curl_dl.easy_setopt
#define curl_easy_getinfo curl_dl.easy_getinfo
#define curl_easy_cleanup curl_dl.easy_cleanup
#define curl_easy_reset curl_dl.easy_reset
#define curl_easy_strerror curl_dl.easy_strerror
#define curl_multi_init curl_dl.multi_init
#define curl_multi_setopt curl_dl.multi_setopt
#define curl_multi_add_handle curl_dl.multi_add_handle
#define curl_multi_remove_handle curl_dl.multi_remove_handle
#define curl_multi_perform curl_dl.multi_perform
#define curl_multi_poll curl_dl.multi_poll
#define curl_multi_info_read curl_dl.multi_info_read
#define curl_multi_cleanup curl_dl.multi_cleanup
#define curl_slist_append curl_dl.slist_append
#define curl_slist_free_all curl_dl.slist_free_all
#define curl_getdate curl_dl.getdate

#endif
