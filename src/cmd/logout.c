/*
 * logout.c - 'clinecfg logout': remove every item of an account from the
 * OS keyring: the stored access key, the cached STS session credentials and
 * the IAM Identity Center sign-in, which is first ended at the portal
 * (Logout) so its refresh token stops working too.  Idempotent: nothing stored is not an error (the result says so).
 */
#include "clinecfg/commands.h"
#include "clinecfg/keyring.h"
#include "clinecfg/session.h"
#include "login_sso.h"

enum {
    LOGOUT_OPT_ACCOUNT,
    LOGOUT_OPT_COUNT
};

static const cli_opt logout_opts[LOGOUT_OPT_COUNT] = {
    [LOGOUT_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME",
                            "keyring account name (default: CLINECFG_ACCOUNT or default)"},
};

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    const char *account;
    keyring *kr;
    int rc = session_keyring(ctx, cli_value(a, LOGOUT_OPT_ACCOUNT), &account, &kr, err);
    if (rc)
        return rc;
    bool removed = false, had_sso = false;
    login_sso_logout(ctx, kr, account, &had_sso);
    if (ctx->dry_run) {
        char *p = NULL;
        rc = keyring_lookup(kr, account, KEYRING_LONG_TERM, &p, err);
        keyring_payload_free(p);
        if (rc >= 0)
            out_progress(&ctx->out, "--dry-run: would remove the keyring items of account '%s'%s", account,
                         rc == KEYRING_NOT_FOUND ? " (no access key stored)" : "");
        rc = rc < 0 ? rc : 0;
    } else {
        rc = keyring_delete(kr, account, KEYRING_ANY, err);
        if (rc >= 0) {
            removed = rc == 0;
            if (removed)
                out_text(&ctx->out, "removed the %s of account '%s' from the keyring\n",
                         had_sso ? "IAM Identity Center sign-in and every other item" : "access key and cached session",
                         account);
            else
                out_text(&ctx->out, "nothing stored for account '%s' in the keyring\n", account);
            rc = 0;
        }
    }
    if (!rc) {
        cJSON_AddStringToObject(ctx->result, "account", account);
        cJSON_AddBoolToObject(ctx->result, "removed", removed);
        cJSON_AddBoolToObject(ctx->result, "sso_signed_out", had_sso);
        cJSON_AddStringToObject(ctx->result, "keyring", keyring_describe(kr));
    }
    keyring_close(kr);
    return rc;
}

const cli_command cmd_logout = {
    .name = "logout",
    .summary = "remove an account's credentials, cached session and SSO sign-in from the keyring",
    .opts = CLI_OPTS(logout_opts),
    .run = run,
};
