/*
 * diff.h - unified diffs of planned file changes (src/core/diff.c), shown by
 * --dry-run and carried in --json results.
 *
 * Line-based (a line ends after '\n'; CRLF stays inside the line), Myers'
 * shortest edit script on the lines between the common prefix and suffix, 3
 * lines of context by default, "\ No newline at end of file" markers like
 * GNU diff.  A missing side is labelled /dev/null.
 */
#ifndef CLINECFG_DIFF_H
#define CLINECFG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

/* Writes the unified diff of old -> new to *out (malloc'd, NUL-terminated;
 * "" when the texts are equal).  old_label / new_label go on the "---" and
 * "+++" lines; pass NULL for a side that does not exist (/dev/null).
 * CC_EINTERNAL on out of memory. */
int cc_diff_unified(const char *old_label, const char *old, size_t old_len, const char *new_label, const char *new_text,
                    size_t new_len, int context, char **out, cc_err *err);

#endif
