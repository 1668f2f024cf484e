/*
 * secret.h - reading and holding secrets (src/core/secret.c).
 *
 * Owns: reading a secret from the terminal with echo off (restored even on
 * Ctrl-C) or from a file descriptor without stdio buffering (so no copy is
 * left in a stdio buffer), and wiping and freeing secret strings.  Secrets
 * never come from argv.
 */
#ifndef CLINECFG_SECRET_H
#define CLINECFG_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

/* Longest secret line accepted (bytes, without the newline). */
#define SECRET_MAX_LINE 4096

/* Prompts on /dev/tty and reads one line; echo is off unless `echo`.
 * Leading and trailing blanks are removed.  CC_EINPUT when there is no
 * terminal, the line is empty or too long, or input ended. */
int secret_read_tty(const char *prompt, bool echo, char **out, cc_err *err);

/* Reads one line from fd (stdin: 0) with read(2); blanks at both ends and
 * the line end (\n or \r\n) are removed.  `what` names the value for
 * messages ("the secret access key").  CC_EINPUT when empty or too long. */
int secret_read_fd(int fd, const char *what, char **out, cc_err *err);

/* A wiped-on-free copy (NULL on out of memory or NULL input). */
char *secret_dup(const char *s);
/* Wipes (OPENSSL_cleanse) and frees.  NULL is fine. */
void secret_free(char *s);
void secret_wipe(void *p, size_t n);

struct cJSON;
/* Wipes every key and string of a cJSON tree (this node and its children;
 * j->next belongs to the caller), then deletes it.  NULL is fine. */
void secret_json_delete(struct cJSON *j);

#endif
