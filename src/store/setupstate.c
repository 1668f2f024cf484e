/* setupstate.c - the remembered result of the last setup (see setupstate.h),
 * kept only in a state folder that belongs to the user. */
#include "clinecfg/setupstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/backup.h"
#include "clinecfg/paths.h"
#include "clinecfg/atomicfile.h"

#define STATE_MAX_SIZE (64 * 1024)

char *setupstate_path(void) { return paths_state_file("state.json"); }

void setupstate_init(setupstate *st) { memset(st, 0, sizeof *st); }

void setupstate_free(setupstate *st)
{
    free(st->region);
    free(st->model);
    free(st->profile_arn);
    free(st->caller_arn);
    free(st->name);
    memset(st, 0, sizeof *st);
}

static char *dup_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring[0] ? strdup(v->valuestring) : NULL;
}

void setupstate_load(setupstate *st)
{
    setupstate_free(st);
    char *path = setupstate_path();
    char *text = NULL;
    size_t len = 0;
    bool exists = false;
    char *dir = paths_state_dir();
    bool ours = dir && backup_check_owner(dir, "clinecfg's state folder", NULL) == CC_OK;
    free(dir);
    if (ours && path && safefile_read(path, STATE_MAX_SIZE, &text, &len, &exists, NULL) == 0 && exists) {
        cJSON *o = cJSON_ParseWithLength(text, len);
        if (cJSON_IsObject(o)) {
            st->region = dup_field(o, "region");
            st->model = dup_field(o, "model");
            st->profile_arn = dup_field(o, "profile_arn");
            st->caller_arn = dup_field(o, "caller_arn");
            st->name = dup_field(o, "name");
        }
        cJSON_Delete(o);
    }
    free(text);
    free(path);
}

bool setupstate_matches(const setupstate *st, const char *region, const char *model)
{
    return st->profile_arn && st->region && st->model && region && model && strcmp(st->region, region) == 0 &&
           strcmp(st->model, model) == 0;
}

int setupstate_save(const char *region, const char *model, const char *profile_arn, const char *caller_arn,
                    const char *name, cc_err *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return CC_EINTERNAL;
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "region", region);
    cJSON_AddStringToObject(o, "model", model);
    cJSON_AddStringToObject(o, "profile_arn", profile_arn);
    cJSON_AddStringToObject(o, "caller_arn", caller_arn ? caller_arn : "");
    cJSON_AddStringToObject(o, "name", name ? name : "");
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char *path = setupstate_path();
    int rc = CC_EINTERNAL;
    char *dir = paths_state_dir();
    if (text && (!path || !dir))
        rc = paths_error(err);
    else if (text && (rc = backup_check_owner(dir, "clinecfg's state folder", err)) == 0 &&
             (rc = safefile_make_dirs(dir, err)) == 0 && (rc = backup_check_owner(dir, "clinecfg's state folder", err)) == 0)
        rc = safefile_write_atomic(path, text, strlen(text), 0600, err);
    free(dir);
    free(text);
    free(path);
    return rc;
}
