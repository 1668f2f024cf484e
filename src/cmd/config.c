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
 * A dotted KEY that is a literal member of the document ("editor.fontSize"
 * in VS Code's settings.json) names that member, as VS Code reads it; else
 * the dots nest.  Keys that contain '.' are listed as pointers so the
 * printed KEY can be fed back to get/set.  For the user config, `set` of a
 * key clinecfg does not know is refused (exit 4, with the closest known key)
 * unless --force, which writes it with a warning (the known keys come from
 * config.h's cfg_key_name).
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
#include "clinecfg/suggest.h"

enum {
    CONFIG_OPT_FILE,
    CONFIG_OPT_FORCE,
    CONFIG_OPT_COUNT
};

static const cli_opt config_opts[CONFIG_OPT_COUNT] = {
    [CONFIG_OPT_FILE] = {"file", 0, OPT_VALUE, "F", "edit this JSONC file instead of the user config"},
    [CONFIG_OPT_FORCE] = {"force", 0, OPT_FLAG, NULL, "set: write a key clinecfg does not know into its config"},
};

/* ---- keys ---------------------------------------------------------------------- */

/* A key's parts as typed: [start, end) byte spans of `key` between the dots. */
typedef struct key_parts {
    size_t start[JSONC_MAX_DEPTH], end[JSONC_MAX_DEPTH];
    size_t n;
} key_parts;

static bool split_dotted(const char *key, key_parts *kp)
{
    kp->n = 0;
    size_t i = 0;
    for (;;) {
        size_t j = i + strcspn(key + i, ".");
        if (j == i || kp->n == JSONC_MAX_DEPTH)
            return false; /* an empty part: jsonc_path_parse says what is wrong */
        kp->start[kp->n] = i;
        kp->end[kp->n++] = j;
        if (!key[j])
            return true;
        i = j + 1;
    }
}

/* One step below `cur` by the literal text key[a, b), or NULL. */
static const jsonc_node *literal_member(const jsonc_node *cur, const char *key, size_t a, size_t b)
{
    if (!cur || cur->type != JSONC_OBJECT)
        return NULL;
    for (const jsonc_node *m = cur->child; m; m = m->next)
        if (m->key && strlen(m->key) == b - a && memcmp(m->key, key + a, b - a) == 0)
            return m;
    return NULL;
}

/* Pushes parts [i, i+take) of key as one segment (an index below an array). */
static int push_part(jsonc_path *p, const jsonc_node *cur, const char *key, size_t a, size_t b)
{
    char *part = strndup(key + a, b - a);
    if (!part)
        return CC_EINTERNAL;
    char *end;
    long idx = strtol(part, &end, 10);
    int r = cur && cur->type == JSONC_ARRAY && part[0] >= '0' && part[0] <= '9' && !*end
                ? jsonc_path_push_index(p, idx)
                : jsonc_path_push_key(p, part);
    free(part);
    return r;
}

/* KEY as a path into the document `root` (NULL when there is none).  VS Code
 * keeps "editor.fontSize" as one flat member: at each level, the longest run
 * of dotted parts that is a literal member there is that member.  When no
 * run of two or more parts is one, the path is jsonc_path_parse's. */
static int resolve_key(const char *key, const jsonc_node *root, jsonc_path **out, cc_err *err)
{
    key_parts kp;
    if (key[0] == '/' || !strchr(key, '.') || !root || !split_dotted(key, &kp))
        return jsonc_path_parse(key, out, err);
    jsonc_path *p = jsonc_path_new();
    if (!p)
        return cc_err_oom(err);
    bool literal = false;
    const jsonc_node *cur = root;
    int r = CC_OK;
    for (size_t i = 0; i < kp.n && r == CC_OK;) {
        size_t take = 1;
        const jsonc_node *next = NULL;
        for (size_t k = kp.n; k > i + 1 && !next; k--) {
            next = literal_member(cur, key, kp.start[i], kp.end[k - 1]);
            if (next)
                take = k - i;
        }
        literal = literal || next;
        if (!next)
            next = literal_member(cur, key, kp.start[i], kp.end[i]);
        r = push_part(p, cur, key, kp.start[i], kp.end[i + take - 1]);
        if (!next && cur && cur->type == JSONC_ARRAY)
            next = jsonc_index(cur, (size_t)strtoul(key + kp.start[i], NULL, 10));
        cur = next;
        i += take;
    }
    if (r != CC_OK || !literal) {
        jsonc_path_free(p);
        return r != CC_OK ? cc_err_oom(err) : jsonc_path_parse(key, out, err);
    }
    *out = p;
    return CC_OK;
}

/* The path's keys joined with '.', as config.h names keys ("tag_keys.team"). */
static void dotted_name(const jsonc_path *jp, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < jp->n && used < size; i++) {
        int w = jp->segs[i].key ? snprintf(buf + used, size - used, "%s%s", i ? "." : "", jp->segs[i].key)
                                : snprintf(buf + used, size - used, "%s%ld", i ? "." : "", jp->segs[i].index);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

/* A key clinecfg reads: a key of config.h, a group of them ("tag_keys"), a
 * member of a map or list key ("extra_tags.CostCenter", "/extra_tags/a.b",
 * "allowed_regions.0"), or "$schema".  `dotted` is dotted_name(jp). */
static bool known_config_key(const jsonc_path *jp, const char *dotted)
{
    if (strcmp(dotted, "$schema") == 0 || cfg_key_lookup(dotted) >= 0)
        return true;
    size_t n = strlen(dotted);
    for (int k = 0; k < CFG_NKEYS; k++) {
        const char *name = cfg_key_name((cfg_key)k);
        if (strncmp(name, dotted, n) == 0 && name[n] == '.')
            return true;
    }
    const char *top = jp->n == 2 ? jp->segs[0].key : NULL;
    return top && (strcmp(top, cfg_key_name(CFG_EXTRA_TAGS)) == 0 ||
                   strcmp(top, cfg_key_name(CFG_ALLOWED_REGIONS)) == 0);
}

/* "did you mean 'team'?" over the keys of config.h; "" when none is close. */
static void closest_key(const char *dotted, char *buf, size_t size)
{
    const char *names[CFG_NKEYS + 1];
    for (int k = 0; k < CFG_NKEYS; k++)
        names[k] = cfg_key_name((cfg_key)k);
    names[CFG_NKEYS] = NULL;
    char best[256];
    if (suggest_closest(dotted, names, "", best, sizeof best))
        snprintf(buf, size, "did you mean %s? ", best);
    else if (size)
        buf[0] = '\0';
}

static int refuse_unknown_key(const char *key, const char *dotted, cc_err *err)
{
    char mean[300];
    closest_key(dotted, mean, sizeof mean);
    cc_err_set(err, CC_EINPUT, "config.unknown_key", "unknown config key '%s': clinecfg does not read it; nothing "
               "was written", key);
    cc_err_hint(err, "%s'clinecfg config --help' and packaging/config.example.json list the keys; --force writes it "
                "anyway", mean);
    return CC_EINPUT;
}


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
    jsonc_edit edit;          /* .path is resolved against the text the lock holds */
    const char *key;
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
    static const char empty[] = "{}\n";
    if (!exists || blank(old, old_len)) {
        /* A new (or blank) file starts as an empty object. */
        old = empty;
        old_len = sizeof empty - 1;
    }
    jsonc_doc *doc = NULL;
    jsonc_path *jp = NULL;
    jsonc_edit edit = ce->edit;
    int r = jsonc_parse(old, old_len, ce->name, &doc, err);
    if (r == CC_OK)
        r = resolve_key(ce->key, jsonc_root(doc), &jp, err);
    edit.path = jp;
    if (r == CC_OK)
        r = jsonc_apply(old, old_len, ce->name, &edit, 1, new_text, new_len, err);
    jsonc_path_free(jp);
    jsonc_free(doc);
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

static int not_set(const char *key, const jsonc_path *jp, const char *file, bool exists, bool user_config,
                   cc_err *err)
{
    cc_err_set(err, CC_EINPUT, "config.not_set", "key %s not set in %s%s", key, file,
               exists ? "" : " (the file does not exist)");
    char dotted[512], mean[300] = "";
    dotted_name(jp, dotted, sizeof dotted);
    if (user_config && !known_config_key(jp, dotted))
        closest_key(dotted, mean, sizeof mean);
    if (mean[0])
        cc_err_hint(err, "%s(clinecfg does not read '%s')", mean, key);
    else if (user_config)
        cc_err_hint(err, "set it with 'clinecfg config set %s VALUE'", key);
    else
        cc_err_hint(err, "set it with 'clinecfg config --file %s set %s VALUE'", file, key);
    return CC_EINPUT;
}

static int do_get(cc_ctx *ctx, const char *file, bool user_config, const char *key, cc_err *err)
{
    jsonc_path *jp = NULL;
    loaded l;
    int r = load(ctx, file, &l, err);
    if (r == CC_OK)
        r = resolve_key(key, l.doc ? jsonc_root(l.doc) : NULL, &jp, err);
    const jsonc_node *n = NULL;
    if (r == CC_OK && l.doc)
        r = jsonc_lookup(l.doc, l.text, l.len, file, jp, &n, err);
    if (r == CC_OK && !n)
        r = not_set(key, jp, file, l.exists, user_config, err);
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

static int do_edit(cc_ctx *ctx, const char *file, bool user_config, bool force, const char *key, const char *value,
                   cc_err *err)
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
    char dotted[512];
    dotted_name(jp, dotted, sizeof dotted);
    if (user_config && value && !force && !known_config_key(jp, dotted)) {
        jsonc_path_free(jp);
        return refuse_unknown_key(key, dotted, err);
    }
    char *vj = NULL;
    if (value && !(vj = value_json(value))) {
        jsonc_path_free(jp);
        return cc_err_oom(err);
    }
    config_edit ce = {.edit = {.op = value ? JSONC_EDIT_SET : JSONC_EDIT_DELETE, .value_json = vj},
                      .key = key,
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
            out_progress(&ctx->out, "dry run: %s %s", file,
                         !res.changed ? "would not change" :
                         res.created ? "would create (diff above)" : "would change (diff above)");
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

int config_set_user_string(cc_ctx *ctx, const char *key, const char *value, cc_err *err)
{
    char *user = cfg_user_path();
    if (!user)
        return paths_error(err);
    cJSON *str = cJSON_CreateString(value);
    char *json = str ? cJSON_PrintUnformatted(str) : NULL;
    cJSON_Delete(str);
    /* The caller's --json result is its own: this edit reports into a scratch one. */
    cc_ctx sub = *ctx;
    sub.result = cJSON_CreateObject();
    int r = !json || !sub.result ? cc_err_oom(err) : do_edit(&sub, user, true, false, key, json, err);
    cJSON_Delete(sub.result);
    free(json);
    free(user);
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
    bool force = cli_count(a, CONFIG_OPT_FORCE) > 0;
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
        r = a->npos == 3 ? do_edit(ctx, file, !file_opt, force, a->pos[1], a->pos[2], err)
                         : usage(err, "config set takes KEY and VALUE");
    } else if (strcmp(action, "unset") == 0) {
        r = a->npos == 2 ? do_edit(ctx, file, !file_opt, force, a->pos[1], NULL, err)
                         : usage(err, "config unset takes one KEY");
    } else if (strcmp(action, "list") == 0) {
        r = a->npos == 1 ? do_list(ctx, file, err) : usage(err, "config list takes no arguments");
    } else {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown config action '%.60s'", action);
        r = usage(err, msg);
        static const char *const actions[] = {"get", "set", "unset", "list", NULL};
        char best[64];
        if (suggest_closest(action, actions, "", best, sizeof best))
            cc_err_hint(err, "did you mean %s? usage: clinecfg config [--file F] (get KEY | set KEY VALUE | unset KEY "
                        "| list)", best);
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
                   "A dotted KEY that exists as a literal member (\"editor.fontSize\" in VS Code's settings.json)\n"
                   "is that member, as VS Code reads it; otherwise the dots nest. To address nesting\n"
                   "unambiguously, use a pointer: /editor/fontSize is {\"editor\": {\"fontSize\": ...}}.\n"
                   "VALUE is JSON when it parses as JSON (true, 3, -2.5, [\"a\"], \"x\"), else a string; a\n"
                   "negative number is a value, not an option.\n"
                   "'set' refuses (exit 4) a key clinecfg's own config does not have, unless --force.\n"
                   "'get' exits 4 when the key is not set.",
    .opts = CLI_OPTS(config_opts),
    .run = run,
};
