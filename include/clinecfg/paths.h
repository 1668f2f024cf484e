/*
 * paths.h - where clinecfg keeps its own files, following the XDG base
 * directory rules: the user config in ${XDG_CONFIG_HOME:-~/.config}/clinecfg,
 * everything it remembers (backups, requests, the last profile, the
 * endpoint record) in ${XDG_STATE_HOME:-~/.local/state}/clinecfg, lock
 * files in $XDG_RUNTIME_DIR/clinecfg.
 * Every function returns a malloc'd path, or NULL on out of memory or when
 * neither the XDG variable nor HOME is an absolute path (paths_error then
 * says so).
 */
#ifndef CLINECFG_PATHS_H
#define CLINECFG_PATHS_H

/* ${XDG_CONFIG_HOME:-$HOME/.config}/clinecfg/config.json */
char *paths_user_config(void);

/* ${XDG_STATE_HOME:-$HOME/.local/state}/clinecfg */
char *paths_state_dir(void);

/* paths_state_dir() + "/" + name */
char *paths_state_file(const char *name);

/* $XDG_RUNTIME_DIR/clinecfg (lock files), or NULL when XDG_RUNTIME_DIR is
 * unset or relative (the caller then uses the state folder) or on out of
 * memory. */
char *paths_runtime_dir(void);

/* Fills err for a NULL from the functions above: CC_EINPUT when HOME is
 * unusable, CC_EINTERNAL otherwise.  Returns the status. */
#include "clinecfg/error.h"
int paths_error(cc_err *err);

#endif
