/*
 * keyring.h - the OS keyring behind one interface (src/store/keyring.c).
 *
 * Owns: choosing the back end (libsecret on Linux, the Security framework
 * on macOS; never a plain-text fallback), diagnosing why no keyring is
 * usable (probe), bounding every keyring call by a timeout so an unlock
 * prompt nobody can see never hangs, and the JSON payload kept in each
 * item.  Back ends: src/store/keyring_libsecret.c, keyring_macos.c.
 *
 * Items are keyed by stable attributes only: service "clinecfg", the
 * account name and the item kind (long-term keys, cached STS session
 * credentials, or an IAM Identity Center sign-in with its cached role
 * credentials).  Everything that changes (expiry, session keys, who the keys
 * belong to) lives in the secret payload, so a replace never makes a
 * duplicate item.
 *
 * Every failure to reach the keyring is CC_EKEYRING (exit 7) with its own
 * err->code (keyring.no_dbus, keyring.no_secret_service, keyring.kwallet,
 * keyring.locked, keyring.no_default_collection, keyring.dismissed,
 * keyring.timeout, keyring.error) and a hint saying what to do.  Messages
 * never contain secrets.
 */
#ifndef CLINECFG_KEYRING_H
#define CLINECFG_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/output.h"

/* keyring_lookup / keyring_delete: nothing stored under that name. */
#define KEYRING_NOT_FOUND 1

/* Default bound for one keyring call, prompts included (ms).  The
 * environment variable CLINECFG_KEYRING_TIMEOUT (seconds, e.g. "30" or
 * "0.5") overrides it when keyring_opts.timeout_ms is 0.  At the bound the
 * call is cancelled (libsecret dismisses an open prompt); a call that does
 * not even finish then is abandoned 2 s later, so a call never takes more
 * than the timeout + 2 s. */
#define KEYRING_DEFAULT_TIMEOUT_MS 30000L

/* Longest account name; names use [A-Za-z0-9._@+-]. */
#define KEYRING_ACCOUNT_MAX 64

typedef enum {
    KEYRING_LONG_TERM = 0, /* the access key pair stored by `clinecfg login` */
    KEYRING_SESSION = 1,   /* cached STS GetSessionToken credentials */
    KEYRING_ANY = 2,       /* keyring_delete only: every item of the account */
    KEYRING_SSO = 3,       /* an IAM Identity Center sign-in (ssosession.h payload) */
} keyring_kind;

typedef struct keyring keyring;

typedef struct keyring_opts {
    bool no_prompt;   /* -y: a locked keyring is an error, never a prompt */
    long timeout_ms;  /* 0: CLINECFG_KEYRING_TIMEOUT or KEYRING_DEFAULT_TIMEOUT_MS */
    const cc_out *out;/* -v traces (never secrets); may be NULL */
} keyring_opts;

/* Opens the platform keyring.  With no_prompt (-y) it probes it fully
 * first (keyring_probe), so a locked keyring is refused before any prompt.
 * With prompts allowed only the free checks run (is there any way to reach
 * a session bus?) and the full probe runs after an operation fails, to name
 * the cause: credential-process pays no extra D-Bus round trips.  On
 * failure *out is NULL and err says what is missing. */
int keyring_open(keyring **out, const keyring_opts *o, cc_err *err);
void keyring_close(keyring *kr); /* NULL is fine */

/* Checks that the keyring can be used now without a prompt that -y forbids:
 * D-Bus session, a Secret Service on it (or KWallet without its Secret
 * Service API), the default collection and whether it is locked.  0 or
 * CC_EKEYRING with the specific err->code. */
int keyring_probe(keyring *kr, cc_err *err);

/* A person-readable name of the back end in use ("Secret Service
 * (collection /org/freedesktop/secrets/collection/login)", "libsecret file
 * back end (test)", "macOS login keychain"). */
const char *keyring_describe(const keyring *kr);

/* Stores (creates or replaces) the item of `account`/`kind`. */
int keyring_store(keyring *kr, const char *account, keyring_kind kind, const char *payload, cc_err *err);

/* 0 and *payload_out (free with keyring_payload_free, which wipes it), or
 * KEYRING_NOT_FOUND (*payload_out NULL), or CC_EKEYRING. */
int keyring_lookup(keyring *kr, const char *account, keyring_kind kind, char **payload_out, cc_err *err);

/* Removes the item(s); 0 when something was removed, KEYRING_NOT_FOUND when
 * there was nothing, or CC_EKEYRING. */
int keyring_delete(keyring *kr, const char *account, keyring_kind kind, cc_err *err);

/* Wipes and frees a payload.  NULL is fine. */
void keyring_payload_free(char *payload);

/* CC_EUSAGE unless `name` is a valid account name. */
int keyring_check_account(const char *name, cc_err *err);

/* The account to use: `flag` if set, else CLINECFG_ACCOUNT, else "default". */
const char *keyring_account_name(const char *flag);

/* "clinecfg", "long-term" / "session" / "sso": the stable attribute values. */
#define KEYRING_SERVICE "clinecfg"
const char *keyring_kind_name(keyring_kind kind);

/* --- payload ------------------------------------------------------------
 * The secret payload of an item is a small JSON object:
 *   {"version":1,"type":"long-term"|"session",
 *    "access_key_id":..,"secret_access_key":..,"session_token":..?,
 *    "expiration":"2026-01-02T03:04:05Z"?, "arn":..?, "account":..?,
 *    "stored_at":"...Z", "session_denied_until":"...Z"?,
 *    "sts_endpoint":"https://..."?, "region":"ap-northeast-1"?}
 * "session_denied_until" marks (in the session item) that GetSessionToken
 * was denied for these keys, so credential-process does not ask STS on
 * every call.  "sts_endpoint" and "region" (long-term item) are what
 * `login` verified the keys against: an editor started from the desktop
 * runs credential-process without the shell's AWS_* variables, so they are
 * kept with the keys (sts_endpoint only when it was not the regional
 * default). */
typedef struct keyring_record {
    aws_credentials creds;       /* strings malloc'd, wiped by keyring_record_wipe */
    char arn[256];               /* who the keys belong to (GetCallerIdentity), or "" */
    char account[16];            /* AWS account id, or "" */
    time_t stored_at;            /* 0 = unknown */
    time_t session_denied_until; /* 0 = not denied */
    char sts_endpoint[512];      /* STS endpoint login used, when not the default; or "" */
    char region[64];             /* region login used; or "" */
} keyring_record;

/* Builds the payload (free with keyring_payload_free). */
int keyring_record_to_payload(const keyring_record *r, keyring_kind kind, char **payload_out, cc_err *err);
/* Parses a payload; CC_EKEYRING ("keyring.payload") when it is not ours. */
int keyring_record_from_payload(const char *payload, keyring_kind kind, keyring_record *r, cc_err *err);
/* Wipes and frees the strings, zeroes the record. */
void keyring_record_wipe(keyring_record *r);

/* "2026-01-02T03:04:05Z" (UTC) into out; and back (fractions and +hh:mm
 * offsets accepted).  keyring_parse_time returns 0 or -1. */
void keyring_format_time(time_t t, char out[32]);
int keyring_parse_time(const char *s, time_t *out);

/* --- credential source for the AWS credential chain ---------------------
 * keyring_creds_source has the type creds_keyring_fn (credentials.h): pass
 * it as awsclient_opts.keyring / creds_chain_opts.keyring with a
 * keyring_source_opts as keyring_ud (NULL: account from CLINECFG_ACCOUNT or
 * "default", prompts allowed, no traces).  It looks up the long-term keys
 * of the account and copies them into *out (source "keyring:<account>").
 * Returns 0, KEYRING_NOT_FOUND (= CREDS_NOT_FOUND) when nothing is stored,
 * or CC_EKEYRING / CC_EUSAGE (bad account name) with err filled. */
typedef struct keyring_source_opts {
    const char *account; /* NULL: keyring_account_name(NULL) */
    bool no_prompt;      /* -y */
    const cc_out *out;   /* -v traces; may be NULL */
} keyring_source_opts;

int keyring_creds_source(void *ud, aws_credentials *out, cc_err *err);

#endif
