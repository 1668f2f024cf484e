/*
 * credentials.h - the AWS credential chain (src/aws/credentials.c) and its
 * sources: static keys, credential_process (src/aws/credential_process.c)
 * and IAM Identity Center / SSO (src/aws/sso.c).
 *
 * Chain order (DESIGN.md "Credentials"):
 *   1. an explicit profile: --aws-profile, else AWS_PROFILE;
 *   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *   3. the OS keyring, through a callback (the keyring module implements it,
 *      the command layer wires it in);
 *   4. the `default` profile.
 * An explicit profile that does not exist, or that exists but yields no
 * credentials, is an error (exit 4): the chain does not fall through past
 * something the user asked for.
 *
 * Inside one profile the first of these wins: role_arn (STS AssumeRole
 * signed with the source_profile's credentials; role_session_name,
 * external_id, duration_seconds and endpoint_url honoured; a profile that is
 * its own source uses its static keys; at most 5 profiles deep, so cycles
 * stop; mfa_serial, credential_source and web identity are refused as "not
 * supported yet"), SSO (sso_session or sso_start_url with sso_account_id +
 * sso_role_name), static keys (aws_access_key_id + aws_secret_access_key),
 * credential_process.
 *
 * credential_process: the command line is split like a POSIX shell would
 * split words (quotes and backslashes; no expansion, no pipes, no shell),
 * run with execvp in its own process group, stdin and stderr inherited,
 * no other descriptor (clinecfg's sockets and files stay with clinecfg),
 * stdout capped at CREDS_PROCESS_MAX_OUTPUT, killed after the timeout
 * (CLINECFG_PROCESS_TIMEOUT_MS, default 30 s) together with its group and,
 * on Linux, every descendant that left the group with setsid (clinecfg is
 * their subreaper while the command runs).  Its output must be
 * JSON {"Version":1, "AccessKeyId", "SecretAccessKey", ["SessionToken"],
 * ["Expiration" RFC 3339 in the future], ["AccountId"]}.  Every failure is
 * CC_EINPUT naming the profile.
 *
 * SSO: the token is read from ~/.aws/sso/cache/<sha1>.json (sha1 of the
 * sso_session name, or of sso_start_url for legacy profiles).  An expired
 * token of an sso-session cache that holds clientId, clientSecret and
 * refreshToken is renewed with SSO-OIDC and the cache rewritten (0600);
 * otherwise a missing or expired token is CC_EINPUT "the SSO session for
 * profile X has expired" with the hint "run `aws sso login --profile X`".  Credentials come from
 * GetRoleCredentials (unsigned GET /federation/credentials on portal.sso).
 *
 * Secrets are wiped (OPENSSL_cleanse) from every buffer that held them and
 * never appear in messages or traces.
 */
#ifndef CLINECFG_CREDENTIALS_H
#define CLINECFG_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/endpoints.h"
#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/ini.h"
#include "clinecfg/output.h"

/* A source that has nothing to offer returns this (positive, not an error). */
#define CREDS_NOT_FOUND 1

#define CREDS_PROCESS_MAX_OUTPUT ((size_t)64 * 1024)
#define CREDS_PROCESS_TIMEOUT_MS 30000L
/* Credentials that expire within this many seconds are fetched again. */
#define CREDS_REFRESH_MARGIN_S 60

/* The keyring source.  Fills *out and returns CC_OK, returns
 * CREDS_NOT_FOUND when nothing is stored, or CC_EKEYRING (err filled) when
 * the keyring cannot be used.  out->source should name the keyring entry. */
typedef int (*creds_keyring_fn)(void *ud, aws_credentials *out, cc_err *err);

typedef struct creds_chain_opts {
    const char *profile;             /* --aws-profile; NULL: AWS_PROFILE, then the chain */
    const aws_profile_set *profiles; /* the shared files (borrowed, must outlive the provider); NULL = none */
    const char *files_desc;          /* "PATH, PATH" of the shared files, for messages */
    cc_getenv_fn env;                /* NULL = the process environment */
    void *env_ud;
    creds_keyring_fn keyring;        /* NULL = no keyring source */
    void *keyring_ud;
    http_client *http;               /* borrowed; needed for SSO and role_arn profiles */
    const char *region;              /* region for STS AssumeRole; NULL: the role profile's, else us-east-1 */
    const cc_out *out;               /* traces; may be NULL */
    long process_timeout_ms;         /* 0: CLINECFG_PROCESS_TIMEOUT_MS or 30 s */
} creds_chain_opts;

/* A resolved source that can fetch its credentials again when they expire. */
typedef struct creds_provider creds_provider;

/* Walks the chain and fetches the first credentials.  Errors: CC_EINPUT
 * (missing or unusable profile, no credentials anywhere, process or SSO
 * failures), CC_EKEYRING (the keyring failed and nothing later in the chain
 * had credentials), CC_EDENIED / CC_EAWS (SSO or STS calls). */
int creds_resolve(const creds_chain_opts *o, creds_provider **out, cc_err *err);

/* The current credentials, fetched again first when they expire within
 * CREDS_REFRESH_MARGIN_S of `now` (0 = time(NULL)).  *out stays valid until
 * the next creds_current or creds_free. */
int creds_current(creds_provider *p, time_t now, const aws_credentials **out, cc_err *err);

/* Where the credentials came from, e.g. "env", "profile:dev (static)",
 * "profile:dev (credential_process)", "profile:dev (sso)", "keyring:default".
 * Never secret. */
const char *creds_source(const creds_provider *p);
/* The profile that supplied the credentials, or NULL (env, keyring). */
const char *creds_profile(const creds_provider *p);
void creds_free(creds_provider *p);

/* --- profile sources ---------------------------------------------------- */

/* What a profile source is handed: the chain's options, the profile's name
 * and settings, and how many source_profile hops led here. */
typedef struct creds_profile_ctx {
    const creds_chain_opts *o;
    const char *profile;
    const aws_profile *p;
    int depth;
} creds_profile_ctx;

/* One way a profile can hold credentials.  The chain keeps them in one
 * table in precedence order (role_arn, SSO, static keys, credential_process)
 * and uses the first that `applies`; each source lives in its own module
 * and never calls back into the chain. */
typedef struct creds_profile_source {
    const char *name; /* in creds_source(): "profile:dev (sso)" */
    bool (*applies)(const aws_profile *p);
    int (*fetch)(const creds_profile_ctx *ctx, aws_credentials *out, cc_err *err);
} creds_profile_source;

extern const creds_profile_source creds_source_assume_role; /* credentials.c */
extern const creds_profile_source creds_source_static;      /* credentials.c */
extern const creds_profile_source creds_source_sso;         /* sso.c */
extern const creds_profile_source creds_source_process;     /* credential_process.c */

/* --- single sources (also used by `login --from-env/--from-profile`) --- */

/* AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN].  CREDS_NOT_FOUND
 * when neither is set; CC_EINPUT when only one of the pair is. */
int creds_from_env(cc_getenv_fn env, void *env_ud, aws_credentials *out, cc_err *err);

/* One profile with the rules above (o->profile is ignored).  CC_EINPUT when
 * the profile is missing (naming it and o->files_desc) or yields nothing. */
int creds_from_profile(const creds_chain_opts *o, const char *profile, aws_credentials *out, cc_err *err);

/* --- credential_process pieces (pure except creds_run_process) -------- */

/* Splits a command line into words: blanks separate; '...' is literal;
 * "..." keeps its text with \" \\ \$ \` escapes; a backslash outside quotes
 * escapes the next character.  No expansion of any kind.  *argv_out is a
 * malloc'd NULL-terminated array (free with creds_free_argv).  CC_EINPUT for
 * an unterminated quote or an empty command. */
int creds_split_command(const char *cmd, char ***argv_out, cc_err *err);
void creds_free_argv(char **argv);

/* Validates credential_process output (see above).  `profile` is only for
 * messages; now is the time expiry is checked against. */
int creds_parse_process_output(const char *json, size_t len, const char *profile, time_t now,
                               aws_credentials *out, cc_err *err);

/* Runs `command` for `profile` and parses its output. */
int creds_run_process(const char *profile, const char *command, long timeout_ms, aws_credentials *out,
                      cc_err *err);

/* --- SSO pieces -------------------------------------------------------- */

/* Lower-case hex SHA-1 of `key` (session name or start URL) into out[41]. */
void sso_cache_key(const char *key, char out[41]);

/* Parses a token cache file: accessToken and expiresAt required; expired
 * (expiresAt <= now) is CC_EINPUT with the `aws sso login` hint for profile.
 * *token_out is malloc'd (wipe and free it). */
int sso_parse_token(const char *json, size_t len, const char *profile, time_t now, char **token_out,
                    time_t *expires_out, cc_err *err);

/* Parses GetRoleCredentials' answer {"roleCredentials":{accessKeyId,
 * secretAccessKey, sessionToken, expiration (epoch ms)}}. */
int sso_parse_role_credentials(const char *json, size_t len, aws_credentials *out, cc_err *err);

/* Loads the credentials of an SSO profile `p` named `profile`. */
int sso_profile_credentials(const creds_chain_opts *o, const char *profile, const aws_profile *p,
                            aws_credentials *out, cc_err *err);

#endif
