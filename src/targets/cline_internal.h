/*
 * cline_internal.h - what the Cline target's files share (not public API).
 *
 * The target is split by what each file owns:
 *   cline.c          targets and modes, the plan/apply entry point and its steps;
 *   cline_schema.c   Cline's rules: plan values and providers.json's zod schema;
 *   cline_edit.c     the per-store key writers (globalState.json,
 *                    providers.json, clinecfg's endpoint record);
 *   cline_inspect.c  reading the stores back, consistency and verification.
 * Dependencies run one way: cline.c -> cline_inspect.c -> cline_edit.c ->
 * cline_schema.c.
 */
#ifndef CLINECFG_CLINE_INTERNAL_H
#define CLINECFG_CLINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/cline.h"
#include "clinecfg/jsonc.h"

#define CLINE_ENDPOINT_RECORD_NAME "cline-endpoints.json"

static inline const char *cline_plan_profile(const cline_plan *p)
{
    return (p->aws_profile && *p->aws_profile) ? p->aws_profile : AWSCONFIG_DEFAULT_PROFILE;
}
static inline unsigned cline_plan_modes(const cline_plan *p) { return p->modes ? p->modes : CLINE_MODE_BOTH; }
static inline unsigned cline_plan_targets(const cline_plan *p) { return p->targets ? p->targets : CLINE_TARGET_ALL; }
static inline char *cline_strdup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* ---- cline_edit.c ---- */

/* The node at the NULL-terminated object keys, or NULL. */
const jsonc_node *cline_node_at(const jsonc_doc *doc, const char *const *keys);

/* The string at those keys (pointing into doc), or NULL when absent or not
 * a string. */
const char *cline_node_string(const jsonc_doc *doc, const char *const *keys);

/* Parses `text` as JSONC whose top level, if any, is an object; CC_EINPUT
 * with name:line:col and a hint otherwise. */
int cline_parse_object_doc(const char *text, size_t len, const char *name, jsonc_doc **doc, cc_err *err);

/* What the edit functions need besides the plan: the endpoint clinecfg
 * recorded for this file (for stale-endpoint removal) and the time. */
typedef struct cline_edit_job {
    const cline_plan *plan;
    const char *recorded_endpoint; /* NULL: none recorded */
    char updated_at[32];
    size_t removed_secrets;        /* out: static keys removed (providers) */
} cline_edit_job;

/* Pure functions of a file's bytes: the new bytes (malloc'd) with only the
 * keys that differ edited.  globalState.json gets `text` "" for a missing
 * file; providers.json is refused (CC_EINPUT) when Cline would discard it. */
int cline_global_state_edit(cline_edit_job *job, const char *text, size_t len, const char *name, char **out,
                            size_t *out_len, cc_err *err);
int cline_providers_edit(cline_edit_job *job, const char *text, size_t len, bool exists, const char *name, char **out,
                         size_t *out_len, cc_err *err);

/* The endpoint record: {"version":1, "endpoints": {REAL_PATH: URL}}. */
typedef struct cline_record_job {
    const char *keys[2];   /* real paths of the Cline files handled */
    const char *values[2]; /* endpoint now in that file (NULL: none of ours) */
    size_t n;
} cline_record_job;
/* safefile_edit_fn over the record; ud is a cline_record_job. */
int cline_record_edit(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                      size_t *new_len, cc_err *err);
/* The endpoint recorded for `key`, malloc'd, or NULL. */
char *cline_record_lookup(const char *record_path, const char *key);

#endif
