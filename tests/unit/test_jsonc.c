/*
 * test_jsonc.c - unit tests of the JSONC parser/editor (src/core/jsonc_*.c):
 * the golden tables in tests/golden/jsonc/ (one .case file each, one cmocka
 * test each) and API tests of parsing, paths, lookup and conversion.
 *
 * Case file format (bytes are exact):
 *   # free text (why the case exists; "adapted:" notes where this engine
 *   # deliberately differs from node-jsonc-parser's modify)
 *   === input [crlf] [bom] [esc] [gen:depth:N] [gen:size:N]
 *   ...text...
 *   === edits
 *   set PATH JSON      PATH: a JSON array (["a", 0]: strings are keys,
 *   ins PATH JSON            numbers are indexes, -1 appends), or a spec
 *   del PATH                 for jsonc_path_parse ("/a/0", "a.b"); "" = root
 *   === expect [crlf] [bom] [esc]
 *   ...text...
 *   === error CODE [LINE:COL]     (instead of expect) and optional lines
 *   ...substrings the message must contain...
 * A section's text ends before the newline that precedes the next "==="
 * line (or the end of the file), so text that ends in a newline has an
 * empty line before the next header.  crlf turns every \n into \r\n, bom
 * prepends EF BB BF, esc reads \xNN \n \r \t \\ escapes.  gen:depth:N makes
 * the input N nested arrays; gen:size:N makes N bytes (a big string value).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/jsonc.h"

#define GOLDEN_DIR "tests/golden/jsonc"

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len;
} bytes;

static bool has_flag(const char *hdr, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = strstr(hdr, flag); p; p = strstr(p + 1, flag))
        if ((p == hdr || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0' || p[n] == ':'))
            return true;
    return false;
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Applies the section flags to raw section text. */
static bytes transform(const char *hdr, const char *s, size_t n)
{
    bytes b;
    b.p = malloc(n * 2 + 4);
    assert_non_null(b.p);
    b.len = 0;
    if (has_flag(hdr, "bom")) {
        memcpy(b.p, "\xEF\xBB\xBF", 3);
        b.len = 3;
    }
    bool esc = has_flag(hdr, "esc"), crlf = has_flag(hdr, "crlf");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (esc && c == '\\' && i + 1 < n) {
            char e = s[++i];
            if (e == 'x' && i + 2 < n + 1 && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
                b.p[b.len++] = (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2]));
                i += 2;
            } else if (e == 'n') {
                b.p[b.len++] = '\n';
            } else if (e == 'r') {
                b.p[b.len++] = '\r';
            } else if (e == 't') {
                b.p[b.len++] = '\t';
            } else {
                b.p[b.len++] = e;
            }
            continue;
        }
        if (crlf && c == '\n')
            b.p[b.len++] = '\r';
        b.p[b.len++] = c;
    }
    b.p[b.len] = '\0';
    return b;
}

static bytes generate(const char *hdr)
{
    bytes b = {NULL, 0};
    const char *g;
    if ((g = strstr(hdr, "gen:depth:"))) {
        long n = strtol(g + 10, NULL, 10);
        b.p = malloc((size_t)n * 2 + 1);
        assert_non_null(b.p);
        memset(b.p, '[', (size_t)n);
        memset(b.p + n, ']', (size_t)n);
        b.len = (size_t)n * 2;
        b.p[b.len] = '\0';
    } else if ((g = strstr(hdr, "gen:size:"))) {
        long n = strtol(g + 9, NULL, 10);
        b.p = malloc((size_t)n + 1);
        assert_non_null(b.p);
        memset(b.p, 'x', (size_t)n);
        memcpy(b.p, "{\"big\": \"", 9);
        memcpy(b.p + n - 2, "\"}", 2);
        b.len = (size_t)n;
        b.p[b.len] = '\0';
    }
    return b;
}

typedef struct {
    char file[512];
} golden_case;

typedef struct {
    jsonc_edit edits[32];
    jsonc_path *paths[32];
    char *values[32];
    size_t n;
} edit_list;

static void free_edits(edit_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        jsonc_path_free(l->paths[i]);
        free(l->values[i]);
    }
}

/* Parses one edit line; fails the test on a malformed line. */
static void parse_edit_line(const char *file, char *line, edit_list *l)
{
    size_t i = l->n;
    assert_true(i < 32);
    char *sp = strchr(line, ' ');
    if (!sp)
        sp = line + strlen(line);
    char op[8] = {0};
    size_t oplen = (size_t)(sp - line) < 7 ? (size_t)(sp - line) : 7;
    memcpy(op, line, oplen);
    char *rest = *sp ? sp + 1 : sp;
    jsonc_path *p = NULL;
    char *after;
    cc_err err;
    cc_err_clear(&err);
    if (rest[0] == '[') {
        const char *end = NULL;
        cJSON *arr = cJSON_ParseWithOpts(rest, &end, 0);
        if (!arr || !cJSON_IsArray(arr))
            fail_msg("%s: bad path array in edit line: %s", file, line);
        p = jsonc_path_new();
        assert_non_null(p);
        cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            if (cJSON_IsString(it))
                assert_int_equal(jsonc_path_push_key(p, it->valuestring), 0);
            else
                assert_int_equal(jsonc_path_push_index(p, (long)it->valuedouble), 0);
        }
        cJSON_Delete(arr);
        after = (char *)end;
    } else {
        char *e = strchr(rest, ' ');
        char save = 0;
        if (e) {
            save = *e;
            *e = '\0';
        }
        const char *spec = strcmp(rest, "\"\"") == 0 ? "" : rest;
        if (jsonc_path_parse(spec, &p, &err) != 0)
            fail_msg("%s: bad path %s: %s", file, rest, err.message);
        if (e)
            *e = save;
        after = e ? e : rest + strlen(rest);
    }
    while (*after == ' ')
        after++;
    l->paths[i] = p;
    l->edits[i].path = p;
    l->values[i] = NULL;
    if (strcmp(op, "del") == 0) {
        l->edits[i].op = JSONC_EDIT_DELETE;
    } else if (strcmp(op, "set") == 0 || strcmp(op, "ins") == 0) {
        l->edits[i].op = JSONC_EDIT_SET;
        l->edits[i].flags = strcmp(op, "ins") == 0 ? JSONC_EDIT_INSERT : 0;
        l->values[i] = strdup(after);
        l->edits[i].value_json = l->values[i];
    } else {
        fail_msg("%s: unknown edit op '%s'", file, op);
    }
    l->n++;
}

static void print_bytes(const char *label, const char *p, size_t n)
{
    fprintf(stderr, "%s (%zu bytes): \"", label, n);
    for (size_t i = 0; i < n && i < 4000; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n')
            fputs("\\n\"\n  \"", stderr);
        else if (c == '\r')
            fputs("\\r", stderr);
        else if (c == '\t')
            fputs("\\t", stderr);
        else if (c < 0x20 || c == 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputs("\"\n", stderr);
}

/* The comments of `in` (outside any replaced or deleted value) must all
 * still be in `out`: checked for every successful case. */
static void check_comments_kept(const char *file, const bytes *in, const char *out, size_t out_len,
                                const edit_list *l)
{
    jsonc_doc *d = NULL;
    cc_err err;
    if (jsonc_parse(in->p, in->len, file, &d, &err) != 0)
        return;
    /* Spans of values that an edit replaces or deletes own their comments. */
    size_t own[32][2];
    size_t nown = 0;
    for (size_t i = 0; i < l->n; i++) {
        const jsonc_node *n = jsonc_find(d, l->edits[i].path);
        if (n && !(l->edits[i].flags & JSONC_EDIT_INSERT)) {
            own[nown][0] = n->key ? n->key_start : n->start;
            own[nown][1] = n->end;
            nown++;
        }
    }
    for (size_t i = 0; i < jsonc_comment_count(d); i++) {
        size_t s, e;
        jsonc_comment_span(d, i, &s, &e);
        bool owned = false;
        for (size_t k = 0; k < nown; k++)
            if (s >= own[k][0] && e <= own[k][1])
                owned = true;
        if (owned)
            continue;
        char *c = strndup(in->p + s, e - s);
        char *o = strndup(out, out_len);
        if (!strstr(o, c))
            fail_msg("%s: comment %s was lost", file, c);
        free(c);
        free(o);
    }
    jsonc_free(d);
}

static void run_case(void **state)
{
    const golden_case *gc = *state;
    size_t flen = 0;
    char *f = test_read_file(gc->file, &flen);
    assert_non_null(f);
    char *sec_hdr[8];
    char *sec_txt[8];
    size_t sec_len[8];
    int nsec = 0;
    /* split into sections at lines starting with "=== " */
    char *p = f;
    while ((p = strstr(p, "=== ")) && (p == f || p[-1] == '\n' || p[-1] == '\0')) {
        assert_true(nsec < 8);
        char *eol = strchr(p, '\n');
        char *hdr = p + 4;
        char *txt = eol ? eol + 1 : f + flen;
        if (eol)
            *eol = '\0';
        char *next = txt;
        char *found = NULL;
        while ((next = strstr(next, "=== "))) {
            if (next == txt || next[-1] == '\n' || next[-1] == '\0') {
                found = next;
                break;
            }
            next++;
        }
        size_t n = found ? (size_t)(found - txt) : (size_t)(f + flen - txt);
        if (n > 0 && txt[n - 1] == '\n')
            n--; /* the newline that precedes the next header belongs to the format */
        sec_hdr[nsec] = hdr;
        sec_txt[nsec] = txt;
        sec_len[nsec] = n;
        nsec++;
        if (!found)
            break;
        p = found;
    }
    bytes in = {NULL, 0}, want = {NULL, 0};
    edit_list l;
    memset(&l, 0, sizeof l);
    char *err_hdr = NULL, *err_txt = NULL;
    size_t err_len = 0;
    for (int i = 0; i < nsec; i++) {
        if (strncmp(sec_hdr[i], "input", 5) == 0) {
            in = strstr(sec_hdr[i], "gen:") ? generate(sec_hdr[i]) : transform(sec_hdr[i], sec_txt[i], sec_len[i]);
        } else if (strncmp(sec_hdr[i], "expect", 6) == 0) {
            want = transform(sec_hdr[i], sec_txt[i], sec_len[i]);
        } else if (strncmp(sec_hdr[i], "edits", 5) == 0) {
            char *t = strndup(sec_txt[i], sec_len[i]);
            char *save = NULL;
            for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (line[0] && line[0] != '#')
                    parse_edit_line(gc->file, line, &l);
            free(t);
        } else if (strncmp(sec_hdr[i], "error", 5) == 0) {
            err_hdr = sec_hdr[i] + 5;
            err_txt = sec_txt[i];
            err_len = sec_len[i];
        } else {
            fail_msg("%s: unknown section '%s'", gc->file, sec_hdr[i]);
        }
    }
    assert_non_null(in.p);
    if (!want.p && !err_hdr)
        fail_msg("%s: needs an expect or an error section", gc->file);
    char *out = NULL;
    size_t out_len = 0;
    cc_err err;
    cc_err_clear(&err);
    int rc = jsonc_apply(in.p, in.len, "t.json", l.edits, l.n, &out, &out_len, &err);
    if (err_hdr) {
        if (rc == 0) {
            print_bytes("output", out, out_len);
            fail_msg("%s: expected an error, got success", gc->file);
        }
        char code[64] = {0}, pos[64] = {0};
        sscanf(err_hdr, " %63s %63s", code, pos);
        if (rc != CC_EINPUT || strcmp(err.code, code) != 0)
            fail_msg("%s: expected CC_EINPUT/%s, got %d/%s: %s", gc->file, code, rc, err.code, err.message);
        if (pos[0]) {
            char want_pos[80];
            snprintf(want_pos, sizeof want_pos, "t.json:%s: ", pos);
            if (strncmp(err.message, want_pos, strlen(want_pos)) != 0)
                fail_msg("%s: expected message to start with '%s', got '%s'", gc->file, want_pos, err.message);
        }
        char *t = strndup(err_txt, err_len);
        char *save = NULL;
        for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            if (line[0] && !strstr(err.message, line))
                fail_msg("%s: message '%s' lacks '%s'", gc->file, err.message, line);
        free(t);
        assert_null(out);
    } else {
        if (rc != 0)
            fail_msg("%s: apply failed: %s", gc->file, err.message);
        if (out_len != want.len || memcmp(out, want.p, out_len) != 0) {
            print_bytes("expected", want.p, want.len);
            print_bytes("got     ", out, out_len);
            fail_msg("%s: output differs", gc->file);
        }
        /* The output must parse, and applying the same edits again must be a
         * fixed point for sets (idempotence) - a cheap extra invariant. */
        jsonc_doc *d = NULL;
        if (jsonc_parse(out, out_len, "out", &d, &err) != 0)
            fail_msg("%s: output does not parse: %s", gc->file, err.message);
        jsonc_free(d);
        check_comments_kept(gc->file, &in, out, out_len, &l);
    }
    free(out);
    free_edits(&l);
    free(in.p);
    free(want.p);
    free(f);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ---- API tests ---------------------------------------------------------- */

static void test_parse_tree(void **state)
{
    (void)state;
    const char *t = "\xEF\xBB\xBF// head\n{\n\t\"a\": [1, -2.5e1, true, null], /* c */\n\t\"k\\u00e9y\": \"v\\n\\u0000x\",\n}\n";
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse(t, strlen(t), "t", &d, &err), 0);
    assert_true(jsonc_doc_has_bom(d));
    assert_string_equal(jsonc_doc_indent(d), "\t");
    assert_string_equal(jsonc_doc_eol(d), "\n");
    const jsonc_node *r = jsonc_root(d);
    assert_int_equal(r->type, JSONC_OBJECT);
    assert_int_equal(r->nchildren, 2);
    const jsonc_node *a = jsonc_member(r, "a");
    assert_non_null(a);
    assert_int_equal(a->type, JSONC_ARRAY);
    assert_int_equal(a->nchildren, 4);
    assert_memory_equal(t + a->key_start, "\"a\"", 3);
    assert_int_equal(a->key_end - a->key_start, 3);
    assert_true(jsonc_index(a, 1)->number == -25.0);
    assert_true(jsonc_index(a, 2)->boolean);
    assert_int_equal(jsonc_index(a, 3)->type, JSONC_NULL);
    assert_null(jsonc_index(a, 4));
    const jsonc_node *k = jsonc_member(r, "k\xC3\xA9y");
    assert_non_null(k);
    assert_int_equal(k->str_len, 4);
    assert_memory_equal(k->str, "v\n\0x", 4);
    assert_int_equal(jsonc_comment_count(d), 2);
    size_t s, e;
    jsonc_comment_span(d, 1, &s, &e);
    assert_memory_equal(t + s, "/* c */", e - s);
    jsonc_free(d);
}

static void test_empty_and_comments_only(void **state)
{
    (void)state;
    const char *ins[] = {"", "   \n", "// only a comment", "/* a */ // b\n"};
    for (size_t i = 0; i < 4; i++) {
        jsonc_doc *d = NULL;
        cc_err err;
        assert_int_equal(jsonc_parse(ins[i], strlen(ins[i]), "t", &d, &err), 0);
        assert_null(jsonc_root(d));
        jsonc_free(d);
    }
}

static void expect_parse_error(const char *text, size_t len, const char *code, const char *pos)
{
    jsonc_doc *d = (jsonc_doc *)1;
    cc_err err;
    cc_err_clear(&err);
    int rc = jsonc_parse(text, len, "f.json", &d, &err);
    if (rc != CC_EINPUT)
        fail_msg("'%s' parsed (rc %d)", text, rc);
    assert_null(d);
    assert_string_equal(err.code, code);
    char want[64];
    snprintf(want, sizeof want, "f.json:%s: ", pos);
    if (strncmp(err.message, want, strlen(want)) != 0)
        fail_msg("'%s': message '%s' does not start with '%s'", text, err.message, want);
    assert_true(err.hint[0] != '\0' || strcmp(code, "jsonc.size") == 0);
}

#define EPE(lit, code, pos) expect_parse_error(lit, sizeof(lit) - 1, code, pos)

static void test_parse_errors(void **state)
{
    (void)state;
    EPE("{\"a\": 1", "jsonc.syntax", "1:8");
    EPE("{\n  \"a\": 01\n}", "jsonc.syntax", "2:8");
    EPE("{'a': 1}", "jsonc.syntax", "1:2");
    EPE("[1,,2]", "jsonc.syntax", "1:4");
    EPE("[1] [2]", "jsonc.syntax", "1:5");
    EPE("{\"a\" 1}", "jsonc.syntax", "1:6");
    EPE("[\"\xC3\x28\"]", "jsonc.utf8", "1:3");
    EPE("[\"\xED\xA0\x80\"]", "jsonc.utf8", "1:3");  /* UTF-8 surrogate */
    EPE("[\"\xC0\xAF\"]", "jsonc.utf8", "1:3");      /* overlong */
    EPE("// \xFF\n1", "jsonc.utf8", "1:4");
    EPE("[\"a\tb\"]", "jsonc.syntax", "1:4");
    EPE("[\"\\x\"]", "jsonc.syntax", "1:3");
    EPE("[\"\\u12g4\"]", "jsonc.syntax", "1:3");
    EPE("/* open", "jsonc.syntax", "1:1");
    EPE("[tru]", "jsonc.syntax", "1:2");
    EPE("[1.]", "jsonc.syntax", "1:2");
    EPE("[-]", "jsonc.syntax", "1:2");
    EPE("[1e]", "jsonc.syntax", "1:2");
    EPE("[NaN]", "jsonc.syntax", "1:2");
    EPE("{\"a\":1,,}", "jsonc.syntax", "1:8");
    EPE("[1 / 2]", "jsonc.syntax", "1:4");
    EPE("{\"a\":1}\0", "jsonc.syntax", "1:8");
    /* a depth bomb far past the limit is an error, not a crash */
    size_t n = 100000;
    char *bomb = malloc(n);
    assert_non_null(bomb);
    memset(bomb, '[', n);
    expect_parse_error(bomb, n, "jsonc.depth", "1:257");
    memset(bomb, '{', n);
    expect_parse_error(bomb, n, "jsonc.syntax", "1:2");
    free(bomb);
}

static void test_depth_limit_exact(void **state)
{
    (void)state;
    char t[2 * JSONC_MAX_DEPTH + 2];
    memset(t, '[', JSONC_MAX_DEPTH);
    memset(t + JSONC_MAX_DEPTH, ']', JSONC_MAX_DEPTH);
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse(t, 2 * JSONC_MAX_DEPTH, "t", &d, &err), 0);
    cJSON *j = jsonc_to_cjson(jsonc_root(d));
    assert_non_null(j);
    cJSON_Delete(j);
    jsonc_free(d);
    memset(t, '[', JSONC_MAX_DEPTH + 1);
    memset(t + JSONC_MAX_DEPTH + 1, ']', JSONC_MAX_DEPTH + 1);
    assert_int_equal(jsonc_parse(t, 2 * JSONC_MAX_DEPTH + 2, "t", &d, &err), CC_EINPUT);
    assert_string_equal(err.code, "jsonc.depth");
    assert_non_null(strstr(err.message, "256"));
}

static void test_size_limit(void **state)
{
    (void)state;
    /* The limit is checked before reading a byte: a huge length with a
     * tiny buffer must be refused without touching the buffer. */
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse("{}", JSONC_MAX_SIZE + 1, "big.json", &d, &err), CC_EINPUT);
    assert_string_equal(err.code, "jsonc.size");
    assert_non_null(strstr(err.message, "64 MiB"));
    assert_non_null(strstr(err.message, "big.json"));
    char *out = NULL;
    size_t ol;
    assert_int_equal(jsonc_apply("{}", JSONC_MAX_SIZE + 1, "big.json", NULL, 0, &out, &ol, &err), CC_EINPUT);
    assert_null(out);
}

static void test_line_col(void **state)
{
    (void)state;
    const char *t = "ab\ncd\r\nef";
    int l, c;
    jsonc_line_col(t, strlen(t), 0, &l, &c);
    assert_int_equal(l, 1);
    assert_int_equal(c, 1);
    jsonc_line_col(t, strlen(t), 4, &l, &c);
    assert_int_equal(l, 2);
    assert_int_equal(c, 2);
    jsonc_line_col(t, strlen(t), 7, &l, &c);
    assert_int_equal(l, 3);
    assert_int_equal(c, 1);
    jsonc_line_col(t, strlen(t), 999, &l, &c);
    assert_int_equal(l, 3);
    assert_int_equal(c, 3);
}

static void test_crlf_and_spaces_style(void **state)
{
    (void)state;
    const char *t = "{\r\n   \"a\": {\r\n      \"b\": 1\r\n   }\r\n}";
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse(t, strlen(t), "t", &d, &err), 0);
    assert_string_equal(jsonc_doc_eol(d), "\r\n");
    assert_string_equal(jsonc_doc_indent(d), "   ");
    assert_false(jsonc_doc_has_bom(d));
    jsonc_free(d);
}

static void test_paths(void **state)
{
    (void)state;
    jsonc_path *p = NULL;
    cc_err err;
    assert_int_equal(jsonc_path_parse("/a~1b/0/~0x/-", &p, &err), 0);
    assert_int_equal(p->n, 4);
    assert_string_equal(p->segs[0].key, "a/b");
    assert_true(p->segs[1].numeric);
    assert_int_equal(p->segs[1].index, 0);
    assert_string_equal(p->segs[2].key, "~x");
    assert_false(p->segs[2].numeric);
    assert_true(p->segs[3].numeric);
    assert_int_equal(p->segs[3].index, -1);
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("cline.apiProvider", &p, &err), 0);
    assert_int_equal(p->n, 2);
    assert_string_equal(p->segs[1].key, "apiProvider");
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("/editor.fontSize", &p, &err), 0);
    assert_int_equal(p->n, 1);
    assert_string_equal(p->segs[0].key, "editor.fontSize");
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("", &p, &err), 0);
    assert_int_equal(p->n, 0);
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("a..b", &p, &err), CC_EINPUT);
    assert_null(p);
    assert_int_equal(jsonc_path_parse("/a~2", &p, &err), CC_EINPUT);
    assert_int_equal(jsonc_path_parse("/\xFF", &p, &err), CC_EINPUT);
    assert_int_equal(jsonc_path_parse("0123", &p, &err), 0);
    assert_false(p->segs[0].numeric); /* a leading zero is a key, not an index */
    jsonc_path_free(p);
}

static void test_find_and_lookup(void **state)
{
    (void)state;
    const char *t = "{\"a\": [10, {\"b\": 1}], \"d\": 1,\n \"d\": 2, \"e.f\": 3}";
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse(t, strlen(t), "t", &d, &err), 0);
    jsonc_path *p = NULL;
    assert_int_equal(jsonc_path_parse("a.1.b", &p, &err), 0);
    const jsonc_node *n = jsonc_find(d, p);
    assert_non_null(n);
    assert_true(n->number == 1.0);
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("/e.f", &p, &err), 0);
    assert_true(jsonc_find(d, p)->number == 3.0);
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("a.5", &p, &err), 0);
    assert_null(jsonc_find(d, p));
    const jsonc_node *out = (const jsonc_node *)1;
    assert_int_equal(jsonc_lookup(d, t, strlen(t), "t", p, &out, &err), 0);
    assert_null(out);
    jsonc_path_free(p);
    assert_int_equal(jsonc_path_parse("d", &p, &err), 0);
    assert_true(jsonc_find(d, p)->number == 1.0); /* first match */
    assert_int_equal(jsonc_lookup(d, t, strlen(t), "t", p, &out, &err), CC_EINPUT);
    assert_string_equal(err.code, "jsonc.ambiguous");
    assert_non_null(strstr(err.message, "t:1:23:"));
    assert_non_null(strstr(err.message, "2:2"));
    jsonc_path_free(p);
    jsonc_free(d);
}

static void test_to_cjson(void **state)
{
    (void)state;
    const char *t = "// c\n{\"a\": [1, \"x\", false, null, {}], \"b\": {\"c\": 2.5,}, \"a\": 3,}";
    jsonc_doc *d = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse(t, strlen(t), "t", &d, &err), 0);
    cJSON *j = jsonc_to_cjson(jsonc_root(d));
    assert_non_null(j);
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(s, "{\"a\":[1,\"x\",false,null,{}],\"b\":{\"c\":2.5},\"a\":3}");
    free(s);
    char *v = jsonc_value_from_cjson(cJSON_GetObjectItem(j, "b"));
    assert_string_equal(v, "{\"c\":2.5}");
    free(v);
    cJSON_Delete(j);
    assert_null(jsonc_to_cjson(NULL));
    jsonc_free(d);
}

static void test_value_from_cjson_roundtrip(void **state)
{
    (void)state;
    /* A cJSON string with control characters becomes a valid \u escape and
     * lands in the file as such. */
    cJSON *v = cJSON_CreateString("line1\nline2\x01\"q\"");
    char *json = jsonc_value_from_cjson(v);
    cJSON_Delete(v);
    jsonc_path *p = jsonc_path_new();
    assert_int_equal(jsonc_path_push_key(p, "k"), 0);
    jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = json};
    char *out;
    size_t ol;
    cc_err err;
    assert_int_equal(jsonc_apply("{}", 2, "t", &ed, 1, &out, &ol, &err), 0);
    assert_non_null(strstr(out, "\"line1\\nline2\\u0001\\\"q\\\"\""));
    jsonc_doc *d;
    assert_int_equal(jsonc_parse(out, ol, "t", &d, &err), 0);
    assert_string_equal(jsonc_member(jsonc_root(d), "k")->str, "line1\nline2\x01\"q\"");
    jsonc_free(d);
    free(out);
    free(json);
    jsonc_path_free(p);
}

static void test_key_escaping(void **state)
{
    (void)state;
    jsonc_path *p = jsonc_path_new();
    assert_int_equal(jsonc_path_push_key(p, "a\"b\\c\x1f\t"), 0);
    jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = "1"};
    char *out;
    size_t ol;
    cc_err err;
    assert_int_equal(jsonc_apply("{}", 2, "t", &ed, 1, &out, &ol, &err), 0);
    assert_string_equal(out, "{\n    \"a\\\"b\\\\c\\u001f\\t\": 1\n}");
    free(out);
    jsonc_path_free(p);
}

static void test_apply_bad_value_and_usage(void **state)
{
    (void)state;
    jsonc_path *p = NULL;
    cc_err err;
    assert_int_equal(jsonc_path_parse("a", &p, &err), 0);
    const char *bad[] = {"text", "{\"a\": 1,}", "// c\n1", "", "1 2", "[1,]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = bad[i]};
        char *out = NULL;
        size_t ol;
        assert_int_equal(jsonc_apply("{}", 2, "t", &ed, 1, &out, &ol, &err), CC_EINPUT);
        assert_null(out);
        assert_non_null(strstr(err.message, "value for /a"));
    }
    jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = NULL};
    char *out = NULL;
    size_t ol;
    assert_int_equal(jsonc_apply("{}", 2, "t", &ed, 1, &out, &ol, &err), CC_EUSAGE);
    jsonc_path_free(p);
    /* no edits: a byte-identical copy */
    assert_int_equal(jsonc_apply("// x\n{ }", 8, "t", NULL, 0, &out, &ol, &err), 0);
    assert_int_equal(ol, 8);
    assert_memory_equal(out, "// x\n{ }", 8);
    free(out);
}

/* A mid-size document: every byte outside the one changed value is kept. */
static void test_minimal_change_big(void **state)
{
    (void)state;
    size_t cap = 1 << 20;
    char *t = malloc(cap);
    size_t n = 0;
    n += (size_t)sprintf(t + n, "{\n");
    for (int i = 0; i < 5000; i++)
        n += (size_t)sprintf(t + n, "  \"key.%d\": \"value %d\", // note %d\n", i, i, i);
    n += (size_t)sprintf(t + n, "  \"last\": 0\n}\n");
    jsonc_path *p = NULL;
    cc_err err;
    assert_int_equal(jsonc_path_parse("/key.2500", &p, &err), 0);
    jsonc_edit ed = {.op = JSONC_EDIT_SET, .path = p, .value_json = "\"NEW\""};
    char *out;
    size_t ol;
    assert_int_equal(jsonc_apply(t, n, "t", &ed, 1, &out, &ol, &err), 0);
    const char *old = "\"value 2500\"";
    char *at = strstr(t, old);
    size_t off = (size_t)(at - t);
    assert_int_equal(ol, n - strlen(old) + 5);
    assert_memory_equal(out, t, off);
    assert_memory_equal(out + off, "\"NEW\"", 5);
    assert_memory_equal(out + off + 5, t + off + strlen(old), n - off - strlen(old));
    free(out);
    jsonc_path_free(p);
    free(t);
}

int main(void)
{
    const struct CMUnitTest api[] = {
        cmocka_unit_test(test_parse_tree),
        cmocka_unit_test(test_empty_and_comments_only),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_depth_limit_exact),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_line_col),
        cmocka_unit_test(test_crlf_and_spaces_style),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_find_and_lookup),
        cmocka_unit_test(test_to_cjson),
        cmocka_unit_test(test_value_from_cjson_roundtrip),
        cmocka_unit_test(test_key_escaping),
        cmocka_unit_test(test_apply_bad_value_and_usage),
        cmocka_unit_test(test_minimal_change_big),
    };
    int failed = cmocka_run_group_tests_name("jsonc_api", api, NULL, NULL);

    DIR *dir = opendir(GOLDEN_DIR);
    if (!dir) {
        fprintf(stderr, "test_jsonc: %s not found (run from the repository root)\n", GOLDEN_DIR);
        return 1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".case") == 0) {
            names = realloc(names, (nn + 1) * sizeof *names);
            names[nn++] = strdup(de->d_name);
        }
    }
    closedir(dir);
    qsort(names, nn, sizeof *names, cmp_str);
    golden_case *cases = calloc(nn + 1, sizeof *cases);
    struct CMUnitTest *tests = calloc(nn + 1, sizeof *tests);
    for (size_t i = 0; i < nn; i++) {
        snprintf(cases[i].file, sizeof cases[i].file, "%s/%s", GOLDEN_DIR, names[i]);
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    failed += _cmocka_run_group_tests("jsonc_golden", tests, nn, NULL, NULL);
    /* The bar is at least 80 golden cases; fewer means files went missing. */
    if (nn < 80) {
        fprintf(stderr, "test_jsonc: only %zu golden cases in %s (expected >= 80)\n", nn, GOLDEN_DIR);
        failed++;
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    free(cases);
    free(tests);
    return failed ? 1 : 0;
}
