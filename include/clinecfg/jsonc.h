/*
 * jsonc.h - the JSONC parser and minimal-change editor (src/core/jsonc_*.c).
 *
 * Owns: parsing VS Code-flavoured JSON (line and block comments, trailing
 * commas, empty content; otherwise strict RFC 8259, invalid UTF-8 is an
 * error) into a tree of nodes that keep byte offsets, and applying set/delete
 * edits to the original text so that every byte outside the changed spans is
 * kept.  Used for Cline's globalState.json / providers.json, editor
 * settings.json and clinecfg's own config.
 *
 * Errors: CC_EINPUT with err->message "NAME:LINE:COL: reason" (LINE and COL
 * are 1-based, COL counts bytes) and a hint; CC_EINTERNAL on out of memory.
 */
#ifndef CLINECFG_JSONC_H
#define CLINECFG_JSONC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"

/* Limits.  Past either one, parse and apply fail with CC_EINPUT and a
 * message naming the limit. */
#define JSONC_MAX_DEPTH 256                        /* nested arrays/objects */
#define JSONC_MAX_SIZE ((size_t)64 * 1024 * 1024)  /* input bytes (64 MiB) */

typedef enum { JSONC_NULL, JSONC_BOOL, JSONC_NUMBER, JSONC_STRING, JSONC_ARRAY, JSONC_OBJECT } jsonc_type;

typedef struct jsonc_node {
    jsonc_type type;
    size_t start, end;          /* byte span of the value in the text [start, end) */
    size_t key_start, key_end;  /* span of the member key token incl. quotes (object members; else 0,0) */
    const char *key;            /* decoded member key (NUL-terminated) or NULL */
    const char *str;            /* decoded string value for JSONC_STRING (NUL-terminated) */
    size_t str_len;             /* its length (may contain \u0000) */
    bool boolean;
    double number;
    struct jsonc_node *parent, *child, *next;  /* first child / next sibling, in document order */
    size_t nchildren;
} jsonc_node;

/* A parsed document: owns the nodes, the decoded strings, the comment spans
 * and the detected style.  It does not copy or keep the text. */
typedef struct jsonc_doc jsonc_doc;

/* Parses VS Code JSONC.  `name` is used in error messages only (may be
 * NULL: "<input>").  A leading UTF-8 BOM is skipped (offsets still count
 * it).  On error returns CC_EINPUT with err->message "NAME:LINE:COL: reason"
 * and *out = NULL. */
int jsonc_parse(const char *text, size_t len, const char *name, jsonc_doc **out, cc_err *err);
void jsonc_free(jsonc_doc *doc);

const jsonc_node *jsonc_root(const jsonc_doc *doc);                      /* NULL for empty content */
const jsonc_node *jsonc_member(const jsonc_node *obj, const char *key); /* first match, or NULL */
const jsonc_node *jsonc_index(const jsonc_node *arr, size_t i);         /* i-th element, or NULL */

/* Comments in document order: [start, end) byte spans, including the
 * delimiters (a line comment ends before its EOL). */
size_t jsonc_comment_count(const jsonc_doc *doc);
void jsonc_comment_span(const jsonc_doc *doc, size_t i, size_t *start, size_t *end);

/* Style detected from the text: indent unit ("\t", "  ", "    ", ...; a
 * default of 4 spaces when nothing is indented), EOL ("\n" or "\r\n") and
 * whether the text starts with a BOM. */
const char *jsonc_doc_indent(const jsonc_doc *doc);
const char *jsonc_doc_eol(const jsonc_doc *doc);
bool jsonc_doc_has_bom(const jsonc_doc *doc);

/* 1-based line and byte column of `offset` (clamped to len). */
void jsonc_line_col(const char *text, size_t len, size_t offset, int *line, int *col);

/* Converts a node (and its subtree) to cJSON; caller cJSON_Delete()s.
 * Duplicate keys are all kept, in order.  NULL on out of memory. */
cJSON *jsonc_to_cjson(const jsonc_node *node);

/* Paths.  A spec is either dotted keys "a.b.c" (each part a key; a part that
 * is all digits also selects that array element when the parent is an
 * array), or an RFC 6901 pointer when it starts with '/' ("/a/0/b~1c"; "-"
 * as the last token means append).  VS Code settings keys contain dots
 * ("editor.fontSize"): use a pointer ("/editor.fontSize") or build the path
 * with jsonc_path_new + jsonc_path_push_key. */
typedef struct jsonc_seg {
    const char *key;  /* member name (NUL-terminated); NULL for a pure index segment */
    long index;       /* array index when key == NULL; -1 = append (set only) */
    bool numeric;     /* may select array element `index`: a pure index segment, a key that
                       * is all digits, or "-" as the last pointer token (index -1) */
} jsonc_seg;

typedef struct jsonc_path {
    size_t n;
    jsonc_seg *segs;
} jsonc_path;

int jsonc_path_parse(const char *spec, jsonc_path **out, cc_err *err);
jsonc_path *jsonc_path_new(void);                                  /* empty path = the root */
int jsonc_path_push_key(jsonc_path *p, const char *key);         /* CC_OK or CC_EINTERNAL */
int jsonc_path_push_index(jsonc_path *p, long index);            /* -1 = append */
void jsonc_path_free(jsonc_path *p);

/* The node at `path`, following the first match of each key; NULL if absent. */
const jsonc_node *jsonc_find(const jsonc_doc *doc, const jsonc_path *path);

/* Like jsonc_find but refuses an ambiguous path: if any key on the path
 * appears twice in its object, returns CC_EINPUT naming both positions
 * ("NAME:L:C: key \"k\" appears twice on the path (also at L:C)").  `text`
 * and `len` must be the text the doc was parsed from (for line:col).
 * *out = NULL (and CC_OK) when the path is absent. */
int jsonc_lookup(const jsonc_doc *doc, const char *text, size_t len, const char *name,
                 const jsonc_path *path, const jsonc_node **out, cc_err *err);

typedef enum { JSONC_EDIT_SET, JSONC_EDIT_DELETE } jsonc_edit_op;

/* Edit flags. */
#define JSONC_EDIT_INSERT 1u  /* SET on an array index: insert before it instead of replacing */

typedef struct jsonc_edit {
    jsonc_edit_op op;
    const jsonc_path *path;
    const char *value_json;  /* SET: any valid JSON text; re-emitted in the file's style */
    unsigned flags;          /* JSONC_EDIT_* (0 = default) */
} jsonc_edit;

/* Applies all edits, in order, to `text` in one call (all or nothing); *out
 * is malloc'd and NUL-terminated (caller frees), *out_len excludes the NUL.
 * Bytes outside the changed spans are identical.  Semantics:
 *   SET    replaces an existing value, or adds a member after the last one
 *          (formatted like its siblings), creating missing parents: objects
 *          for key segments, arrays only for pure index segments
 *          (jsonc_path_push_index); an array index equal to the length, or
 *          -1, appends; the empty path replaces the whole document (empty
 *          content: the value goes after any comments, on its own line).
 *          With JSONC_EDIT_INSERT on an existing array element, the value is
 *          inserted before it.
 *   DELETE removes the member/element with its comma; deleting something
 *          absent is a no-op.  Comments outside the deleted member stay
 *          (a neighbour's trailing comment keeps its line); comments inside
 *          a replaced or deleted value go with it.
 * Layout: indent unit and EOL are detected (default 4 spaces, LF); a member
 * added to a multi-line object copies its last sibling's indentation and
 * goes after that sibling's trailing comment; one-line containers stay on
 * one line; a file with trailing commas gets one after a new last member;
 * value_json is re-laid out (multi-line or inline to fit its place) with its
 * string and number tokens copied as written.  The output is re-parsed before
 * it is returned: if it would not parse, CC_EINTERNAL (a bug) and no output.
 * Refuses with CC_EINPUT (file:line:col, nothing in *out): text that does not
 * parse, an ambiguous path (duplicate key on it: both positions named), a
 * path through a non-container, an index past the end, invalid value_json,
 * a result past JSONC_MAX_DEPTH / JSONC_MAX_SIZE.  A missing value_json or
 * path is CC_EUSAGE. */
int jsonc_apply(const char *text, size_t len, const char *name, const jsonc_edit *edits, size_t n,
                char **out, size_t *out_len, cc_err *err);

/* Convenience for callers holding cJSON values: compact JSON text, malloc'd
 * (free()), NULL on out of memory. */
char *jsonc_value_from_cjson(const cJSON *v);

#endif
