/*
 * digest.h - the one SHA-256-as-hex helper.
 *
 * Backups, the edit cycle's re-check, SigV4 payload hashes and the short
 * identity hashes all want lower-case hex of a SHA-256; this is the only
 * place that computes it, and the one place that reads a hex digit.
 */
#ifndef CLINECFG_DIGEST_H
#define CLINECFG_DIGEST_H

#include <stddef.h>

/* Lower-case hex SHA-256 of data[0..len), NUL-terminated in out.  data may
 * be NULL when len is 0. */
void digest_sha256_hex(const void *data, size_t len, char out[65]);

/* Lower-case hex of n bytes; out holds 2n+1. */
void digest_to_hex(const unsigned char *bytes, size_t n, char *out);

/* The value of one hex digit (either case), or -1.  Inline: the JSONC
 * scanner checks every \uXXXX escape with it. */
static inline int hex_digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
