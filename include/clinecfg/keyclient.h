/*
 * keyclient.h - an AWS client that signs with exactly the credentials it is
 * given (src/aws/keyclient.c).  Used by `login` (validate the keys typed
 * in) and `credential-process` (GetSessionToken with the stored keys).
 *
 * The credential chain never sees AWS_PROFILE, AWS_DEFAULT_PROFILE or the
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN variables:
 * the given keys are handed to it as its keyring source.  So a profile whose
 * credential_process is `clinecfg credential-process` is never run from
 * inside clinecfg (no recursion), and ambient keys never replace the ones
 * being validated.  Settings (endpoint_url, ca_bundle, region) come from
 * the `default` profile and the environment; the region falls back to
 * `fallback_region`, then us-east-1.
 *
 * Each AWS call of a key client ends within KEYCLIENT_DEFAULT_TIMEOUT_S
 * (retries included), or within CLINECFG_CREDENTIAL_TIMEOUT seconds when
 * that variable holds a number from 1 to 3600.
 */
#ifndef CLINECFG_KEYCLIENT_H
#define CLINECFG_KEYCLIENT_H

#include "clinecfg/awsclient.h"
#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/output.h"

#define KEYCLIENT_DEFAULT_TIMEOUT_S 20
#define KEYCLIENT_TIMEOUT_ENV "CLINECFG_CREDENTIAL_TIMEOUT"

/* `creds` is borrowed and must outlive the client.  region: --region or
 * NULL; fallback_region: e.g. clinecfg's configured region, or NULL.
 * sts_endpoint: the STS endpoint `login` verified the keys against, used as
 * AWS_ENDPOINT_URL_STS when the environment names no STS endpoint (Cline
 * runs credential_process without the user's shell variables); NULL or ""
 * for none.  Borrowed like creds. */
int keyclient_new(const aws_credentials *creds, const char *region, const char *fallback_region,
                  const char *sts_endpoint, const cc_out *out, awsclient **client, cc_err *err);

#endif
