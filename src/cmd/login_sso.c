/*
 * login_sso.c - `clinecfg login --sso`: the IAM Identity Center device
 * authorization flow (RegisterClient, reusing a stored registration that is
 * still valid; StartDeviceAuthorization; the verification URL and code
 * shown, a browser opened when a display exists; CreateToken polled with
 * the server's interval and slow_down), the account and role (flags, the
 * org config's sso.* keys, or a menu on a terminal), a check with
 * GetRoleCredentials and STS GetCallerIdentity, and the sign-in stored in
 * the keyring as the account's "sso" item - never in a plain file.  Also
 * the portal Logout that `clinecfg logout` does first.
 */
#define _GNU_SOURCE
#include "login_sso.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credsource.h"
#include "clinecfg/keyclient.h"
#include "clinecfg/session.h"
#include "clinecfg/ssoportal.h"
#include "clinecfg/sts.h"

extern char **environ;

#define CLIENT_NAME "clinecfg"
#define REGISTRATION_MIN_LEFT_S (24 * 3600) /* a registration about to expire is replaced */

typedef struct sso_login {
    cc_ctx *ctx;
    const login_sso_opts *o;
    const char *account; /* keyring account */
    keyring *kr;
    char start_url[512], sso_region[64], account_id[32], role_name[128], sts_region[64];
    sso_session s;
    credsource_sso_conns c;
} sso_login;

static const char *no_env(void *ud, const char *name)
{
    (void)ud;
    (void)name;
    return NULL;
}

static void pick(char *dst, size_t size, const char *flag, const cc_config *cfg, cfg_key k)
{
    const char *v = flag && *flag ? flag : cfg_str(cfg, k);
    snprintf(dst, size, "%s", v ? v : "");
}

/* Flags, then the config; what -y cannot ask for is named (exit 4). */
static int gather(sso_login *l, cc_err *err)
{
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = cfg_load(&cfg, l->ctx, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    pick(l->start_url, sizeof l->start_url, l->o->start_url, &cfg, CFG_SSO_START_URL);
    pick(l->sso_region, sizeof l->sso_region, l->o->sso_region, &cfg, CFG_SSO_REGION);
    pick(l->account_id, sizeof l->account_id, l->o->account_id, &cfg, CFG_SSO_ACCOUNT_ID);
    pick(l->role_name, sizeof l->role_name, l->o->role_name, &cfg, CFG_SSO_ROLE_NAME);
    pick(l->sts_region, sizeof l->sts_region, l->o->region, &cfg, CFG_REGION);
    cfg_free(&cfg);
    bool ask = cli_interactive(l->ctx);
    if (!l->start_url[0] && ask)
        cli_ask(l->ctx, NULL, l->start_url, sizeof l->start_url, "IAM Identity Center start URL: ");
    if (!l->sso_region[0] && ask)
        cli_ask(l->ctx, NULL, l->sso_region, sizeof l->sso_region, "IAM Identity Center region: ");
    const char *missing[4];
    size_t n = 0;
    if (!l->start_url[0])
        missing[n++] = "--start-url (sso.start_url)";
    if (!l->sso_region[0])
        missing[n++] = "--sso-region (sso.region)";
    if (!ask && !l->account_id[0])
        missing[n++] = "--account-id (sso.account_id)";
    if (!ask && !l->role_name[0])
        missing[n++] = "--role-name (sso.role_name)";
    if (n) {
        cc_err_set(err, CC_EINPUT, "login.sso_missing", "login --sso needs %s%s%s%s%s%s%s", missing[0],
                   n > 1 ? ", " : "", n > 1 ? missing[1] : "", n > 2 ? ", " : "", n > 2 ? missing[2] : "",
                   n > 3 ? ", " : "", n > 3 ? missing[3] : "");
        cc_err_hint(err, "give them as flags, or ask your admin to set the sso.* keys in the org config");
        return CC_EINPUT;
    }
    if (strncmp(l->start_url, "https://", 8) != 0 && strncmp(l->start_url, "http://", 7) != 0) {
        cc_err_set(err, CC_EINPUT, "login.sso_start_url", "start URL '%.200s' is not an https URL", l->start_url);
        cc_err_hint(err, "it looks like https://my-company.awsapps.com/start");
        return CC_EINPUT;
    }
    return 0;
}

/* The endpoints in effect now, remembered when they are not the defaults. */
static int open_conns(sso_login *l, cc_err *err)
{
    sso_session *s = &l->s;
    if (!(s->start_url = strdup(l->start_url)) || !(s->region = strdup(l->sso_region)))
        return cc_err_oom(err);
    sso_service which[2] = {SSO_SERVICE_OIDC, SSO_SERVICE_PORTAL};
    char **keep[2] = {&s->oidc_endpoint, &s->portal_endpoint};
    for (int i = 0; i < 2; i++) {
        char *used = NULL, *standard = NULL;
        int rc = sso_endpoint(which[i], s->region, NULL, NULL, NULL, &used, err);
        if (!rc)
            rc = sso_endpoint(which[i], s->region, NULL, no_env, NULL, &standard, err);
        if (!rc && strcmp(used, standard) != 0)
            *keep[i] = used, used = NULL;
        free(used);
        free(standard);
        if (rc)
            return rc;
    }
    return credsource_sso_conns_open(s, &l->ctx->out, &l->c, err);
}

/* A registration stored with an earlier sign-in to the same start URL and
 * region, still valid for a day, is reused; else RegisterClient. */
static int client_registration(sso_login *l, cc_err *err)
{
    sso_session old;
    cc_err lerr;
    cc_err_clear(&lerr);
    if (credsource_sso_load(l->kr, l->account, &old, &lerr) == 0) {
        bool same = !strcmp(old.start_url, l->s.start_url) && !strcmp(old.region, l->s.region);
        bool fresh = !old.client.expires_at || old.client.expires_at - time(NULL) > REGISTRATION_MIN_LEFT_S;
        if (same && fresh) {
            out_trace(&l->ctx->out, "sso: reusing the client registration stored with the last sign-in");
            l->s.client = old.client;
            memset(&old.client, 0, sizeof old.client);
        }
        sso_session_wipe(&old);
        if (l->s.client.client_id)
            return 0;
    }
    return ssooidc_register_client(&l->c.oidc, CLIENT_NAME, &l->s.client, err);
}

static bool have_display(void)
{
#ifdef __APPLE__
    return true;
#else
    const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return (d && *d) || (w && *w);
#endif
}

/* xdg-open / open URL, without a shell, its output discarded; not waited for. */
static void open_browser(const cc_out *out, const char *url)
{
#ifdef __APPLE__
    const char *prog = "open";
#else
    const char *prog = "xdg-open";
#endif
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return;
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)prog, (char *)url, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        out_trace(out, "sso: could not start %s; open the URL yourself", prog);
    else
        out_trace(out, "sso: started %s for the verification URL", prog);
}

static bool on_poll(void *ud, ssooidc_poll_result r, int interval)
{
    const cc_out *out = ud;
    out_trace(out, "sso: %s, next poll in %d s", r == SSOOIDC_POLL_SLOW_DOWN ? "slow down" : "waiting for approval",
              interval);
    return true;
}

static int device_flow(sso_login *l, cc_err *err)
{
    ssooidc_device dev;
    int rc = ssooidc_start_device_authorization(&l->c.oidc, &l->s.client, l->s.start_url, time(NULL), &dev, err);
    if (rc)
        return rc;
    const char *url = dev.verification_uri_complete ? dev.verification_uri_complete : dev.verification_uri;
    out_progress(&l->ctx->out, "Sign in to IAM Identity Center");
    fprintf(stderr, "Open this URL in a browser and confirm the code:\n  %s\n  code: %s\n", url, dev.user_code);
    fflush(stderr);
    if (!l->o->no_browser && have_display())
        open_browser(&l->ctx->out, url);
    ssooidc_wait_opts wo = {.on_poll = on_poll, .ud = (void *)&l->ctx->out};
    rc = ssooidc_wait_for_token(&l->c.oidc, &l->s.client, &dev, &wo, &l->s.token, err);
    ssooidc_device_wipe(&dev);
    if (!rc)
        out_step_ok(&l->ctx->out, "signed in to %s", l->s.start_url);
    return rc;
}

/* A numbered menu on the terminal; *choice is 0-based. */
static int menu(sso_login *l, const char *what, char **labels, size_t n, size_t *choice, cc_err *err)
{
    if (n == 0) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_NO_ACCESS, "your IAM Identity Center user has no %s assigned", what);
        cc_err_hint(err, "ask your admin to assign you a permission set in an AWS account");
        return CC_EDENIED;
    }
    if (n == 1) {
        *choice = 0;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %zu) %s\n", i + 1, labels[i]);
    char answer[32];
    if (!cli_ask(l->ctx, "1", answer, sizeof answer, "Which %s? [1-%zu]: ", what, n))
        return out_cancelled(err, "nothing stored: cancelled");
    long k = strtol(answer, NULL, 10);
    if (k < 1 || (size_t)k > n) {
        cc_err_set(err, CC_EINPUT, "login.sso_choice", "'%.20s' is not a number from 1 to %zu", answer, n);
        return CC_EINPUT;
    }
    *choice = (size_t)k - 1;
    return 0;
}

static int choose_account(sso_login *l, cc_err *err)
{
    ssoportal_accounts accts;
    int rc = ssoportal_list_accounts(&l->c.portal, l->s.token.access_token, &accts, err);
    if (rc)
        return rc;
    char **labels = calloc(accts.n + 1, sizeof *labels);
    for (size_t i = 0; labels && i < accts.n; i++)
        if (asprintf(&labels[i], "%s %s", accts.items[i].account_id,
                     accts.items[i].account_name ? accts.items[i].account_name : "") < 0)
            labels[i] = NULL;
    size_t choice = 0;
    rc = labels ? menu(l, "AWS account", labels, accts.n, &choice, err) : cc_err_oom(err);
    if (!rc)
        snprintf(l->account_id, sizeof l->account_id, "%s", accts.items[choice].account_id);
    for (size_t i = 0; labels && i < accts.n; i++)
        free(labels[i]);
    free(labels);
    ssoportal_accounts_free(&accts);
    return rc;
}

static int choose_role(sso_login *l, cc_err *err)
{
    ssoportal_roles roles;
    int rc = ssoportal_list_account_roles(&l->c.portal, l->s.token.access_token, l->account_id, &roles, err);
    if (rc)
        return rc;
    size_t choice = 0;
    rc = menu(l, "role", roles.names, roles.n, &choice, err);
    if (!rc)
        snprintf(l->role_name, sizeof l->role_name, "%s", roles.names[choice]);
    ssoportal_roles_free(&roles);
    return rc;
}

/* GetRoleCredentials (cached in the session) and STS GetCallerIdentity. */
static int verify(sso_login *l, sts_identity *id, cc_err *err)
{
    if (!(l->s.account_id = strdup(l->account_id)) || !(l->s.role_name = strdup(l->role_name)))
        return cc_err_oom(err);
    aws_credentials creds;
    bool refreshed = false;
    int rc = sso_session_role_credentials(&l->s, &l->c.oidc, &l->c.portal, time(NULL), &creds, &refreshed, err);
    if (rc)
        return rc;
    l->s.role = creds;
    awsclient *client = NULL;
    rc = keyclient_new(&l->s.role, l->sts_region[0] ? l->sts_region : NULL, l->s.region, NULL, &l->ctx->out, &client,
                       err);
    if (!rc)
        rc = sts_get_caller_identity(client, id, err);
    awsclient_free(client);
    if (rc)
        cc_err_prefix(err, "the sign-in was not stored: role %s in account %s", l->role_name, l->account_id);
    return rc;
}

static void add_result(sso_login *l, const sts_identity *id)
{
    cJSON *r = l->ctx->result;
    cJSON_AddStringToObject(r, "account", l->account);
    cJSON_AddStringToObject(r, "source", "sso");
    cJSON_AddStringToObject(r, "start_url", l->s.start_url);
    cJSON_AddStringToObject(r, "sso_region", l->s.region);
    cJSON_AddStringToObject(r, "sso_account_id", l->account_id);
    cJSON_AddStringToObject(r, "role_name", l->role_name);
    cJSON_AddStringToObject(r, "arn", id->arn);
    cJSON_AddStringToObject(r, "aws_account", id->account);
    char exp[32];
    keyring_format_time(l->s.token.expires_at, exp);
    cJSON_AddStringToObject(r, "access_token_expires_at", exp);
    cJSON_AddBoolToObject(r, "refresh_token", l->s.token.refresh_token != NULL);
    cJSON_AddStringToObject(r, "keyring", keyring_describe(l->kr));
    cJSON_AddBoolToObject(r, "stored", !l->ctx->dry_run);
}

static int sign_in(sso_login *l, sts_identity *id, cc_err *err)
{
    int rc = gather(l, err);
    if (!rc)
        rc = open_conns(l, err);
    if (!rc)
        rc = client_registration(l, err);
    if (!rc)
        rc = device_flow(l, err);
    if (!rc && !l->account_id[0])
        rc = choose_account(l, err);
    if (!rc && !l->role_name[0])
        rc = choose_role(l, err);
    if (!rc)
        rc = verify(l, id, err);
    return rc;
}

int login_sso_run(cc_ctx *ctx, const login_sso_opts *o, cc_err *err)
{
    sso_login l;
    memset(&l, 0, sizeof l);
    l.ctx = ctx;
    l.o = o;
    int rc = session_keyring(ctx, o->account, &l.account, &l.kr, err);
    if (rc)
        return rc;
    sts_identity id;
    memset(&id, 0, sizeof id);
    rc = sign_in(&l, &id, err);
    if (!rc) {
        out_step_ok(&ctx->out, "role %s in account %s is %s", l.role_name, l.account_id, id.arn);
        l.s.stored_at = time(NULL);
        if (ctx->dry_run) {
            out_progress(&ctx->out, "--dry-run: would store the sign-in as account '%s' in %s", l.account,
                         keyring_describe(l.kr));
        } else if (!(rc = credsource_sso_store(l.kr, l.account, &l.s, err))) {
            out_text(&ctx->out, "stored the IAM Identity Center sign-in of %s in the keyring as account '%s' (%s)\n",
                     id.arn, l.account, keyring_describe(l.kr));
        }
        if (!rc)
            add_result(&l, &id);
    }
    sts_identity_free(&id);
    credsource_sso_conns_free(&l.c);
    sso_session_wipe(&l.s);
    keyring_close(l.kr);
    return rc;
}

void login_sso_logout(cc_ctx *ctx, keyring *kr, const char *account, bool *had_sso)
{
    *had_sso = false;
    sso_session s;
    cc_err e;
    cc_err_clear(&e);
    if (credsource_sso_load(kr, account, &s, &e) != 0)
        return;
    *had_sso = true;
    credsource_sso_conns c;
    int rc = credsource_sso_conns_open(&s, &ctx->out, &c, &e);
    if (!rc && !ctx->dry_run)
        rc = ssoportal_logout(&c.portal, s.token.access_token, &e);
    if (rc)
        out_warn(&ctx->out, "could not end the IAM Identity Center sign-in at AWS (%s); its tokens are deleted here "
                            "anyway and expire on their own",
                 e.message);
    else if (!ctx->dry_run)
        out_step_ok(&ctx->out, "ended the IAM Identity Center sign-in at %s", s.start_url);
    credsource_sso_conns_free(&c);
    sso_session_wipe(&s);
}
