/*
 * ini.c - AWS shared config / credentials files: parse with the SDK rules,
 * merge the two files, and edit one section keeping every other byte
 * (interface and rules: include/clinecfg/ini.h).
 *
 * The parser and the editor share one line classifier, so the editor sees
 * the same structure (sections, property blocks with their continuation
 * lines) that the parser gives meaning to.  Every edit is re-parsed and
 * compared with the original before it is handed back.
 */
#include "clinecfg/ini.h"
#include "clinecfg/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static int is_ident_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '/' || c == '.' || c == '%' || c == '@' || c == ':' ||
           c == '+';
}

static int is_ident(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char((unsigned char)s[i]))
            return 0;
    return 1;
}

static void trim(const char *t, size_t *s, size_t *e)
{
    while (*s < *e && is_ws(t[*s]))
        (*s)++;
    while (*e > *s && is_ws(t[*e - 1]))
        (*e)--;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void free_wiped(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}


/* ------------------------------------------------------------------ */
/* Lines                                                               */

typedef enum { L_BLANK, L_COMMENT, L_SECTION, L_PROPERTY, L_CONTINUATION } line_kind;

typedef struct {
    size_t start, end, next; /* content [start, end) without the EOL; next line at `next` */
    int has_eol;
    line_kind kind;
} ini_line;

static size_t bom_len(const char *t, size_t len)
{
    return (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
            (unsigned char)t[2] == 0xBF) ? 3 : 0;
}

static line_kind classify(const char *t, size_t s, size_t e)
{
    size_t i = s;
    while (i < e && is_ws(t[i]))
        i++;
    if (i == e)
        return L_BLANK;
    if (t[i] == '#' || t[i] == ';')
        return L_COMMENT; /* indented comments too, as botocore (configparser) reads them */
    if (t[s] == ' ' || t[s] == '\t')
        return L_CONTINUATION;
    if (t[s] == '[')
        return L_SECTION;
    return L_PROPERTY;
}

/* Reads the line starting at `pos`; returns 0 at end of text. */
static int next_line(const char *t, size_t len, size_t pos, ini_line *l)
{
    if (pos >= len)
        return 0;
    const char *nl = memchr(t + pos, '\n', len - pos);
    l->start = pos;
    if (nl) {
        size_t at = (size_t)(nl - t);
        l->end = (at > pos && t[at - 1] == '\r') ? at - 1 : at;
        l->next = at + 1;
        l->has_eol = 1;
    } else {
        l->end = len;
        l->next = len;
        l->has_eol = 0;
    }
    l->kind = classify(t, l->start, l->end);
    return 1;
}

static void line_col(const char *t, size_t off, int *line, int *col)
{
    int ln = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off; i++)
        if (t[i] == '\n') {
            ln++;
            ls = i + 1;
        }
    *line = ln;
    *col = (int)(off - ls) + 1;
}

/* Section header: [ ... ] with an optional comment right after.  kind:
 * 0 bare NAME, 1 "profile NAME", 2 "sso-session NAME", 3 "services NAME". */
enum { SEC_BARE = 0, SEC_PROFILE = 1, SEC_SSO = 2, SEC_SERVICES = 3 };
static const char *const sec_prefix[] = {"", "profile", "sso-session", "services"};

typedef struct {
    int kind;
    size_t name_s, name_e; /* trimmed name */
    int valid;             /* name is a valid identifier */
    size_t bad_at;         /* offset where "must end with ']'" applies; 0 = fine */
} sec_hdr;

static int parse_header_text(const char *t, size_t s, size_t e, sec_hdr *h)
{
    /* s..e is the inside of the brackets */
    trim(t, &s, &e);
    h->kind = SEC_BARE;
    for (int k = SEC_PROFILE; k <= SEC_SERVICES; k++) {
        size_t pl = strlen(sec_prefix[k]);
        if (e - s > pl && memcmp(t + s, sec_prefix[k], pl) == 0 &&
            (t[s + pl] == ' ' || t[s + pl] == '\t')) {
            h->kind = k;
            s += pl;
            trim(t, &s, &e);
            break;
        }
    }
    h->name_s = s;
    h->name_e = e;
    h->valid = is_ident(t + s, e - s);
    return 0;
}

static void parse_section_line(const char *t, const ini_line *l, sec_hdr *h)
{
    size_t s = l->start, e = l->end;
    for (size_t i = s; i < e; i++)
        if (t[i] == '#' || t[i] == ';') {
            e = i;
            break;
        }
    trim(t, &s, &e);
    memset(h, 0, sizeof *h);
    if (e - s < 2 || t[e - 1] != ']') {
        h->bad_at = e > l->start ? e : l->start;
        if (h->bad_at == 0)
            h->bad_at = SIZE_MAX; /* never 0: 0 means fine */
        return;
    }
    parse_header_text(t, s + 1, e - 1, h);
}

/* Property line: key = value, comments need whitespace before # or ;. */
typedef struct {
    size_t key_s, key_e, eq, val_s, val_e;
    int has_eq;
} prop_line;

static void parse_property_line(const char *t, size_t s, size_t e, int strip_comment, prop_line *p)
{
    if (strip_comment)
        for (size_t i = s + 1; i < e; i++)
            if ((t[i] == '#' || t[i] == ';') && (t[i - 1] == ' ' || t[i - 1] == '\t')) {
                e = i;
                break;
            }
    trim(t, &s, &e);
    memset(p, 0, sizeof *p);
    const char *eq = memchr(t + s, '=', e - s);
    if (!eq) {
        p->key_s = s;
        return;
    }
    p->has_eq = 1;
    p->eq = (size_t)(eq - t);
    p->key_s = s;
    p->key_e = p->eq;
    trim(t, &p->key_s, &p->key_e);
    p->val_s = p->eq + 1;
    p->val_e = e;
    trim(t, &p->val_s, &p->val_e);
}

/* ------------------------------------------------------------------ */
/* The profile model                                                   */

typedef struct kv {
    char *key;   /* top level: lower-cased; sub-properties: as written */
    char *value; /* continuation lines joined with '\n' */
    struct kv *subs;
    size_t nsubs, capsubs;
    int empty_def; /* value empty on the key line: continuations are sub-properties */
    int has_cont;
    const char *file;
    int line;
} kv;

struct aws_profile {
    char *name;
    kv *props;
    size_t n, cap;
    int bare_default; /* config file [default] (loses to [profile default]) */
};

typedef struct {
    aws_profile **v;
    size_t n, cap;
} plist;

struct aws_profile_set {
    plist profiles, sso, services;
    char *file_names[2];
};

static void kv_clear(kv *k)
{
    free_wiped(k->key);
    free_wiped(k->value);
    for (size_t i = 0; i < k->nsubs; i++)
        kv_clear(&k->subs[i]);
    free(k->subs);
    memset(k, 0, sizeof *k);
}

static void profile_free(aws_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        kv_clear(&p->props[i]);
    free(p->props);
    free(p->name);
    free(p);
}

static void plist_free(plist *l)
{
    for (size_t i = 0; i < l->n; i++)
        profile_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void ini_profiles_free(aws_profile_set *set)
{
    if (!set)
        return;
    plist_free(&set->profiles);
    plist_free(&set->sso);
    plist_free(&set->services);
    free(set->file_names[0]);
    free(set->file_names[1]);
    free(set);
}

static aws_profile *plist_find(const plist *l, const char *name, size_t n, int bare_default)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]->name) == n && memcmp(l->v[i]->name, name, n) == 0 &&
            l->v[i]->bare_default == bare_default)
            return l->v[i];
    return NULL;
}

static int plist_push(plist *l, aws_profile *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        aws_profile **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = p;
    return 0;
}

static aws_profile *plist_get_or_add(plist *l, const char *name, size_t n, int bare_default)
{
    aws_profile *p = plist_find(l, name, n, bare_default);
    if (p)
        return p;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->name = dup_n(name, n);
    p->bare_default = bare_default;
    if (!p->name || plist_push(l, p) < 0) {
        profile_free(p);
        return NULL;
    }
    return p;
}

static kv *kv_find(kv *arr, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(arr[i].key, key) == 0)
            return &arr[i];
    return NULL;
}

/* Puts `nk` (ownership taken) into the array, replacing a key of the same
 * name in place.  Returns the stored element or NULL on out of memory (nk is
 * then cleared). */
static kv *kv_put(kv **arr, size_t *n, size_t *cap, kv *nk)
{
    kv *old = kv_find(*arr, *n, nk->key);
    if (old) {
        kv_clear(old);
        *old = *nk;
        return old;
    }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        kv *na = realloc(*arr, nc * sizeof *na);
        if (!na) {
            kv_clear(nk);
            return NULL;
        }
        *arr = na;
        *cap = nc;
    }
    (*arr)[*n] = *nk;
    return &(*arr)[(*n)++];
}

/* Appends "\n" + text to a value without leaving the old copy in freed memory. */
static int value_append(char **value, const char *s, size_t n)
{
    size_t ol = strlen(*value);
    char *nv = malloc(ol + 1 + n + 1);
    if (!nv)
        return -1;
    memcpy(nv, *value, ol);
    nv[ol] = '\n';
    memcpy(nv + ol + 1, s, n);
    nv[ol + 1 + n] = '\0';
    free_wiped(*value);
    *value = nv;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */

typedef struct {
    const char *t;
    size_t len;
    const char *fname;
    int creds; /* 1: credentials file rules */
    plist *profiles, *sso, *services;
    aws_profile *cur; /* section being read; NULL with in_section: ignored section */
    int in_section;
    int have_prop;      /* a property line was seen in this section (stored or not) */
    int prop_empty_def; /* ...with an empty value: continuations are sub-properties */
    kv *prop;           /* where that property is stored; NULL when it is ignored */
    int line_no;
    cc_err *err;
} pstate;

static const char k_hint[] =
    "AWS shared config lines are `[profile NAME]` / `[default]` headers, `key = value` "
    "properties, indented continuation lines, and # or ; comments; fix the line shown";

static int perr(pstate *ps, size_t off, const char *reason)
{
    int line, col;
    line_col(ps->t, off, &line, &col);
    cc_err_set(ps->err, CC_EINPUT, "ini.syntax", "%s:%d:%d: %s", ps->fname, line, col, reason);
    cc_err_hint(ps->err, "%s", k_hint);
    return CC_EINPUT;
}

static int read_section(pstate *ps, const ini_line *l)
{
    sec_hdr h;
    parse_section_line(ps->t, l, &h);
    if (h.bad_at)
        return perr(ps, h.bad_at == SIZE_MAX ? l->start : h.bad_at,
                    "Section definition must end with ']'");
    ps->in_section = 1;
    ps->cur = NULL;
    ps->prop = NULL;
    ps->have_prop = 0;
    if (!h.valid)
        return 0;
    const char *name = ps->t + h.name_s;
    size_t nlen = h.name_e - h.name_s;
    plist *dest = NULL;
    int bare_default = 0;
    if (ps->creds) {
        if (h.kind != SEC_BARE)
            return 0; /* "[profile x]" is not a credentials-file profile */
        dest = ps->profiles;
    } else if (h.kind == SEC_PROFILE) {
        dest = ps->profiles;
    } else if (h.kind == SEC_SSO) {
        dest = ps->sso;
    } else if (h.kind == SEC_SERVICES) {
        dest = ps->services;
    } else if (nlen == 7 && memcmp(name, "default", 7) == 0) {
        dest = ps->profiles;
        bare_default = 1;
    } else {
        return 0; /* config-file [NAME] without "profile " is ignored */
    }
    ps->cur = plist_get_or_add(dest, name, nlen, bare_default);
    if (!ps->cur)
        return cc_err_oom(ps->err);
    return 0;
}

static int read_property(pstate *ps, const ini_line *l)
{
    if (!ps->in_section)
        return perr(ps, l->start, "Expected a section definition before this property");
    prop_line p;
    parse_property_line(ps->t, l->start, l->end, 1, &p);
    if (!p.has_eq)
        return perr(ps, l->start, "Expected an '=' sign defining a property");
    if (p.key_e == p.key_s)
        return perr(ps, l->start, "Property did not have a name");
    ps->have_prop = 1;
    ps->prop_empty_def = p.val_e == p.val_s;
    ps->prop = NULL;
    /* Ignored sections and invalid names are checked for syntax but not
     * kept, so a file is well-formed or not whichever file it is read as. */
    if (!ps->cur || !is_ident(ps->t + p.key_s, p.key_e - p.key_s))
        return 0;
    kv nk = {0};
    nk.key = dup_n(ps->t + p.key_s, p.key_e - p.key_s);
    nk.value = dup_n(ps->t + p.val_s, p.val_e - p.val_s);
    nk.empty_def = p.val_e == p.val_s;
    nk.file = ps->fname;
    nk.line = ps->line_no;
    if (!nk.key || !nk.value) {
        kv_clear(&nk);
        return cc_err_oom(ps->err);
    }
    for (char *c = nk.key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    ps->prop = kv_put(&ps->cur->props, &ps->cur->n, &ps->cur->cap, &nk);
    if (!ps->prop)
        return cc_err_oom(ps->err);
    return 0;
}

static int read_continuation(pstate *ps, const ini_line *l)
{
    if (!ps->in_section)
        return perr(ps, l->start, "Expected a section definition before this continuation line");
    if (!ps->have_prop)
        return perr(ps, l->start,
                    "Expected a property definition, found continuation (an indented line)");
    size_t s = l->start, e = l->end;
    trim(ps->t, &s, &e);
    kv *k = ps->prop;
    if (ps->prop_empty_def) {
        prop_line p;
        parse_property_line(ps->t, s, e, 0, &p);
        if (!p.has_eq)
            return perr(ps, s, "Expected an '=' sign defining a property in sub-property");
        if (p.key_e == p.key_s)
            return perr(ps, s, "Property did not have a name in sub-property");
        if (k && is_ident(ps->t + p.key_s, p.key_e - p.key_s)) {
            kv sk = {0};
            sk.key = dup_n(ps->t + p.key_s, p.key_e - p.key_s);
            sk.value = dup_n(ps->t + p.val_s, p.val_e - p.val_s);
            sk.file = ps->fname;
            sk.line = ps->line_no;
            if (!sk.key || !sk.value) {
                kv_clear(&sk);
                return cc_err_oom(ps->err);
            }
            if (!kv_put(&k->subs, &k->nsubs, &k->capsubs, &sk))
                return cc_err_oom(ps->err);
        }
    }
    if (!k)
        return 0;
    k->has_cont = 1;
    if (value_append(&k->value, ps->t + s, e - s) < 0)
        return cc_err_oom(ps->err);
    return 0;
}

static int parse_file(pstate *ps)
{
    if (ps->len > INI_MAX_SIZE) {
        cc_err_set(ps->err, CC_EINPUT, "ini.too_big", "%s: file is over the %zu MiB limit for AWS config files",
                   ps->fname, INI_MAX_SIZE / (1024 * 1024));
        cc_err_hint(ps->err, "this does not look like an AWS config file; check the path");
        return CC_EINPUT;
    }
    const char *nul = ps->len ? memchr(ps->t, '\0', ps->len) : NULL;
    if (nul)
        return perr(ps, (size_t)(nul - ps->t), "NUL byte: this is not a text file");
    ini_line l;
    size_t pos = bom_len(ps->t, ps->len);
    ps->line_no = 0;
    while (next_line(ps->t, ps->len, pos, &l)) {
        ps->line_no++;
        int rc = 0;
        switch (l.kind) {
        case L_BLANK:
        case L_COMMENT: break;
        case L_SECTION: rc = read_section(ps, &l); break;
        case L_PROPERTY: rc = read_property(ps, &l); break;
        case L_CONTINUATION: rc = read_continuation(ps, &l); break;
        }
        if (rc)
            return rc;
        pos = l.next;
    }
    return 0;
}

/* Moves every property of `from` into `to` (later wins); `from` keeps its
 * name only. */
static int profile_merge_into(aws_profile *to, aws_profile *from)
{
    for (size_t i = 0; i < from->n; i++) {
        kv nk = from->props[i];
        memset(&from->props[i], 0, sizeof from->props[i]);
        if (!kv_put(&to->props, &to->n, &to->cap, &nk))
            return -1;
    }
    from->n = 0;
    return 0;
}

int ini_parse_profiles(const char *config_text, size_t config_len, const char *config_name,
                       const char *creds_text, size_t creds_len, const char *creds_name,
                       aws_profile_set **out, cc_err *err)
{
    *out = NULL;
    aws_profile_set *set = calloc(1, sizeof *set);
    if (!set)
        return cc_err_oom(err);
    set->file_names[0] = strdup(config_name ? config_name : "config");
    set->file_names[1] = strdup(creds_name ? creds_name : "credentials");
    if (!set->file_names[0] || !set->file_names[1]) {
        ini_profiles_free(set);
        return cc_err_oom(err);
    }
    int rc = 0;
    pstate ps = {0};
    ps.err = err;
    if (config_text) {
        ps.t = config_text;
        ps.len = config_len;
        ps.fname = set->file_names[0];
        ps.profiles = &set->profiles;
        ps.sso = &set->sso;
        ps.services = &set->services;
        rc = parse_file(&ps);
        if (rc)
            goto fail;
        /* [profile default] wins over [default]: drop the bare one if both exist. */
        aws_profile *bare = plist_find(&set->profiles, "default", 7, 1);
        if (bare) {
            if (plist_find(&set->profiles, "default", 7, 0)) {
                size_t i = 0;
                while (set->profiles.v[i] != bare)
                    i++;
                memmove(&set->profiles.v[i], &set->profiles.v[i + 1],
                        (set->profiles.n - i - 1) * sizeof set->profiles.v[0]);
                set->profiles.n--;
                profile_free(bare);
            } else {
                bare->bare_default = 0;
            }
        }
    }
    if (creds_text) {
        plist creds = {0}, ign_sso = {0}, ign_svc = {0};
        memset(&ps, 0, sizeof ps);
        ps.err = err;
        ps.t = creds_text;
        ps.len = creds_len;
        ps.fname = set->file_names[1];
        ps.creds = 1;
        ps.profiles = &creds;
        ps.sso = &ign_sso;
        ps.services = &ign_svc;
        rc = parse_file(&ps);
        for (size_t i = 0; rc == 0 && i < creds.n; i++) {
            aws_profile *c = creds.v[i];
            aws_profile *to = plist_find(&set->profiles, c->name, strlen(c->name), 0);
            if (!to) {
                if (plist_push(&set->profiles, c) < 0)
                    rc = cc_err_oom(err);
                else
                    creds.v[i] = NULL;
            } else if (profile_merge_into(to, c) < 0) {
                rc = cc_err_oom(err);
            }
        }
        for (size_t i = 0; i < creds.n; i++)
            profile_free(creds.v[i]);
        free(creds.v);
        plist_free(&ign_sso);
        plist_free(&ign_svc);
        if (rc)
            goto fail;
    }
    *out = set;
    return 0;
fail:
    ini_profiles_free(set);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

static const aws_profile *plist_lookup(const plist *l, const char *name)
{
    if (!name)
        return NULL;
    return plist_find(l, name, strlen(name), 0);
}

const aws_profile *ini_profile(const aws_profile_set *set, const char *name)
{
    return set ? plist_lookup(&set->profiles, name) : NULL;
}
const aws_profile *ini_sso_session(const aws_profile_set *set, const char *name)
{
    return set ? plist_lookup(&set->sso, name) : NULL;
}
const aws_profile *ini_services(const aws_profile_set *set, const char *name)
{
    return set ? plist_lookup(&set->services, name) : NULL;
}

static const kv *prop_of(const aws_profile *p, const char *key)
{
    if (!p || !key)
        return NULL;
    return kv_find(p->props, p->n, key);
}

const char *ini_get(const aws_profile *p, const char *key)
{
    const kv *k = prop_of(p, key);
    return k ? k->value : NULL;
}

const char *ini_get_sub(const aws_profile *p, const char *key, const char *subkey)
{
    const kv *k = prop_of(p, key);
    if (!k || !subkey)
        return NULL;
    const kv *s = kv_find(k->subs, k->nsubs, subkey);
    return s ? s->value : NULL;
}

int ini_origin(const aws_profile *p, const char *key, const char **file, int *line)
{
    const kv *k = prop_of(p, key);
    if (!k)
        return -1;
    if (file)
        *file = k->file;
    if (line)
        *line = k->line;
    return 0;
}

size_t ini_profile_count(const aws_profile_set *set) { return set ? set->profiles.n : 0; }
const aws_profile *ini_profile_at(const aws_profile_set *set, size_t i)
{
    return set && i < set->profiles.n ? set->profiles.v[i] : NULL;
}
size_t ini_sso_session_count(const aws_profile_set *set) { return set ? set->sso.n : 0; }
const aws_profile *ini_sso_session_at(const aws_profile_set *set, size_t i)
{
    return set && i < set->sso.n ? set->sso.v[i] : NULL;
}
size_t ini_services_count(const aws_profile_set *set) { return set ? set->services.n : 0; }
const aws_profile *ini_services_at(const aws_profile_set *set, size_t i)
{
    return set && i < set->services.n ? set->services.v[i] : NULL;
}

const char *ini_name(const aws_profile *p) { return p ? p->name : NULL; }
size_t ini_prop_count(const aws_profile *p) { return p ? p->n : 0; }
const char *ini_prop_key(const aws_profile *p, size_t i) { return p && i < p->n ? p->props[i].key : NULL; }
const char *ini_prop_value(const aws_profile *p, size_t i)
{
    return p && i < p->n ? p->props[i].value : NULL;
}
int ini_prop_nested(const aws_profile *p, size_t i)
{
    return p && i < p->n && p->props[i].empty_def && p->props[i].has_cont;
}
size_t ini_sub_count(const aws_profile *p, size_t i) { return p && i < p->n ? p->props[i].nsubs : 0; }
const char *ini_sub_key(const aws_profile *p, size_t i, size_t j)
{
    return p && i < p->n && j < p->props[i].nsubs ? p->props[i].subs[j].key : NULL;
}
const char *ini_sub_value(const aws_profile *p, size_t i, size_t j)
{
    return p && i < p->n && j < p->props[i].nsubs ? p->props[i].subs[j].value : NULL;
}

/* ------------------------------------------------------------------ */
/* Editor                                                              */

/* The section an edit targets. */
typedef struct {
    int kind;           /* SEC_* */
    char name[256];
    int default_rule;   /* "default" in a config file: [profile default] else [default] */
    int creds_role;     /* verify with credentials-file rules */
    char header[300];   /* text inside the brackets when the section is created */
} target;

/* One splice: replace [s, e) of the old text by rep. */
typedef struct {
    size_t s, e;
    const char *rep;
    size_t rep_len;
} splice;

typedef struct {
    ini_line *lines;
    size_t n;
} line_vec;

static int scan_lines(const char *t, size_t len, line_vec *v)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n')
            count++;
    v->lines = malloc(count * sizeof *v->lines);
    v->n = 0;
    if (!v->lines)
        return -1;
    size_t pos = bom_len(t, len);
    ini_line l;
    while (next_line(t, len, pos, &l)) {
        v->lines[v->n++] = l;
        pos = l.next;
    }
    return 0;
}

static int header_matches(const char *t, const sec_hdr *h, const target *tg, int have_profile_default)
{
    if (!h->valid)
        return 0;
    size_t n = h->name_e - h->name_s;
    if (strlen(tg->name) != n || memcmp(t + h->name_s, tg->name, n) != 0)
        return 0;
    if (tg->default_rule)
        return h->kind == (have_profile_default ? SEC_PROFILE : SEC_BARE);
    return h->kind == tg->kind;
}

/* Lines [from, to] of a key block go, except comments among its
 * continuation lines (a comment there is the user's, not the value's). */
static void splice_out_lines(const line_vec *v, size_t from, size_t to, splice *sp, size_t *nsp)
{
    for (size_t j = from; j <= to; j++)
        if (v->lines[j].kind != L_COMMENT)
            sp[(*nsp)++] = (splice){v->lines[j].start, v->lines[j].next, "", 0};
}

/* Is there a [profile default] section?  Then "default" in a config file
 * means that one, not [default]. */
static int has_profile_default(const char *t, const line_vec *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->lines[i].kind == L_SECTION) {
            sec_hdr h;
            parse_section_line(t, &v->lines[i], &h);
            if (!h.bad_at && h.valid && h.kind == SEC_PROFILE && h.name_e - h.name_s == 7 &&
                memcmp(t + h.name_s, "default", 7) == 0)
                return 1;
        }
    return 0;
}

/* Where the key is in the target section(s), and how to write a new one. */
typedef struct {
    size_t (*occ)[2];   /* each occurrence: key line, its last continuation line */
    size_t nocc, occ_cap;
    int any_match;      /* the target section exists */
    size_t last_body;   /* line index after which a new key goes (last matching section) */
    char sep[64];       /* key/value separator as the file writes it (" = " if it shows none) */
} key_places;

static int add_occurrence(key_places *kp, size_t first, size_t last)
{
    if (kp->nocc == kp->occ_cap) {
        size_t cap = kp->occ_cap ? kp->occ_cap * 2 : 4;
        void *no = realloc(kp->occ, cap * sizeof *kp->occ);
        if (!no)
            return -1;
        kp->occ = no;
        kp->occ_cap = cap;
    }
    kp->occ[kp->nocc][0] = first;
    kp->occ[kp->nocc][1] = last;
    kp->nocc++;
    return 0;
}

/* Remembers the first separator seen (sep_any) and the first one in a
 * target section (kp->sep). */
static void learn_sep(const char *t, const prop_line *p, int in_match, key_places *kp, char *sep_any)
{
    if (!p->has_eq || p->val_e <= p->val_s || p->val_s - p->key_e >= sizeof kp->sep)
        return;
    size_t sl = p->val_s - p->key_e;
    if (in_match && !kp->sep[0]) {
        memcpy(kp->sep, t + p->key_e, sl);
        kp->sep[sl] = '\0';
    }
    if (!sep_any[0]) {
        memcpy(sep_any, t + p->key_e, sl);
        sep_any[sl] = '\0';
    }
}

/* Walks the lines: the target sections, their last body line, and the
 * blocks of `key` in them.  -1 when out of memory (kp->occ is then freed). */
static int find_key_places(const char *t, const line_vec *v, const target *tg, const char *key, key_places *kp)
{
    memset(kp, 0, sizeof *kp);
    int have_profile_default = tg->default_rule && has_profile_default(t, v);
    int in_match = 0;
    char sep_any[64] = "";
    size_t key_len = strlen(key);
    for (size_t i = 0; i < v->n; i++) {
        const ini_line *l = &v->lines[i];
        if (l->kind == L_SECTION) {
            sec_hdr h;
            parse_section_line(t, l, &h);
            in_match = !h.bad_at && header_matches(t, &h, tg, have_profile_default);
            if (in_match) {
                kp->any_match = 1;
                kp->last_body = i;
            }
            continue;
        }
        if (l->kind != L_PROPERTY)
            continue;
        prop_line p;
        parse_property_line(t, l->start, l->end, 1, &p);
        learn_sep(t, &p, in_match, kp, sep_any);
        if (!in_match)
            continue;
        size_t last = i;
        for (size_t j = i + 1; j < v->n; j++) {
            line_kind k = v->lines[j].kind;
            if (k == L_CONTINUATION)
                last = j;
            else if (k != L_BLANK && k != L_COMMENT)
                break;
        }
        kp->last_body = last;
        if (p.has_eq && p.key_e - p.key_s == key_len && strncasecmp(t + p.key_s, key, key_len) == 0 &&
            add_occurrence(kp, i, last) < 0) {
            free(kp->occ);
            kp->occ = NULL;
            return -1;
        }
        i = last;
    }
    if (!kp->sep[0])
        strcpy(kp->sep, sep_any[0] ? sep_any : " = ");
    return 0;
}

/* A set of a key the section has: the last occurrence gets the value, its
 * continuation lines go (earlier ones stay: a later key replaces an earlier one). */
static void splices_set_existing(const char *t, const line_vec *v, const key_places *kp, const char *value,
                                 splice *sp, size_t *nsp, strbuf *ins)
{
    size_t kl = kp->occ[kp->nocc - 1][0], last = kp->occ[kp->nocc - 1][1];
    const ini_line *l = &v->lines[kl];
    prop_line p;
    parse_property_line(t, l->start, l->end, 1, &p);
    if (value[0] == '\0') {
        sp[(*nsp)++] = (splice){p.eq + 1, p.val_e > p.val_s ? p.val_e : p.eq + 1, "", 0};
    } else if (p.val_e > p.val_s) {
        sp[(*nsp)++] = (splice){p.val_s, p.val_e, value, strlen(value)};
    } else {
        strbuf_puts(ins, " ");
        strbuf_puts(ins, value);
        sp[(*nsp)++] = (splice){p.eq + 1, p.eq + 1, NULL, 0};
    }
    splice_out_lines(v, kl + 1, last, sp, nsp);
}

/* A set of a key the section lacks: a new key line after the section's
 * last property, or, without the section, a new section at the end. */
static void splices_add_key(size_t len, const line_vec *v, const key_places *kp, const target *tg, const char *key,
                            const char *value, const char *eol, splice *sp, size_t *nsp, strbuf *ins)
{
    size_t at;
    if (kp->any_match) {
        at = v->lines[kp->last_body].next;
        if (!v->lines[kp->last_body].has_eol)
            strbuf_puts(ins, eol);
    } else {
        at = len;
        if (v->n > 0 && !v->lines[v->n - 1].has_eol)
            strbuf_puts(ins, eol);
        if (v->n > 0 && v->lines[v->n - 1].kind != L_BLANK)
            strbuf_puts(ins, eol); /* a blank line between the last section and the new one */
        strbuf_puts(ins, "[");
        strbuf_puts(ins, tg->header);
        strbuf_puts(ins, "]");
        strbuf_puts(ins, eol);
    }
    strbuf_puts(ins, key);
    if (value[0]) {
        strbuf_puts(ins, kp->sep);
        strbuf_puts(ins, value);
    } else {
        size_t sl = strlen(kp->sep);
        while (sl > 0 && is_ws(kp->sep[sl - 1]))
            sl--;
        strbuf_put(ins, kp->sep, sl);
    }
    strbuf_puts(ins, eol);
    sp[(*nsp)++] = (splice){at, at, NULL, 0};
}

/* res = t with the splices (sorted, non-overlapping) applied. */
static void emit_splices(const char *t, size_t len, const line_vec *v, const splice *sp, size_t nsp, strbuf *res)
{
    size_t pos = 0;
    res->len = 0;
    for (size_t i = 0; i < nsp; i++) {
        strbuf_put(res, t + pos, sp[i].s - pos);
        strbuf_put(res, sp[i].rep, sp[i].rep_len);
        pos = sp[i].e;
    }
    strbuf_put(res, t + pos, len - pos);
    if (res->oom)
        return;
    /* Keep a missing final newline missing, unless dropping it would merge
     * away a blank line the user kept (then the file just ends with it). */
    if (v->n > 0 && !v->lines[v->n - 1].has_eol && res->len > 0 && res->p[res->len - 1] == '\n') {
        size_t nl = res->len - 1;
        if (nl > 0 && res->p[nl - 1] == '\r')
            nl--;
        if (nl > 0 && res->p[nl - 1] != '\n') {
            res->len = nl;
            res->p[res->len] = '\0';
        }
    }
}

/* Applies one set (value) or delete (value NULL) to text; the result
 * replaces res's contents. */
static int apply_one(const char *t, size_t len, const target *tg, const char *key, const char *value,
                     strbuf *res, cc_err *err)
{
    line_vec v;
    if (scan_lines(t, len, &v) < 0)
        return cc_err_oom(err);
    key_places kp;
    if (find_key_places(t, &v, tg, key, &kp) < 0) {
        free(v.lines);
        return cc_err_oom(err);
    }
    const char *eol = "\n";
    if (v.n && v.lines[0].has_eol && v.lines[0].end < v.lines[0].next - 1)
        eol = "\r\n";

    size_t nsp = 0;
    splice *sp = calloc(2 * (v.n + 4), sizeof *sp);
    strbuf ins = {.secret = true};
    if (sp) {
        if (value == NULL)
            for (size_t o = 0; o < kp.nocc; o++)
                splice_out_lines(&v, kp.occ[o][0], kp.occ[o][1], sp, &nsp);
        else if (kp.nocc > 0)
            splices_set_existing(t, &v, &kp, value, sp, &nsp, &ins);
        else
            splices_add_key(len, &v, &kp, tg, key, value, eol, sp, &nsp, &ins);
        for (size_t i = 0; i < nsp; i++)
            if (!sp[i].rep) {
                sp[i].rep = ins.p;
                sp[i].rep_len = ins.len;
            }
    }
    int rc = 0;
    if (!sp || ins.oom)
        rc = cc_err_oom(err);
    else {
        emit_splices(t, len, &v, sp, nsp, res);
        if (res->oom)
            rc = cc_err_oom(err);
    }
    strbuf_release(&ins);
    free(sp);
    free(kp.occ);
    free(v.lines);
    return rc;
}

static int value_problem(const char *v, const char **why)
{
    size_t n = strlen(v);
    if (strchr(v, '\n') || strchr(v, '\r')) {
        *why = "it contains a line break";
        return 1;
    }
    if (n && (is_ws(v[0]) || is_ws(v[n - 1]))) {
        *why = "it starts or ends with whitespace, which AWS tools trim";
        return 1;
    }
    if (v[0] == '#' || v[0] == ';') {
        *why = "it starts with # or ;, which AWS tools read as a comment";
        return 1;
    }
    for (size_t i = 1; i < n; i++)
        if ((v[i] == '#' || v[i] == ';') && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
            *why = "it contains whitespace followed by # or ;, which AWS tools read as a comment";
            return 1;
        }
    return 0;
}

static int parse_target(const char *section, int file_kind, target *tg, cc_err *err)
{
    memset(tg, 0, sizeof *tg);
    size_t s = 0, e = section ? strlen(section) : 0;
    sec_hdr h;
    if (section)
        parse_header_text(section, s, e, &h);
    if (!section || !h.valid || h.name_e - h.name_s >= sizeof tg->name) {
        cc_err_set(err, CC_EINPUT, "ini.section", "invalid AWS profile section name \"%s\"",
                   section ? section : "(null)");
        cc_err_hint(err, "use \"profile NAME\", \"default\", \"sso-session NAME\" or, for the "
                         "credentials file, \"NAME\"; NAME uses letters, digits and _-/.%%@:+");
        return CC_EINPUT;
    }
    tg->kind = h.kind;
    memcpy(tg->name, section + h.name_s, h.name_e - h.name_s);
    tg->name[h.name_e - h.name_s] = '\0';
    int is_default = strcmp(tg->name, "default") == 0;
    if (file_kind == INI_FILE_CREDENTIALS && tg->kind != SEC_BARE) {
        cc_err_set(err, CC_EINPUT, "ini.section",
                   "section \"%s\" cannot be used in a credentials file", section);
        cc_err_hint(err, "credentials-file sections are [NAME] without \"profile \"");
        return CC_EINPUT;
    }
    if (file_kind == INI_FILE_CONFIG && tg->kind == SEC_BARE && !is_default) {
        cc_err_set(err, CC_EINPUT, "ini.section",
                   "section \"%s\" would be ignored in a config file", section);
        cc_err_hint(err, "config-file profiles are written [profile %s]", tg->name);
        return CC_EINPUT;
    }
    if (file_kind == INI_FILE_CREDENTIALS)
        tg->creds_role = 1;
    else if (file_kind == INI_FILE_AUTO && tg->kind == SEC_BARE && !is_default)
        tg->creds_role = 1;
    tg->default_rule = is_default && !tg->creds_role &&
                       (tg->kind == SEC_BARE || tg->kind == SEC_PROFILE);
    if (tg->kind == SEC_BARE)
        snprintf(tg->header, sizeof tg->header, "%s", tg->name);
    else
        snprintf(tg->header, sizeof tg->header, "%s %s", sec_prefix[tg->kind], tg->name);
    return 0;
}

static const aws_profile *target_in(const aws_profile_set *set, const target *tg)
{
    if (tg->kind == SEC_SSO)
        return ini_sso_session(set, tg->name);
    if (tg->kind == SEC_SERVICES)
        return ini_services(set, tg->name);
    return ini_profile(set, tg->name);
}

static int kv_equal(const kv *a, const kv *b)
{
    if (strcmp(a->key, b->key) || strcmp(a->value, b->value) || a->nsubs != b->nsubs)
        return 0;
    for (size_t i = 0; i < a->nsubs; i++)
        if (strcmp(a->subs[i].key, b->subs[i].key) || strcmp(a->subs[i].value, b->subs[i].value))
            return 0;
    return 1;
}

static int is_set_key(const char *key, const ini_set *sets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(key, sets[i].key) == 0)
            return 1;
    return 0;
}

/* Every profile other than the target is unchanged; in the target only the
 * edited keys differ, and they hold what was asked. */
static int plist_same(const plist *a, const plist *b, const aws_profile *skip_a,
                      const aws_profile *skip_b)
{
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->n; i++)
        na += a->v[i] != skip_a;
    for (size_t i = 0; i < b->n; i++)
        nb += b->v[i] != skip_b;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const aws_profile *pa = a->v[i];
        if (pa == skip_a)
            continue;
        const aws_profile *pb = plist_lookup(b, pa->name);
        if (!pb || pb == skip_b || pa->n != pb->n)
            return 0;
        for (size_t k = 0; k < pa->n; k++) {
            const kv *kb = prop_of(pb, pa->props[k].key);
            if (!kb || !kv_equal(&pa->props[k], kb))
                return 0;
        }
    }
    return 1;
}

static int verify_edit(const char *before, size_t blen, const char *after, size_t alen,
                       const char *name, const target *tg, const ini_set *sets, size_t n,
                       cc_err *err)
{
    aws_profile_set *a = NULL, *b = NULL;
    int rc;
    if (tg->creds_role) {
        rc = ini_parse_profiles(NULL, 0, NULL, before, blen, name, &a, err);
        if (!rc)
            rc = ini_parse_profiles(NULL, 0, NULL, after, alen, name, &b, err);
    } else {
        rc = ini_parse_profiles(before, blen, name, NULL, 0, NULL, &a, err);
        if (!rc)
            rc = ini_parse_profiles(after, alen, name, NULL, 0, NULL, &b, err);
    }
    if (rc) {
        ini_profiles_free(a);
        ini_profiles_free(b);
        cc_err_prefix(err, "edited text no longer parses (bug)");
        err->status = CC_EINTERNAL;
        return CC_EINTERNAL;
    }
    const aws_profile *ta = target_in(a, tg), *tb = target_in(b, tg);
    /* The section is created only by a set; deleting from a missing
     * section changes nothing. */
    int ok = tb != NULL || ta == NULL;
    for (size_t i = 0; ok && !tb && i < n; i++)
        ok = sets[i].value == NULL;
    ok = ok && plist_same(&a->profiles, &b->profiles, tg->kind <= SEC_PROFILE ? ta : NULL,
                          tg->kind <= SEC_PROFILE ? tb : NULL);
    ok = ok && plist_same(&a->sso, &b->sso, tg->kind == SEC_SSO ? ta : NULL,
                          tg->kind == SEC_SSO ? tb : NULL);
    ok = ok && plist_same(&a->services, &b->services, tg->kind == SEC_SERVICES ? ta : NULL,
                          tg->kind == SEC_SERVICES ? tb : NULL);
    /* Untouched keys of the target are unchanged. */
    for (size_t k = 0; ok && ta && k < ta->n; k++)
        if (!is_set_key(ta->props[k].key, sets, n)) {
            const kv *kb = prop_of(tb, ta->props[k].key);
            ok = kb && kv_equal(&ta->props[k], kb);
        }
    for (size_t k = 0; ok && tb && k < tb->n; k++)
        if (!is_set_key(tb->props[k].key, sets, n))
            ok = ta && prop_of(ta, tb->props[k].key);
    /* Edited keys hold the last value asked for. */
    for (size_t i = 0; ok && i < n; i++) {
        size_t j = i + 1;
        while (j < n && strcasecmp(sets[j].key, sets[i].key) != 0)
            j++;
        if (j < n)
            continue;
        const char *got = ini_get(tb, sets[i].key);
        ok = sets[i].value ? (got && strcmp(got, sets[i].value) == 0) : got == NULL;
    }
    ini_profiles_free(a);
    ini_profiles_free(b);
    if (!ok) {
        cc_err_set(err, CC_EINTERNAL, "ini.verify",
                   "%s: the edited file did not read back as intended (section [%s]); nothing "
                   "was changed", name, tg->header);
        cc_err_hint(err, "please report this with a copy of the file (secrets removed)");
        return CC_EINTERNAL;
    }
    return 0;
}

int ini_edit_section_ex(const char *text, size_t len, const char *name, int file_kind,
                        const char *section, const ini_set *sets, size_t n, char **out,
                        size_t *out_len, cc_err *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!name)
        name = "<input>";
    if (!text)
        len = 0;
    if (!text)
        text = "";
    target tg;
    int rc = parse_target(section, file_kind, &tg, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const char *why = NULL;
        if (!sets[i].key || !is_ident(sets[i].key, strlen(sets[i].key))) {
            cc_err_set(err, CC_EINPUT, "ini.key", "invalid AWS config key \"%s\"",
                       sets[i].key ? sets[i].key : "(null)");
            cc_err_hint(err, "keys use letters, digits and _-/.%%@:+");
            return CC_EINPUT;
        }
        if (sets[i].value && value_problem(sets[i].value, &why)) {
            cc_err_set(err, CC_EINPUT, "ini.value",
                       "the value for %s in [%s] cannot be written to an AWS config file: %s",
                       sets[i].key, tg.header, why);
            cc_err_hint(err, "AWS INI files have no quoting; choose a value without that");
            return CC_EINPUT;
        }
    }
    /* Refuse a file that does not parse (syntax is the same for both files). */
    aws_profile_set *check = NULL;
    rc = tg.creds_role ? ini_parse_profiles(NULL, 0, NULL, text, len, name, &check, err)
                       : ini_parse_profiles(text, len, name, NULL, 0, NULL, &check, err);
    ini_profiles_free(check);
    if (rc) {
        if (rc == CC_EINPUT)
            cc_err_hint(err, "clinecfg edits only files it can read; fix that line by hand (or "
                             "move the file away) and run again");
        return rc;
    }
    /* The text passes through two buffers, each edit reading one and
     * writing the other; both may hold secrets (a credentials file). */
    strbuf cur = {.secret = true}, next = {.secret = true};
    strbuf_put(&cur, text, len);
    if (cur.oom)
        return cc_err_oom(err);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = apply_one(cur.p, cur.len, &tg, sets[i].key, sets[i].value, &next, err);
        if (!rc) {
            strbuf tmp = cur;
            cur = next;
            next = tmp;
        }
    }
    strbuf_release(&next);
    if (!rc)
        rc = verify_edit(text, len, cur.p, cur.len, name, &tg, sets, n, err);
    if (rc) {
        strbuf_release(&cur);
        return rc;
    }
    *out = cur.p;
    if (out_len)
        *out_len = cur.len;
    return 0;
}

int ini_edit_section(const char *text, size_t len, const char *name, const char *section,
                     const ini_set *sets, size_t n, char **out, size_t *out_len, cc_err *err)
{
    return ini_edit_section_ex(text, len, name, INI_FILE_AUTO, section, sets, n, out, out_len, err);
}
