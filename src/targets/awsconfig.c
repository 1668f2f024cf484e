/*
 * awsconfig.c - the [profile NAME] section with region and credential_process
 * that Cline's AWS SDK reads.  See include/clinecfg/awsconfig.h.
 */
#define _GNU_SOURCE
#include "clinecfg/awsconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/credentials.h"
#include "clinecfg/ini.h"
#include "clinecfg/shquote.h"

/* Keys that make the SDKs resolve credentials some other way than
 * credential_process: removed from our section. */
static const char *const conflicting_keys[] = {
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "role_arn",         "source_profile",
    "credential_source", "web_identity_token_file", "role_session_name", "sso_session", "sso_start_url",
    "sso_account_id",    "sso_role_name",          "sso_region",        NULL,
};

static const char *profile_name(const awsconfig_plan *p)
{
    return (p->profile && *p->profile) ? p->profile : AWSCONFIG_DEFAULT_PROFILE;
}

static const char *account_name(const awsconfig_plan *p)
{
    return (p->account && *p->account) ? p->account : "default";
}

char *awsconfig_shell_quote(const char *word)
{
    return shquote(word);
}

/* What an INI property value cannot hold: line breaks, NUL (by construction),
 * whitespace at either end, and " #" / " ;" (an inline comment). */
static const char *ini_value_problem(const char *v)
{
    size_t n = strlen(v);
    if (strpbrk(v, "\r\n"))
        return "contains a line break";
    if (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])))
        return "starts or ends with whitespace";
    for (size_t i = 1; i < n; i++)
        if ((v[i] == '#' || v[i] == ';') && isspace((unsigned char)v[i - 1]))
            return "contains a space followed by '#' or ';' (read as a comment)";
    return NULL;
}

/* clinecfg's own line: <exe> credential-process [--account NAME | --source
 * SPEC [--endpoint-SERVICE URL]...]. */
static bool is_own_process(char *const *argv, size_t argc)
{
    if (argc < 2 || strcmp(argv[1], "credential-process") != 0)
        return false;
    if (argc == 2 || (argc == 4 && strcmp(argv[2], "--account") == 0))
        return true;
    if (argc < 4 || argc % 2 || strcmp(argv[2], "--source") != 0)
        return false;
    for (size_t i = 4; i < argc; i += 2)
        if (strncmp(argv[i], "--endpoint-", 11) != 0)
            return false;
    return true;
}

char *awsconfig_describe_process(const char *cmd)
{
    char **argv = NULL;
    cc_err e;
    cc_err_clear(&e);
    if (!cmd || creds_split_command(cmd, &argv, &e) != 0)
        return strdup("(a command line that does not parse)");
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char *out = NULL;
    if (is_own_process(argv, argc)) {
        out = strdup(cmd);
    } else {
        char *prog = awsconfig_shell_quote(argv[0]);
        if (prog && asprintf(&out, "%s%s", prog, argc > 1 ? " (arguments not shown)" : "") < 0)
            out = NULL;
        free(prog);
    }
    creds_free_argv(argv);
    return out;
}

int awsconfig_process_program(const char *cmd, char *path, size_t size)
{
    char **argv = NULL;
    cc_err e;
    cc_err_clear(&e);
    path[0] = '\0';
    if (!cmd || creds_split_command(cmd, &argv, &e) != 0)
        return -1;
    size_t argc = 0;
    while (argv[argc])
        argc++;
    int own = is_own_process(argv, argc) ? 1 : 0;
    snprintf(path, size, "%s", argv[0]);
    creds_free_argv(argv);
    return own;
}

/* Appends " OPTION 'word'" to *cmd (freed and replaced; NULL on OOM). */
static void append_word(char **cmd, const char *option, const char *word, size_t len)
{
    char *w = strndup(word, len);
    char *q = w ? awsconfig_shell_quote(w) : NULL;
    char *next = NULL;
    if (*cmd && q && asprintf(&next, "%s %s %s", *cmd, option, q) < 0)
        next = NULL;
    free(w);
    free(q);
    free(*cmd);
    *cmd = next;
}

int awsconfig_credential_process(const char *exe, const char *account, char **out, cc_err *err)
{
    *out = NULL;
    if (!exe || exe[0] != '/')
        return cc_err_set(err, CC_EINPUT, "awsconfig.exe", "credential_process needs the absolute path of clinecfg, got \"%s\"",
                          exe ? exe : "(none)");
    const char *acct = (account && *account) ? account : "default";
    char *qe = awsconfig_shell_quote(exe);
    char *cmd = NULL;
    if (qe && asprintf(&cmd, "%s credential-process", qe) < 0)
        cmd = NULL;
    free(qe);
    if (!strchr(acct, ':')) {
        append_word(&cmd, "--account", acct, strlen(acct));
    } else { /* "SPEC[ SERVICE=URL...]" */
        const char *p = acct;
        size_t n = strcspn(p, " ");
        append_word(&cmd, "--source", p, n);
        for (p += n, p += strspn(p, " "); *p; p += strspn(p, " ")) {
            n = strcspn(p, " ");
            const char *eq = memchr(p, '=', n);
            char option[48];
            snprintf(option, sizeof option, "--endpoint-%.*s", eq ? (int)(eq - p) : 0, p);
            if (eq && eq - p < 32)
                append_word(&cmd, option, eq + 1, n - (size_t)(eq + 1 - p));
            p += n;
        }
    }
    if (!cmd)
        return cc_err_oom(err);
    const char *why = ini_value_problem(cmd);
    if (why) {
        cc_err_set(err, CC_EINPUT, "awsconfig.exe", "the credential_process command for \"%s\" %s; ~/.aws/config cannot hold it",
                   exe, why);
        cc_err_hint(err, "install clinecfg under a path without line breaks or ' #' / ' ;'");
        free(cmd);
        return CC_EINPUT;
    }
    *out = cmd;
    return CC_OK;
}

static bool valid_profile_name(const char *s)
{
    if (!s || !*s || strlen(s) > 128)
        return false;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (!(isalnum(*c) || strchr("_-/.%@:+", *c)))
            return false;
    return true;
}

static bool valid_region(const char *r)
{
    /* e.g. us-east-1, ap-northeast-1, us-gov-west-1, cn-north-1, eu-central-2 */
    if (!r || !*r || strlen(r) > 32)
        return false;
    int parts = 0;
    const char *s = r;
    while (*s) {
        const char *e = strchr(s, '-');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0)
            return false;
        for (size_t i = 0; i < n; i++) {
            bool last = !e;
            if (last ? !isdigit((unsigned char)s[i]) : !islower((unsigned char)s[i]))
                return false;
        }
        parts++;
        s += n;
        if (e)
            s++;
        if (e && !*s)
            return false;
    }
    return parts >= 3;
}

int awsconfig_validate(const awsconfig_plan *p, cc_err *err)
{
    if (!valid_profile_name(profile_name(p))) {
        cc_err_set(err, CC_EINPUT, "awsconfig.profile", "AWS profile name \"%s\" is not valid", profile_name(p));
        cc_err_hint(err, "use letters, digits and _-/.%%@:+ only");
        return CC_EINPUT;
    }
    if (!valid_region(p->region)) {
        cc_err_set(err, CC_EINPUT, "awsconfig.region", "AWS region \"%s\" is not valid", p->region ? p->region : "(none)");
        cc_err_hint(err, "use a region name such as us-east-1 or ap-northeast-1");
        return CC_EINPUT;
    }
    const char *a = account_name(p);
    for (const unsigned char *c = (const unsigned char *)a; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return cc_err_set(err, CC_EINPUT, "awsconfig.account", "credential source contains a control character");
    char *cmd = NULL;
    int rc = awsconfig_credential_process(p->exe, p->account, &cmd, err);
    free(cmd);
    return rc;
}

int awsconfig_edit(const awsconfig_plan *p, const char *text, size_t len, const char *name, char **out,
                   size_t *out_len, cc_err *err)
{
    int rc = awsconfig_validate(p, err);
    if (rc != CC_OK)
        return rc;
    char *cmd = NULL;
    rc = awsconfig_credential_process(p->exe, p->account, &cmd, err);
    if (rc != CC_OK)
        return rc;
    ini_set sets[32];
    size_t n = 0;
    sets[n++] = (ini_set){"region", p->region};
    sets[n++] = (ini_set){"credential_process", cmd};
    for (size_t i = 0; conflicting_keys[i]; i++)
        sets[n++] = (ini_set){conflicting_keys[i], NULL};
    char section[192];
    snprintf(section, sizeof section, "profile %s", profile_name(p));
    rc = ini_edit_section_ex(text ? text : "", text ? len : 0, name, INI_FILE_CONFIG, section, sets, n, out, out_len,
                             err);
    free(cmd);
    return rc;
}

int awsconfig_check_credentials_file(const awsconfig_plan *p, const char *credentials_path, cc_err *err)
{
    if (!credentials_path)
        return CC_OK;
    char *text = NULL;
    size_t len = 0;
    int rc = awsfiles_read(credentials_path, 1, &text, &len, err);
    if (rc != CC_OK)
        return rc;
    if (!text)
        return CC_OK;
    aws_profile_set *set = NULL;
    rc = ini_parse_profiles(NULL, 0, NULL, text, len, credentials_path, &set, err);
    free(text);
    if (rc != CC_OK)
        return rc;
    const aws_profile *prof = ini_profile(set, profile_name(p));
    if (prof && (ini_get(prof, "aws_access_key_id") || ini_get(prof, "aws_secret_access_key"))) {
        const char *file = NULL;
        int line = 0;
        ini_origin(prof, ini_get(prof, "aws_access_key_id") ? "aws_access_key_id" : "aws_secret_access_key", &file,
                   &line);
        cc_err_set(err, CC_EINPUT, "awsconfig.static_keys",
                   "%s:%d: profile [%s] has static keys; the AWS SDK in Cline would use them instead of credential_process",
                   credentials_path, line, profile_name(p));
        cc_err_hint(err, "remove the [%s] section from %s (store the keys with 'clinecfg login'), or pick another profile name",
                    profile_name(p), credentials_path);
        rc = CC_EINPUT;
    }
    ini_profiles_free(set);
    return rc;
}

static int edit_cb(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                   size_t *new_len, cc_err *err)
{
    (void)exists;
    return awsconfig_edit(ud, old, old_len, path, new_text, new_len, err);
}

int awsconfig_apply(safefile_run *run, const char *config_path, const awsconfig_plan *p, safefile_result *res,
                    cc_err *err)
{
    int rc = awsconfig_validate(p, err);
    if (rc != CC_OK)
        return rc;
    return safefile_update(run, config_path, 0600, edit_cb, (void *)p, res, err);
}

int awsconfig_verify(const char *config_path, const char *credentials_path, const awsconfig_plan *p, cc_err *err)
{
    aws_profile_set *set = NULL;
    int rc = awsfiles_load(config_path, credentials_path, &set, err);
    if (rc != CC_OK)
        return rc;
    char *cmd = NULL;
    rc = awsconfig_credential_process(p->exe, p->account, &cmd, err);
    if (rc != CC_OK) {
        ini_profiles_free(set);
        return rc;
    }
    const aws_profile *prof = ini_profile(set, profile_name(p));
    const char *region = prof ? ini_get(prof, "region") : NULL;
    const char *cp = prof ? ini_get(prof, "credential_process") : NULL;
    if (!prof) {
        rc = cc_err_set(err, CC_EINPUT, "awsconfig.verify", "%s: read back: profile [%s] is missing", config_path,
                        profile_name(p));
    } else if (!region || strcmp(region, p->region) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "awsconfig.verify", "%s: read back: profile [%s] has region \"%s\", expected \"%s\"",
                        config_path, profile_name(p), region ? region : "(none)", p->region);
    } else if (!cp || strcmp(cp, cmd) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "awsconfig.verify",
                        "%s: read back: profile [%s] credential_process is not the clinecfg command", config_path,
                        profile_name(p));
    } else if (ini_get(prof, "aws_access_key_id")) {
        rc = cc_err_set(err, CC_EINPUT, "awsconfig.verify",
                        "read back: profile [%s] still has aws_access_key_id, which wins over credential_process",
                        profile_name(p));
    }
    free(cmd);
    ini_profiles_free(set);
    return rc;
}
