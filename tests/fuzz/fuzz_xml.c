/*
 * fuzz_xml.c - libFuzzer target for the XML reader on libexpat
 * (src/aws/xml.c).  The first byte picks the limits (defaults, or a small
 * depth and element budget so the limit paths are reached); the rest is the
 * document.  A parse either fails with CC_EINPUT and no tree, or yields a
 * tree whose every node is checked: names non-empty, text NUL-terminated at
 * text_len, parent links consistent, depth and count within the limits.
 * Path lookups and trimming run on every accepted tree.  Every IAM answer
 * parser (src/aws/iam.c) also reads the document: it may refuse it, but
 * must not crash, leak, or hand back a half-filled result it cannot free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/iam.h"
#include "clinecfg/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const xml_node *n, const xml_node *parent, int depth, int max_depth)
{
    size_t count = 0;
    for (; n; n = n->next) {
        if (depth > max_depth || n->parent != parent || !n->name || !*n->name || !n->text ||
            strlen(n->text) > n->text_len || n->text[n->text_len] != '\0')
            abort();
        char *t = xml_text_trimmed(n);
        if (!t || strlen(t) > n->text_len)
            abort();
        free(t);
        count += 1 + walk(n->child, n, depth + 1, max_depth);
    }
    return count;
}

static void iam_parsers(const char *doc, size_t len)
{
    cc_err err;
    iam_policy pol;
    memset(&pol, 0, sizeof pol);
    (void)iam_parse_policy("GetPolicy", doc, len, &pol, &err);
    iam_policy_free(&pol);
    iam_policy_version ver;
    memset(&ver, 0, sizeof ver);
    (void)iam_parse_policy_version("GetPolicyVersion", doc, len, &ver, &err);
    iam_policy_version_free(&ver);
    iam_version_list vers;
    memset(&vers, 0, sizeof vers);
    (void)iam_parse_policy_versions(doc, len, &vers, &err);
    iam_version_list_free(&vers);
    iam_attached_list att;
    memset(&att, 0, sizeof att);
    char *next = NULL;
    (void)iam_parse_attached("ListAttachedUserPolicies", doc, len, &att, &next, &err);
    iam_attached_list_free(&att);
    free(next);
    iam_entity_list ent;
    memset(&ent, 0, sizeof ent);
    next = NULL;
    (void)iam_parse_entities(doc, len, &ent, &next, &err);
    iam_entity_list_free(&ent);
    free(next);
    char decision[32];
    (void)iam_parse_eval_decision(doc, len, decision, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    xml_opts o = {0};
    if (data[0] & 1) {
        o.max_depth = 1 + data[0] % 7;
        o.max_nodes = 1 + data[0] % 31;
    }
    int max_depth = o.max_depth ? o.max_depth : XML_DEFAULT_MAX_DEPTH;
    int max_nodes = o.max_nodes ? o.max_nodes : XML_DEFAULT_MAX_NODES;
    size_t len = size - 1;
    /* exact-size heap copy so ASan sees any over-read past the length */
    char *doc = malloc(len ? len : 1);
    if (!doc)
        return 0;
    memcpy(doc, data + 1, len);
    xml_node *root = (xml_node *)1;
    cc_err err;
    cc_err_clear(&err);
    int rc = xml_parse(doc, len, &o, &root, &err);
    if (rc) {
        if (rc != CC_EINPUT && rc != CC_EINTERNAL)
            abort();
        if (root || !err.message[0])
            abort();
    } else {
        if (!root || root->next || root->parent)
            abort();
        if (walk(root, NULL, 1, max_depth) > (size_t)max_nodes)
            abort();
        (void)xml_find(root, root->name);
        (void)xml_find(root, "ErrorResponse/Error/Code");
        (void)xml_child(root, "member");
        xml_free(root);
    }
    iam_parsers(doc, len);
    free(doc);
    return 0;
}
