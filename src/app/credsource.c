/*
 * credsource.c - the credential sources setup records for Cline and
 * credential-process serves (include/clinecfg/credsource.h): parsing the
 * --source and --endpoint words, and the IAM Identity Center sign-in as a
 * source - its keyring item, its connections and role credentials cached
 * in that item.
 */
#define _GNU_SOURCE
#include "clinecfg/credsource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/credentials.h"
#include "clinecfg/digest.h"
#include "clinecfg/ini.h"
#include "clinecfg/secret.h"
#include "clinecfg/ssoportal.h"
#include "clinecfg/strbuf.h"

static const struct {
    credsource_kind kind;
    const char *name;
} kinds[] = {{CREDSOURCE_KEYRING, "keyring"}, {CREDSOURCE_SSO, "sso"}, {CREDSOURCE_PROFILE, "profile"}};

const char *credsource_kind_name(credsource_kind k)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == k)
            return kinds[i].name;
    return "?";
}

void credsource_format(const credsource *s, char *out, size_t size)
{
    snprintf(out, size, "%s:%s", credsource_kind_name(s->kind), s->name);
}

static bool profile_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == '[' || *s == ']' || *s == '#' || *s == ';' || *s == '\'' ||
            *s == '"' || *s == '\\')
            return false;
    return true;
}

int credsource_parse(const char *spec, credsource *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *colon = spec ? strchr(spec, ':') : NULL;
    for (size_t i = 0; colon && i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].name);
        if ((size_t)(colon - spec) != n || strncmp(spec, kinds[i].name, n) != 0)
            continue;
        const char *name = colon + 1;
        out->kind = kinds[i].kind;
        if (strlen(name) >= sizeof out->name)
            break;
        snprintf(out->name, sizeof out->name, "%s", name);
        if (out->kind == CREDSOURCE_PROFILE) {
            if (profile_name_ok(name))
                return 0;
            break;
        }
        return keyring_check_account(name, err);
    }
    cc_err_set(err, CC_EUSAGE, "usage.source", "credential source '%.100s' is not keyring:NAME, sso:NAME or profile:NAME",
               spec ? spec : "");
    cc_err_hint(err, "run `clinecfg setup` again to write the line Cline should use");
    return CC_EUSAGE;
}

/* ---- endpoints --------------------------------------------------------- */

static const struct {
    const char *service, *env;
} endpoint_envs[] = {
    {"sts", "AWS_ENDPOINT_URL_STS"}, {"sso", "AWS_ENDPOINT_URL_SSO"}, {"sso-oidc", "AWS_ENDPOINT_URL_SSO_OIDC"}};

const char *credsource_endpoint_env(const char *service)
{
    for (size_t i = 0; i < sizeof endpoint_envs / sizeof endpoint_envs[0]; i++)
        if (!strcmp(endpoint_envs[i].service, service))
            return endpoint_envs[i].env;
    return NULL;
}

int credsource_endpoint_parse(const char *arg, credsource_endpoint *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = arg ? strchr(arg, '=') : NULL;
    if (eq && (size_t)(eq - arg) < sizeof out->service && strlen(eq + 1) < sizeof out->url) {
        snprintf(out->service, sizeof out->service, "%.*s", (int)(eq - arg), arg);
        snprintf(out->url, sizeof out->url, "%s", eq + 1);
        if (credsource_endpoint_env(out->service) &&
            (!strncmp(out->url, "https://", 8) || !strncmp(out->url, "http://", 7)) && !strpbrk(out->url, " \t\r\n"))
            return 0;
    }
    cc_err_set(err, CC_EUSAGE, "usage.endpoint", "--endpoint '%.200s' is not SERVICE=URL with SERVICE sts, sso or sso-oidc",
               arg ? arg : "");
    cc_err_hint(err, "run `clinecfg setup` again to write the line Cline should use");
    return CC_EUSAGE;
}

static const char *no_env(void *ud, const char *name)
{
    (void)ud;
    (void)name;
    return NULL;
}

/* The URL `env` gives `service`, when it differs from the regional default. */
static bool override_of(cc_getenv_fn env, void *env_ud, const char *service, const char *region, char *url,
                        size_t size)
{
    char *used = NULL, *standard = NULL;
    cc_err e;
    cc_err_clear(&e);
    int rc;
    if (!strcmp(service, "sts"))
        rc = aws_endpoint("sts", region, NULL, env, env_ud, &used, &e) ||
             aws_endpoint("sts", region, NULL, no_env, NULL, &standard, &e);
    else {
        sso_service which = !strcmp(service, "sso") ? SSO_SERVICE_PORTAL : SSO_SERVICE_OIDC;
        rc = sso_endpoint(which, region, NULL, env, env_ud, &used, &e) ||
             sso_endpoint(which, region, NULL, no_env, NULL, &standard, &e);
    }
    bool differs = rc == 0 && strcmp(used, standard) != 0 && strlen(used) < size;
    if (differs)
        snprintf(url, size, "%s", used);
    free(used);
    free(standard);
    return differs;
}

size_t credsource_endpoints_in_effect(cc_getenv_fn env, void *env_ud, const char *region,
                                      credsource_endpoint eps[CREDSOURCE_MAX_ENDPOINTS])
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof endpoint_envs / sizeof endpoint_envs[0] && n < CREDSOURCE_MAX_ENDPOINTS; i++) {
        credsource_endpoint *ep = &eps[n];
        memset(ep, 0, sizeof *ep);
        if (override_of(env, env_ud, endpoint_envs[i].service, region ? region : "us-east-1", ep->url,
                        sizeof ep->url)) {
            snprintf(ep->service, sizeof ep->service, "%s", endpoint_envs[i].service);
            n++;
        }
    }
    return n;
}

/* ---- the SSO sign-in in the keyring ------------------------------------ */

static int login_needed(cc_err *err, const char *account, const char *what)
{
    cc_err_set(err, CC_EDENIED, SSO_ERR_LOGIN_NEEDED, "%s for keyring account '%s'", what, account);
    if (strcmp(account, "default") != 0)
        cc_err_hint(err, "run `clinecfg login --sso --account %s`", account);
    else
        cc_err_hint(err, "%s", SSO_LOGIN_HINT);
    return CC_EDENIED;
}

int credsource_sso_load(keyring *kr, const char *account, sso_session *s, cc_err *err)
{
    memset(s, 0, sizeof *s);
    char *payload = NULL;
    int rc = keyring_lookup(kr, account, KEYRING_SSO, &payload, err);
    if (rc == KEYRING_NOT_FOUND)
        return login_needed(err, account, "no IAM Identity Center sign-in is stored in the keyring");
    if (!rc)
        rc = sso_session_from_payload(payload, s, err);
    keyring_payload_free(payload);
    return rc;
}

int credsource_sso_store(keyring *kr, const char *account, const sso_session *s, cc_err *err)
{
    char *payload = NULL;
    int rc = sso_session_to_payload(s, &payload, err);
    if (!rc)
        rc = keyring_store(kr, account, KEYRING_SSO, payload, err);
    keyring_payload_free(payload);
    return rc;
}

int credsource_sso_conns_open(const sso_session *s, const cc_out *out, credsource_sso_conns *c, cc_err *err)
{
    memset(c, 0, sizeof *c);
    http_opts ho = {.out = out, .ca_bundle = getenv("AWS_CA_BUNDLE")};
    if (ho.ca_bundle && !*ho.ca_bundle)
        ho.ca_bundle = NULL;
    int rc = http_client_new(&ho, &c->http, err);
    if (!rc)
        rc = sso_endpoint(SSO_SERVICE_OIDC, s->region, s->oidc_endpoint, NULL, NULL, &c->oidc_url, err);
    if (!rc)
        rc = sso_endpoint(SSO_SERVICE_PORTAL, s->region, s->portal_endpoint, NULL, NULL, &c->portal_url, err);
    if (rc) {
        credsource_sso_conns_free(c);
        return rc;
    }
    c->oidc = (sso_conn){.http = c->http, .url_base = c->oidc_url, .region = s->region, .out = out};
    c->portal = (sso_conn){.http = c->http, .url_base = c->portal_url, .region = s->region, .out = out};
    return 0;
}

void credsource_sso_conns_free(credsource_sso_conns *c)
{
    http_client_free(c->http);
    free(c->oidc_url);
    free(c->portal_url);
    memset(c, 0, sizeof *c);
}

static int copy_creds(const aws_credentials *from, const char *account, aws_credentials *to, cc_err *err)
{
    memset(to, 0, sizeof *to);
    to->access_key_id = secret_dup(from->access_key_id);
    to->secret_access_key = secret_dup(from->secret_access_key);
    to->session_token = from->session_token ? secret_dup(from->session_token) : NULL;
    to->expiration = from->expiration;
    snprintf(to->account_id, sizeof to->account_id, "%s", from->account_id);
    snprintf(to->source, sizeof to->source, "sso:%.50s", account);
    if (!to->access_key_id || !to->secret_access_key || (from->session_token && !to->session_token)) {
        aws_credentials_wipe(to);
        return cc_err_oom(err);
    }
    return 0;
}

/* Which tokens a stored sign-in holds, without keeping them. */
static void token_fingerprint(const sso_session *s, char out[65])
{
    strbuf b = {.secret = true};
    strbuf_puts(&b, s->token.access_token ? s->token.access_token : "");
    strbuf_puts(&b, "\n");
    strbuf_puts(&b, s->token.refresh_token ? s->token.refresh_token : "");
    digest_sha256_hex(b.p ? b.p : "", b.len, out);
    strbuf_release(&b);
}

/* One pass of the credential path; *seen is the fingerprint of the tokens
 * it started from. */
static int sso_credentials_once(keyring *kr, const char *account, const cc_out *out, time_t now,
                                aws_credentials *creds, char seen[65], cc_err *err)
{
    memset(creds, 0, sizeof *creds);
    sso_session s;
    int rc = credsource_sso_load(kr, account, &s, err);
    if (rc)
        return rc;
    token_fingerprint(&s, seen);
    if (s.role.access_key_id && s.role.secret_access_key && s.role.expiration - now > SSO_ROLE_REFRESH_MARGIN_S) {
        if (out)
            out_trace(out, "sso: cached role credentials of %s/%s, %ld s left", s.account_id ? s.account_id : "?",
                      s.role_name ? s.role_name : "?", (long)(s.role.expiration - now));
        rc = copy_creds(&s.role, account, creds, err);
        sso_session_wipe(&s);
        return rc;
    }
    credsource_sso_conns c;
    rc = credsource_sso_conns_open(&s, out, &c, err);
    aws_credentials fresh;
    memset(&fresh, 0, sizeof fresh);
    bool refreshed = false;
    if (!rc)
        rc = sso_session_role_credentials(&s, &c.oidc, &c.portal, now, &fresh, &refreshed, err);
    credsource_sso_conns_free(&c);
    if (rc == CC_EDENIED && !strcmp(err->code, SSO_ERR_LOGIN_NEEDED) && strcmp(account, "default") != 0)
        cc_err_hint(err, "run `clinecfg login --sso --account %s`", account);
    if (rc && refreshed) {
        cc_err serr; /* the old refresh token is spent: keep the new one */
        cc_err_clear(&serr);
        credsource_sso_store(kr, account, &s, &serr);
    }
    if (!rc) {
        if (out && refreshed)
            out_trace(out, "sso: access token refreshed with the refresh token");
        aws_credentials_wipe(&s.role);
        rc = copy_creds(&fresh, account, &s.role, err);
        cc_err serr;
        cc_err_clear(&serr);
        if (!rc && credsource_sso_store(kr, account, &s, &serr) && out)
            out_warn(out, "could not keep the IAM Identity Center sign-in in the keyring: %s", serr.message);
        if (!rc)
            rc = copy_creds(&fresh, account, creds, err);
    }
    aws_credentials_wipe(&fresh);
    sso_session_wipe(&s);
    return rc;
}

int credsource_sso_credentials(keyring *kr, const char *account, const cc_out *out, time_t now, aws_credentials *creds,
                               cc_err *err)
{
    char seen[65];
    int rc = sso_credentials_once(kr, account, out, now, creds, seen, err);
    if (rc != CC_EDENIED || strcmp(err->code, SSO_ERR_LOGIN_NEEDED) != 0)
        return rc;
    /* Cline's extension and CLI may refresh at the same moment: the loser's
     * refresh token was just spent by the winner, who stored new tokens. */
    sso_session again;
    cc_err lerr;
    cc_err_clear(&lerr);
    char now_stored[65] = "";
    if (credsource_sso_load(kr, account, &again, &lerr) == 0) {
        token_fingerprint(&again, now_stored);
        sso_session_wipe(&again);
    }
    if (!now_stored[0] || !strcmp(now_stored, seen))
        return rc;
    if (out)
        out_trace(out, "sso: another process renewed the sign-in meanwhile; using its tokens");
    cc_err_clear(err);
    return sso_credentials_once(kr, account, out, now, creds, seen, err);
}

int credsource_stored_items(keyring *kr, const char *account, credsource_stored *st, cc_err *err)
{
    memset(st, 0, sizeof *st);
    keyring_kind k[2] = {KEYRING_LONG_TERM, KEYRING_SSO};
    bool *have[2] = {&st->long_term, &st->sso};
    for (int i = 0; i < 2; i++) {
        char *p = NULL;
        int rc = keyring_lookup(kr, account, k[i], &p, err);
        keyring_payload_free(p);
        if (rc < 0)
            return rc;
        *have[i] = rc == 0;
    }
    return 0;
}

int credsource_keyring_or_sso(void *ud, aws_credentials *out, cc_err *err)
{
    int rc = keyring_creds_source(ud, out, err);
    if (rc != KEYRING_NOT_FOUND)
        return rc;
    const keyring_source_opts *so = ud;
    const char *account = keyring_account_name(so ? so->account : NULL);
    keyring_opts o = {.no_prompt = so && so->no_prompt, .out = so ? so->out : NULL};
    keyring *kr = NULL;
    if ((rc = keyring_open(&kr, &o, err)))
        return rc;
    char *p = NULL;
    rc = keyring_lookup(kr, account, KEYRING_SSO, &p, err);
    keyring_payload_free(p);
    if (!rc)
        rc = credsource_sso_credentials(kr, account, o.out, time(NULL), out, err);
    keyring_close(kr);
    return rc;
}

/* ---- what Cline is pointed at ------------------------------------------ */

int credsource_from_process_line(const char *cmd, credsource *out)
{
    char **argv = NULL;
    cc_err e;
    cc_err_clear(&e);
    memset(out, 0, sizeof *out);
    if (!cmd || creds_split_command(cmd, &argv, &e) != 0)
        return 0;
    int own = argv[0] && argv[1] && !strcmp(argv[1], "credential-process");
    out->kind = CREDSOURCE_KEYRING;
    snprintf(out->name, sizeof out->name, "default");
    for (size_t i = 2; own && argv[i] && argv[i + 1]; i += 2) { /* OPTION VALUE pairs */
        if (!strcmp(argv[i], "--account"))
            snprintf(out->name, sizeof out->name, "%s", argv[i + 1]);
        else if (!strcmp(argv[i], "--source") && credsource_parse(argv[i + 1], out, &e) != 0)
            own = 0;
    }
    creds_free_argv(argv);
    return own;
}

int credsource_of_cline(const char *profile, credsource *out)
{
    char *config_path = NULL, *creds_path = NULL;
    aws_profile_set *set = NULL;
    cc_err e;
    cc_err_clear(&e);
    int found = 0;
    if (awsfiles_locate(cc_getenv_process, NULL, &config_path, &creds_path, &e) == 0 &&
        awsfiles_load(config_path, NULL, &set, &e) == 0) {
        const char *line = ini_get(ini_profile(set, profile), "credential_process");
        found = line ? credsource_from_process_line(line, out) : 0;
    }
    ini_profiles_free(set);
    free(config_path);
    free(creds_path);
    return found;
}

int credsource_sso_state_read(keyring *kr, const char *account, credsource_sso_state *st, cc_err *err)
{
    memset(st, 0, sizeof *st);
    sso_session s;
    int rc = credsource_sso_load(kr, account, &s, err);
    if (rc)
        return rc;
    snprintf(st->start_url, sizeof st->start_url, "%s", s.start_url);
    snprintf(st->region, sizeof st->region, "%s", s.region);
    snprintf(st->account_id, sizeof st->account_id, "%s", s.account_id ? s.account_id : "");
    snprintf(st->role_name, sizeof st->role_name, "%s", s.role_name ? s.role_name : "");
    st->access_expires = s.token.expires_at;
    st->refresh_token = s.token.refresh_token != NULL;
    st->registration_expires = s.client.expires_at;
    st->role_expires = s.role.access_key_id ? s.role.expiration : 0;
    sso_session_wipe(&s);
    return 0;
}

bool credsource_sso_state_usable(const credsource_sso_state *st, time_t now)
{
    if (st->access_expires > now)
        return true;
    return st->refresh_token && (!st->registration_expires || st->registration_expires > now);
}
