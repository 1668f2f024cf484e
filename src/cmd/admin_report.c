/*
 * admin_report.c - 'clinecfg admin report': the team's usage over a window
 * (whole UTC days) from every member-tagged application profile, as a
 * table, JSON, CSV or one HTML file, to stdout or atomically to -o FILE.
 * Fetching and rendering live in src/app/report*.c; this file owns the
 * options, the price table and where the result goes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin_report.h"
#include "clinecfg/atomicfile.h"
#include "clinecfg/config.h"
#include "clinecfg/keyring.h"
#include "clinecfg/report.h"
#include "clinecfg/session.h"

enum {
    REPORT_OPT_TEAM,
    REPORT_OPT_SINCE,
    REPORT_OPT_UNTIL,
    REPORT_OPT_GROUP,
    REPORT_OPT_FORMAT,
    REPORT_OPT_OUTPUT,
    REPORT_OPT_REGION,
    REPORT_OPT_AWS_PROFILE,
    REPORT_OPT_CONCURRENCY,
    REPORT_OPT_COUNT
};

static const cli_opt report_opts_table[REPORT_OPT_COUNT] = {
    [REPORT_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "only team T"},
    [REPORT_OPT_SINCE] = {"since", 0, OPT_VALUE, "SPEC", "start day (today, month, 7d, 30d, ISO date; default month)"},
    [REPORT_OPT_UNTIL] = {"until", 0, OPT_VALUE, "SPEC", "end (same forms; default now), UTC unless an offset is given"},
    /* OPT_LIST so that a repeat joins to "member,team", which parse_options
     * refuses: two groupings are an error, not last-wins. */
    [REPORT_OPT_GROUP] = {"group", 0, OPT_LIST, "BY", "member (default) or team: one row each"},
    [REPORT_OPT_FORMAT] = {"format", 0, OPT_VALUE, "FMT", "table (default), json, csv or html"},
    [REPORT_OPT_OUTPUT] = {"output", 'o', OPT_VALUE, "FILE", "write to FILE (atomically) instead of stdout"},
    [REPORT_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region"},
    [REPORT_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
    [REPORT_OPT_CONCURRENCY] = {"concurrency", 0, OPT_VALUE, "N", "tag and metric lookups in flight at most (default 16)"},
};

typedef enum { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_HTML } report_format;

static int parse_options(const cli_args *a, report_opts *o, report_format *fmt, bool *group_team, cc_err *err)
{
    long long now = (long long)time(NULL);
    const char *since = cli_value(a, REPORT_OPT_SINCE), *until = cli_value(a, REPORT_OPT_UNTIL);
    int rc = usage_parse_time("--since", since ? since : "month", now, &o->since, err);
    if (!rc)
        rc = usage_parse_time("--until", until ? until : "now", now, &o->until, err);
    if (rc)
        return rc;
    o->since -= ((o->since % 86400) + 86400) % 86400; /* the report is daily: whole UTC days */
    if (o->since >= o->until) {
        cc_err_set(err, CC_EUSAGE, "usage", "--since must be before --until");
        return CC_EUSAGE;
    }
    const char *group = cli_value(a, REPORT_OPT_GROUP);
    if (group && strcmp(group, "member") && strcmp(group, "team"))
        return cc_err_set(err, CC_EUSAGE, "usage", "--group %s: give member or team", group);
    *group_team = group && !strcmp(group, "team");
    static const char *const names[] = {"table", "json", "csv", "html"};
    const char *f = cli_value(a, REPORT_OPT_FORMAT);
    *fmt = FMT_TABLE;
    if (f) {
        int k;
        for (k = 0; k < 4 && strcmp(f, names[k]); k++)
            ;
        if (k == 4)
            return cc_err_set(err, CC_EUSAGE, "usage", "--format %s: give table, json, csv or html", f);
        *fmt = (report_format)k;
    }
    const char *cv = cli_value(a, REPORT_OPT_CONCURRENCY);
    o->concurrency = 16;
    if (cv) {
        char *end;
        errno = 0;
        long v = strtol(cv, &end, 10);
        if (errno || *end || v < 1 || v > 64)
            return cc_err_set(err, CC_EUSAGE, "usage", "--concurrency %s: give a number from 1 to 64", cv);
        o->concurrency = (size_t)v;
    }
    o->team = cli_value(a, REPORT_OPT_TEAM);
    return 0;
}

/* The JSON document of --format json: the result with ok and exit_code. */
static char *json_document(const cJSON *result)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "ok", 1);
    cJSON_AddNumberToObject(doc, "exit_code", 0);
    const cJSON *m;
    cJSON_ArrayForEach(m, result)
        cJSON_AddItemToObject(doc, m->string, cJSON_Duplicate(m, 1));
    char *s = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t)
        return s;
    t[n] = '\n';
    t[n + 1] = '\0';
    return t;
}

static int emit(cc_ctx *ctx, const report *r, report_format fmt, const char *path, cc_err *err)
{
    report_to_json(r, ctx->result);
    strbuf b = {0};
    if (fmt == FMT_JSON) {
        if (!path) {
            ctx->out.json = true; /* out_finish prints the one JSON object */
            return 0;
        }
        char *doc = json_document(ctx->result);
        if (doc)
            strbuf_puts(&b, doc);
        free(doc);
    } else if (fmt == FMT_CSV) {
        report_csv(r, &b);
    } else if (fmt == FMT_HTML) {
        report_html(r, &b);
    } else {
        report_table(r, &b, usage_locale_utf8());
    }
    int rc = b.oom ? cc_err_oom(err) : 0;
    if (!rc && path) {
        rc = safefile_write_atomic(path, b.p ? b.p : "", b.len, 0644, err);
        if (!rc) {
            out_step_ok(&ctx->out, "wrote %s", path);
            cJSON_AddStringToObject(ctx->result, "file", path);
        }
    } else if (!rc) {
        out_text(&ctx->out, "%s", b.p ? b.p : "");
    }
    strbuf_release(&b);
    return rc;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (a->npos)
        return cc_err_set(err, CC_EUSAGE, "usage", "clinecfg admin report takes no arguments (got '%s'); 'clinecfg admin report --help' lists its options",
                          a->pos[0]);
    report_opts o;
    memset(&o, 0, sizeof o);
    report_format fmt = FMT_TABLE;
    bool group_team = false;
    int rc = parse_options(a, &o, &fmt, &group_team, err);
    if (rc)
        return rc;
    cc_config cfg;
    rc = cfg_load(&cfg, ctx, err);
    const char *region = cli_value(a, REPORT_OPT_REGION);
    if (!rc && region)
        rc = cfg_set_flag(&cfg, CFG_REGION, "--region", region, err);
    price_table prices;
    memset(&prices, 0, sizeof prices);
    if (!rc)
        rc = usage_load_prices(ctx->self_path, cfg_json(&cfg, CFG_PRICES), &prices, err);
    session s;
    memset(&s, 0, sizeof s);
    if (!rc) {
        session_opts so = {.aws_profile = cli_value(a, REPORT_OPT_AWS_PROFILE), .region = cfg_str(&cfg, CFG_REGION),
                           .account = keyring_account_name(NULL)};
        rc = session_open(&s, ctx, &so, err);
    }
    report r;
    memset(&r, 0, sizeof r);
    if (!rc) {
        o.team_key = cfg_str(&cfg, CFG_TAG_KEY_TEAM);
        o.member_key = cfg_str(&cfg, CFG_TAG_KEY_MEMBER);
        o.prices = &prices;
        o.out = &ctx->out;
        o.progress = !ctx->out.quiet && !ctx->out.json && isatty(STDERR_FILENO);
        rc = report_fetch(s.aws, &o, &r, err);
    }
    if (!rc && group_team)
        rc = report_group_by_team(&r, err);
    if (!rc)
        rc = emit(ctx, &r, fmt, cli_value(a, REPORT_OPT_OUTPUT), err);
    report_free(&r);
    session_close(&s);
    prices_free(&prices);
    cfg_free(&cfg);
    return rc;
}

const cli_command cmd_admin_report = {
    .name = "report",
    .summary = "the team's usage: tokens, estimate and billed cost per member or team",
    .description = "Every application profile with the member tag, its CloudWatch tokens, estimate and billed cost\n"
                   "(one Cost Explorer call), sorted by cost, with a totals row, over whole UTC days.",
    .opts = CLI_OPTS(report_opts_table),
    .run = run,
};
