/* digest.c - SHA-256 as hex (see include/clinecfg/digest.h). */
#include "clinecfg/digest.h"

#include <openssl/evp.h>
#include <string.h>

void digest_to_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void digest_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    /* Cannot fail with a working libcrypto; an all-zero digest never
     * matches real data, so a failure is noticed rather than trusted. */
    if (!EVP_Digest(data ? data : "", data ? len : 0, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        memset(md, 0, sizeof md);
    digest_to_hex(md, 32, out);
}
