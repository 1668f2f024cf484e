/*
 * diff.h - unified diffs of planned file changes (src/core/diff.c), shown by
 * --dry-run and carried in --json results.
 *
 * Line-based (a line ends after '\n'; CRLF stays inside the line), Myers'
 * shortest edit script on the lines between the common prefix and suffix, 3
 * lines of context by default, "\ No newline at end of file" markers like
 * GNU diff.  A missing side is labelled /dev/null.
 *
 * Every diff line goes through cc_redact_line: the value of a secret-named
 * key (cc_secret_key_name) is printed as <redacted>, in JSON members and in
 * INI assignments alike, so no --dry-run, -v preview or --json result
 * shows a secret that an edit adds, keeps or removes.
 */
#ifndef CLINECFG_DIFF_H
#define CLINECFG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

#include "clinecfg/strbuf.h"

#define CC_REDACTED "<redacted>"

/* Whether a key names a secret: case, '_', '-' and '.' ignored, it contains
 * secret, password, passwd, apikey, accesskey or privatekey, or ends in
 * token (sessionToken, aws_session_token; not maxTokens). */
bool cc_secret_key_name(const char *key, size_t len);

/* Appends one line (len bytes, its '\n' included) to o with the value of
 * every secret-named key replaced by CC_REDACTED. */
void cc_redact_line(strbuf *o, const char *p, size_t len);

/* Whether the edit old -> new_text (NULL: the file is removed) drops the
 * value of a secret-named key: its old bytes are then the only copy of that
 * secret, and must not be kept as a backup. */
bool cc_diff_removes_secret(const char *old, size_t old_len, const char *new_text, size_t new_len);

/* Writes the unified diff of old -> new to *out (malloc'd, NUL-terminated;
 * "" when the texts are equal).  old_label / new_label go on the "---" and
 * "+++" lines; pass NULL for a side that does not exist (/dev/null).
 * CC_EINTERNAL on out of memory. */
int cc_diff_unified(const char *old_label, const char *old, size_t old_len, const char *new_label, const char *new_text,
                    size_t new_len, int context, char **out, cc_err *err);

#endif
