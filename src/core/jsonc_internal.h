/*
 * jsonc_internal.h - what the jsonc_*.c files share and nobody else should
 * see: the document struct and its arena (jsonc_doc.c), the parse flags and
 * entry points the editor uses (jsonc_parse.c, jsonc_scan.c), the lexical
 * rules the parser and the scanner must agree on (inline below, one copy:
 * UTF-8 sequences, escapes, comments, the number grammar), and the path-step
 * rule the scanner's sparse tree follows (jsonc_path.c).
 */
#ifndef CLINECFG_JSONC_INTERNAL_H
#define CLINECFG_JSONC_INTERNAL_H

#include "clinecfg/digest.h"
#include "clinecfg/jsonc.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct jsonc_chunk {
    struct jsonc_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} jsonc_chunk;

/* How the arena stores a node: the public part, then its position among its
 * parent's children (0 for the root).  Every tree node is one of these. */
typedef struct {
    jsonc_node pub;
    size_t index;
} jsonc_inode;

static inline size_t jsonc_node_index(const jsonc_node *n) { return ((const jsonc_inode *)n)->index; }

struct jsonc_doc {
    jsonc_chunk *chunks;  /* arena: nodes and decoded strings */
    size_t nchunks;
    jsonc_node *root;
    size_t *comments;     /* start,end pairs, document order */
    size_t ncomments, comments_cap;
    char indent[17];
    const char *eol;
    bool bom;
    bool indent_found, eol_found;
};

/* Parse flags. */
#define JSONC_STRICT 1u    /* plain RFC 8259: no comments, no trailing commas, no empty content */
#define JSONC_VALIDATE 2u  /* syntax check only: the doc gets no tree, strings or comments (fast) */
#define JSONC_KEYS_ONLY 4u /* a tree with keys, but string values (str) are "" and numbers 0:
                            * what the editor needs, for less work on big files */

int jsonc_parse_flags(const char *text, size_t len, const char *name, unsigned flags, jsonc_doc **out,
                      cc_err *err);

/* The editor's parse: checks every byte like JSONC_KEYS_ONLY but puts in the
 * tree only what edits at `paths` need (a "sparse" doc).  The root is always
 * there; so is each child of a node on a path ("expanded" node): of an
 * expanded container's children, the list holds the first two, the last,
 * every one that matches the path step at that depth (these are expanded in
 * turn) and the one just before each match; nchildren is the real count and
 * jsonc_index works by each child's stored index.  Children of other nodes
 * are not in the tree (their child is NULL, nchildren 0).  Comments, indent,
 * EOL and BOM are as a full parse finds them.  A text that does not parse
 * gets exactly the error jsonc_parse_flags(JSONC_KEYS_ONLY) gives. */
int jsonc_parse_paths(const char *text, size_t len, const char *name, const jsonc_path *const *paths,
                      size_t npaths, jsonc_doc **out, cc_err *err);

/* The fast scanner behind jsonc_parse_paths (tree) and JSONC_VALIDATE (no
 * tree): the doc, or NULL when the text is not valid JSONC (or out of
 * memory), without an error message.  Exposed so tests can check that it
 * accepts exactly what the full parser accepts. */
jsonc_doc *jsonc_scan(const char *text, size_t len, const jsonc_path *const *paths, size_t npaths, bool tree);

/* Reasons a parse failed, so jsonc_apply can tell a limit from a bug. */
bool jsonc_err_is_limit(const cc_err *err);

/* ---- the document (jsonc_doc.c) ----------------------------------------- */

/* An empty doc: no root, default indent (4 spaces) and EOL ("\n"). */
jsonc_doc *jsonc_doc_new(void);

/* n bytes (16-aligned) from d's arena; NULL when out of memory. */
void *jsonc_arena_alloc(jsonc_doc *d, size_t n);

/* Appends a comment span; false when out of memory. */
bool jsonc_doc_add_comment(jsonc_doc *d, size_t start, size_t end);

/* How many containers (with children, in the order they open) the indent
 * is looked for in. */
#define JSONC_INDENT_LOOKS 1000

/* One step of learning the indent unit: the container opened at `open` has
 * its first child (member key or element) at `cs`.  The unit is what that
 * child's line adds to the container's own line (so an indented root or
 * odd base indentation does not count); mixed tab/space units are ignored.
 * True when the unit was learned (d->indent, d->indent_found). */
bool jsonc_indent_from(jsonc_doc *d, const unsigned char *s, size_t len, size_t open, size_t cs);

/* 1 for bytes that need no attention inside a string: printable ASCII
 * other than '"' and '\\'. */
extern const unsigned char jsonc_plain_char[256];

/* Decodes the body [from, to) of a valid string token into o (room for
 * to - from + 1 bytes) and NUL-terminates it; returns the decoded length.
 * A lone surrogate escape decodes to U+FFFD. */
size_t jsonc_decode_string(const unsigned char *s, size_t from, size_t to, bool escapes, char *o);

bool jsonc_utf8_valid(const unsigned char *s, size_t len);

/* ---- lexical rules the parser and the scanner share ---------------------- */

/* Length of the valid UTF-8 sequence at s (s[0] >= 0x80), or 0 if invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static inline size_t jsonc_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return (avail >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;
        if (c == 0xED && s[1] >= 0xA0)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/* Length of the valid escape at s[i] (a backslash inside a string): 6 for
 * \uXXXX, 2 for \" \\ \/ \b \f \n \r \t; 0 when invalid or cut off. */
static inline size_t jsonc_escape_len(const unsigned char *s, size_t len, size_t i)
{
    if (i + 1 >= len)
        return 0;
    unsigned char e = s[i + 1];
    if (e == 'u')
        return i + 6 <= len && hex_digit_value(s[i + 2]) >= 0 && hex_digit_value(s[i + 3]) >= 0 &&
                       hex_digit_value(s[i + 4]) >= 0 && hex_digit_value(s[i + 5]) >= 0
                   ? 6
                   : 0;
    return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't' ? 2 : 0;
}

typedef enum { JSONC_COMMENT_OK, JSONC_COMMENT_UNTERMINATED, JSONC_COMMENT_BAD_UTF8 } jsonc_comment_status;

/* Moves *pi past the line or block comment that starts at *pi: a line
 * comment ends before its line break, a block comment after its close.  On
 * JSONC_COMMENT_BAD_UTF8 *pi is at the bad byte; on ..._UNTERMINATED (a
 * block comment without its end) *pi is unchanged. */
static inline jsonc_comment_status jsonc_skip_comment(const unsigned char *s, size_t len, size_t *pi)
{
    bool block = s[*pi + 1] == '*';
    size_t i = *pi + 2;
    for (;;) {
        if (block) {
            if (i + 1 >= len)
                return JSONC_COMMENT_UNTERMINATED;
            if (s[i] == '*' && s[i + 1] == '/') {
                i += 2;
                break;
            }
        } else if (i >= len || s[i] == '\n' || s[i] == '\r') {
            break;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = jsonc_utf8_seq(s + i, len - i);
        if (!n) {
            *pi = i;
            return JSONC_COMMENT_BAD_UTF8;
        }
        i += n;
    }
    *pi = i;
    return JSONC_COMMENT_OK;
}

static inline bool jsonc_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* The JSON number grammar, shared by the parser and the fast scanner: moves
 * *pi past the number token at *pi and returns NULL, or returns why it is
 * not a number (*pi unchanged). */
static inline const char *jsonc_number_token(const unsigned char *s, size_t len, size_t *pi)
{
    size_t i = *pi;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !jsonc_is_digit(s[i]))
        return "invalid number";
    if (s[i] == '0') {
        i++;
        if (i < len && jsonc_is_digit(s[i]))
            return "invalid number (leading zero)";
    } else {
        while (i < len && jsonc_is_digit(s[i]))
            i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !jsonc_is_digit(s[i]))
            return "invalid number (digit expected after '.')";
        while (i < len && jsonc_is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !jsonc_is_digit(s[i]))
            return "invalid number (digit expected in exponent)";
        while (i < len && jsonc_is_digit(s[i]))
            i++;
    }
    *pi = i;
    return NULL;
}


/* ---- paths (jsonc_path.c) ------------------------------------------------ */

/* Does a child of a container at `depth` (>= 1) on one of `paths` match the
 * path step there: key [raw, raw + rawlen) (escape-free) or `decoded` in an
 * object (`obj`), index idx in an array?  The same rule as jsonc_find's step:
 * the key in an object, the index in an array. */
bool jsonc_path_step_matches(const jsonc_path *const *paths, size_t npaths, size_t depth, bool obj, size_t idx,
                             const unsigned char *raw, size_t rawlen, const char *decoded);

#endif
