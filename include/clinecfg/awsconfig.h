/*
 * awsconfig.h - the AWS shared-config profile Cline's AWS SDK reads
 * (src/targets/awsconfig.c).
 *
 * Owns the `[profile NAME]` section clinecfg writes into ~/.aws/config (or
 * $AWS_CONFIG_FILE): `region` and
 *   credential_process = <absolute path of clinecfg> credential-process --account <acct>
 * (keyring account) or
 *   credential_process = <clinecfg> credential-process --source SPEC [--endpoint-SERVICE URL]...
 * (an SSO sign-in or a named AWS profile, credsource.h), so that the SDK
 * inside Cline fetches credentials through clinecfg whatever their source.  Keys in that section that would win over
 * credential_process (static keys, role, SSO, web identity) are removed;
 * every other byte of the file is kept (ini_edit_section).  No secret is
 * ever written.  With an explicit --aws-profile P the caller skips this
 * target entirely: P is the user's and is left alone.
 *
 * Quoting: botocore splits the command like a POSIX shell (shlex), the JS
 * SDK hands it to /bin/sh.  Every word that is not plain [A-Za-z0-9_@%+=:,./-]
 * is put in single quotes ('\'' for a quote inside), which both read the
 * same way.  A path that an INI value cannot carry (newline, " #", " ;",
 * edge whitespace) is refused.
 */
#ifndef CLINECFG_AWSCONFIG_H
#define CLINECFG_AWSCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"
#include "clinecfg/safefile.h"

#define AWSCONFIG_DEFAULT_PROFILE "clinecfg"

typedef struct awsconfig_plan {
    const char *profile;  /* section "profile <profile>"; NULL: AWSCONFIG_DEFAULT_PROFILE */
    const char *region;   /* e.g. "ap-northeast-1" */
    const char *exe;      /* absolute path of the running clinecfg */
    const char *account;  /* keyring account for --account (NULL or "": "default"), or a credential
                           * source "sso:NAME" / "profile:NAME" (has a ':'), optionally followed by
                           * " SERVICE=URL" words: --source SPEC --endpoint-SERVICE URL... */
} awsconfig_plan;

/* One shell word, quoted only when needed (malloc'd; shquote.h).  NULL on out of memory. */
char *awsconfig_shell_quote(const char *word);

/* The credential_process command line (malloc'd).  CC_EINPUT when the exe
 * is not absolute or the command cannot be held in an INI value. */
int awsconfig_credential_process(const char *exe, const char *account, char **out, cc_err *err);

/* A credential_process line fit to print (malloc'd; NULL on out of memory):
 * clinecfg's own line whole, any other program's name only, as its
 * arguments may carry tokens. */
char *awsconfig_describe_process(const char *cmd);

/* The program (first word) of a credential_process line into path.
 * Returns 1 when the line is clinecfg's own (`... credential-process
 * [--account NAME | --source SPEC [--endpoint-SERVICE URL]...]`), 0 for another
 * program, -1 when it does not parse. */
int awsconfig_process_program(const char *cmd, char *path, size_t size);

/* Checks profile name, region and exe (CC_EINPUT naming the value). */
int awsconfig_validate(const awsconfig_plan *p, cc_err *err);

/* Pure edit: the new file text for `text` (may be empty).  `name` is used in
 * error messages.  *out malloc'd. */
int awsconfig_edit(const awsconfig_plan *p, const char *text, size_t len, const char *name, char **out,
                   size_t *out_len, cc_err *err);

/* Refuses (CC_EINPUT) when the credentials file defines static keys for the
 * same profile: the SDKs would use them instead of credential_process.
 * A missing or empty file is fine. */
int awsconfig_check_credentials_file(const awsconfig_plan *p, const char *credentials_path, cc_err *err);

/* Writes the section through the safe writer (0600 for a new file). */
int awsconfig_apply(safefile_run *run, const char *config_path, const awsconfig_plan *p, safefile_result *res,
                    cc_err *err);

/* Reads the file back and checks that the profile resolves to exactly the
 * plan's region and credential_process (CC_EINPUT with the difference). */
int awsconfig_verify(const char *config_path, const char *credentials_path, const awsconfig_plan *p, cc_err *err);

#endif
