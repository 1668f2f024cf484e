/*
 * keyring_backend.h - what a keyring back end implements (private to
 * src/store/keyring*.c).  keyring.c validates arguments, picks the back end
 * and owns the payload format; a back end only moves opaque payload strings
 * in and out of its store, keyed by (service, account, kind).
 */
#ifndef CLINECFG_KEYRING_BACKEND_H
#define CLINECFG_KEYRING_BACKEND_H

#include "clinecfg/keyring.h"

typedef struct keyring_ops {
    const char *name;
    /* Sets kr->impl; may already fail with the probe's diagnosis. */
    int (*open)(keyring *kr, cc_err *err);
    int (*probe)(keyring *kr, cc_err *err);
    int (*store)(keyring *kr, const char *account, keyring_kind kind, const char *label, const char *payload,
                 cc_err *err);
    /* *payload_out: malloc'd copy the caller wipes; KEYRING_NOT_FOUND if none. */
    int (*lookup)(keyring *kr, const char *account, keyring_kind kind, char **payload_out, cc_err *err);
    /* kind may be KEYRING_ANY. */
    int (*remove)(keyring *kr, const char *account, keyring_kind kind, cc_err *err);
    void (*close)(keyring *kr);
} keyring_ops;

struct keyring {
    const keyring_ops *ops;
    keyring_opts opts;   /* timeout_ms resolved (never 0) */
    void *impl;          /* back end state */
    char describe[256];  /* set by the back end */
};

extern const keyring_ops keyring_libsecret_ops;
#ifdef __APPLE__
extern const keyring_ops keyring_macos_ops;
#endif

/* Copies n bytes into a fresh NUL-terminated buffer (NULL on OOM). */
char *keyring_copy_secret(const void *data, size_t n);

#endif
