/* error.c - filling and mapping cc_err (see include/clinecfg/error.h). */
#include "clinecfg/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cc_err_set(cc_err *err, int status, const char *code, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->code, sizeof err->code, "%s", code ? code : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->hint[0] = '\0';
    return status;
}

void cc_err_hint(cc_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}

void cc_err_prefix(cc_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the message right and put the prefix in front, truncating the
     * tail if the two do not fit. */
    size_t plen = strlen(prefix), cap = sizeof err->message;
    if (plen + 2 >= cap)
        plen = cap - 3;
    size_t mlen = strnlen(err->message, cap - 1);
    if (plen + 2 + mlen >= cap)
        mlen = cap - 1 - plen - 2;
    memmove(err->message + plen + 2, err->message, mlen);
    memcpy(err->message, prefix, plen);
    err->message[plen] = ':';
    err->message[plen + 1] = ' ';
    err->message[plen + 2 + mlen] = '\0';
}

void cc_err_clear(cc_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int cc_exit_code(int status)
{
    if (status >= 0)
        return 0;
    if (status < CC_ECONFLICT)
        return 1;
    return -status;
}

const char *cc_status_name(int status)
{
    switch (status) {
    case CC_OK: return "ok";
    case CC_EUSAGE: return "usage";
    case CC_EPENDING: return "pending";
    case CC_EINPUT: return "bad_input";
    case CC_EDENIED: return "aws_denied";
    case CC_EAWS: return "aws_error";
    case CC_EKEYRING: return "keyring_unavailable";
    case CC_ECONFLICT: return "conflict";
    default: return "internal";
    }
}

int cc_err_oom(cc_err *err)
{
    return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
}
