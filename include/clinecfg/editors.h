/*
 * editors.h - where Cline and the editors that host it keep their state, and
 * whether a Cline is running right now (src/targets/editors.c).
 *
 * Owns:
 *  - the Cline data folder: $CLINE_DATA_DIR, else $CLINE_DIR/data, else
 *    ~/.cline/data; the CLI's providers file $CLINE_PROVIDER_SETTINGS_PATH,
 *    else <data>/settings/providers.json (the same rules as Cline itself);
 *  - the VS Code family user-data folders (VS Code, Insiders, VSCodium,
 *    Cursor, Windsurf, code-server, remote servers, portable mode) and their
 *    extension folders;
 *  - running-Cline detection: a `cline` CLI or hub process, or an editor
 *    with the Cline extension (saoudrizwan.claude-dev), found through /proc
 *    (Linux) or ps (macOS), limited to processes of the same user that use
 *    the same Cline data folder;
 *  - legacy extension (<= 3.65) detection: a state.vscdb holding the
 *    extension's row while no globalState.json exists.  Detection only: that
 *    store is never written.
 * Nothing here writes a file.  No global state: the environment is read
 * through the lookup function the caller passes.
 */
#ifndef CLINECFG_EDITORS_H
#define CLINECFG_EDITORS_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

/* Returns the value of `name` or NULL (empty counts as unset). */
typedef const char *(*editors_getenv_fn)(void *ud, const char *name);
const char *editors_process_env(void *ud, const char *name); /* the real environment */

/* Where Cline reads its settings.  All strings malloc'd, absolute. */
typedef struct cline_locations {
    char *home;          /* $HOME, else the password database */
    char *data_dir;      /* the Cline data folder */
    const char *data_dir_from; /* "CLINE_DATA_DIR", "CLINE_DIR" or "HOME" (static) */
    char *global_state;  /* <data>/globalState.json (the extension, 3.66+) */
    char *secrets;       /* <data>/secrets.json (never written by clinecfg) */
    char *providers;     /* CLINE_PROVIDER_SETTINGS_PATH or <data>/settings/providers.json (the CLI) */
    char *cli_global_settings; /* <data>/settings/global-settings.json (CLI telemetry switch) */
} cline_locations;

/* Resolves the paths above.  A relative CLINE_* value is taken relative to
 * the current folder, as Node's path.join/resolve would.  CC_EINPUT when
 * no home folder can be found and one is needed. */
int cline_locate(editors_getenv_fn getenv_fn, void *ud, cline_locations *out, cc_err *err);
void cline_locations_free(cline_locations *loc);

/* One VS Code family product installation as seen from this user. */
typedef struct editor_dirs {
    const char *product;   /* "VS Code", "VSCodium", "Cursor", ... (static) */
    char *user_data;       /* e.g. ~/.config/Code (may not exist) */
    char *extensions;      /* e.g. ~/.vscode/extensions (may not exist); NULL if unknown */
} editor_dirs;

/* Every candidate folder for this platform (whether it exists or not). */
int editors_list(editors_getenv_fn getenv_fn, void *ud, editor_dirs **out, size_t *n, cc_err *err);
void editors_list_free(editor_dirs *dirs, size_t n);

/* True when `extensions_dir` holds a saoudrizwan.claude-dev-* folder. */
bool editors_has_cline_extension(const char *extensions_dir);

/* ---- running Cline ---- */

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
    const char *proc_root;       /* NULL: "/proc" (Linux); unit tests pass a fake tree */
    const char *data_dir;        /* our Cline data folder: a process using another one is ignored; NULL: no filter */
    editors_getenv_fn getenv_fn; /* for HOME and the extension folders */
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

/* ---- legacy extension ---- */

typedef struct cline_legacy {
    const char *product;  /* static */
    char *state_db;       /* <user data>/User/globalStorage/state.vscdb */
} cline_legacy;

/* The state.vscdb files (SQLite) that hold a "saoudrizwan.claude-dev" row.
 * Detection reads bytes only; the files are never opened for writing.
 * Callers treat a hit as "legacy" only when globalState.json is absent. */
int editors_find_legacy_cline(editors_getenv_fn getenv_fn, void *ud, cline_legacy **out, size_t *n, cc_err *err);
void editors_legacy_free(cline_legacy *l, size_t n);

#endif
