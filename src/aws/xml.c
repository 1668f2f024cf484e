/*
 * xml.c - the XML reader for AWS awsQuery answers (include/clinecfg/xml.h),
 * built on libexpat.
 *
 * Owns: turning expat's callbacks into a small tree, the hostile-input
 * policy (DTDs and entity declarations stop the parser before anything is
 * expanded, parameter entities are never parsed, external entities are
 * never loaded; limits on size, depth and element count) and error
 * messages that name the place and the problem in words a user can act on.
 * Text is collected in secret strbufs so no partial copy of a credential
 * is left in freed memory.
 */
#include "clinecfg/xml.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <openssl/crypto.h>

#include "clinecfg/strbuf.h"

typedef struct builder {
    XML_Parser parser;
    const xml_opts *o;
    int max_depth, max_nodes;
    xml_node *root;
    xml_node *cur;    /* the open element, NULL before the root and after it closes */
    strbuf *texts;    /* one per open element, index = depth - 1 */
    int depth, nodes;
    const char *stop; /* why a handler stopped the parser; NULL: expat's own error */
    bool oom;
} builder;

static void stop(builder *b, const char *why)
{
    if (!b->stop)
        b->stop = why;
    XML_StopParser(b->parser, XML_FALSE);
}

/* "a:Arn" -> "Arn"; a name that ends in ':' is kept whole so no element
 * is nameless. */
static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c && c[1] ? c + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    builder *b = ud;
    if (b->depth >= b->max_depth)
        return stop(b, "elements nested too deeply");
    if (b->nodes >= b->max_nodes)
        return stop(b, "too many elements");
    xml_node *n = calloc(1, sizeof *n);
    if (!n || !(n->name = strdup(local_name(name)))) {
        free(n);
        b->oom = true;
        return stop(b, "out of memory");
    }
    n->parent = b->cur;
    if (b->cur) {
        xml_node **tail = &b->cur->child;
        while (*tail)
            tail = &(*tail)->next;
        *tail = n;
    } else {
        b->root = n;
    }
    b->cur = n;
    b->texts[b->depth] = (strbuf){.secret = true};
    b->depth++;
    b->nodes++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name; /* expat has already matched it against the start tag */
    builder *b = ud;
    strbuf *t = &b->texts[--b->depth];
    strbuf_put(t, "", 0); /* an element without text gets "" */
    if (t->oom) {
        strbuf_release(t);
        b->oom = true;
        return stop(b, "out of memory");
    }
    b->cur->text = t->p;
    b->cur->text_len = t->len;
    *t = (strbuf){0};
    b->cur = b->cur->parent;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    builder *b = ud;
    if (b->depth > 0 && len > 0)
        strbuf_put(&b->texts[b->depth - 1], s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    stop(ud, "declarations (DOCTYPE) are not allowed");
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int len,
                                   const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                                   const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)len, (void)base, (void)sysid, (void)pubid, (void)notation;
    stop(ud, "entity declarations are not allowed");
}

static int XMLCALL on_external_entity(XML_Parser p, const XML_Char *context, const XML_Char *base,
                                      const XML_Char *sysid, const XML_Char *pubid)
{
    (void)p, (void)context, (void)base, (void)sysid, (void)pubid;
    return XML_STATUS_ERROR; /* never fetch anything */
}

/* expat's error, in the words the hand-written reader used. */
static const char *describe(enum XML_Error code, const char *doc, size_t at)
{
    switch (code) {
    case XML_ERROR_NO_ELEMENTS:
    case XML_ERROR_UNCLOSED_TOKEN:
    case XML_ERROR_PARTIAL_CHAR:
    case XML_ERROR_UNCLOSED_CDATA_SECTION: return "document ends early (truncated?)";
    case XML_ERROR_TAG_MISMATCH: return "end tag does not match start tag";
    case XML_ERROR_UNDEFINED_ENTITY: return "unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#N; are allowed)";
    case XML_ERROR_JUNK_AFTER_DOC_ELEMENT: return "text after the root element";
    case XML_ERROR_BAD_CHAR_REF: return "character reference out of range";
    case XML_ERROR_INVALID_TOKEN:
        while (at > 0 && strchr(" \t\r\n", doc[at - 1]))
            at--;
        if (at > 0 && doc[at - 1] == '=')
            return "expected a quoted attribute value";
        return "invalid character (not UTF-8, a NUL byte, or a stray '<' or '&')";
    default: return XML_ErrorString(code);
    }
}

static int parse_error(const builder *b, const char *doc, size_t len, cc_err *err)
{
    if (b->oom || XML_GetErrorCode(b->parser) == XML_ERROR_NO_MEMORY)
        return cc_err_oom(err);
    const char *what = b->o && b->o->what ? b->o->what : "document";
    const char *code = b->o && b->o->err_code ? b->o->err_code : "aws.xml";
    XML_Size line = XML_GetCurrentLineNumber(b->parser), col = XML_GetCurrentColumnNumber(b->parser);
    XML_Index at = XML_GetCurrentByteIndex(b->parser);
    size_t pos = at < 0 ? 0 : (size_t)at > len ? len : (size_t)at;
    const char *why = b->stop ? b->stop : describe(XML_GetErrorCode(b->parser), doc, pos);
    return cc_err_set(err, CC_EINPUT, code, "malformed %s (XML) at line %lu, column %lu: %s", what,
                      (unsigned long)line, (unsigned long)col + 1, why);
}

static XML_Parser hardened_parser(builder *b)
{
    /* The encoding named here overrides the document's declaration. */
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p)
        return NULL;
    XML_SetUserData(p, b);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity_decl);
    XML_SetExternalEntityRefHandler(p, on_external_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

/* Cheap refusals before expat runs, with the messages callers show. */
static int precheck(const char *doc, size_t len, const xml_opts *o, cc_err *err)
{
    const char *what = o && o->what ? o->what : "document";
    const char *code = o && o->err_code ? o->err_code : "aws.xml";
    size_t max = o && o->max_bytes ? o->max_bytes : XML_DEFAULT_MAX_BYTES;
    if (!doc || len == 0)
        return cc_err_set(err, CC_EINPUT, code, "empty %s", what);
    if (len > max || len > INT_MAX)
        return cc_err_set(err, CC_EINPUT, code, "%s too large (%zu bytes, limit %zu)", what, len, max);
    size_t i = len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && strchr(" \t\r\n", doc[i]) && doc[i])
        i++;
    if (i == len || doc[i] != '<')
        return cc_err_set(err, CC_EINPUT, code, "malformed %s (XML) at byte %zu: not XML (expected an element)",
                          what, i);
    return 0;
}

int xml_parse(const char *doc, size_t len, const xml_opts *o, xml_node **root, cc_err *err)
{
    *root = NULL;
    int rc = precheck(doc, len, o, err);
    if (rc)
        return rc;
    builder b = {
        .o = o,
        .max_depth = o && o->max_depth > 0 ? o->max_depth : XML_DEFAULT_MAX_DEPTH,
        .max_nodes = o && o->max_nodes > 0 ? o->max_nodes : XML_DEFAULT_MAX_NODES,
    };
    b.texts = calloc((size_t)b.max_depth, sizeof *b.texts);
    if (!b.texts || !(b.parser = hardened_parser(&b))) {
        free(b.texts);
        return cc_err_oom(err);
    }
    if (XML_Parse(b.parser, doc, (int)len, XML_TRUE) != XML_STATUS_OK || b.stop)
        rc = parse_error(&b, doc, len, err);
    XML_ParserFree(b.parser);
    /* After a failure the open elements still own their partial text. */
    for (int i = 0; i < b.depth; i++)
        strbuf_release(&b.texts[i]);
    free(b.texts);
    if (rc) {
        xml_free(b.root);
        return rc;
    }
    *root = b.root;
    return 0;
}

void xml_free(xml_node *n)
{
    while (n) {
        xml_node *next = n->next;
        xml_free(n->child);
        if (n->text) {
            OPENSSL_cleanse(n->text, n->text_len);
            free(n->text);
        }
        free(n->name);
        free(n);
        n = next;
    }
}

const xml_node *xml_child(const xml_node *n, const char *name)
{
    for (const xml_node *k = n ? n->child : NULL; k; k = k->next)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const xml_node *xml_find(const xml_node *root, const char *path)
{
    const xml_node *cur = NULL;
    const xml_node *level = root;
    while (*path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        cur = NULL;
        for (const xml_node *k = level; k; k = k->next)
            if (strlen(k->name) == n && memcmp(k->name, path, n) == 0) {
                cur = k;
                break;
            }
        if (!cur)
            return NULL;
        path += n;
        if (*path == '/')
            path++;
        level = cur->child;
    }
    return cur;
}

char *xml_text_trimmed(const xml_node *n)
{
    const char *t = n->text ? n->text : "";
    size_t len = n->text ? n->text_len : 0;
    while (len && strchr(" \t\r\n", t[0])) {
        t++;
        len--;
    }
    while (len && strchr(" \t\r\n", t[len - 1]))
        len--;
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, t, len);
        s[len] = '\0';
    }
    return s;
}
