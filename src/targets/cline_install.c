/*
 * cline_install.c - finds the cline CLI on PATH and the Cline VS Code
 * extension, with their versions (see include/clinecfg/cline_install.h).
 */
#define _GNU_SOURCE
#include "clinecfg/cline_install.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clinecfg/atomicfile.h"

#define PACKAGE_JSON_MAX ((size_t)8 * 1024 * 1024)
#define EXTENSION_ID "saoudrizwan.claude-dev"

/* The "version" of dir/package.json when its "name" is `name` (NULL: any). */
static bool package_version(const char *dir, const char *name, char *version, size_t size)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/package.json", dir);
    char *text = NULL;
    size_t len = 0;
    bool exists = false;
    bool found = false;
    if (safefile_read(path, PACKAGE_JSON_MAX, &text, &len, &exists, NULL) == 0 && exists) {
        cJSON *j = cJSON_ParseWithLength(text, len);
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "name");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "version");
        if (cJSON_IsString(v) && strlen(v->valuestring) < size &&
            (!name || (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0))) {
            snprintf(version, size, "%s", v->valuestring);
            found = true;
        }
        cJSON_Delete(j);
    }
    free(text);
    return found;
}

static void find_cli(const char *path_var, cline_installs *out)
{
    for (const char *p = path_var; p && *p;) {
        size_t len = strcspn(p, ":");
        char cand[PATH_MAX];
        struct stat st;
        if (len > 0 && snprintf(cand, sizeof cand, "%.*s/cline", (int)len, p) < (int)sizeof cand &&
            stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
            snprintf(out->cli_path, sizeof out->cli_path, "%s", cand);
            break;
        }
        p += len + (p[len] == ':');
    }
    char dir[PATH_MAX];
    if (!out->cli_path[0] || !realpath(out->cli_path, dir))
        return;
    /* npm: bin/cline -> ../lib/node_modules/cline/bin/cline.js (or dist/...):
     * the package.json is a few folders up from the resolved file. */
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return;
        *slash = '\0';
        if (package_version(dir, "cline", out->cli_version, sizeof out->cli_version))
            return;
    }
}

/* Numeric comparison of dotted versions ("3.10.0" > "3.9.2"). */
static int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        char *ea, *eb;
        long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        if (ea == a || eb == b)
            return strcmp(a, b);
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
        if ((*a == '\0') != (*b == '\0'))
            return *a ? 1 : -1;
    }
    return 0;
}

static void scan_extensions(const char *ext_root, cline_installs *out)
{
    DIR *d = opendir(ext_root);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, EXTENSION_ID "-", sizeof EXTENSION_ID) != 0)
            continue;
        char dir[PATH_MAX], version[32];
        if (snprintf(dir, sizeof dir, "%s/%s", ext_root, e->d_name) >= (int)sizeof dir)
            continue;
        if (package_version(dir, NULL, version, sizeof version) &&
            (!out->ext_version[0] || version_cmp(version, out->ext_version) > 0)) {
            snprintf(out->ext_version, sizeof out->ext_version, "%s", version);
            snprintf(out->ext_dir, sizeof out->ext_dir, "%s", dir);
        }
    }
    closedir(d);
}

/* ~/.vscode, ~/.vscode-insiders, ~/.vscode-server, ~/.vscode-oss, ... */
static void find_extension(const char *home, cline_installs *out)
{
    DIR *d = home ? opendir(home) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char root[PATH_MAX];
        if (strncmp(e->d_name, ".vscode", 7) == 0 &&
            snprintf(root, sizeof root, "%s/%s/extensions", home, e->d_name) < (int)sizeof root)
            scan_extensions(root, out);
    }
    closedir(d);
}

void cline_installs_find(cc_getenv_fn getenv_fn, void *ud, cline_installs *out)
{
    memset(out, 0, sizeof *out);
    find_cli(cc_getenv(getenv_fn, ud, "PATH"), out);
    find_extension(cc_getenv(getenv_fn, ud, "HOME"), out);
}

bool cline_cli_loses_prompt_cache(const char *version)
{
    return version && *version && version_cmp(version, "3.0.57") >= 0 && version_cmp(version, "3.0.65") <= 0;
}
