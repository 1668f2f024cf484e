/*
 * setupstate.h - what the last successful `setup` found, remembered in
 * ${XDG_STATE_HOME:-~/.local/state}/clinecfg/state.json (0600), so that a
 * re-run can confirm the profile in one round trip instead of listing every
 * profile in the account.  It holds no secrets; a missing or unreadable
 * file only means the slow path is taken.
 */
#ifndef CLINECFG_SETUPSTATE_H
#define CLINECFG_SETUPSTATE_H

#include <stdbool.h>

#include "clinecfg/error.h"

typedef struct setupstate {
    char *region, *model, *profile_arn, *caller_arn, *name;
} setupstate;

void setupstate_init(setupstate *st);
/* Loads the file if it is there and valid; otherwise leaves st empty. */
void setupstate_load(setupstate *st);
/* The remembered profile applies to this region and base model. */
bool setupstate_matches(const setupstate *st, const char *region, const char *model);
int setupstate_save(const char *region, const char *model, const char *profile_arn, const char *caller_arn,
                    const char *name, cc_err *err);
void setupstate_free(setupstate *st);
/* The file's path (malloc'd). */
char *setupstate_path(void);

#endif
