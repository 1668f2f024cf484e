/*
 * report_render.c - the team usage report as JSON, a text table, RFC 4180
 * CSV (CRLF, fields quoted when they hold a comma, quote, CR or LF) and one
 * self-contained HTML file: inline CSS and SVG only (no script, no network),
 * a bar per member and a daily stacked timeline per team, with every value
 * that comes from AWS (tags, names, ARNs) HTML-escaped.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/report.h"

/* ------------------------------------------------------------------ JSON */

static void num_or_null(cJSON *o, const char *key, bool have, double v)
{
    if (have)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *row_json(const report *r, const report_row *w, bool with_profile)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "team", w->team);
    if (r->grouped && w != &r->total) {
        cJSON_AddNullToObject(o, "member");
        cJSON_AddNumberToObject(o, "profiles", (double)w->profiles);
    } else {
        cJSON_AddStringToObject(o, "member", w->member);
    }
    if (with_profile && w->arn) {
        cJSON *p = cJSON_AddObjectToObject(o, "profile");
        cJSON_AddStringToObject(p, "arn", w->arn);
        cJSON_AddStringToObject(p, "id", w->id);
        cJSON_AddStringToObject(p, "name", w->name);
    } else if (with_profile) {
        cJSON_AddNullToObject(o, "profile");
    }
    cJSON_AddNumberToObject(o, "invocations", w->c.v[U_INVOCATIONS]);
    cJSON_AddNumberToObject(o, "input_tokens", w->c.v[U_INPUT]);
    cJSON_AddNumberToObject(o, "output_tokens", w->c.v[U_OUTPUT]);
    num_or_null(o, "cache_read_tokens", r->cache_present[0], w->c.v[U_CACHE_READ]);
    num_or_null(o, "cache_write_tokens", r->cache_present[1], w->c.v[U_CACHE_WRITE]);
    double cs = usage_cache_share(&w->c);
    num_or_null(o, "cache_share", r->cache_present[0] && cs >= 0, cs);
    num_or_null(o, "estimated_usd", w->est_complete, w->est);
    num_or_null(o, "billed_usd", r->billed_ok && w->has_billed, w->billed);
    cJSON_AddNumberToObject(o, "share", w->share);
    return o;
}

void report_to_json(const report *r, cJSON *obj)
{
    char buf[32];
    usage_iso_time(r->since, buf, sizeof buf);
    cJSON_AddStringToObject(obj, "since", buf);
    usage_iso_time(r->until, buf, sizeof buf);
    cJSON_AddStringToObject(obj, "until", buf);
    cJSON_AddStringToObject(obj, "group", r->grouped ? "team" : "member");
    cJSON *rows = cJSON_AddArrayToObject(obj, "rows");
    for (size_t i = 0; i < r->n; i++)
        cJSON_AddItemToArray(rows, row_json(r, &r->rows[i], true));
    cJSON *t = row_json(r, &r->total, false);
    cJSON_DeleteItemFromObject(t, "team");
    cJSON_DeleteItemFromObject(t, "member");
    cJSON_AddNumberToObject(t, "profiles", (double)r->total.profiles);
    cJSON_AddItemToObject(obj, "totals", t);
    cJSON *bad = cJSON_AddArrayToObject(obj, "inconsistent");
    for (size_t i = 0; i < r->nbad; i++) {
        cJSON *o = row_json(r, &r->bad[i], true);
        cJSON_AddStringToObject(o, "reason", r->bad[i].reason ? r->bad[i].reason : "");
        cJSON_AddItemToArray(bad, o);
    }
    if (!r->billed_ok)
        cJSON_AddStringToObject(obj, "billed_unavailable", r->billed_note);
    cJSON *pr = cJSON_AddObjectToObject(obj, "prices");
    cJSON_AddStringToObject(pr, "source", r->prices_source ? r->prices_source : "");
    cJSON_AddStringToObject(pr, "date", r->prices_date ? r->prices_date : "");
    cJSON *st = cJSON_AddObjectToObject(obj, "stats");
    cJSON_AddNumberToObject(st, "profiles_listed", (double)r->profiles_listed);
    cJSON_AddNumberToObject(st, "list_calls", (double)r->list_calls);
    cJSON_AddNumberToObject(st, "tag_calls", (double)r->tag_calls);
    cJSON_AddNumberToObject(st, "get_metric_data_calls", (double)r->cw_calls);
    cJSON_AddNumberToObject(st, "cost_explorer_calls", (double)r->ce_calls);
    cJSON_AddNumberToObject(st, "requests", (double)r->requests);
    cJSON_AddNumberToObject(st, "round_trips", (double)r->round_trips);
}

/* ----------------------------------------------------------------- table */

static void fmt_usd(char *out, size_t size, bool have, double v)
{
    if (have)
        snprintf(out, size, "%.2f", v);
    else
        snprintf(out, size, "-");
}

static void table_row(strbuf *b, const report *r, const report_row *w, const char *member)
{
    char f[5][32], share[16], cache[16], est[24], billed[24];
    static const usage_field fields[5] = {U_INVOCATIONS, U_INPUT, U_OUTPUT, U_CACHE_READ, U_CACHE_WRITE};
    for (int k = 0; k < 5; k++) {
        if (k >= 3 && !r->cache_present[k - 3])
            snprintf(f[k], sizeof f[k], "n/a");
        else
            usage_group_digits(w->c.v[fields[k]], f[k], sizeof f[k]);
    }
    double cs = usage_cache_share(&w->c);
    snprintf(cache, sizeof cache, cs >= 0 && r->cache_present[0] ? "%.0f%%" : "-", cs * 100);
    snprintf(share, sizeof share, "%.1f%%", w->share * 100);
    fmt_usd(est, sizeof est, w->est_complete, w->est);
    fmt_usd(billed, sizeof billed, r->billed_ok && w->has_billed, w->billed);
    usage_printf(b, "%-12.40s %-16.64s %-28.64s %7s %13s %11s %13s %11s %5s %9s %9s %6s\n", w->team, member,
                 w->name ? w->name : "", f[0], f[1], f[2], f[3], f[4], cache, est, billed, share);
}

void report_table(const report *r, strbuf *b, bool utf8)
{
    char since[32], until[32];
    usage_iso_time(r->since, since, sizeof since);
    usage_iso_time(r->until, until, sizeof until);
    usage_printf(b, "Bedrock usage %s .. %s, %zu profile(s)\n\n", since, until, r->total.profiles);
    usage_printf(b, "%-12s %-16s %-28s %7s %13s %11s %13s %11s %5s %9s %9s %6s\n", "TEAM",
                 r->grouped ? "MEMBERS" : "MEMBER", "PROFILE", "CALLS", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE",
                 "CACHE", "EST. USD", "BILLED", "SHARE");
    for (size_t i = 0; i < r->n; i++) {
        char members[32];
        snprintf(members, sizeof members, "%zu", r->rows[i].profiles);
        table_row(b, r, &r->rows[i], r->grouped ? members : r->rows[i].member);
    }
    table_row(b, r, &r->total, "TOTAL");
    usage_printf(b, "\nEST. USD: an estimate from the price table of %s. ", r->prices_date ? r->prices_date : "?");
    if (r->billed_ok)
        usage_printf(b, "BILLED: Cost Explorer, %s .. %s (lags about a day).\n", since, until);
    else
        usage_printf(b, "BILLED: none - %s\n", r->billed_note);
    if (r->nbad) {
        usage_printf(b, "\nProfiles with missing or inconsistent tags (%zu), not in the totals:\n", r->nbad);
        for (size_t i = 0; i < r->nbad; i++) {
            char tokens[32];
            usage_group_digits(usage_tokens(&r->bad[i].c), tokens, sizeof tokens);
            usage_printf(b, "  %s  %s: %s (%s tokens)\n", r->bad[i].name, r->bad[i].arn, r->bad[i].reason, tokens);
        }
    }
    (void)utf8;
}

/* ------------------------------------------------------------------- CSV */

/* One RFC 4180 cell holding prefix + s. */
static void csv_cell(strbuf *b, const char *prefix, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        strbuf_puts(b, "\"");
        strbuf_puts(b, prefix);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                strbuf_puts(b, "\"");
            strbuf_put(b, p, 1);
        }
        strbuf_puts(b, "\"");
    } else {
        strbuf_puts(b, prefix);
        strbuf_puts(b, s);
    }
    strbuf_puts(b, last ? "\r\n" : ",");
}

static void csv_field(strbuf *b, const char *s, bool last)
{
    csv_cell(b, "", s, last);
}

/* A text cell that a spreadsheet would read as a formula (tag values are
 * chosen by whoever tagged the profile) gets a leading apostrophe, which
 * the spreadsheet shows as text and does not run. */
static void csv_text(strbuf *b, const char *s)
{
    csv_cell(b, s[0] && strchr("=+-@\t\r", s[0]) ? "'" : "", s, false);
}

static void csv_num(strbuf *b, bool have, int decimals, double v)
{
    char buf[48] = "";
    if (have)
        snprintf(buf, sizeof buf, "%.*f", decimals, v);
    csv_field(b, buf, false);
}

static void csv_row(strbuf *b, const report *r, const report_row *w, const char *status)
{
    char share[32];
    csv_text(b, w->team);
    csv_text(b, w->member);
    csv_text(b, w->name ? w->name : "");
    csv_text(b, w->arn ? w->arn : "");
    csv_num(b, true, 0, w->c.v[U_INVOCATIONS]);
    csv_num(b, true, 0, w->c.v[U_INPUT]);
    csv_num(b, true, 0, w->c.v[U_OUTPUT]);
    csv_num(b, r->cache_present[0], 0, w->c.v[U_CACHE_READ]);
    csv_num(b, r->cache_present[1], 0, w->c.v[U_CACHE_WRITE]);
    double cs = usage_cache_share(&w->c);
    csv_num(b, cs >= 0 && r->cache_present[0], 4, cs);
    csv_num(b, w->est_complete, 6, w->est);
    csv_num(b, r->billed_ok && w->has_billed, 6, w->billed);
    snprintf(share, sizeof share, "%.6f", w->share);
    csv_field(b, share, false);
    csv_field(b, status, true);
}

void report_csv(const report *r, strbuf *b)
{
    strbuf_puts(b, "team,member,profile_name,profile_arn,invocations,input_tokens,output_tokens,cache_read_tokens,"
                   "cache_write_tokens,cache_share,estimated_usd,billed_usd,share,status\r\n");
    for (size_t i = 0; i < r->n; i++)
        csv_row(b, r, &r->rows[i], "ok");
    for (size_t i = 0; i < r->nbad; i++)
        csv_row(b, r, &r->bad[i], r->bad[i].reason ? r->bad[i].reason : "inconsistent");
    csv_row(b, r, &r->total, "total");
}

/* ------------------------------------------------------------------ HTML */

static void html_esc(strbuf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '<': strbuf_puts(b, "&lt;"); break;
        case '>': strbuf_puts(b, "&gt;"); break;
        case '&': strbuf_puts(b, "&amp;"); break;
        case '"': strbuf_puts(b, "&quot;"); break;
        case '\'': strbuf_puts(b, "&#39;"); break;
        default: strbuf_put(b, p, 1);
        }
    }
}

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

static void html_member_chart(strbuf *b, const report *r)
{
    enum { BAR_H = 18, GAP = 4, LABEL_W = 220, CHART_W = 520 };
    double max = 0;
    for (size_t i = 0; i < r->n; i++)
        max = usage_tokens(&r->rows[i].c) > max ? usage_tokens(&r->rows[i].c) : max;
    size_t h = r->n * (BAR_H + GAP) + GAP;
    usage_printf(b, "<h2>Tokens per %s</h2>\n<svg id=\"member-chart\" "
                    "width=\"%d\" height=\"%zu\" role=\"img\">\n", r->grouped ? "team" : "member",
                 LABEL_W + CHART_W + 120, h);
    for (size_t i = 0; i < r->n; i++) {
        const report_row *w = &r->rows[i];
        double tokens = usage_tokens(&w->c);
        double width = max > 0 ? tokens / max * CHART_W : 0;
        size_t y = GAP + i * (BAR_H + GAP);
        char label[32];
        usage_group_digits(tokens, label, sizeof label);
        usage_printf(b, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", LABEL_W - 6, y + BAR_H - 4);
        html_esc(b, r->grouped ? w->team : w->member);
        usage_printf(b, "</text><rect class=\"bar\" data-member=\"");
        html_esc(b, r->grouped ? w->team : w->member);
        usage_printf(b, "\" x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>", LABEL_W, y,
                     width < 1 && tokens > 0 ? 1.0 : width, BAR_H, palette[i % 10]);
        html_esc(b, w->member);
        usage_printf(b, ": %s tokens</title></rect><text x=\"%.1f\" y=\"%zu\">%s</text>\n", label,
                     LABEL_W + width + 6, y + BAR_H - 4, label);
    }
    strbuf_puts(b, "</svg>\n");
}

/* The teams in first-seen order of the (cost-sorted) rows. */
static size_t team_list(const report *r, const char **teams, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t k;
        for (k = 0; k < n && strcmp(teams[k], r->rows[i].team); k++)
            ;
        if (k == n && n < max)
            teams[n++] = r->rows[i].team;
    }
    return n;
}

static void html_timeline(strbuf *b, const report *r)
{
    enum { H = 220, DAY_W = 18, LEFT = 10 };
    const char *teams[64];
    size_t nt = team_list(r, teams, 64);
    double *per = calloc(r->ndays * (nt ? nt : 1) + 1, sizeof *per);
    if (!per) {
        b->oom = true;
        return;
    }
    double max = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t k;
        for (k = 0; k < nt && strcmp(teams[k], r->rows[i].team); k++)
            ;
        for (size_t d = 0; k < nt && d < r->ndays; d++)
            per[d * nt + k] += r->rows[i].daily[d];
    }
    for (size_t d = 0; d < r->ndays; d++) {
        double sum = 0;
        for (size_t k = 0; k < nt; k++)
            sum += per[d * nt + k];
        max = sum > max ? sum : max;
    }
    usage_printf(b, "<h2>Daily tokens per team</h2>\n<svg id=\"team-timeline\" "
                    "width=\"%zu\" height=\"%d\" role=\"img\">\n", LEFT * 2 + r->ndays * DAY_W, H + 20);
    for (size_t d = 0; d < r->ndays; d++) {
        double y = H;
        char day[16];
        usage_iso_date(r->since + (long long)d * 86400, day, sizeof day);
        for (size_t k = 0; k < nt; k++) {
            double h = max > 0 ? per[d * nt + k] / max * (H - 10) : 0;
            if (h <= 0)
                continue;
            y -= h;
            usage_printf(b, "<rect class=\"day\" x=\"%zu\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>",
                         LEFT + d * DAY_W, y, DAY_W - 3, h, palette[k % 10]);
            html_esc(b, teams[k]);
            usage_printf(b, " %s: %.0f tokens</title></rect>\n", day, per[d * nt + k]);
        }
        if (d % 7 == 0)
            usage_printf(b, "<text x=\"%zu\" y=\"%d\" font-size=\"9\">%s</text>\n", LEFT + d * DAY_W, H + 14, day + 5);
    }
    strbuf_puts(b, "</svg>\n<p class=\"legend\">");
    for (size_t k = 0; k < nt; k++) {
        usage_printf(b, "<span style=\"color:%s\">&#9632;</span> ", palette[k % 10]);
        html_esc(b, teams[k]);
        strbuf_puts(b, " &nbsp; ");
    }
    strbuf_puts(b, "</p>\n");
    free(per);
}

static void html_cell_num(strbuf *b, bool have, int decimals, double v, const char *unit)
{
    if (have)
        usage_printf(b, "<td class=\"n\">%.*f%s</td>", decimals, v, unit);
    else
        strbuf_puts(b, "<td class=\"n\">-</td>");
}

static void html_row(strbuf *b, const report *r, const report_row *w, const char *extra, bool total)
{
    strbuf_puts(b, total ? "<tr class=\"total\"><td>" : "<tr><td>");
    html_esc(b, w->team);
    strbuf_puts(b, "</td><td>");
    html_esc(b, w->member);
    strbuf_puts(b, "</td><td>");
    html_esc(b, w->name ? w->name : "");
    strbuf_puts(b, "</td>");
    html_cell_num(b, true, 0, w->c.v[U_INVOCATIONS], "");
    html_cell_num(b, true, 0, w->c.v[U_INPUT], "");
    html_cell_num(b, true, 0, w->c.v[U_OUTPUT], "");
    html_cell_num(b, r->cache_present[0], 0, w->c.v[U_CACHE_READ], "");
    html_cell_num(b, r->cache_present[1], 0, w->c.v[U_CACHE_WRITE], "");
    double cs = usage_cache_share(&w->c);
    html_cell_num(b, cs >= 0 && r->cache_present[0], 0, cs * 100, "%");
    html_cell_num(b, w->est_complete, 2, w->est, "");
    html_cell_num(b, r->billed_ok && w->has_billed, 2, w->billed, "");
    html_cell_num(b, true, 1, w->share * 100, "%");
    if (extra) {
        strbuf_puts(b, "<td>");
        html_esc(b, extra);
        strbuf_puts(b, "</td>");
    }
    strbuf_puts(b, "</tr>\n");
}

static const char table_head[] = "<tr><th>Team</th><th>Member</th><th>Profile</th><th>Calls</th><th>Input</th>"
                                 "<th>Output</th><th>Cache read</th><th>Cache write</th><th>Cache share</th>"
                                 "<th>Est. USD</th><th>Billed USD</th><th>Share</th>";

void report_html(const report *r, strbuf *b)
{
    char since[32], until[32];
    usage_iso_date(r->since, since, sizeof since);
    usage_iso_date(r->until - 1, until, sizeof until);
    usage_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                    "<title>Bedrock usage %s to %s</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}\n"
                    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right}\n"
                    "tr.total td{font-weight:bold}svg text{font-size:12px;font-family:sans-serif}\n</style></head><body>\n"
                    "<h1>Bedrock usage %s to %s (UTC)</h1>\n", since, until, since, until);
    usage_printf(b, "<p>%zu profile(s). Estimated USD comes from the price table of ", r->total.profiles);
    html_esc(b, r->prices_date ? r->prices_date : "?");
    strbuf_puts(b, r->billed_ok ? "; billed USD from Cost Explorer (it lags about a day).</p>\n"
                                : "; no billed figures: ");
    if (!r->billed_ok) {
        html_esc(b, r->billed_note);
        strbuf_puts(b, "</p>\n");
    }
    html_member_chart(b, r);
    html_timeline(b, r);
    usage_printf(b, "<h2>Table</h2>\n<table id=\"report\">\n%s</tr>\n", table_head);
    for (size_t i = 0; i < r->n; i++)
        html_row(b, r, &r->rows[i], NULL, false);
    html_row(b, r, &r->total, NULL, true);
    strbuf_puts(b, "</table>\n");
    if (r->nbad) {
        usage_printf(b, "<h2>Profiles with missing or inconsistent tags</h2>\n<table id=\"inconsistent\">\n%s"
                        "<th>Reason</th></tr>\n", table_head);
        for (size_t i = 0; i < r->nbad; i++)
            html_row(b, r, &r->bad[i], r->bad[i].reason, false);
        strbuf_puts(b, "</table>\n");
    }
    strbuf_puts(b, "</body></html>\n");
}
