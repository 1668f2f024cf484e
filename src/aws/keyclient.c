/*
 * keyclient.c - an awsclient that signs with exactly the given credentials
 * (include/clinecfg/keyclient.h).
 */
#include "clinecfg/keyclient.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clinecfg/credentials.h"
#include "clinecfg/envlookup.h"

/* The environment as the chain should see it: no profile selection and no
 * ambient keys; and, when the environment names no STS endpoint of its own,
 * the remembered one (ud) as AWS_ENDPOINT_URL_STS, so the SDKs' override
 * order (and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) applies to it unchanged. */
static const char *filtered_env(void *ud, const char *name)
{
    static const char *const hidden[] = {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                                         "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        if (strcmp(name, hidden[i]) == 0)
            return NULL;
    const char *remembered = ud;
    if (remembered && *remembered && strcmp(name, "AWS_ENDPOINT_URL_STS") == 0 &&
        !cc_getenv_set(NULL, NULL, "AWS_ENDPOINT_URL_STS") && !cc_getenv_set(NULL, NULL, "AWS_ENDPOINT_URL"))
        return remembered;
    return getenv(name);
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        *oom = true;
    return p;
}

/* creds_keyring_fn: hands out a copy of the given credentials. */
static int given_credentials(void *ud, aws_credentials *out, cc_err *err)
{
    const aws_credentials *in = ud;
    memset(out, 0, sizeof *out);
    bool oom = false;
    out->access_key_id = dup_or_null(in->access_key_id, &oom);
    out->secret_access_key = dup_or_null(in->secret_access_key, &oom);
    out->session_token = dup_or_null(in->session_token, &oom);
    out->expiration = in->expiration;
    memcpy(out->source, in->source, sizeof out->source);
    memcpy(out->account_id, in->account_id, sizeof out->account_id);
    if (oom || !out->access_key_id || !out->secret_access_key) {
        aws_credentials_wipe(out);
        return cc_err_oom(err);
    }
    return 0;
}

/* The whole-call budget of the credential path, in ms: an SDK waiting on
 * credential_process (and a user waiting on login) should hear of a stalled
 * endpoint after seconds, not after three 30 s attempts. */
static int credential_deadline_ms(long *ms, cc_err *err)
{
    *ms = KEYCLIENT_DEFAULT_TIMEOUT_S * 1000L;
    const char *v = getenv(KEYCLIENT_TIMEOUT_ENV);
    if (!v || !*v)
        return 0;
    char *end = NULL;
    long s = strtol(v, &end, 10);
    if (!end || *end != '\0' || s < 1 || s > 3600) {
        cc_err_set(err, CC_EINPUT, "env.credential_timeout", KEYCLIENT_TIMEOUT_ENV "='%.40s' is not a number of seconds",
                   v);
        cc_err_hint(err, "give whole seconds between 1 and 3600, e.g. " KEYCLIENT_TIMEOUT_ENV "=20, or unset it");
        return CC_EINPUT;
    }
    *ms = s * 1000;
    return 0;
}

int keyclient_new(const aws_credentials *creds, const char *region, const char *fallback_region,
                  const char *sts_endpoint, const cc_out *out, awsclient **client, cc_err *err)
{
    http_opts ho = {0};
    int rc = credential_deadline_ms(&ho.deadline_ms, err);
    if (rc)
        return rc;
    awsclient_opts o = {
        .http = &ho,
        .region = region,
        .fallback_region = fallback_region && *fallback_region ? fallback_region : "us-east-1",
        .out = out,
        .env = filtered_env,
        .env_ud = (void *)sts_endpoint,
        .keyring = given_credentials,
        .keyring_ud = (void *)creds,
    };
    return awsclient_new(&o, client, err);
}
