/* strbuf.c - growable byte buffer (see include/clinecfg/strbuf.h). */
#include "clinecfg/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static bool grow_to(strbuf *b, size_t cap)
{
    char *np;
    if (b->secret) {
        /* realloc could leave the old block, secrets and all, on the heap. */
        np = malloc(cap);
        if (!np)
            return false;
        if (b->p) {
            memcpy(np, b->p, b->len + 1);
            OPENSSL_cleanse(b->p, b->cap);
            free(b->p);
        }
    } else {
        np = realloc(b->p, cap);
        if (!np)
            return false;
    }
    b->p = np;
    b->cap = cap;
    return true;
}

static bool grow(strbuf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > (size_t)-1 / 2)
            return false;
        cap *= 2;
    }
    return grow_to(b, cap);
}

void strbuf_reserve(strbuf *b, size_t n)
{
    if (b->oom)
        return;
    if (n > (size_t)-1 - b->len - 1) {
        b->oom = true;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        if (!grow_to(b, b->len + n + 1)) {
            b->oom = true;
            return;
        }
        b->p[b->len] = '\0';
    }
}

void strbuf_put(strbuf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (n > (size_t)-1 - b->len - 1 || (b->len + n + 1 > b->cap && !grow(b, b->len + n + 1))) {
        b->oom = true;
        return;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_put(b, s, strlen(s)); }

void strbuf_json_string(strbuf *b, const char *s)
{
    strbuf_put(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_put(b, run, (size_t)(s - run));
        char esc[8];
        switch (c) {
        case '"': strbuf_puts(b, "\\\""); break;
        case '\\': strbuf_puts(b, "\\\\"); break;
        case '\b': strbuf_puts(b, "\\b"); break;
        case '\f': strbuf_puts(b, "\\f"); break;
        case '\n': strbuf_puts(b, "\\n"); break;
        case '\r': strbuf_puts(b, "\\r"); break;
        case '\t': strbuf_puts(b, "\\t"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            strbuf_puts(b, esc);
        }
        run = s + 1;
    }
    strbuf_put(b, run, (size_t)(s - run));
    strbuf_put(b, "\"", 1);
}

void strbuf_release(strbuf *b)
{
    if (b->p && b->secret)
        OPENSSL_cleanse(b->p, b->cap);
    free(b->p);
    memset(b, 0, sizeof *b);
}

void strbuf_json_member(strbuf *b, const char *key, const char *value)
{
    if (!value)
        return;
    strbuf_puts(b, ",");
    strbuf_json_string(b, key);
    strbuf_puts(b, ":");
    strbuf_json_string(b, value);
}
