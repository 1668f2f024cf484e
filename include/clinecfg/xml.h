/*
 * xml.h - the one XML reader (src/aws/xml.c, on libexpat) for AWS awsQuery
 * answers: STS today, IAM and the CloudWatch query fallback next.
 *
 * It reads a whole document into a small tree (element local names, their
 * character data, their child elements; attributes, comments and
 * processing instructions are dropped) and finds elements by a path of
 * local names such as "GetSessionTokenResponse/GetSessionTokenResult/
 * Credentials/AccessKeyId".  Lists (IAM's <member> items) are walked with
 * xml_child and the `next` links.
 *
 * The input is untrusted network data: DTDs and entity declarations are
 * refused (no entity expansion, no external entities, no parameter
 * entities), the document is read as UTF-8 whatever it declares, and size,
 * nesting depth and element count are bounded.  Text is wiped when the tree
 * is freed because credential answers carry secrets.
 */
#ifndef CLINECFG_XML_H
#define CLINECFG_XML_H

#include <stddef.h>

#include "clinecfg/error.h"

#define XML_DEFAULT_MAX_BYTES ((size_t)1024 * 1024)
#define XML_DEFAULT_MAX_DEPTH 32
#define XML_DEFAULT_MAX_NODES 4096

typedef struct xml_node {
    char *name;             /* local name: "a:Arn" is "Arn" */
    char *text;             /* character data directly inside, NUL-terminated; never NULL */
    size_t text_len;
    struct xml_node *parent, *child, *next; /* first child, next sibling */
} xml_node;

typedef struct xml_opts {
    const char *what;     /* names the document in messages, e.g. "STS response"; NULL: "document" */
    const char *err_code; /* cc_err code of parse failures; NULL: "aws.xml" */
    size_t max_bytes;     /* 0: XML_DEFAULT_MAX_BYTES */
    int max_depth;        /* 0: XML_DEFAULT_MAX_DEPTH */
    int max_nodes;        /* 0: XML_DEFAULT_MAX_NODES */
} xml_opts;

/* Parses doc[0..len) into *root (free with xml_free).  CC_EINPUT naming
 * what is wrong and where (line and column) for anything that is not one
 * well-formed element within the limits; *root is then NULL. */
int xml_parse(const char *doc, size_t len, const xml_opts *opts, xml_node **root, cc_err *err);

/* Frees the tree, wiping every text.  NULL is fine. */
void xml_free(xml_node *root);

/* The first element at a slash-separated path of local names whose first
 * component names `root` itself; NULL when absent. */
const xml_node *xml_find(const xml_node *root, const char *path);

/* The first child of `n` named `name`, or NULL. */
const xml_node *xml_child(const xml_node *n, const char *name);

/* The text of `n` without surrounding XML whitespace, malloc'd (NULL when
 * out of memory).  Callers holding secrets wipe it before freeing. */
char *xml_text_trimmed(const xml_node *n);

#endif
