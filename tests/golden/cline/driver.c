/*
 * driver.c - test driver for the Cline targets (src/targets/cline.c,
 * awsconfig.c, cline_running.c) until `clinecfg setup` calls them.  It makes the
 * same calls setup makes: cline_locate + awsfiles_locate, safefile_run_new,
 * cline_apply, and prints the result the way out_finish does.
 *
 * Built by tests/golden/cline/lib.sh against $CLINECFG_BUILD/libclinecfg.a.
 *
 *   driver [--json] [--dry-run] apply --arn A --base-model M --region R
 *          [--aws-profile P (user's own profile: no section written)]
 *          [--profile-name P (clinecfg's own profile name)] [--account NAME]
 *          [--endpoint URL] [--modes plan|act|both] [--prompt-cache]
 *          [--targets LIST] [--force] [--now-ms N] [--exe PATH]
 *   driver [--json] inspect
 *   driver detect                 lists running Cline processes
 *   driver check-providers FILE   runs Cline's providers.json rules on FILE
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/cline.h"
#include "clinecfg/safefile.h"

static int usage(void)
{
    fprintf(stderr, "usage: driver [--json] [--dry-run] apply|inspect|detect|check-providers ...\n");
    return 2;
}

int main(int argc, char **argv)
{
    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    bool json = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--dry-run") == 0)
            ctx.dry_run = true;
        else
            return usage();
    }
    if (i >= argc)
        return usage();
    out_init(&ctx.out, json, false, 0, true);
    ctx.result = cJSON_CreateObject();
    const char *cmd = argv[i++];
    cc_err err;
    cc_err_clear(&err);
    int rc = CC_OK;

    if (strcmp(cmd, "check-providers") == 0) {
        if (i >= argc)
            return usage();
        char *txt = NULL;
        size_t len = 0;
        bool exists = false;
        rc = safefile_read(argv[i], 1 << 26, &txt, &len, &exists, &err);
        if (rc == CC_OK)
            rc = cline_providers_check(txt, len, argv[i], &err);
        free(txt);
        int code = out_finish(&ctx.out, rc, &err, ctx.result);
        cJSON_Delete(ctx.result);
        return code;
    }
    if (strcmp(cmd, "detect") == 0) {
        cline_locations loc;
        rc = cline_locate(editors_process_env, NULL, &loc, &err);
        cline_running run;
        if (rc == CC_OK) {
            editors_scan_opts so = {NULL, loc.data_dir, NULL, NULL, 0};
            rc = editors_find_running_cline(&so, &run, &err);
            for (size_t k = 0; rc == CC_OK && k < run.n && k < CLINE_MAX_PROCS; k++) {
                char buf[512];
                printf("%s\n", cline_process_describe(&run.procs[k], buf, sizeof buf));
            }
            cline_locations_free(&loc);
        }
        int code = out_finish(&ctx.out, rc, &err, ctx.result);
        cJSON_Delete(ctx.result);
        return code;
    }

    cline_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.own_aws_profile = true;
    plan.exe = getenv("CLINECFG_BIN");
    for (; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define VAL(name) (strcmp(o, name) == 0 && v && (i++, 1))
        if (VAL("--arn"))
            plan.profile_arn = v;
        else if (VAL("--base-model"))
            plan.base_model_id = v;
        else if (VAL("--region"))
            plan.region = v;
        else if (VAL("--aws-profile")) {
            plan.aws_profile = v;
            plan.own_aws_profile = false;
        } else if (VAL("--profile-name"))
            plan.aws_profile = v;
        else if (VAL("--account"))
            plan.account = v;
        else if (VAL("--endpoint"))
            plan.endpoint = v;
        else if (VAL("--exe"))
            plan.exe = v;
        else if (VAL("--now-ms"))
            plan.now_ms = atoll(v);
        else if (VAL("--modes")) {
            if ((rc = cline_modes_parse(v, &plan.modes, &err)) != CC_OK)
                break;
        } else if (VAL("--targets")) {
            if ((rc = cline_targets_parse(v, &plan.targets, &err)) != CC_OK)
                break;
        } else if (strcmp(o, "--prompt-cache") == 0)
            plan.prompt_cache = true;
        else if (strcmp(o, "--force") == 0)
            plan.force = true;
        else {
            fprintf(stderr, "driver: unknown argument %s\n", o);
            return 2;
        }
#undef VAL
    }

    cline_locations loc;
    memset(&loc, 0, sizeof loc);
    char *aws_config = NULL, *aws_creds = NULL;
    if (rc == CC_OK)
        rc = cline_locate(editors_process_env, NULL, &loc, &err);
    if (rc == CC_OK)
        rc = awsfiles_locate(cc_getenv_process, NULL, &aws_config, &aws_creds, &err);
    cline_targets_env env = {&loc, aws_config, aws_creds, NULL};

    if (rc == CC_OK && strcmp(cmd, "apply") == 0) {
        safefile_run *run = NULL;
        cline_apply_result res;
        memset(&res, 0, sizeof res);
        rc = safefile_run_new(&ctx, "setup", &run, &err);
        if (rc == CC_OK)
            rc = cline_apply(&ctx, run, &plan, &env, &res, &err);
        if (res.nfiles) {
            cJSON_AddItemToObject(ctx.result, "files", cline_apply_result_files_json(&res, ctx.dry_run));
            if (run && safefile_run_id(run))
                cJSON_AddStringToObject(ctx.result, "run_id", safefile_run_id(run));
            if (ctx.dry_run)
                for (size_t k = 0; k < res.nfiles; k++)
                    if (res.files[k].diff && *res.files[k].diff)
                        fputs(res.files[k].diff, stdout);
        }
        cJSON_AddBoolToObject(ctx.result, "reload_needed", res.reload_needed);
        cJSON_AddNumberToObject(ctx.result, "cline_processes", (double)res.running.n);
        cJSON_AddNumberToObject(ctx.result, "legacy_stores", (double)res.nlegacy);
        cline_apply_result_free(&res);
        safefile_run_free(run);
    } else if (rc == CC_OK && strcmp(cmd, "inspect") == 0) {
        cline_inspection in;
        rc = cline_inspect(&env, &in, &err);
        if (rc == CC_OK) {
            cJSON_AddItemToObject(ctx.result, "cline", cline_inspection_json(&in));
            cline_inspection_free(&in);
        }
    } else if (rc == CC_OK) {
        rc = CC_EUSAGE;
        cc_err_set(&err, CC_EUSAGE, "usage", "unknown driver command %s", cmd);
    }
    int code = out_finish(&ctx.out, rc, &err, ctx.result);
    cJSON_Delete(ctx.result);
    cline_locations_free(&loc);
    free(aws_config);
    free(aws_creds);
    return code;
}
