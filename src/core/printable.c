/* printable.c - strips terminal controls from text that came from a file or
 * an AWS response before it is printed (see include/clinecfg/printable.h).
 * A UTF-8 decoder just strict enough to tell a C1 control or a stray byte
 * from a character. */
#include "clinecfg/printable.h"

#include <stdlib.h>
#include <string.h>

#define ESC 0x1b
#define BEL 0x07

/* Length of the valid UTF-8 character at s (2..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0; /* overlong */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* beyond U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xbf)
            return 0;
    return n;
}

/* The C1 control encoded at s (U+0080..U+009F as C2 80..C2 9F), or -1. */
static int c1_at(const unsigned char *s)
{
    return s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f ? s[1] : -1;
}

/* Skips CSI parameters, intermediates and the final byte. */
static const unsigned char *skip_csi(const unsigned char *p)
{
    while (*p >= 0x30 && *p <= 0x3f)
        p++;
    while (*p >= 0x20 && *p <= 0x2f)
        p++;
    if (*p >= 0x40 && *p <= 0x7e)
        p++;
    return p;
}

/* Skips an OSC/DCS/SOS/PM/APC string up to and including BEL or ST. */
static const unsigned char *skip_string(const unsigned char *p)
{
    while (*p) {
        if (*p == BEL)
            return p + 1;
        if (*p == ESC && p[1] == '\\')
            return p + 2;
        if (c1_at(p) == 0x9c)
            return p + 2;
        p++;
    }
    return p;
}

/* p points after ESC. */
static const unsigned char *skip_escape(const unsigned char *p)
{
    if (*p == '[')
        return skip_csi(p + 1);
    if (*p && strchr("]PX^_", *p))
        return skip_string(p + 1);
    while (*p >= 0x20 && *p <= 0x2f)
        p++;
    if (*p >= 0x30 && *p <= 0x7e)
        p++;
    return p;
}

/* One control or sequence at p: where it ends, or NULL when p starts a
 * character to keep (*keep set to its length). */
static const unsigned char *control_end(const unsigned char *p, size_t *keep)
{
    *keep = 0;
    if (*p == ESC)
        return skip_escape(p + 1);
    if (*p < 0x20 || *p == 0x7f)
        return p + 1;
    if (*p < 0x80) {
        *keep = 1;
        return NULL;
    }
    int c1 = c1_at(p);
    if (c1 == 0x9b)
        return skip_csi(p + 2);
    if (c1 == 0x90 || c1 == 0x9d || c1 == 0x98 || c1 == 0x9e || c1 == 0x9f)
        return skip_string(p + 2);
    if (c1 >= 0)
        return p + 2;
    size_t n = utf8_len(p);
    if (!n)
        return p + 1; /* a stray byte: some terminals read 0x80-0x9f as C1 */
    *keep = n;
    return NULL;
}

char *printable_copy(char *dst, size_t size, const char *src)
{
    if (!size)
        return dst;
    const unsigned char *p = (const unsigned char *)src;
    size_t o = 0;
    while (*p) {
        size_t keep;
        const unsigned char *end = control_end(p, &keep);
        if (end) {
            if (o + 1 >= size)
                break;
            dst[o++] = '?';
            p = end;
            continue;
        }
        if (o + keep >= size)
            break;
        for (size_t k = 0; k < keep; k++)
            dst[o++] = (char)p[k];
        p += keep;
    }
    dst[o] = '\0';
    return dst;
}

char *printable_dup(const char *src)
{
    size_t n = strlen(src) + 1;
    char *d = malloc(n);
    return d ? printable_copy(d, n, src) : NULL;
}

bool printable_is_clean(const char *src)
{
    const unsigned char *p = (const unsigned char *)src;
    while (*p) {
        size_t keep;
        if (control_end(p, &keep))
            return false;
        p += keep;
    }
    return true;
}
