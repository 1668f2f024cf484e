/*
 * login.c - 'clinecfg login': store an AWS access key pair in the OS keyring
 * (or, with --sso, an IAM Identity Center sign-in: src/cmd/login_sso.c).
 *
 * The secret comes only from the terminal (echo off), stdin
 * (--secret-stdin), the environment (--from-env) or the shared credentials
 * file (--from-profile); never from argv.  The keyring is probed before
 * anything is asked, the keys are checked with STS GetCallerIdentity and the
 * identity shown before they are stored, and a cached session of the
 * account's previous keys is dropped.  --from-profile then offers (never
 * forces; never with -y or without a terminal) to delete the plain-text
 * keys from the file they came from, through the safe-edit engine, in a run
 * that keeps no copy of the old file (it would hold the secret): the backup
 * manifest lists the file as withheld, and restore says so.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/aws_advice.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credentials.h"
#include "clinecfg/endpoints.h"
#include "clinecfg/ini.h"
#include "clinecfg/keyclient.h"
#include "clinecfg/keyring.h"
#include "clinecfg/session.h"
#include "clinecfg/safefile.h"
#include "clinecfg/secret.h"
#include "clinecfg/sts.h"
#include "login_sso.h"

enum {
    LOGIN_OPT_ACCOUNT,
    LOGIN_OPT_ACCESS_KEY_ID,
    LOGIN_OPT_SECRET_STDIN,
    LOGIN_OPT_FROM_ENV,
    LOGIN_OPT_FROM_PROFILE,
    LOGIN_OPT_REGION,
    LOGIN_OPT_SSO,
    LOGIN_OPT_START_URL,
    LOGIN_OPT_SSO_REGION,
    LOGIN_OPT_ACCOUNT_ID,
    LOGIN_OPT_ROLE_NAME,
    LOGIN_OPT_NO_BROWSER,
    LOGIN_OPT_COUNT
};

static const cli_opt login_opts[LOGIN_OPT_COUNT] = {
    [LOGIN_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME",
                           "keyring account name (default: CLINECFG_ACCOUNT or default)"},
    [LOGIN_OPT_ACCESS_KEY_ID] = {"access-key-id", 0, OPT_VALUE, "ID",
                                 "the access key id; the secret comes from stdin or the TTY"},
    [LOGIN_OPT_SECRET_STDIN] = {"secret-stdin", 0, OPT_FLAG, NULL, "read the secret access key from stdin (one line)"},
    [LOGIN_OPT_FROM_ENV] = {"from-env", 0, OPT_FLAG, NULL, "take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
    [LOGIN_OPT_FROM_PROFILE] = {"from-profile", 0, OPT_VALUE, "P",
                                "import static keys of profile P from the shared credentials file"},
    [LOGIN_OPT_REGION] = {"region", 0, OPT_VALUE, "R",
                          "region for the STS check (default: AWS_REGION, config, us-east-1)"},
    [LOGIN_OPT_SSO] = {"sso", 0, OPT_FLAG, NULL, "sign in with IAM Identity Center (device flow); tokens in the keyring"},
    [LOGIN_OPT_START_URL] = {"start-url", 0, OPT_VALUE, "URL", "--sso: the start URL (default: sso.start_url)"},
    [LOGIN_OPT_SSO_REGION] = {"sso-region", 0, OPT_VALUE, "R", "--sso: Identity Center region (default: sso.region)"},
    [LOGIN_OPT_ACCOUNT_ID] = {"account-id", 0, OPT_VALUE, "ID", "--sso: AWS account (default: sso.account_id, or a menu)"},
    [LOGIN_OPT_ROLE_NAME] = {"role-name", 0, OPT_VALUE, "NAME", "--sso: role (default: sso.role_name, or a menu)"},
    [LOGIN_OPT_NO_BROWSER] = {"no-browser", 0, OPT_FLAG, NULL, "--sso: only print the URL and code"},
};

static void mask_key_id(const char *id, char out[32])
{
    size_t n = strlen(id);
    if (n <= 8)
        snprintf(out, 32, "****");
    else
        snprintf(out, 32, "%.4s...%s", id, id + n - 4);
}

static int check_key_id(const char *id, cc_err *err)
{
    size_t n = strlen(id);
    bool ok = n >= 16 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = (id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9');
    if (ok)
        return 0;
    /* Never echoed: a secret access key pasted here by mistake would land on the screen and in logs. */
    bool looks_secret = n == 40 && strpbrk(id, "/+abcdefghijklmnopqrstuvwxyz") != NULL;
    cc_err_set(err, CC_EINPUT, "login.key_id", "the access key id given (%zu characters, not shown) is not an AWS "
               "access key id%s", n, looks_secret ? "; it looks like a secret access key" : "");
    cc_err_hint(err, "an access key id is 16 to 128 capital letters and digits, e.g. AKIAIOSFODNN7EXAMPLE%s",
                looks_secret ? " (the secret goes on stdin or the prompt; if it was typed on the command line, it "
                               "may be in your shell history)"
                             : "");
    return CC_EINPUT;
}

static int check_secret(const char *s, cc_err *err)
{
    size_t n = strlen(s);
    bool ok = n >= 16 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = s[i] > ' ' && s[i] < 0x7f;
    if (ok)
        return 0;
    cc_err_set(err, CC_EINPUT, "login.secret", "the secret access key does not look like one (%zu characters)", n);
    cc_err_hint(err, "it is 40 characters of letters, digits, / and + (as shown once when the key was created)");
    return CC_EINPUT;
}

/* Where --from-profile found the keys, for the removal offer. */
typedef struct key_origin {
    char file[4096];
    int file_kind; /* INI_FILE_CONFIG or INI_FILE_CREDENTIALS */
    char section[300];
} key_origin;

static int keys_from_profile(const char *profile, aws_credentials *c, key_origin *orig, cc_err *err)
{
    char *config_path = NULL, *creds_path = NULL;
    aws_profile_set *set = NULL;
    int rc = awsfiles_locate(cc_getenv_process, NULL, &config_path, &creds_path, err);
    if (!rc)
        rc = awsfiles_load(config_path, creds_path, &set, err);
    if (rc)
        goto out;
    const aws_profile *p = ini_profile(set, profile);
    if (!p) {
        rc = cc_err_set(err, CC_EINPUT, "login.profile_missing", "AWS profile '%s' not found in %s or %s", profile,
                        creds_path, config_path);
        cc_err_hint(err, "check the name; `aws configure list-profiles` lists them");
        goto out;
    }
    const char *id = ini_get(p, "aws_access_key_id"), *secret = ini_get(p, "aws_secret_access_key");
    if (!id || !secret) {
        rc = cc_err_set(err, CC_EINPUT, "login.profile_no_keys",
                        "AWS profile '%s' has no static keys (aws_access_key_id and aws_secret_access_key)", profile);
        cc_err_hint(err, "an SSO or role profile needs no login: run `clinecfg setup --aws-profile %s` to point "
                         "Cline at it",
                    profile);
        goto out;
    }
    if (ini_get(p, "aws_session_token")) {
        rc = cc_err_set(err, CC_EINPUT, "login.temporary_keys",
                        "AWS profile '%s' holds temporary credentials (aws_session_token); clinecfg login stores "
                        "long-term access keys",
                        profile);
        cc_err_hint(err, "use the profile directly: `clinecfg setup --aws-profile %s`", profile);
        goto out;
    }
    c->access_key_id = secret_dup(id);
    c->secret_access_key = secret_dup(secret);
    if (!c->access_key_id || !c->secret_access_key) {
        rc = cc_err_oom(err);
        goto out;
    }
    const char *file = NULL;
    int line = 0;
    orig->file[0] = '\0';
    if (ini_origin(p, "aws_secret_access_key", &file, &line) == 0 && file) {
        bool in_creds = strcmp(file, creds_path) == 0;
        snprintf(orig->file, sizeof orig->file, "%s", file);
        orig->file_kind = in_creds ? INI_FILE_CREDENTIALS : INI_FILE_CONFIG;
        if (in_creds || strcmp(profile, "default") == 0)
            snprintf(orig->section, sizeof orig->section, "%s", profile);
        else
            snprintf(orig->section, sizeof orig->section, "profile %s", profile);
    }
    snprintf(c->source, sizeof c->source, "profile:%.40s", profile);
out:
    ini_profiles_free(set);
    free(config_path);
    free(creds_path);
    return rc;
}

static int keys_from_env(aws_credentials *c, cc_err *err)
{
    int rc = creds_from_env(NULL, NULL, c, err);
    if (rc == CREDS_NOT_FOUND) {
        cc_err_set(err, CC_EINPUT, "login.env_missing", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
        cc_err_hint(err, "export both, or use --access-key-id ID --secret-stdin");
        return CC_EINPUT;
    }
    if (rc)
        return rc;
    if (c->session_token) {
        aws_credentials_wipe(c);
        cc_err_set(err, CC_EINPUT, "login.temporary_keys",
                   "AWS_SESSION_TOKEN is set: these are temporary credentials, and clinecfg login stores long-term "
                   "access keys");
        cc_err_hint(err, "unset AWS_SESSION_TOKEN and export the access key pair of an IAM user, or use an SSO "
                         "profile with `clinecfg setup --aws-profile P`");
        return CC_EINPUT;
    }
    return 0;
}

static int read_keys(cc_ctx *ctx, const cli_args *a, aws_credentials *c, key_origin *orig, cc_err *err)
{
    const char *id = cli_value(a, LOGIN_OPT_ACCESS_KEY_ID);
    bool secret_stdin = cli_count(a, LOGIN_OPT_SECRET_STDIN) > 0;
    bool from_env = cli_count(a, LOGIN_OPT_FROM_ENV) > 0;
    const char *profile = cli_value(a, LOGIN_OPT_FROM_PROFILE);
    int sources = (id || secret_stdin) + from_env + (profile != NULL);
    if (sources > 1) {
        cc_err_set(err, CC_EUSAGE, "usage", "give one of --access-key-id/--secret-stdin, --from-env, --from-profile");
        return CC_EUSAGE;
    }
    if (from_env)
        return keys_from_env(c, err);
    if (profile)
        return keys_from_profile(profile, c, orig, err);
    if (secret_stdin && !id) {
        cc_err_set(err, CC_EUSAGE, "usage", "--secret-stdin needs --access-key-id ID");
        cc_err_hint(err, "e.g. clinecfg login --access-key-id AKIA... --secret-stdin < secret.txt");
        return CC_EUSAGE;
    }
    bool tty = isatty(STDIN_FILENO) && !ctx->yes;
    if (!id && !tty) {
        cc_err_set(err, CC_EUSAGE, "usage", "no access key given, and no terminal to ask for one");
        cc_err_hint(err, "use --access-key-id ID --secret-stdin, --from-env or --from-profile P (a secret is never "
                         "taken from the command line)");
        return CC_EUSAGE;
    }
    if (id && !secret_stdin && !tty) {
        cc_err_set(err, CC_EUSAGE, "usage", "--access-key-id needs --secret-stdin when there is no terminal to ask");
        cc_err_hint(err, "pipe the secret: printf '%%s\\n' \"$SECRET\" | clinecfg login --access-key-id ID --secret-stdin");
        return CC_EUSAGE;
    }
    int rc;
    if (id) {
        c->access_key_id = secret_dup(id);
        if (!c->access_key_id)
            return cc_err_oom(err);
    } else if ((rc = secret_read_tty("AWS access key ID", true, &c->access_key_id, err))) {
        return rc;
    }
    if (secret_stdin)
        rc = secret_read_fd(STDIN_FILENO, "the secret access key on stdin", &c->secret_access_key, err);
    else
        rc = secret_read_tty("AWS secret access key (not shown)", false, &c->secret_access_key, err);
    snprintf(c->source, sizeof c->source, "%s", secret_stdin ? "stdin" : "terminal");
    return rc;
}

/* safefile edit callback: delete the key pair from one section. */
typedef struct remove_ctx {
    const key_origin *orig;
} remove_ctx;

static int remove_keys_edit(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                            size_t *new_len, cc_err *err)
{
    const remove_ctx *rc = ud;
    if (!exists)
        return cc_err_set(err, CC_EINPUT, "login.file_gone", "%s no longer exists", path);
    ini_set sets[] = {{"aws_access_key_id", NULL}, {"aws_secret_access_key", NULL}};
    return ini_edit_section_ex(old, old_len, path, rc->orig->file_kind, rc->orig->section, sets, 2, new_text, new_len,
                               err);
}

static int offer_removal(cc_ctx *ctx, const char *profile, const key_origin *orig, cJSON *result, cc_err *err)
{
    if (!orig->file[0])
        return 0;
    bool interactive = !ctx->yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
    if (!interactive || !cli_confirm(ctx, false, "Remove the plain-text keys of profile '%s' from %s now that they are "
                                                 "in the keyring?",
                                     profile, orig->file)) {
        out_progress(&ctx->out, "the plain-text keys stay in %s (section [%s]); remove them there when you are ready",
                     orig->file, orig->section);
        cJSON_AddBoolToObject(result, "removed_from_file", false);
        return 0;
    }
    safefile_run *run = NULL;
    int rc = safefile_run_new(ctx, "login", &run, err);
    if (rc)
        return rc;
    safefile_run_withhold_backups(run); /* a backup would be the plain-text secret */
    remove_ctx rctx = {orig};
    safefile_result res;
    memset(&res, 0, sizeof res);
    rc = safefile_update(run, orig->file, 0600, remove_keys_edit, &rctx, &res, err);
    if (!rc) {
        if (ctx->dry_run)
            out_text(&ctx->out, "%s", res.diff ? res.diff : "");
        else
            out_step_ok(&ctx->out, "removed aws_access_key_id and aws_secret_access_key from [%s] in %s (no backup "
                                   "kept: it would hold the secret)",
                        orig->section, orig->file);
        cJSON_AddBoolToObject(result, "removed_from_file", !ctx->dry_run && res.changed);
    }
    safefile_result_free(&res);
    safefile_run_free(run);
    return rc;
}

static const char *no_endpoint_env(void *ud, const char *name)
{
    (void)name;
    (void)ud;
    return NULL;
}

/* Remembers with the keys the region (unless it was only the client's
 * us-east-1 last resort) and (when not the regional default) the STS
 * endpoint they were verified against: credential-process, run by an
 * editor started from the desktop, sees none of this shell's AWS_*
 * variables. */
static void remember_endpoint(awsclient *client, bool region_named, keyring_record *rec)
{
    const char *region = awsclient_region(client), *used = NULL;
    char *standard = NULL;
    cc_err e;
    cc_err_clear(&e);
    if (region && region_named)
        snprintf(rec->region, sizeof rec->region, "%s", region);
    if (awsclient_endpoint(client, "sts", &used, &e) == 0 &&
        aws_endpoint("sts", region, NULL, no_endpoint_env, NULL, &standard, &e) == 0 && strcmp(used, standard) != 0 &&
        strlen(used) < sizeof rec->sts_endpoint)
        snprintf(rec->sts_endpoint, sizeof rec->sts_endpoint, "%s", used);
    free(standard);
}

/* Asks STS who the keys belong to, in the region --region, the config or
 * the client's last resort names (*region_named false: the last resort).
 * On failure the message says the keys were not stored and hints at the
 * key pair or the region. */
static int verify_keys(cc_ctx *ctx, const cli_args *a, const aws_credentials *c, const char *masked,
                       awsclient **client, sts_identity *id, bool *region_named, cc_err *err)
{
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cc_err cerr;
    cc_err_clear(&cerr);
    char region[64] = "";
    if (cfg_load(&cfg, ctx, &cerr) == 0 && cfg_str(&cfg, CFG_REGION))
        snprintf(region, sizeof region, "%s", cfg_str(&cfg, CFG_REGION));
    cfg_free(&cfg);
    int rc = keyclient_new(c, cli_value(a, LOGIN_OPT_REGION), region, NULL, &ctx->out, client, err);
    *region_named = region[0] || !*client || strcmp(awsclient_region_source(*client), "config") != 0;
    if (!rc)
        rc = sts_get_caller_identity(*client, id, err);
    if (rc) {
        if (*client && aws_advice_unknown_region(err, awsclient_region(*client)))
            rc = err->status;
        else
            aws_advice_key_pair(err, masked);
        cc_err_prefix(err, "the keys were not stored");
    }
    return rc;
}

/* Stores the long-term record, saying so when it replaces other keys stored
 * under the account, and drops the session cached from those. */
static int store_keys(cc_ctx *ctx, keyring *kr, const char *account, const char *payload, const char *key_id,
                      bool *replaced, cc_err *err)
{
    char *old_payload = NULL;
    cc_err lerr;
    cc_err_clear(&lerr);
    if (keyring_lookup(kr, account, KEYRING_LONG_TERM, &old_payload, &lerr) == 0) {
        keyring_record old;
        if (keyring_record_from_payload(old_payload, KEYRING_LONG_TERM, &old, &lerr) == 0) {
            *replaced = strcmp(old.creds.access_key_id, key_id) != 0;
            if (*replaced) {
                char old_masked[32];
                mask_key_id(old.creds.access_key_id, old_masked);
                out_progress(&ctx->out, "replacing access key %s%s%s stored earlier as account '%s'", old_masked,
                             old.arn[0] ? " of " : "", old.arn, account);
            }
            keyring_record_wipe(&old);
        }
    }
    keyring_payload_free(old_payload);
    int rc = keyring_store(kr, account, KEYRING_LONG_TERM, payload, err);
    if (rc)
        return rc;
    cc_err derr;
    cc_err_clear(&derr);
    if (keyring_delete(kr, account, KEYRING_SESSION, &derr) < 0)
        out_warn(&ctx->out, "could not drop the cached session of the previous keys: %s", derr.message);
    return 0;
}

static int run_sso(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    static const int key_opts[] = {LOGIN_OPT_ACCESS_KEY_ID, LOGIN_OPT_SECRET_STDIN, LOGIN_OPT_FROM_ENV,
                                   LOGIN_OPT_FROM_PROFILE};
    for (size_t i = 0; i < sizeof key_opts / sizeof key_opts[0]; i++)
        if (cli_count(a, key_opts[i]) > 0) {
            cc_err_set(err, CC_EUSAGE, "usage", "--sso cannot be combined with --%s", login_opts[key_opts[i]].name);
            return CC_EUSAGE;
        }
    login_sso_opts o = {
        .account = cli_value(a, LOGIN_OPT_ACCOUNT),
        .start_url = cli_value(a, LOGIN_OPT_START_URL),
        .sso_region = cli_value(a, LOGIN_OPT_SSO_REGION),
        .account_id = cli_value(a, LOGIN_OPT_ACCOUNT_ID),
        .role_name = cli_value(a, LOGIN_OPT_ROLE_NAME),
        .region = cli_value(a, LOGIN_OPT_REGION),
        .no_browser = cli_count(a, LOGIN_OPT_NO_BROWSER) > 0,
    };
    return login_sso_run(ctx, &o, err);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (cli_count(a, LOGIN_OPT_SSO) > 0)
        return run_sso(ctx, a, err);
    static const int sso_only[] = {LOGIN_OPT_START_URL, LOGIN_OPT_SSO_REGION, LOGIN_OPT_ACCOUNT_ID,
                                   LOGIN_OPT_ROLE_NAME, LOGIN_OPT_NO_BROWSER};
    for (size_t i = 0; i < sizeof sso_only / sizeof sso_only[0]; i++)
        if (cli_count(a, sso_only[i]) > 0) {
            cc_err_set(err, CC_EUSAGE, "usage", "--%s needs --sso", login_opts[sso_only[i]].name);
            return CC_EUSAGE;
        }
    /* Probe first: no point asking for a secret that cannot be stored. */
    const char *account;
    keyring *kr;
    int rc = session_keyring(ctx, cli_value(a, LOGIN_OPT_ACCOUNT), &account, &kr, err);
    if (rc)
        return rc;

    aws_credentials c;
    memset(&c, 0, sizeof c);
    key_origin orig;
    memset(&orig, 0, sizeof orig);
    awsclient *client = NULL;
    sts_identity id;
    memset(&id, 0, sizeof id);
    char *payload = NULL;
    keyring_record rec;
    memset(&rec, 0, sizeof rec);
    bool replaced = false;

    if ((rc = read_keys(ctx, a, &c, &orig, err)))
        goto out;
    if ((rc = check_key_id(c.access_key_id, err)) || (rc = check_secret(c.secret_access_key, err)))
        goto out;

    char masked[32];
    mask_key_id(c.access_key_id, masked);
    out_progress(&ctx->out, "checking access key %s with STS GetCallerIdentity", masked);
    bool region_named = true;
    if ((rc = verify_keys(ctx, a, &c, masked, &client, &id, &region_named, err)))
        goto out;
    out_step_ok(&ctx->out, "access key %s belongs to %s (AWS account %s)", masked, id.arn, id.account);
    if (strlen(id.arn) > 5 && strcmp(id.arn + strlen(id.arn) - 5, ":root") == 0)
        out_warn(&ctx->out, "these are the AWS account's root keys; AWS advises an IAM user's keys instead");
    if (!ctx->yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO) &&
        !cli_confirm(ctx, true, "Store this key in the keyring as account '%s'?", account)) {
        rc = out_cancelled(err, "nothing stored: cancelled");
        goto out;
    }

    rec.creds.access_key_id = c.access_key_id;
    rec.creds.secret_access_key = c.secret_access_key;
    snprintf(rec.arn, sizeof rec.arn, "%s", id.arn);
    snprintf(rec.account, sizeof rec.account, "%s", id.account);
    rec.stored_at = time(NULL);
    remember_endpoint(client, region_named, &rec);
    rc = keyring_record_to_payload(&rec, KEYRING_LONG_TERM, &payload, err);
    rec.creds.access_key_id = rec.creds.secret_access_key = NULL;
    if (rc)
        goto out;
    if (ctx->dry_run) {
        out_progress(&ctx->out, "--dry-run: would store access key %s as account '%s' in %s", masked, account,
                     keyring_describe(kr));
    } else {
        if ((rc = store_keys(ctx, kr, account, payload, c.access_key_id, &replaced, err)))
            goto out;
        out_text(&ctx->out, "stored access key %s of %s in the keyring as account '%s' (%s)\n", masked, id.arn,
                 account, keyring_describe(kr));
    }
    cJSON *r = ctx->result;
    cJSON_AddStringToObject(r, "account", account);
    cJSON_AddStringToObject(r, "access_key_id", masked);
    cJSON_AddStringToObject(r, "arn", id.arn);
    cJSON_AddStringToObject(r, "aws_account", id.account);
    cJSON_AddStringToObject(r, "keyring", keyring_describe(kr));
    cJSON_AddBoolToObject(r, "stored", !ctx->dry_run);
    cJSON_AddBoolToObject(r, "replaced", replaced);
    if (cli_value(a, LOGIN_OPT_FROM_PROFILE))
        rc = offer_removal(ctx, cli_value(a, LOGIN_OPT_FROM_PROFILE), &orig, r, err);

out:
    keyring_payload_free(payload);
    sts_identity_free(&id);
    awsclient_free(client);
    aws_credentials_wipe(&c);
    keyring_close(kr);
    return rc;
}

const cli_command cmd_login = {
    .name = "login",
    .summary = "store an AWS access key pair, or an IAM Identity Center sign-in (--sso), in the OS keyring",
    .description = "Checks the key with STS GetCallerIdentity, shows whom it belongs to, and stores it in the OS "
                   "keyring (Secret Service on Linux, the login keychain on macOS) under the account name. The "
                   "secret is read from the terminal with echo off, from stdin (--secret-stdin), from "
                   "AWS_SECRET_ACCESS_KEY (--from-env) or from the shared credentials file (--from-profile, which "
                   "then offers to delete the plain-text copy); never from the command line. With --sso it runs the IAM "
                   "Identity Center device flow instead (URL and code shown, a browser opened when a display exists) "
                   "and keeps the client registration and tokens in the keyring; the account and role come from "
                   "--account-id/--role-name, the org config's sso.* keys, or a menu on a terminal.",
    .opts = CLI_OPTS(login_opts),
    .run = run,
};
