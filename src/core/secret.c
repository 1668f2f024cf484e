/*
 * secret.c - reading secrets from the TTY (echo off) or a descriptor, and
 * wiping them (include/clinecfg/secret.h).
 *
 * The one piece of process-wide state is the saved terminal mode while a
 * prompt is open, so that SIGINT/SIGTERM/SIGHUP can restore echo before the
 * process dies; it exists only for the duration of secret_read_tty.
 */
#define _GNU_SOURCE
#include "clinecfg/secret.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

void secret_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void secret_free(char *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

char *secret_dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims buf[0..n) in place and returns a malloc'd copy; wipes buf. */
static int finish_line(char *buf, size_t n, const char *what, char **out, cc_err *err)
{
    size_t start = 0;
    while (start < n && is_blank(buf[start]))
        start++;
    while (n > start && is_blank(buf[n - 1]))
        n--;
    int rc = 0;
    if (n == start) {
        rc = cc_err_set(err, CC_EINPUT, "input.empty", "%s is empty", what);
        cc_err_hint(err, "give it on one line");
    } else if (memchr(buf + start, '\0', n - start)) {
        rc = cc_err_set(err, CC_EINPUT, "input.invalid", "%s contains a NUL byte", what);
    } else {
        char *p = malloc(n - start + 1);
        if (!p) {
            rc = cc_err_oom(err);
        } else {
            memcpy(p, buf + start, n - start);
            p[n - start] = '\0';
            *out = p;
        }
    }
    OPENSSL_cleanse(buf, SECRET_MAX_LINE + 2);
    return rc;
}

/* Reads up to the first '\n' (consumed) or EOF.  Returns bytes read, or -1
 * when the line is too long, -2 on a read error. */
static long read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -2;
        if (r == 0 || c == '\n')
            return (long)n;
        if (n + 1 >= cap)
            return -1;
        buf[n++] = c;
    }
}

int secret_read_fd(int fd, const char *what, char **out, cc_err *err)
{
    *out = NULL;
    char buf[SECRET_MAX_LINE + 2];
    long n = read_line(fd, buf, sizeof buf);
    if (n < 0) {
        OPENSSL_cleanse(buf, sizeof buf);
        if (n == -1) {
            cc_err_set(err, CC_EINPUT, "input.too_long", "%s is longer than %d bytes", what, SECRET_MAX_LINE);
            return CC_EINPUT;
        }
        return cc_err_set(err, CC_EINPUT, "input.read", "cannot read %s: %s", what, strerror(errno));
    }
    return finish_line(buf, (size_t)n, what, out, err);
}

static volatile sig_atomic_t tty_fd_saved = -1;
static struct termios tty_saved;

static void restore_and_reraise(int sig)
{
    if (tty_fd_saved >= 0) {
        tcsetattr(tty_fd_saved, TCSAFLUSH, &tty_saved);
        /* Echo was off, so the user's Enter never moved the cursor: end the
         * prompt's line before the shell prints its own. */
        ssize_t ignored = write(tty_fd_saved, "\n", 1);
        (void)ignored;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

int secret_read_tty(const char *prompt, bool echo, char **out, cc_err *err)
{
    *out = NULL;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cc_err_set(err, CC_EINPUT, "input.no_tty", "no terminal to ask for %s", prompt);
        cc_err_hint(err, "give the secret on stdin with --secret-stdin, or use --from-env / --from-profile");
        return CC_EINPUT;
    }
    struct termios t;
    bool changed = false;
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    if (!echo && tcgetattr(fd, &t) == 0) {
        tty_saved = t;
        tty_fd_saved = fd;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        sigaction(SIGHUP, &sa, &old_hup);
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
        t.c_lflag |= ICANON;
        changed = tcsetattr(fd, TCSAFLUSH, &t) == 0;
    }
    dprintf(fd, "%s: ", prompt);
    char buf[SECRET_MAX_LINE + 2];
    long n = read_line(fd, buf, sizeof buf);
    if (!echo) {
        if (changed)
            tcsetattr(fd, TCSAFLUSH, &tty_saved);
        if (tty_fd_saved >= 0) {
            sigaction(SIGINT, &old_int, NULL);
            sigaction(SIGTERM, &old_term, NULL);
            sigaction(SIGHUP, &old_hup, NULL);
        }
        tty_fd_saved = -1;
        dprintf(fd, "\n");
    }
    close(fd);
    if (n < 0) {
        OPENSSL_cleanse(buf, sizeof buf);
        return cc_err_set(err, CC_EINPUT, "input.too_long", "%s: the answer is too long or could not be read",
                          prompt);
    }
    return finish_line(buf, (size_t)n, prompt, out, err);
}

/* Wipes every string below n, siblings included (cJSON limits nesting). */
static void json_wipe(cJSON *n)
{
    for (; n; n = n->next) {
        if (n->valuestring)
            OPENSSL_cleanse(n->valuestring, strlen(n->valuestring));
        if (n->string)
            OPENSSL_cleanse(n->string, strlen(n->string));
        json_wipe(n->child);
    }
}

void secret_json_delete(cJSON *j)
{
    if (!j)
        return;
    if (j->valuestring)
        OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
    if (j->string)
        OPENSSL_cleanse(j->string, strlen(j->string));
    json_wipe(j->child);
    cJSON_Delete(j);
}
