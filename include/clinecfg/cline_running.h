/*
 * cline_running.h - whether a Cline is running right now, and whether an old
 * (<= 3.65) Cline extension left its settings behind
 * (src/targets/cline_running.c).
 *
 * Owns:
 *  - the VS Code family folders that can host Cline (VS Code, Insiders,
 *    VSCodium, Cursor, Windsurf, code-server, remote servers, portable mode)
 *    and their extension folders, as far as detection needs them;
 *  - running-Cline detection: a `cline` CLI or hub process, or an editor
 *    with the Cline extension (saoudrizwan.claude-dev), found through /proc
 *    (Linux) or ps (macOS), limited to processes of the same user that use
 *    the same Cline data folder;
 *  - legacy extension (<= 3.65) detection: a state.vscdb holding the
 *    extension's row while no globalState.json exists.  Detection only: that
 *    store is never written.
 * Nothing here writes a file.
 */
#ifndef CLINECFG_CLINE_RUNNING_H
#define CLINECFG_CLINE_RUNNING_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"

typedef enum { CLINE_PROC_CLI = 1, CLINE_PROC_HUB = 2, CLINE_PROC_EDITOR = 3 } cline_proc_kind;

typedef struct cline_process {
    long pid;              /* 0 for the hub found only by its port */
    cline_proc_kind kind;
    char product[32];      /* "cline CLI", "cline hub", "VS Code", ... */
    char evidence[160];    /* why it counts, e.g. "extension folder open", "command line" */
    char command[200];     /* the start of its command line (arguments joined by spaces) */
} cline_process;

#define CLINE_MAX_PROCS 16

typedef struct cline_running {
    size_t n;              /* how many were found (at most CLINE_MAX_PROCS kept) */
    cline_process procs[CLINE_MAX_PROCS];
} cline_running;

typedef struct editors_scan_opts {
    const char *proc_root;       /* NULL: "/proc" (Linux); tests pass a fake tree */
    const char *data_dir;        /* our Cline data folder: a process using another one is ignored; NULL: no filter */
    cc_getenv_fn getenv_fn;      /* for HOME and the extension folders; NULL: the process environment */
    void *ud;
    long self_pid;               /* 0: getpid(); this process is never counted (its ancestors are:
                                    a Cline running clinecfg still writes its state back) */
} editors_scan_opts;

/* Fills `out` with the Cline processes of this user (never fails because a
 * single process vanished or was unreadable).  CC_EINTERNAL only when the
 * process table cannot be read at all. */
int editors_find_running_cline(const editors_scan_opts *opts, cline_running *out, cc_err *err);

/* "pid 123 (cline CLI: command line)" for messages; writes into buf. */
const char *cline_process_describe(const cline_process *p, char *buf, size_t size);

typedef struct cline_legacy {
    const char *product;  /* static */
    char *state_db;       /* <user data>/User/globalStorage/state.vscdb */
} cline_legacy;

/* The state.vscdb files (SQLite) that hold a "saoudrizwan.claude-dev" row.
 * Detection reads bytes only; the files are never opened for writing.
 * Callers treat a hit as "legacy" only when globalState.json is absent. */
int editors_find_legacy_cline(cc_getenv_fn getenv_fn, void *ud, cline_legacy **out, size_t *n, cc_err *err);
void editors_legacy_free(cline_legacy *l, size_t n);

#endif
