/*
 * fuzz_roster.c - libFuzzer target for the roster CSV reader
 * (src/app/roster.c): reads every record of the input, then rewinds and
 * reads it again.
 *
 * Crashes, sanitizer reports and these invariants abort: a record has a
 * non-empty team and member, no field longer than ROSTER_FIELD_MAX, and
 * lines that never go backwards; a refusal is CC_EINPUT with a message
 * naming "roster:LINE:COL" (or the file); the second pass gives the same
 * records and the same outcome.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/roster.h"

typedef struct pass {
    size_t rows;
    unsigned long sum; /* a cheap digest of what was read */
    int rc;
} pass;

static pass read_all(roster_reader *rd)
{
    pass p = {0, 0, 0};
    int last_line = 0;
    roster_row row;
    cc_err err;
    cc_err_clear(&err);
    while ((p.rc = roster_next(rd, &row, &err)) == 1) {
        size_t lt = strlen(row.team), lm = strlen(row.member), lo = row.model ? strlen(row.model) : 0;
        if (!lt || !lm || lt > ROSTER_FIELD_MAX || lm > ROSTER_FIELD_MAX || lo > ROSTER_FIELD_MAX)
            abort();
        if (row.model && !lo)
            abort();
        if (row.line < last_line || row.line < 1 || row.col_member < 1)
            abort();
        last_line = row.line;
        p.rows++;
        p.sum = p.sum * 31 + lt * 7 + lm * 3 + lo + (unsigned long)row.line;
    }
    if (p.rc < 0) {
        if (p.rc != CC_EINPUT || strncmp(err.message, "roster:", 7) != 0)
            abort();
    }
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roster_reader *rd = NULL;
    cc_err err;
    if (roster_open_memory("roster", data, size, &rd, &err) != 0)
        return 0;
    pass first = read_all(rd);
    if (roster_rewind(rd, &err) != 0)
        abort();
    pass second = read_all(rd);
    if (first.rows != second.rows || first.sum != second.sum || first.rc != second.rc)
        abort();
    roster_close(rd);
    return 0;
}
