/*
 * fuzz_awserror.c - libFuzzer target for the AWS error-response parsers
 * (src/aws/awserror.c): restJson1 bodies with an optional x-amzn-ErrorType
 * header, and awsQuery XML.  Input layout: the first line (up to '\n') is
 * the header value, the rest is the body; both parsers and the classifiers
 * run on every input.  Outputs must be NUL-terminated, fit their buffers
 * and hold no control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awserror.h"

static void check_clean(const char *s, size_t size)
{
    size_t n = strnlen(s, size);
    if (n >= size)
        abort(); /* not terminated */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - (const char *)data) : 0;
    char *header = NULL;
    if (nl) {
        header = malloc(hlen + 1);
        if (!header)
            return 0;
        memcpy(header, data, hlen);
        header[hlen] = '\0';
    }
    const char *body = nl ? nl + 1 : (const char *)data;
    size_t blen = nl ? size - hlen - 1 : size;
    /* exact-size heap copy so ASan sees any over-read past the length */
    char *copy = malloc(blen ? blen : 1);
    if (!copy) {
        free(header);
        return 0;
    }
    memcpy(copy, body, blen);

    char code[128], msg[512], small[4], tiny[1];
    aws_parse_rest_json_error(header, copy, blen, code, sizeof code, msg, sizeof msg);
    check_clean(code, sizeof code);
    check_clean(msg, sizeof msg);
    (void)aws_error_status(code, 400);
    (void)aws_error_is_throttling(code);
    (void)aws_error_is_transient(code, 500);
    (void)aws_error_is_clock_skew(code);
    aws_parse_rest_json_error(header, copy, blen, small, sizeof small, tiny, sizeof tiny);
    check_clean(small, sizeof small);

    aws_parse_query_error(copy, blen, code, sizeof code, msg, sizeof msg);
    check_clean(code, sizeof code);
    check_clean(msg, sizeof msg);
    aws_parse_query_error(copy, blen, small, sizeof small, tiny, sizeof tiny);
    check_clean(tiny, sizeof tiny);
    check_clean(small, sizeof small);

    if (header) {
        aws_error_sanitize(header);
        if (strlen(header) > hlen)
            abort();
    }
    free(copy);
    free(header);
    return 0;
}
