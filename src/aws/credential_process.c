/*
 * credential_process.c - running a profile's credential_process without a
 * shell and validating what it prints.  See credentials.h for the rules.
 *
 * Why no shell: the command comes from a file the user may not have
 * written; splitting it ourselves means no expansion, globbing or pipes can
 * sneak in.  Why a process group: a wrapper script's children must die with
 * it when the time bound hits, or they would keep the pipe open.  Why a
 * subreaper (Linux): a descendant that calls setsid leaves the group, and
 * would outlive the kill; as subreaper clinecfg inherits it when its parent
 * dies, and can find and kill it.  Why close every descriptor above stderr
 * in the child: libcurl's sockets (and anything else clinecfg has open) are
 * not all close-on-exec, and a third-party command has no business with them.
 */
#define _GNU_SOURCE /* syscall(), close_range */
#include "clinecfg/awstime.h"
#include "clinecfg/credentials.h"
#include "clinecfg/secret.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

/* --- splitting ----------------------------------------------------------- */

void creds_free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++) {
        OPENSSL_cleanse(argv[i], strlen(argv[i]));
        free(argv[i]);
    }
    free(argv);
}

static int split_oom(char **argv, char *word, cc_err *err)
{
    free(word);
    creds_free_argv(argv);
    return cc_err_oom(err);
}

int creds_split_command(const char *cmd, char ***argv_out, cc_err *err)
{
    *argv_out = NULL;
    size_t len = cmd ? strlen(cmd) : 0;
    /* Every word is at most len bytes, and there are at most len/2+1 words. */
    size_t cap = len / 2 + 2;
    char **argv = calloc(cap, sizeof *argv);
    char *word = malloc(len + 1);
    if (!argv || !word)
        return split_oom(argv, word, err);
    size_t n = 0, w = 0, i = 0;
    bool in_word = false;
    while (i < len) {
        char c = cmd[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                word[w] = '\0';
                if (!(argv[n++] = strdup(word)))
                    return split_oom(argv, word, err);
                w = 0;
                in_word = false;
            }
            i++;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const char *end = memchr(cmd + i + 1, '\'', len - i - 1);
            if (!end) {
                free(word);
                creds_free_argv(argv);
                return cc_err_set(err, CC_EINPUT, "credentials.process_syntax",
                                  "credential_process: unterminated single quote");
            }
            size_t k = (size_t)(end - (cmd + i + 1));
            memcpy(word + w, cmd + i + 1, k);
            w += k;
            i += k + 2;
        } else if (c == '"') {
            i++;
            while (i < len && cmd[i] != '"') {
                if (cmd[i] == '\\' && i + 1 < len && strchr("\"\\$`\n", cmd[i + 1])) {
                    if (cmd[i + 1] != '\n')
                        word[w++] = cmd[i + 1];
                    i += 2;
                } else {
                    word[w++] = cmd[i++];
                }
            }
            if (i >= len) {
                free(word);
                creds_free_argv(argv);
                return cc_err_set(err, CC_EINPUT, "credentials.process_syntax",
                                  "credential_process: unterminated double quote");
            }
            i++;
        } else if (c == '\\') {
            if (i + 1 < len && cmd[i + 1] != '\n')
                word[w++] = cmd[i + 1];
            i += i + 1 < len ? 2 : 1;
        } else {
            word[w++] = c;
            i++;
        }
    }
    if (in_word) {
        word[w] = '\0';
        if (!(argv[n++] = strdup(word)))
            return split_oom(argv, word, err);
    }
    OPENSSL_cleanse(word, len + 1);
    free(word);
    if (n == 0) {
        free(argv);
        return cc_err_set(err, CC_EINPUT, "credentials.process_syntax", "credential_process is empty");
    }
    *argv_out = argv;
    return 0;
}

/* --- validating the output ----------------------------------------------- */

static int bad_output(const char *profile, cc_err *err, const char *what)
{
    cc_err_set(err, CC_EINPUT, "credentials.process_output",
               "credential_process of AWS profile '%s' printed invalid output: %s", profile, what);
    cc_err_hint(err, "it must print JSON {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ..., "
                     "[\"SessionToken\", \"Expiration\"]}; run the command by hand to see what it prints");
    return CC_EINPUT;
}

/* String member: required -> must be a non-empty string; optional -> absent or string. */
static int member_str(const cJSON *j, const char *key, bool required, const char *profile, const char **out,
                      cc_err *err)
{
    *out = NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    char what[96];
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return 0;
        snprintf(what, sizeof what, "%s is missing", key);
        return bad_output(profile, err, what);
    }
    if (!cJSON_IsString(v) || (required && !*v->valuestring)) {
        snprintf(what, sizeof what, "%s must be a non-empty string", key);
        return bad_output(profile, err, what);
    }
    *out = v->valuestring;
    return 0;
}

int creds_parse_process_output(const char *json, size_t len, const char *profile, time_t now, aws_credentials *out,
                               cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return bad_output(profile, err, "nothing on stdout");
    if (len > CREDS_PROCESS_MAX_OUTPUT)
        return bad_output(profile, err, "more than 64 KB");
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!j)
        return bad_output(profile, err, "not JSON");
    int rc = 0;
    for (const char *p = end; p < json + len; p++)
        if (!strchr(" \t\r\n", *p)) {
            rc = bad_output(profile, err, "text after the JSON object");
            goto done;
        }
    if (!cJSON_IsObject(j)) {
        rc = bad_output(profile, err, "not a JSON object");
        goto done;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0) {
        rc = bad_output(profile, err, "Version must be the number 1");
        goto done;
    }
    const char *id, *secret, *token, *expiration, *account;
    if ((rc = member_str(j, "AccessKeyId", true, profile, &id, err)) ||
        (rc = member_str(j, "SecretAccessKey", true, profile, &secret, err)) ||
        (rc = member_str(j, "SessionToken", false, profile, &token, err)) ||
        (rc = member_str(j, "Expiration", false, profile, &expiration, err)) ||
        (rc = member_str(j, "AccountId", false, profile, &account, err)))
        goto done;
    if (expiration) {
        if (aws_parse_timestamp(expiration, &out->expiration) != 0) {
            rc = bad_output(profile, err, "Expiration is not an RFC 3339 time");
            goto done;
        }
        if (out->expiration <= now) {
            char when[32];
            struct tm tm;
            gmtime_r(&out->expiration, &tm);
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            cc_err_set(err, CC_EINPUT, "credentials.process_expired",
                       "credential_process of AWS profile '%s' returned credentials that expired at %s", profile,
                       when);
            cc_err_hint(err, "fix the command so it prints fresh credentials (check its cache and the clock)");
            rc = CC_EINPUT;
            goto done;
        }
    }
    if (!(out->access_key_id = strdup(id)) || !(out->secret_access_key = strdup(secret)) ||
        (token && *token && !(out->session_token = strdup(token)))) {
        rc = cc_err_oom(err);
        goto done;
    }
    if (account && strlen(account) < sizeof out->account_id)
        snprintf(out->account_id, sizeof out->account_id, "%s", account);
done:
    secret_json_delete(j);
    if (rc)
        aws_credentials_wipe(out);
    return rc;
}

/* --- running ------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_group(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

#ifdef __linux__
/* Parent pid from /proc/PID/stat (the field after the command name, which
 * may itself hold spaces and parentheses); -1 when unreadable. */
static pid_t parent_of(const char *pid_name)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *close_paren = strrchr(buf, ')');
    char state;
    int ppid;
    if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}

/* Kills and reaps every process whose parent is now clinecfg: after the
 * command's group is gone, those are descendants that escaped it (setsid)
 * and were handed to us as their subreaper.  Repeats, since killing one
 * hands its own children to us. */
static void kill_escaped_descendants(void)
{
    pid_t self = getpid();
    for (int round = 0; round < 64; round++) {
        DIR *d = opendir("/proc");
        if (!d)
            return;
        int found = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9' || parent_of(e->d_name) != self)
                continue;
            pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            found++;
        }
        closedir(d);
        if (!found)
            return;
    }
}
#endif

/* Makes clinecfg the subreaper of the command about to start; returns
 * whether it was one already. */
static int subreaper_begin(void)
{
    int was = 0;
#ifdef __linux__
    prctl(PR_GET_CHILD_SUBREAPER, &was, 0, 0, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
    return was;
}

/* After the command: with kill_escapees (it was killed for the time or
 * output bound) its descendants that left the group die too.  A command
 * that finished on its own may leave a helper daemon running on purpose. */
static void subreaper_end(int was, bool kill_escapees)
{
#ifdef __linux__
    if (kill_escapees)
        kill_escaped_descendants();
    if (!was)
        prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
#else
    (void)was;
    (void)kill_escapees;
#endif
}

/* In the child: closes every descriptor above stderr (async-signal-safe). */
static void close_inherited_fds(void)
{
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        close(fd);
}

/* Waits for pid until deadline; kills the group when it passes.  Returns
 * the wait status, or -1 after a kill for the time bound. */
static int reap(pid_t pid, long long deadline, bool *timed_out)
{
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline) {
            *timed_out = true;
            kill_group(pid);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Reads the child's stdout into buf until EOF, the deadline, or cap bytes
 * (then *too_big: the output limit is cap - 1). */
static void read_output(int fd, char *buf, size_t cap, long long deadline, size_t *used, bool *timed_out,
                        bool *too_big)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            *timed_out = true;
            return;
        }
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int pr = poll(&pf, 1, left > 1000 ? 1000 : (int)left);
        if (pr < 0 && errno != EINTR)
            return;
        if (pr <= 0)
            continue;
        ssize_t n = read(fd, buf + *used, cap - *used);
        if (n > 0) {
            *used += (size_t)n;
            if (*used >= cap) {
                *too_big = true;
                return;
            }
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            return;
        }
    }
}

/* The error for a command that did not exit with status 0. */
static int process_failed(const char *profile, const char *prog, int status, cc_err *err)
{
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 127)
        cc_err_set(err, CC_EINPUT, "credentials.process_failed",
                   "credential_process of AWS profile '%s': cannot run '%s' (not found or not executable)", profile,
                   prog);
    else if (status != -1 && WIFEXITED(status))
        cc_err_set(err, CC_EINPUT, "credentials.process_failed",
                   "credential_process of AWS profile '%s' (%s) exited with status %d", profile, prog,
                   WEXITSTATUS(status));
    else if (status != -1 && WIFSIGNALED(status))
        cc_err_set(err, CC_EINPUT, "credentials.process_failed",
                   "credential_process of AWS profile '%s' (%s) was killed by signal %d", profile, prog,
                   WTERMSIG(status));
    else
        cc_err_set(err, CC_EINPUT, "credentials.process_failed",
                   "credential_process of AWS profile '%s' (%s) could not be waited for", profile, prog);
    cc_err_hint(err, "its error output is shown above; run the command by hand to investigate");
    return CC_EINPUT;
}

int creds_run_process(const char *profile, const char *command, long timeout_ms, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char **argv = NULL;
    int rc = creds_split_command(command, &argv, err);
    if (rc) {
        cc_err_prefix(err, "AWS profile '%s'", profile);
        return rc;
    }
    if (timeout_ms <= 0)
        timeout_ms = CREDS_PROCESS_TIMEOUT_MS;
    char prog[128];
    snprintf(prog, sizeof prog, "%s", argv[0]);
    int pfd[2];
    if (pipe(pfd) != 0) {
        creds_free_argv(argv);
        return cc_err_set(err, CC_EINTERNAL, "internal", "pipe: %s", strerror(errno));
    }
    fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    int was_subreaper = subreaper_begin();
    pid_t pid = fork();
    if (pid < 0) {
        subreaper_end(was_subreaper, false);
        close(pfd[0]);
        close(pfd[1]);
        creds_free_argv(argv);
        return cc_err_set(err, CC_EINTERNAL, "internal", "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); /* libcurl may have ignored it; the helper should not inherit that */
        if (dup2(pfd[1], STDOUT_FILENO) < 0)
            _exit(126);
        close(pfd[0]);
        close(pfd[1]);
        close_inherited_fds();
        execvp(argv[0], argv);
        static const char msg[] = "clinecfg: credential_process: cannot run the command\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    setpgid(pid, pid); /* also from the parent, so kill(-pid) works at once */
    close(pfd[1]);
    creds_free_argv(argv);
    fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);

    long long deadline = now_ms() + timeout_ms;
    size_t cap = CREDS_PROCESS_MAX_OUTPUT + 1, used = 0;
    char *buf = malloc(cap);
    bool timed_out = false, too_big = false;
    if (!buf) {
        kill_group(pid);
        close(pfd[0]);
        waitpid(pid, NULL, 0);
        subreaper_end(was_subreaper, true);
        return cc_err_oom(err);
    }
    read_output(pfd[0], buf, cap, deadline, &used, &timed_out, &too_big);
    close(pfd[0]);
    int status = -1;
    if (timed_out || too_big) {
        kill_group(pid);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    } else {
        status = reap(pid, deadline, &timed_out);
    }
    subreaper_end(was_subreaper, timed_out || too_big);
    if (timed_out) {
        cc_err_set(err, CC_EINPUT, "credentials.process_timeout",
                   "credential_process of AWS profile '%s' (%s) did not finish within %ld ms and was killed", profile,
                   prog, timeout_ms);
        cc_err_hint(err, "check that the command works when run by hand and does not wait for input");
        rc = CC_EINPUT;
    } else if (too_big) {
        cc_err_set(err, CC_EINPUT, "credentials.process_output",
                   "credential_process of AWS profile '%s' (%s) printed more than %zu bytes and was stopped", profile,
                   prog, CREDS_PROCESS_MAX_OUTPUT);
        rc = CC_EINPUT;
    } else if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = process_failed(profile, prog, status, err);
    } else {
        rc = creds_parse_process_output(buf, used, profile, time(NULL), out, err);
    }
    OPENSSL_cleanse(buf, cap);
    free(buf);
    return rc;
}

static bool has_process(const aws_profile *p)
{
    return ini_get(p, "credential_process") != NULL;
}

/* o->process_timeout_ms, else CLINECFG_PROCESS_TIMEOUT_MS (1 ms .. 1 h),
 * else CREDS_PROCESS_TIMEOUT_MS. */
static long process_timeout(const creds_chain_opts *o)
{
    if (o->process_timeout_ms > 0)
        return o->process_timeout_ms;
    const char *v = cc_getenv_set(o->env, o->env_ud, "CLINECFG_PROCESS_TIMEOUT_MS");
    if (v) {
        char *end;
        errno = 0;
        long ms = strtol(v, &end, 10);
        if (!errno && *end == '\0' && ms > 0 && ms <= 3600000L)
            return ms;
    }
    return CREDS_PROCESS_TIMEOUT_MS;
}

static int process_fetch(const creds_profile_ctx *ctx, aws_credentials *out, cc_err *err)
{
    if (ctx->o->out)
        out_trace(ctx->o->out, "credentials: running credential_process of profile %s", ctx->profile);
    return creds_run_process(ctx->profile, ini_get(ctx->p, "credential_process"), process_timeout(ctx->o), out,
                             err);
}

const creds_profile_source creds_source_process = {"credential_process", has_process, process_fetch};
