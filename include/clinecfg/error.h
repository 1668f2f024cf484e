/*
 * error.h - the one error type every clinecfg module fills.
 *
 * Functions return 0 or a negative CC_E* status and, on failure, fill a
 * cc_err with a message meant for a person: which file (with line:col) or
 * which key, what went wrong, and in `hint` what to do about it.  main.c
 * turns the status into the documented exit code (see cc_exit_code).
 * Messages must never contain secrets.
 */
#ifndef CLINECFG_ERROR_H
#define CLINECFG_ERROR_H

#include <stddef.h>

enum {
    CC_OK = 0,
    CC_EINTERNAL = -1, /* bug or out of memory: exit 1 */
    CC_EUSAGE = -2,    /* bad flag or argument; also "not implemented yet" */
    CC_EPENDING = -3,  /* a profile request was filed, profile not there yet */
    CC_EINPUT = -4,    /* bad file, flag, env value or config; nothing written */
    CC_EDENIED = -5,   /* AWS denied the call */
    CC_EAWS = -6,      /* AWS or network error after retries */
    CC_EKEYRING = -7,  /* keyring unavailable, locked, prompt dismissed */
    CC_ECONFLICT = -8, /* profile name taken with other tags/model, Cline running */
};

typedef struct cc_err {
    int status;          /* one of CC_E*, or CC_OK */
    char code[48];       /* short machine-readable reason, e.g. "config.syntax" */
    char message[1024];  /* "file:line:col: what went wrong" */
    char hint[512];      /* what to do; may be empty */
} cc_err;

/* Sets status, code and message; clears the hint.  Returns status so callers
 * can write `return cc_err_set(err, CC_EINPUT, "config.syntax", "...")`. */
int cc_err_set(cc_err *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets (replaces) the hint.  Safe with err == NULL. */
void cc_err_hint(cc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to the message, e.g. a file name to a parser error. */
void cc_err_prefix(cc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void cc_err_clear(cc_err *err);

/* The one out-of-memory error (status CC_EINTERNAL, code "oom"). */
int cc_err_oom(cc_err *err);

/* Maps a status to the documented process exit code (0..8). */
int cc_exit_code(int status);

/* Stable name of a status for JSON output: "usage", "bad_input", ... */
const char *cc_status_name(int status);

#endif
