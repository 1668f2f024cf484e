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

/* Reasons a parse failed, so jsonc_apply can tell a limit from a bug. */
bool jsonc_err_is_limit(const cc_err *err);

bool jsonc_utf8_valid(const unsigned char *s, size_t len);

#endif
