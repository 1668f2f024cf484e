/*
 * setupsource.c - the credential source setup records for Cline and the
 * run of the written credential_process line that proves it (see
 * include/clinecfg/setupsource.h).
 */
#define _GNU_SOURCE
#include "clinecfg/setupsource.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/credentials.h"
#include "clinecfg/keyring.h"

#define RUN_TIMEOUT_MS 60000
#define RUN_MAX_OUTPUT (64 * 1024)

/* ---- choosing ----------------------------------------------------------- */

static void set_simple(setup_source *s, credsource_kind kind, const char *name)
{
    s->src.kind = kind;
    snprintf(s->src.name, sizeof s->src.name, "%s", name);
    credsource_format(&s->src, s->spec, sizeof s->spec);
    /* The keyring form stays the `--account NAME` line earlier versions wrote. */
    snprintf(s->plan_arg, sizeof s->plan_arg, "%s", kind == CREDSOURCE_KEYRING ? name : s->spec);
}

static void set_profile(setup_source *s, awsclient *c, const char *profile, const cc_out *out)
{
    set_simple(s, CREDSOURCE_PROFILE, profile);
    credsource_endpoint eps[CREDSOURCE_MAX_ENDPOINTS];
    size_t n = credsource_endpoints_in_effect(NULL, NULL, awsclient_region(c), eps);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(s->plan_arg);
        snprintf(s->plan_arg + used, sizeof s->plan_arg - used, " %s=%s", eps[i].service, eps[i].url);
        if (out)
            out_trace(out, "remembering the %s endpoint %s for Cline's credential_process", eps[i].service, eps[i].url);
    }
}

/* The environment's keys, stored as the account's long-term keys. */
static int store_env_keys(awsclient *c, keyring *kr, const char *account, const cc_out *out, cc_err *err)
{
    const aws_credentials *creds = NULL;
    int rc = awsclient_credentials(c, &creds, err);
    if (rc)
        return rc;
    if (creds->session_token) {
        cc_err_set(err, CC_EINPUT, "setup.temporary_env_keys",
                   "--store-env-keys: AWS_SESSION_TOKEN is set, so these are temporary credentials that cannot be "
                   "stored for Cline");
        cc_err_hint(err, "export an IAM user's access key pair, or use `clinecfg login --sso` / --aws-profile P");
        return CC_EINPUT;
    }
    keyring_record rec;
    memset(&rec, 0, sizeof rec);
    rec.creds.access_key_id = creds->access_key_id;
    rec.creds.secret_access_key = creds->secret_access_key;
    rec.stored_at = time(NULL);
    snprintf(rec.region, sizeof rec.region, "%s", awsclient_region(c));
    credsource_endpoint eps[CREDSOURCE_MAX_ENDPOINTS];
    size_t n = credsource_endpoints_in_effect(NULL, NULL, awsclient_region(c), eps);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(eps[i].service, "sts"))
            snprintf(rec.sts_endpoint, sizeof rec.sts_endpoint, "%s", eps[i].url);
    char *payload = NULL;
    rc = keyring_record_to_payload(&rec, KEYRING_LONG_TERM, &payload, err);
    rec.creds.access_key_id = rec.creds.secret_access_key = NULL;
    if (!rc)
        rc = keyring_store(kr, account, KEYRING_LONG_TERM, payload, err);
    keyring_payload_free(payload);
    if (!rc) {
        cc_err derr;
        cc_err_clear(&derr);
        keyring_delete(kr, account, KEYRING_SESSION, &derr);
        out_step_ok(out, "stored the access key from the environment in the keyring as account '%s'", account);
    }
    return rc;
}

static int from_environment(awsclient *c, const setup_source_opts *o, setup_source *s, cc_err *err)
{
    keyring_opts ko = {.no_prompt = o->no_prompt, .out = o->out};
    keyring *kr = NULL;
    credsource_stored st = {0};
    int rc = keyring_open(&kr, &ko, err);
    if (!rc)
        rc = credsource_stored_items(kr, o->account, &st, err);
    if (!rc && o->store_env_keys && !o->dry_run) {
        if (!(rc = store_env_keys(c, kr, o->account, o->out, err)))
            set_simple(s, CREDSOURCE_KEYRING, o->account);
    } else if (!rc && st.long_term) {
        set_simple(s, CREDSOURCE_KEYRING, o->account);
    } else if (!rc && st.sso) {
        set_simple(s, CREDSOURCE_SSO, o->account);
    } else if (!rc && o->dry_run) {
        set_simple(s, CREDSOURCE_KEYRING, o->account);
        out_warn(o->out, "the keys in AWS_ACCESS_KEY_ID are not stored: a real run stops here unless you run "
                         "`clinecfg login --from-env` first or pass --store-env-keys");
    } else if (!rc) {
        rc = cc_err_set(err, CC_EKEYRING, "setup.no_stored_source",
                        "your AWS credentials come from AWS_ACCESS_KEY_ID in this shell, which Cline does not see, and "
                        "nothing is stored in the keyring for account '%s'; nothing was written",
                        o->account);
        cc_err_hint(err, "run `clinecfg login --from-env` (or `clinecfg login --sso`), or pass --store-env-keys, "
                         "then run setup again");
    }
    keyring_close(kr);
    if (!rc && s->src.kind != CREDSOURCE_PROFILE && (st.long_term || st.sso))
        out_trace(o->out, "the environment's keys are used for setup; Cline gets %s", s->spec);
    return rc;
}

int setup_source_choose(awsclient *c, const setup_source_opts *o, setup_source *s, cc_err *err)
{
    memset(s, 0, sizeof *s);
    const char *from = awsclient_credential_source(c);
    int rc = 0;
    if (!strncmp(from, "keyring", 7)) {
        set_simple(s, CREDSOURCE_KEYRING, o->account);
    } else if (!strncmp(from, "sso:", 4)) {
        set_simple(s, CREDSOURCE_SSO, o->account);
    } else if (!strncmp(from, "profile:", 8) && o->own_profile && !strcmp(awsclient_profile(c), o->own_profile)) {
        /* AWS_PROFILE=clinecfg: Cline's own profile already names a source; keep it. */
        credsource own;
        if (!credsource_of_cline(o->own_profile, &own) || own.kind == CREDSOURCE_PROFILE) {
            rc = cc_err_set(err, CC_EINPUT, "setup.own_profile",
                            "the credentials come from AWS profile '%s', the profile setup writes for Cline", o->own_profile);
            cc_err_hint(err, "unset AWS_PROFILE (or name the profile that holds your credentials with --aws-profile)");
        } else {
            set_simple(s, own.kind, own.name);
        }
    } else if (!strncmp(from, "profile:", 8)) {
        const char *profile = awsclient_profile(c);
        const aws_credentials *creds = NULL;
        cc_err cerr;
        cc_err_clear(&cerr);
        set_profile(s, c, profile, o->out);
        if (strstr(from, "(static)") && awsclient_credentials(c, &creds, &cerr) == 0 && !creds->session_token)
            out_warn(o->out, "AWS profile '%s' keeps an access key in plain text; `clinecfg login --from-profile %s` "
                             "moves it into the keyring",
                     profile, profile);
    } else {
        rc = from_environment(c, o, s, err);
    }
    if (!rc)
        out_step_ok(o->out, "Cline will get its credentials from %s", s->spec);
    return rc;
}

/* ---- running the line as Cline will --------------------------------------- */

static char **bare_environment(void)
{
    static const char *const passed[] = {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "SECRET_BACKEND",
                                         "SECRET_FILE_TEST_PATH", "SECRET_FILE_TEST_PASSWORD"};
    size_t cap = 2 + sizeof passed / sizeof passed[0] + 1, n = 0;
    char **env = calloc(cap, sizeof *env);
    if (!env)
        return NULL;
    const char *home = getenv("HOME");
    if (home && asprintf(&env[n], "HOME=%s", home) >= 0)
        n++;
    env[n++] = strdup("PATH=/usr/bin:/bin");
    for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++) {
        const char *v = getenv(passed[i]);
        if (v && asprintf(&env[n], "%s=%s", passed[i], v) >= 0)
            n++;
    }
    return env;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Reads both pipes until they close or the deadline passes. */
static void collect(int fd_out, int fd_err, char *obuf, size_t *olen, char *ebuf, size_t *elen, long timeout_ms)
{
    struct pollfd p[2] = {{fd_out, POLLIN, 0}, {fd_err, POLLIN, 0}};
    char *bufs[2] = {obuf, ebuf};
    size_t *lens[2] = {olen, elen};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0 || poll(p, 2, (int)left) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char scratch[4096];
            ssize_t r = read(p[i].fd, scratch, sizeof scratch);
            if (r <= 0) {
                p[i].fd = -1;
                continue;
            }
            size_t room = RUN_MAX_OUTPUT - *lens[i];
            size_t take = (size_t)r < room ? (size_t)r : room;
            memcpy(bufs[i] + *lens[i], scratch, take);
            *lens[i] += take;
            explicit_bzero(scratch, sizeof scratch);
        }
    }
}

static const char *fix_for(const setup_source *s, char *buf, size_t size)
{
    switch (s->src.kind) {
    case CREDSOURCE_SSO:
        snprintf(buf, size, "run `clinecfg login --sso%s%s`, then setup again", strcmp(s->src.name, "default") ? " --account " : "",
                 strcmp(s->src.name, "default") ? s->src.name : "");
        break;
    case CREDSOURCE_PROFILE:
        snprintf(buf, size, "make AWS profile '%s' work without your shell's variables (check it with `clinecfg "
                            "whoami --aws-profile %s`), then setup again", s->src.name, s->src.name);
        break;
    default:
        snprintf(buf, size, "run `clinecfg login%s%s`, then setup again", strcmp(s->src.name, "default") ? " --account " : "",
                 strcmp(s->src.name, "default") ? s->src.name : "");
    }
    return buf;
}

static int spawn(char **argv, char **envp, int out_fd[2], int err_fd[2], pid_t *pid)
{
    fflush(NULL);
    *pid = fork();
    if (*pid < 0)
        return -1;
    if (*pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(out_fd[1], STDOUT_FILENO);
        dup2(err_fd[1], STDERR_FILENO);
        close(out_fd[0]);
        close(err_fd[0]);
        execve(argv[0], argv, envp);
        _exit(127);
    }
    close(out_fd[1]);
    close(err_fd[1]);
    return 0;
}

int setup_source_run_process(const char *cmdline, const setup_source *s, const cc_out *out, cc_err *err)
{
    char **argv = NULL, **envp = NULL;
    int rc = creds_split_command(cmdline, &argv, err);
    if (rc)
        return rc;
    envp = bare_environment();
    char *obuf = malloc(RUN_MAX_OUTPUT + 1), *ebuf = malloc(RUN_MAX_OUTPUT + 1);
    int out_fd[2] = {-1, -1}, err_fd[2] = {-1, -1};
    pid_t pid = -1;
    if (!envp || !obuf || !ebuf) {
        rc = cc_err_oom(err);
    } else if (pipe2(out_fd, O_CLOEXEC) || pipe2(err_fd, O_CLOEXEC) || spawn(argv, envp, out_fd, err_fd, &pid)) {
        rc = cc_err_set(err, CC_EINTERNAL, "setup.run_process", "cannot run credential_process: %s", strerror(errno));
    }
    size_t olen = 0, elen = 0;
    int status = 0;
    if (!rc) {
        out_trace(out, "running Cline's credential_process with a bare environment: %s", cmdline);
        collect(out_fd[0], err_fd[0], obuf, &olen, ebuf, &elen, RUN_TIMEOUT_MS);
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        obuf[olen] = ebuf[elen] = '\0';
    }
    aws_credentials creds;
    memset(&creds, 0, sizeof creds);
    cc_err perr;
    cc_err_clear(&perr);
    if (!rc && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
                creds_parse_process_output(obuf, olen, "clinecfg", time(NULL), &creds, &perr) != 0)) {
        char *nl = strchr(ebuf, '\n');
        if (nl && strncmp(ebuf, "error: ", 7) == 0 && strchr(nl + 1, '\n'))
            *strchr(nl + 1, '\n') = '\0'; /* "error: ..." and "hint: ..." */
        else if (nl)
            *nl = '\0';
        char fix[1024];
        rc = cc_err_set(err, WIFEXITED(status) && WEXITSTATUS(status) == 5 ? CC_EDENIED : CC_EINPUT,
                        "setup.credential_process",
                        "Cline's credential_process (source %s) does not produce credentials (exit %d): %.600s",
                        s->spec, WIFEXITED(status) ? WEXITSTATUS(status) : -1, elen ? ebuf : perr.message);
        cc_err_hint(err, "%s", fix_for(s, fix, sizeof fix));
    } else if (!rc) {
        out_step_ok(out, "credential_process (source %s) produced credentials for Cline%s", s->spec,
                    creds.expiration ? "" : " (long-term keys)");
    }
    aws_credentials_wipe(&creds);
    if (obuf)
        explicit_bzero(obuf, RUN_MAX_OUTPUT + 1);
    free(obuf);
    free(ebuf);
    for (int i = 0; i < 2; i++) {
        if (out_fd[i] >= 0 && (i == 0 || pid < 0))
            close(out_fd[i]);
        if (err_fd[i] >= 0 && (i == 0 || pid < 0))
            close(err_fd[i]);
    }
    free_strv(envp);
    creds_free_argv(argv);
    return rc;
}
