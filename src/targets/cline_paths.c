/*
 * cline_paths.c - Cline's data folder and the files in it, resolved the way
 * Cline itself resolves them (see include/clinecfg/cline_paths.h).
 */
#define _GNU_SOURCE
#include "clinecfg/cline_paths.h"

#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *editors_process_env(void *ud, const char *name)
{
    (void)ud;
    return cline_getenv(NULL, NULL, name);
}

const char *cline_getenv(cc_getenv_fn fn, void *ud, const char *name)
{
    const char *v = cc_getenv(fn, ud, name);
    return (v && *v) ? v : NULL;
}

char *cline_path_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    return r < 0 ? NULL : s;
}

/* Joins a (possibly relative) path onto the current folder and removes
 * "." and empty segments and resolves "..", as Node's path.resolve does. */
static char *path_absolute(const char *p)
{
    char *joined;
    if (p[0] == '/') {
        joined = strdup(p);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        joined = cline_path_format("%s/%s", cwd, p);
    }
    if (!joined)
        return NULL;
    size_t n = strlen(joined);
    char *out = malloc(n + 2);
    if (!out) {
        free(joined);
        return NULL;
    }
    size_t o = 0;
    const char *s = joined;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 1 && s[0] == '.') {
            /* skip */
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s += len;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    free(joined);
    return out;
}

char *cline_home_dir(cc_getenv_fn fn, void *ud)
{
    const char *h = cline_getenv(fn, ud, "HOME");
    if (h)
        return path_absolute(h);
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res && res->pw_dir && *res->pw_dir)
        return path_absolute(res->pw_dir);
    return NULL;
}

void cline_locations_free(cline_locations *loc)
{
    if (!loc)
        return;
    free(loc->home);
    free(loc->data_dir);
    free(loc->global_state);
    free(loc->secrets);
    free(loc->providers);
    free(loc->cli_global_settings);
    memset(loc, 0, sizeof *loc);
}

int cline_locate(cc_getenv_fn getenv_fn, void *ud, cline_locations *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *data = cline_getenv(getenv_fn, ud, "CLINE_DATA_DIR");
    const char *cdir = cline_getenv(getenv_fn, ud, "CLINE_DIR");
    out->home = cline_home_dir(getenv_fn, ud);
    if (data) {
        out->data_dir = path_absolute(data);
        out->data_dir_from = "CLINE_DATA_DIR";
    } else if (cdir) {
        char *tmp = cline_path_format("%s/data", cdir);
        out->data_dir = tmp ? path_absolute(tmp) : NULL;
        free(tmp);
        out->data_dir_from = "CLINE_DIR";
    } else {
        if (!out->home) {
            cline_locations_free(out);
            cc_err_set(err, CC_EINPUT, "cline.no_home", "cannot find the Cline data folder: HOME is not set and the password database has no home folder");
            cc_err_hint(err, "set HOME, or CLINE_DATA_DIR to Cline's data folder");
            return CC_EINPUT;
        }
        out->data_dir = cline_path_format("%s/.cline/data", strcmp(out->home, "/") == 0 ? "" : out->home);
        out->data_dir_from = "HOME";
    }
    if (!out->data_dir)
        goto oom;
    out->global_state = cline_path_format("%s/globalState.json", out->data_dir);
    out->secrets = cline_path_format("%s/secrets.json", out->data_dir);
    out->cli_global_settings = cline_path_format("%s/settings/global-settings.json", out->data_dir);
    const char *pv = cline_getenv(getenv_fn, ud, "CLINE_PROVIDER_SETTINGS_PATH");
    out->providers = pv ? path_absolute(pv) : cline_path_format("%s/settings/providers.json", out->data_dir);
    if (!out->global_state || !out->secrets || !out->providers || !out->cli_global_settings)
        goto oom;
    return CC_OK;
oom:
    cline_locations_free(out);
    return cc_err_oom(err);
}

