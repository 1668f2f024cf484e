/*
 * config.c - 'clinecfg config': read or edit clinecfg's user config, or any
 * JSONC file given with --file, through the safe-edit engine.
 *
 *   get KEY          prints the value (strings raw, anything else as JSON);
 *                    exit 4 "key KEY not set in FILE" when absent
 *   set KEY VALUE    VALUE is JSON when it parses as JSON, else a string
 *   unset KEY        removing an absent key is not an error
 *   list             every value, flattened to KEY=VALUE lines (objects are
 *                    descended, arrays shown as JSON); --json gives the object
 *
 * KEY is dotted ("tag_keys.team") or an RFC 6901 pointer ("/editor.fontSize").
 * Keys that contain '.' are listed as pointers so the printed KEY can be fed
 * back to get/set.  For the user config, unknown keys draw a warning (the
 * known ones come from config.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/paths.h"
#include "clinecfg/jsonc.h"
#include "clinecfg/safefile.h"

enum {
    CONFIG_OPT_FILE,
    CONFIG_OPT_COUNT
};

static const cli_opt config_opts[CONFIG_OPT_COUNT] = {
    [CONFIG_OPT_FILE] = {"file", 0, OPT_VALUE, "F", "edit this JSONC file instead of the user config"},
};


/* ---- warnings about interrupted writes -------------------------------------- */

static void warn_stale_temps(const cc_ctx *ctx, const char *file)
{
    char *real = realpath(file, NULL);
    if (!real)
        return;
    char *slash = strrchr(real, '/');
    if (slash) {
        *slash = '\0';
        char **paths = NULL;
        size_t n = 0;
        cc_err e;
        cc_err_clear(&e);
        if (safefile_find_stale_temps(*real ? real : "/", slash + 1, &paths, &n, &e) == CC_OK) {
            for (size_t i = 0; i < n; i++)
                out_warn(&ctx->out, "%s: leftover temp file %s from an interrupted write (the next change of the file removes it)",
                         file, paths[i]);
        }
        safefile_free_paths(paths, n);
    }
    free(real);
}

/* ---- the edit callback ----------------------------------------------------- */

typedef struct config_edit {
    jsonc_edit edit;
    const char *name;
    const cc_ctx *check_ctx; /* user config: check the result as clinecfg will read it; else NULL */
} config_edit;

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

static int apply_edit(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                      size_t *new_len, cc_err *err)
{
    (void)path;
    const config_edit *ce = ud;
    if (ce->edit.op == JSONC_EDIT_DELETE && !exists)
        return SAFEFILE_REMOVE; /* nothing to delete from; removing a missing file changes nothing */
    int r;
    if (!exists || blank(old, old_len)) {
        /* A new (or blank) file starts as an empty object. */
        static const char empty[] = "{}\n";
        r = jsonc_apply(empty, sizeof empty - 1, ce->name, &ce->edit, 1, new_text, new_len, err);
    } else {
        r = jsonc_apply(old, old_len, ce->name, &ce->edit, 1, new_text, new_len, err);
    }
    if (r == CC_OK && ce->check_ctx && (r = cfg_check_text(ce->check_ctx, ce->name, *new_text, *new_len, err))) {
        /* The message points into the edited text: say which edit made it wrong. */
        cc_err_hint(err, "the value given for this key has the wrong type or form; nothing was written");
        free(*new_text);
        *new_text = NULL;
    }
    return r;
}

/* ---- reading ----------------------------------------------------------------- */

typedef struct loaded {
    char *text;
    size_t len;
    bool exists;
    jsonc_doc *doc;
} loaded;

static int load(const cc_ctx *ctx, const char *file, loaded *l, cc_err *err)
{
    memset(l, 0, sizeof *l);
    int r = safefile_read(file, JSONC_MAX_SIZE, &l->text, &l->len, &l->exists, err);
    if (r != CC_OK)
        return r;
    warn_stale_temps(ctx, file);
    if (!l->exists)
        return CC_OK;
    r = jsonc_parse(l->text, l->len, file, &l->doc, err);
    if (r != CC_OK && !err->hint[0])
        cc_err_hint(err, "fix the file by hand (it was not changed), or restore it with 'clinecfg restore'");
    return r;
}

static void unload(loaded *l)
{
    jsonc_free(l->doc);
    free(l->text);
}

/* Prints a value as `get` shows it: strings raw, the rest as compact JSON. */
static char *value_text(const jsonc_node *n, bool escape_controls)
{
    if (n->type == JSONC_STRING) {
        bool ctrl = false;
        for (size_t i = 0; i < n->str_len; i++)
            if ((unsigned char)n->str[i] < 0x20 || n->str[i] == 0x7f)
                ctrl = true;
        if (!(ctrl && escape_controls) && strlen(n->str) == n->str_len) {
            char *s = malloc(n->str_len + 1);
            if (s)
                memcpy(s, n->str, n->str_len + 1);
            return s;
        }
    }
    cJSON *j = jsonc_to_cjson(n);
    if (!j)
        return NULL;
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

/* ---- list -------------------------------------------------------------------- */

typedef struct keybuf {
    const char *seg[JSONC_MAX_DEPTH + 1];
    size_t n;
} keybuf;

static bool needs_pointer(const keybuf *k)
{
    for (size_t i = 0; i < k->n; i++) {
        const char *s = k->seg[i];
        if (!*s || strchr(s, '.') || (i == 0 && s[0] == '/'))
            return true;
    }
    return false;
}

static void print_key(const cc_ctx *ctx, const keybuf *k)
{
    if (!needs_pointer(k)) {
        for (size_t i = 0; i < k->n; i++)
            out_text(&ctx->out, "%s%s", i ? "." : "", k->seg[i]);
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        out_text(&ctx->out, "/");
        for (const char *p = k->seg[i]; *p; p++) {
            if (*p == '~')
                out_text(&ctx->out, "~0");
            else if (*p == '/')
                out_text(&ctx->out, "~1");
            else
                out_text(&ctx->out, "%c", *p);
        }
    }
}

static int list_node(const cc_ctx *ctx, const jsonc_node *obj, keybuf *k, cc_err *err)
{
    for (const jsonc_node *m = obj->child; m; m = m->next) {
        if (k->n >= JSONC_MAX_DEPTH)
            break;
        k->seg[k->n++] = m->key ? m->key : "";
        int r = CC_OK;
        if (m->type == JSONC_OBJECT && m->nchildren > 0) {
            r = list_node(ctx, m, k, err);
        } else {
            char *v = value_text(m, true);
            if (!v)
                r = cc_err_oom(err);
            else {
                print_key(ctx, k);
                out_text(&ctx->out, "=%s\n", v);
                free(v);
            }
        }
        k->n--;
        if (r != CC_OK)
            return r;
    }
    return CC_OK;
}

static int do_list(cc_ctx *ctx, const char *file, cc_err *err)
{
    loaded l;
    int r = load(ctx, file, &l, err);
    if (r == CC_OK) {
        cJSON_AddStringToObject(ctx->result, "file", file);
        const jsonc_node *root = l.doc ? jsonc_root(l.doc) : NULL;
        if (!root) {
            cJSON_AddItemToObject(ctx->result, "values", cJSON_CreateObject());
            if (!l.exists)
                out_progress(&ctx->out, "%s does not exist yet: nothing is set", file);
        } else {
            cJSON *v = jsonc_to_cjson(root);
            if (!v)
                r = cc_err_oom(err);
            else
                cJSON_AddItemToObject(ctx->result, "values", v);
            if (r == CC_OK && root->type == JSONC_OBJECT) {
                keybuf k = {.n = 0};
                r = list_node(ctx, root, &k, err);
            } else if (r == CC_OK) {
                char *s = value_text(root, true);
                if (!s)
                    r = cc_err_oom(err);
                else
                    out_text(&ctx->out, "%s\n", s);
                free(s);
            }
        }
    }
    unload(&l);
    return r;
}

/* ---- get --------------------------------------------------------------------- */

static int not_set(const char *key, const char *file, bool exists, bool user_config, cc_err *err)
{
    cc_err_set(err, CC_EINPUT, "config.not_set", "key %s not set in %s%s", key, file,
               exists ? "" : " (the file does not exist)");
    if (user_config)
        cc_err_hint(err, "set it with 'clinecfg config set %s VALUE'", key);
    else
        cc_err_hint(err, "set it with 'clinecfg config --file %s set %s VALUE'", file, key);
    return CC_EINPUT;
}

static int do_get(cc_ctx *ctx, const char *file, bool user_config, const char *key, cc_err *err)
{
    jsonc_path *jp = NULL;
    int r = jsonc_path_parse(key, &jp, err);
    if (r != CC_OK)
        return r;
    loaded l;
    r = load(ctx, file, &l, err);
    const jsonc_node *n = NULL;
    if (r == CC_OK && l.doc)
        r = jsonc_lookup(l.doc, l.text, l.len, file, jp, &n, err);
    if (r == CC_OK && !n)
        r = not_set(key, file, l.exists, user_config, err);
    if (r == CC_OK) {
        char *s = value_text(n, false);
        cJSON *v = jsonc_to_cjson(n);
        if (!s || !v) {
            r = cc_err_oom(err);
            cJSON_Delete(v);
        } else {
            out_text(&ctx->out, "%s\n", s);
            cJSON_AddStringToObject(ctx->result, "file", file);
            cJSON_AddStringToObject(ctx->result, "key", key);
            cJSON_AddItemToObject(ctx->result, "value", v);
        }
        free(s);
    }
    unload(&l);
    jsonc_path_free(jp);
    return r;
}

/* ---- set / unset ------------------------------------------------------------------ */

/* VALUE as JSON text: itself when it is one JSON value, else a JSON string. */
static char *value_json(const char *value)
{
    jsonc_doc *doc = NULL;
    cc_err e;
    cc_err_clear(&e);
    size_t len = strlen(value);
    if (jsonc_parse(value, len, "VALUE", &doc, &e) == CC_OK && jsonc_root(doc) && jsonc_comment_count(doc) == 0) {
        jsonc_free(doc);
        char *s = malloc(len + 1);
        if (s)
            memcpy(s, value, len + 1);
        return s;
    }
    jsonc_free(doc);
    cJSON *str = cJSON_CreateString(value);
    if (!str)
        return NULL;
    char *s = cJSON_PrintUnformatted(str);
    cJSON_Delete(str);
    return s;
}

static int do_edit(cc_ctx *ctx, const char *file, bool user_config, const char *key, const char *value, cc_err *err)
{
    jsonc_path *jp = NULL;
    int r = jsonc_path_parse(key, &jp, err);
    if (r != CC_OK)
        return r;
    if (jp->n == 0) {
        jsonc_path_free(jp);
        cc_err_set(err, CC_EUSAGE, "usage", "KEY must name a member, not the whole document");
        return CC_EUSAGE;
    }
    char *vj = NULL;
    if (value && !(vj = value_json(value))) {
        jsonc_path_free(jp);
        return cc_err_oom(err);
    }
    config_edit ce = {.edit = {.op = value ? JSONC_EDIT_SET : JSONC_EDIT_DELETE, .path = jp, .value_json = vj},
                      .name = file,
                      .check_ctx = user_config ? ctx : NULL};
    safefile_run *run = NULL;
    r = safefile_run_new(ctx, "config", &run, err);
    safefile_result res;
    memset(&res, 0, sizeof res);
    if (r == CC_OK)
        r = safefile_update(run, file, 0600, apply_edit, &ce, &res, err);
    if (r == CC_OK) {
        cJSON_AddStringToObject(ctx->result, "file", file);
        cJSON_AddStringToObject(ctx->result, "key", key);
        cJSON_AddBoolToObject(ctx->result, "changed", res.changed);
        cJSON *files = cJSON_AddArrayToObject(ctx->result, "files");
        cJSON *fj = safefile_result_json(run, file, &res);
        if (files && fj)
            cJSON_AddItemToArray(files, fj);
        else
            cJSON_Delete(fj);
        if (ctx->dry_run) {
            if (res.changed)
                out_text(&ctx->out, "%s", res.diff);
            out_progress(&ctx->out, "dry run: %s %s", file, res.changed ? "would change (diff above)" : "would not change");
        } else if (!res.changed) {
            out_progress(&ctx->out, "%s: %s %s", file, key, value ? "already has that value" : "was not set");
        } else {
            out_step_ok(&ctx->out, "%s %s in %s%s%s%s", value ? "set" : "removed", key, file,
                        res.backup_path ? " (backup: " : "", res.backup_path ? res.backup_path : "",
                        res.backup_path ? ")" : "");
        }
    }
    safefile_result_free(&res);
    safefile_run_free(run);
    free(vj);
    jsonc_path_free(jp);
    return r;
}

/* ---- the command ---------------------------------------------------------------- */

static int usage(cc_err *err, const char *msg)
{
    cc_err_set(err, CC_EUSAGE, "usage", "%s", msg);
    cc_err_hint(err, "usage: clinecfg config [--file F] (get KEY | set KEY VALUE | unset KEY | list)");
    return CC_EUSAGE;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (a->npos < 1)
        return usage(err, "config needs an action: get, set, unset or list");
    const char *action = a->pos[0];
    const char *file_opt = cli_value(a, CONFIG_OPT_FILE);
    if (file_opt && !*file_opt)
        return usage(err, "--file needs a path");
    char *user = NULL;
    const char *file = file_opt;
    if (!file) {
        user = cfg_user_path();
        if (!user)
            return paths_error(err);
        file = user;
    }
    int r;
    if (strcmp(action, "get") == 0) {
        r = a->npos == 2 ? do_get(ctx, file, !file_opt, a->pos[1], err) : usage(err, "config get takes one KEY");
    } else if (strcmp(action, "set") == 0) {
        r = a->npos == 3 ? do_edit(ctx, file, !file_opt, a->pos[1], a->pos[2], err)
                         : usage(err, "config set takes KEY and VALUE");
    } else if (strcmp(action, "unset") == 0) {
        r = a->npos == 2 ? do_edit(ctx, file, !file_opt, a->pos[1], NULL, err) : usage(err, "config unset takes one KEY");
    } else if (strcmp(action, "list") == 0) {
        r = a->npos == 1 ? do_list(ctx, file, err) : usage(err, "config list takes no arguments");
    } else {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown config action '%.60s'", action);
        r = usage(err, msg);
    }
    free(user);
    return r;
}

const cli_command cmd_config = {
    .name = "config",
    .operands = "(get KEY | set KEY VALUE | unset KEY | list)",
    .summary = "read or edit clinecfg's config (or any JSONC file) safely",
    .description = "Edits ${XDG_CONFIG_HOME:-~/.config}/clinecfg/config.json, or the JSONC file given with --file,\n"
                   "keeping comments and formatting; the old file is backed up (see 'clinecfg restore').\n"
                   "KEY is dotted (team, tag_keys.team) or an RFC 6901 pointer (/editor.fontSize).\n"
                   "VALUE is JSON when it parses as JSON (true, 3, [\"a\"], \"x\"), else a string.\n"
                   "'get' exits 4 when the key is not set.",
    .opts = CLI_OPTS(config_opts),
    .run = run,
};
