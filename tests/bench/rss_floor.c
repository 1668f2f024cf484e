/*
 * rss_floor.c - the least any program can peak at when it does what
 * clinecfg's setup must do at minimum with the system's libcurl: open it
 * (as clinecfg does, with dlopen), initialise it, and make one plain HTTP
 * GET.  bench_setup.sh prints this next to setup's own peak RSS, so the
 * share that belongs to libcurl and its dependencies is measured, not
 * guessed.  Usage: rss_floor URL  (prints VmHWM in KB).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

static size_t discard(char *data, size_t size, size_t nmemb, void *ud)
{
    (void)data;
    (void)ud;
    return size * nmemb;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rss_floor URL\n");
        return 2;
    }
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "rss_floor: %s\n", dlerror());
        return 1;
    }
    CURLcode (*global_init)(long) = (CURLcode(*)(long))dlsym(h, "curl_global_init");
    CURL *(*easy_init)(void) = (CURL * (*)(void)) dlsym(h, "curl_easy_init");
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...) = (CURLcode(*)(CURL *, CURLoption, ...))dlsym(h, "curl_easy_setopt");
    CURLcode (*easy_perform)(CURL *) = (CURLcode(*)(CURL *))dlsym(h, "curl_easy_perform");
    if (!global_init || !easy_init || !easy_setopt || !easy_perform || global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "rss_floor: libcurl.so.4 is unusable\n");
        return 1;
    }
    CURL *c = easy_init();
    if (!c)
        return 1;
    easy_setopt(c, CURLOPT_URL, argv[1]);
    easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = easy_perform(c);
    if (rc != CURLE_OK) {
        fprintf(stderr, "rss_floor: GET %s failed (%d)\n", argv[1], (int)rc);
        return 1;
    }
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        long kb;
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) {
            printf("%ld\n", kb);
            fclose(f);
            return 0;
        }
    }
    if (f)
        fclose(f);
    fprintf(stderr, "rss_floor: no VmHWM in /proc/self/status\n");
    return 1;
}
