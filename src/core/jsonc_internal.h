/*
 * jsonc_internal.h - what jsonc_parse.c and jsonc_edit.c share and nobody
 * else should see: the arena, the document struct and the parse flags.
 */
#ifndef CLINECFG_JSONC_INTERNAL_H
#define CLINECFG_JSONC_INTERNAL_H

#include "clinecfg/jsonc.h"

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

bool jsonc_utf8_valid(const unsigned char *s, size_t len);

#endif
