/*
 * output.h - everything clinecfg shows to a person or a script.
 *
 * Progress, warnings and -v traces go to stderr (colour only on a TTY and
 * never with --no-color or NO_COLOR).  The result goes to stdout: plain text,
 * or with --json exactly one JSON object {ok, exit_code, error?, ...result}.
 * A command adds its result fields to `result`; out_finish prints it once.
 */
#ifndef CLINECFG_OUTPUT_H
#define CLINECFG_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"

typedef struct cc_out {
    bool json;    /* --json: machine result on stdout */
    bool quiet;   /* -q: no progress lines */
    int verbose;  /* -v count: traces (never secrets) */
    bool color;   /* stderr is a TTY and colour is allowed */
    FILE *errf;   /* where progress goes; stderr unless a test redirects it */
    FILE *outf;   /* where the result goes; stdout unless a test redirects it */
} cc_out;

/* Fills `o` from the flags and the environment (NO_COLOR, isatty). */
void out_init(cc_out *o, bool json, bool quiet, int verbose, bool no_color);

void out_progress(const cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_step_ok(const cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_warn(const cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_trace(const cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Result text for stdout; suppressed under --json (the JSON carries it). */
void out_text(const cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the final result and returns the process exit code.  With --json
 * it merges `result` (may be NULL; not freed) into {ok, exit_code, error}
 * (error.hint only when there is one).  Without --json it prints
 * "error: message" and "hint: ..." on stderr; a cancelled prompt (see
 * out_cancelled) prints its message alone, as the user's own choice. */
int out_finish(const cc_out *o, int status, const cc_err *err, const cJSON *result);

/* The user cancelled a prompt (Ctrl-C, end of input, "n"): exit 1, error code
 * "cancelled", shown without "error:" (exit 2 is kept for usage errors). */
int out_cancelled(cc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
