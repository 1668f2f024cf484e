/* output.c - progress on stderr, one result on stdout (see output.h). */
#include "clinecfg/output.h"
#include "clinecfg/secret.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void out_init(cc_out *o, bool json, bool quiet, int verbose, bool no_color)
{
    memset(o, 0, sizeof *o);
    o->json = json;
    o->quiet = quiet;
    o->verbose = verbose;
    o->errf = stderr;
    o->outf = stdout;
    const char *nc = getenv("NO_COLOR");
    o->color = !no_color && !(nc && *nc) && isatty(STDERR_FILENO);
}

__attribute__((format(printf, 4, 0))) static void emit(const cc_out *o, const char *color, const char *tag,
                                                      const char *fmt, va_list ap)
{
    FILE *f = o->errf ? o->errf : stderr;
    if (tag) {
        if (o->color && color)
            fprintf(f, "\033[%sm%s\033[0m", color, tag);
        else
            fputs(tag, f);
    }
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

void out_progress(const cc_out *o, const char *fmt, ...)
{
    if (o->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(o, "1;34", "==> ", fmt, ap);
    va_end(ap);
}

void out_step_ok(const cc_out *o, const char *fmt, ...)
{
    if (o->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(o, "32", "  ok ", fmt, ap);
    va_end(ap);
}

void out_warn(const cc_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(o, "1;33", "warning: ", fmt, ap);
    va_end(ap);
}

void out_trace(const cc_out *o, const char *fmt, ...)
{
    if (o->verbose <= 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(o, "2", "* ", fmt, ap);
    va_end(ap);
}

void out_text(const cc_out *o, const char *fmt, ...)
{
    if (o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->outf ? o->outf : stdout, fmt, ap);
    va_end(ap);
}

#define CANCELLED_CODE "cancelled"

int out_cancelled(cc_err *err, const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cc_err_set(err, CC_EINTERNAL, CANCELLED_CODE, "%s", msg);
}

int out_finish(const cc_out *o, int status, const cc_err *err, const cJSON *result)
{
    int code = cc_exit_code(status);
    FILE *outf = o->outf ? o->outf : stdout;
    if (o->json) {
        cJSON *doc = result ? cJSON_Duplicate(result, 1) : cJSON_CreateObject();
        if (!doc)
            doc = cJSON_CreateObject();
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "ok");
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "exit_code");
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "error");
        cJSON_AddBoolToObject(doc, "ok", code == 0);
        cJSON_AddNumberToObject(doc, "exit_code", code);
        if (code != 0) {
            cJSON *e = cJSON_AddObjectToObject(doc, "error");
            cJSON_AddStringToObject(e, "code", err && err->code[0] ? err->code : cc_status_name(status));
            cJSON_AddStringToObject(e, "message", err && err->message[0] ? err->message : cc_status_name(status));
            if (err && err->hint[0])
                cJSON_AddStringToObject(e, "hint", err->hint);
        }
        /* credential-process --json carries secrets: wipe every copy. */
        char *s = cJSON_PrintUnformatted(doc);
        if (s) {
            fputs(s, outf);
            fputc('\n', outf);
            secret_free(s);
        }
        secret_json_delete(doc);
    } else if (code != 0) {
        FILE *f = o->errf ? o->errf : stderr;
        const char *msg = err && err->message[0] ? err->message : cc_status_name(status);
        if (err && strcmp(err->code, CANCELLED_CODE) == 0)
            fprintf(f, "%s\n", msg);
        else if (o->color)
            fprintf(f, "\033[1;31merror:\033[0m %s\n", msg);
        else
            fprintf(f, "error: %s\n", msg);
        if (err && err->hint[0])
            fprintf(f, "hint: %s\n", err->hint);
    }
    fflush(outf);
    return code;
}
