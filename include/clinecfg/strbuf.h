/*
 * strbuf.h - the one growable, always NUL-terminated byte buffer.
 *
 * Appends never fail loudly: on out of memory the buffer sets `oom` and
 * ignores further appends, so a builder checks once at the end.  A buffer
 * marked `secret` (credentials, response bodies that carry them) never
 * leaves a copy behind: growing wipes the old block before freeing it, and
 * strbuf_release wipes the contents.  A zeroed struct is an empty buffer;
 * `p` may be taken over by the caller and freed with free().
 */
#ifndef CLINECFG_STRBUF_H
#define CLINECFG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *p;      /* NULL until the first append */
    size_t len;   /* bytes in p, excluding the NUL */
    size_t cap;
    bool oom;     /* an append failed; contents are incomplete */
    bool secret;  /* wipe every block this buffer lets go of */
} strbuf;

void strbuf_put(strbuf *b, const void *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
/* Makes room for `n` more bytes (plus the NUL) in one step, so a buffer
 * whose final size is known is allocated once, without the doubling slack
 * or, for a secret buffer, a second copy alive while it grows.  Sets `oom`
 * on failure. */
void strbuf_reserve(strbuf *b, size_t n);
/* A JSON string literal: quotes, backslash and control characters escaped
 * (\b \f \n \r \t, else \u00XX); other bytes copied as they are. */
void strbuf_json_string(strbuf *b, const char *s);
/* `,"key":"value"` (both escaped); nothing when value is NULL.  For
 * objects written member by member after a first member. */
void strbuf_json_member(strbuf *b, const char *key, const char *value);
/* Frees the contents (wiped when secret) and zeroes the struct. */
void strbuf_release(strbuf *b);

#endif
