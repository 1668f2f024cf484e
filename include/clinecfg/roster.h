/*
 * roster.h - the roster CSV of `clinecfg admin provision --roster`, read one
 * record at a time (src/app/roster.c).
 *
 * The file is CSV as in RFC 4180: fields separated by ',', records by LF
 * or CRLF; a field in double quotes may hold commas, quotes (written "")
 * and line breaks.  Columns: team, member and an optional model.  Also
 * accepted: a UTF-8 byte-order mark (skipped), a first record "team,member"
 * (a header, skipped), lines starting with '#' (comments) and blank lines;
 * spaces around unquoted fields are trimmed.  Refused as CC_EINPUT naming
 * file:line:col: a NUL byte, an empty team or member, a record with fewer
 * than two or more than three fields, a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote, a CR without LF, and
 * a field longer than ROSTER_FIELD_MAX bytes.
 *
 * Memory stays bounded whatever the file's size: the reader holds one
 * record, and the caller decides what it keeps.
 */
#ifndef CLINECFG_ROSTER_H
#define CLINECFG_ROSTER_H

#include <stddef.h>

#include "clinecfg/error.h"

#define ROSTER_FIELD_MAX 512

typedef struct roster_row {
    const char *team;   /* never empty */
    const char *member; /* never empty */
    const char *model;  /* NULL when the third column is absent or empty */
    int line;           /* the line the record starts on (1-based) */
    int col_member;     /* column of the member field (1-based, bytes) */
} roster_row;

typedef struct roster_reader roster_reader;

/* Opens a regular file for reading (never blocks on a FIFO).  A missing
 * file is CC_EINPUT "does not exist". */
int roster_open(const char *path, roster_reader **out, cc_err *err);

/* Reads from memory; `label` names it in messages (fuzzing, tests). */
int roster_open_memory(const char *label, const void *data, size_t len, roster_reader **out, cc_err *err);

/* The next record: 1 with *row filled (its strings valid until the next
 * call), 0 at the end, or a negative CC_E* status with err filled. */
int roster_next(roster_reader *rd, roster_row *row, cc_err *err);

/* Back to the start of the same open file, for a second pass. */
int roster_rewind(roster_reader *rd, cc_err *err);

/* The label or path given at open. */
const char *roster_path(const roster_reader *rd);

void roster_close(roster_reader *rd);

#endif
