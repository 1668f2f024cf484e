/*
 * iam.c - the IAM calls clinecfg makes (awsQuery: a form-encoded POST /,
 * XML answers read through xml.c) and their parsers: customer-managed
 * policies and versions, attachments, deleting a policy with everything IAM
 * wants gone first (attachments, non-default versions), and
 * SimulatePrincipalPolicy.  IAM's
 * error names are mapped to statuses that say what to do, among them the
 * refusal to change an Identity Center role.  See include/clinecfg/iam.h.
 */
#include "clinecfg/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/digest.h"
#include "clinecfg/sigv4.h"
#include "clinecfg/strbuf.h"
#include "clinecfg/xml.h"

#define IAM_VERSION "2010-05-08"
#define IAM_MAX_PAGES 100

static const xml_opts IAM_XML = {.what = "IAM response", .err_code = "aws.iam_xml"};

const char *iam_principal_kind_name(iam_principal_kind k)
{
    return k == IAM_USER ? "user" : k == IAM_ROLE ? "role" : "group";
}

static const char *kind_title(iam_principal_kind k)
{
    return k == IAM_USER ? "User" : k == IAM_ROLE ? "Role" : "Group";
}

bool iam_err_is(const cc_err *err, const char *code)
{
    return err && !strncmp(err->code, "aws:", 4) && !strcmp(err->code + 4, code);
}

void iam_policy_free(iam_policy *p)
{
    if (!p)
        return;
    free(p->arn);
    free(p->name);
    free(p->default_version);
    memset(p, 0, sizeof *p);
}

void iam_policy_version_free(iam_policy_version *v)
{
    if (!v)
        return;
    free(v->version_id);
    free(v->created);
    free(v->document);
    memset(v, 0, sizeof *v);
}

void iam_version_list_free(iam_version_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        iam_policy_version_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void iam_attached_list_free(iam_attached_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->arns[i]);
        free(l->names[i]);
    }
    free(l->arns);
    free(l->names);
    memset(l, 0, sizeof *l);
}

void iam_entity_list_free(iam_entity_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- form bodies ----------------------------------------------------------- */

static void form_field(strbuf *b, const char *name, const char *value)
{
    char *enc = aws_uri_encode(value, strlen(value), false);
    if (!enc) {
        b->oom = true;
        return;
    }
    strbuf_puts(b, "&");
    strbuf_puts(b, name);
    strbuf_puts(b, "=");
    strbuf_puts(b, enc);
    free(enc);
}

static void form_start(strbuf *b, const char *action)
{
    strbuf_puts(b, "Action=");
    strbuf_puts(b, action);
    strbuf_puts(b, "&Version=" IAM_VERSION);
}

char *iam_simulate_form(const char *source_arn, const char *action, const char *resource_arn,
                        const iam_context_entry *ctx, size_t nctx)
{
    strbuf b = {0};
    form_start(&b, "SimulatePrincipalPolicy");
    form_field(&b, "PolicySourceArn", source_arn);
    form_field(&b, "ActionNames.member.1", action);
    if (resource_arn)
        form_field(&b, "ResourceArns.member.1", resource_arn);
    for (size_t i = 0; i < nctx; i++) {
        char name[96];
        snprintf(name, sizeof name, "ContextEntries.member.%zu.ContextKeyName", i + 1);
        form_field(&b, name, ctx[i].key);
        snprintf(name, sizeof name, "ContextEntries.member.%zu.ContextKeyType", i + 1);
        form_field(&b, name, ctx[i].type ? ctx[i].type : "string");
        for (size_t j = 0; j < ctx[i].nvalues; j++) {
            snprintf(name, sizeof name, "ContextEntries.member.%zu.ContextKeyValues.member.%zu", i + 1, j + 1);
            form_field(&b, name, ctx[i].values[j]);
        }
    }
    if (b.oom) {
        strbuf_release(&b);
        return NULL;
    }
    return b.p;
}

char *iam_url_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_digit_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_digit_value(s[i + 2]) : -1;
        if (lo < 0) {
            free(out);
            return NULL;
        }
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[o] = '\0';
    return out;
}

/* ---- parsers --------------------------------------------------------------- */

static int parse_doc(const char *action, const char *body, size_t len, xml_node **root, const xml_node **result,
                     cc_err *err)
{
    int rc = xml_parse(body, len, &IAM_XML, root, err);
    if (rc)
        return rc;
    char path[128];
    snprintf(path, sizeof path, "%sResponse/%sResult", action, action);
    *result = xml_find(*root, path);
    if (!*result) {
        xml_free(*root);
        *root = NULL;
        return cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM %s answer has no %sResult element", action,
                          action);
    }
    return 0;
}

/* The trimmed text of child `name`, or NULL (absent or out of memory). */
static char *child_text(const xml_node *n, const char *name)
{
    const xml_node *c = n ? xml_child(n, name) : NULL;
    return c ? xml_text_trimmed(c) : NULL;
}

int iam_parse_policy(const char *action, const char *body, size_t len, iam_policy *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc(action, body, len, &root, &result, err);
    if (rc)
        return rc;
    const xml_node *p = xml_child(result, "Policy");
    out->arn = child_text(p, "Arn");
    out->name = child_text(p, "PolicyName");
    out->default_version = child_text(p, "DefaultVersionId");
    xml_free(root);
    if (!out->arn || !*out->arn) {
        iam_policy_free(out);
        return cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM %s answer lacks Policy/Arn", action);
    }
    return 0;
}

static int read_version(const xml_node *v, iam_policy_version *out, cc_err *err)
{
    out->version_id = child_text(v, "VersionId");
    out->created = child_text(v, "CreateDate");
    char *def = child_text(v, "IsDefaultVersion");
    out->is_default = def && !strcmp(def, "true");
    free(def);
    char *doc = child_text(v, "Document");
    if (doc) {
        out->document = iam_url_decode(doc, strlen(doc));
        free(doc);
        if (!out->document)
            return cc_err_set(err, CC_EINPUT, "aws.iam_response",
                              "IAM policy version Document is not valid URL-encoded text");
    }
    if (!out->version_id || !*out->version_id)
        return cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM policy version lacks VersionId");
    return 0;
}

int iam_parse_policy_version(const char *action, const char *body, size_t len, iam_policy_version *out,
                             cc_err *err)
{
    memset(out, 0, sizeof *out);
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc(action, body, len, &root, &result, err);
    if (rc)
        return rc;
    const xml_node *v = xml_child(result, "PolicyVersion");
    rc = v ? read_version(v, out, err)
           : cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM %s answer lacks PolicyVersion", action);
    xml_free(root);
    if (rc)
        iam_policy_version_free(out);
    return rc;
}

int iam_parse_policy_versions(const char *body, size_t len, iam_version_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc("ListPolicyVersions", body, len, &root, &result, err);
    if (rc)
        return rc;
    const xml_node *list = xml_child(result, "Versions");
    for (const xml_node *m = list ? list->child : NULL; m && !rc; m = m->next) {
        if (strcmp(m->name, "member"))
            continue;
        iam_policy_version *grown = realloc(out->v, (out->n + 1) * sizeof *grown);
        if (!grown) {
            rc = cc_err_oom(err);
            break;
        }
        out->v = grown;
        memset(&out->v[out->n], 0, sizeof out->v[out->n]);
        rc = read_version(m, &out->v[out->n++], err);
    }
    xml_free(root);
    if (rc)
        iam_version_list_free(out);
    return rc;
}

/* IsTruncated=true hands back the Marker of the next page in *next. */
static int read_marker(const char *action, const xml_node *result, char **next, cc_err *err)
{
    char *truncated = child_text(result, "IsTruncated");
    int rc = 0;
    if (truncated && !strcmp(truncated, "true")) {
        *next = child_text(result, "Marker");
        if (!*next || !**next) {
            free(*next);
            *next = NULL;
            rc = cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM %s answer is truncated without a Marker",
                            action);
        }
    }
    free(truncated);
    return rc;
}

static int append_attached(iam_attached_list *out, char *arn, char *name, cc_err *err)
{
    char **a = realloc(out->arns, (out->n + 1) * sizeof *a);
    if (a)
        out->arns = a;
    char **nm = a ? realloc(out->names, (out->n + 1) * sizeof *nm) : NULL;
    if (nm)
        out->names = nm;
    if (!a || !nm) {
        free(arn);
        free(name);
        return cc_err_oom(err);
    }
    out->arns[out->n] = arn;
    out->names[out->n] = name;
    out->n++;
    return 0;
}

int iam_parse_attached(const char *action, const char *body, size_t len, iam_attached_list *out, char **next,
                       cc_err *err)
{
    *next = NULL;
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc(action, body, len, &root, &result, err);
    if (rc)
        return rc;
    const xml_node *list = xml_child(result, "AttachedPolicies");
    for (const xml_node *m = list ? list->child : NULL; m && !rc; m = m->next) {
        if (strcmp(m->name, "member"))
            continue;
        char *arn = child_text(m, "PolicyArn");
        if (!arn || !*arn) {
            free(arn);
            rc = cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM %s answer: an attached policy lacks PolicyArn",
                            action);
            break;
        }
        rc = append_attached(out, arn, child_text(m, "PolicyName"), err);
    }
    if (!rc)
        rc = read_marker(action, result, next, err);
    xml_free(root);
    return rc;
}

static int append_entity(iam_entity_list *out, iam_principal_kind kind, char *name, cc_err *err)
{
    iam_entity *grown = realloc(out->v, (out->n + 1) * sizeof *grown);
    if (!grown) {
        free(name);
        return cc_err_oom(err);
    }
    out->v = grown;
    out->v[out->n++] = (iam_entity){.kind = kind, .name = name};
    return 0;
}

/* The answer's shape (PolicyUsers/PolicyRoles/PolicyGroups of members with
 * UserName/RoleName/GroupName) is the IAM API reference's; the project's
 * reference notes (aws-governance.md) do not cover it, so it is checked only
 * against the emulator (unconfirmed against IAM itself). */
int iam_parse_entities(const char *body, size_t len, iam_entity_list *out, char **next, cc_err *err)
{
    static const struct {
        const char *list, *name;
        iam_principal_kind kind;
    } lists[] = {{"PolicyUsers", "UserName", IAM_USER},
                 {"PolicyRoles", "RoleName", IAM_ROLE},
                 {"PolicyGroups", "GroupName", IAM_GROUP}};
    *next = NULL;
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc("ListEntitiesForPolicy", body, len, &root, &result, err);
    if (rc)
        return rc;
    for (size_t k = 0; !rc && k < sizeof lists / sizeof lists[0]; k++) {
        const xml_node *list = xml_child(result, lists[k].list);
        for (const xml_node *m = list ? list->child : NULL; m && !rc; m = m->next) {
            if (strcmp(m->name, "member"))
                continue;
            char *name = child_text(m, lists[k].name);
            if (!name || !*name) {
                free(name);
                rc = cc_err_set(err, CC_EINPUT, "aws.iam_response",
                                "IAM ListEntitiesForPolicy answer: a %s member lacks %s", lists[k].list, lists[k].name);
                break;
            }
            rc = append_entity(out, lists[k].kind, name, err);
        }
    }
    if (!rc)
        rc = read_marker("ListEntitiesForPolicy", result, next, err);
    xml_free(root);
    return rc;
}

int iam_parse_eval_decision(const char *body, size_t len, char decision[32], cc_err *err)
{
    decision[0] = '\0';
    xml_node *root = NULL;
    const xml_node *result;
    int rc = parse_doc("SimulatePrincipalPolicy", body, len, &root, &result, err);
    if (rc)
        return rc;
    const xml_node *res = xml_child(result, "EvaluationResults");
    const xml_node *m = res ? xml_child(res, "member") : NULL;
    char *d = child_text(m, "EvalDecision");
    xml_free(root);
    if (!d || !*d) {
        free(d);
        return cc_err_set(err, CC_EINPUT, "aws.iam_response", "IAM SimulatePrincipalPolicy answer lacks EvalDecision");
    }
    snprintf(decision, 32, "%s", d);
    free(d);
    return 0;
}

/* ---- calls ----------------------------------------------------------------- */

/* IAM's own error names, turned into what the caller should do. */
static int iam_error(int rc, const char *operation, const char *principal, cc_err *err)
{
    if (iam_err_is(err, "NoSuchEntity")) {
        err->status = CC_EINPUT;
        cc_err_hint(err, "check the name: IAM knows no such %s", principal ? "user, role or group" : "policy");
        return CC_EINPUT;
    }
    if (iam_err_is(err, "EntityAlreadyExists")) {
        err->status = CC_ECONFLICT;
        cc_err_hint(err, "another run created it meanwhile; run the command again");
        return CC_ECONFLICT;
    }
    if (iam_err_is(err, "UnmodifiableEntity")) {
        cc_err_set(err, CC_EDENIED, "aws:UnmodifiableEntity",
                   "%s refused: %s is an IAM Identity Center role (AWSReservedSSO_*), which IAM does not let "
                   "anyone change",
                   operation, principal ? principal : "the role");
        cc_err_hint(err, "Identity Center roles are changed through their permission set: add a customer managed "
                         "policy reference with this policy's name to the permission set in IAM Identity Center");
        return CC_EDENIED;
    }
    if (rc == CC_EDENIED)
        cc_err_hint(err, "the admin credentials need %s; check them with `clinecfg whoami`", operation);
    return rc;
}

static int iam_post(awsclient *c, const char *operation, const char *form, const char *principal,
                    aws_response *resp, cc_err *err)
{
    int rc = awsclient_call_query(c, "iam", form, operation, resp, err);
    return rc ? iam_error(rc, operation, principal, err) : 0;
}

/* Builds the form `Action=action&Version=...` plus name/value pairs
 * (NULL-terminated), posts it and hands the answer to the caller. */
static int iam_call(awsclient *c, const char *action, const char *principal, aws_response *resp, cc_err *err,
                    const char *const *fields)
{
    strbuf b = {0};
    form_start(&b, action);
    for (size_t i = 0; fields && fields[i]; i += 2)
        if (fields[i + 1])
            form_field(&b, fields[i], fields[i + 1]);
    if (b.oom) {
        strbuf_release(&b);
        memset(resp, 0, sizeof *resp);
        return cc_err_oom(err);
    }
    char op[96];
    snprintf(op, sizeof op, "iam:%s", action);
    int rc = iam_post(c, op, b.p, principal, resp, err);
    strbuf_release(&b);
    return rc;
}

int iam_create_policy(awsclient *c, const char *name, const char *document, const char *description,
                      iam_policy *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    const char *f[] = {"PolicyName", name, "PolicyDocument", document, "Description", description, NULL};
    int rc = iam_call(c, "CreatePolicy", NULL, &resp, err, f);
    if (!rc)
        rc = iam_parse_policy("CreatePolicy", resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int iam_get_policy(awsclient *c, const char *policy_arn, iam_policy *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, NULL};
    int rc = iam_call(c, "GetPolicy", NULL, &resp, err, f);
    if (!rc)
        rc = iam_parse_policy("GetPolicy", resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int iam_get_policy_version(awsclient *c, const char *policy_arn, const char *version_id, iam_policy_version *out,
                           cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, "VersionId", version_id, NULL};
    int rc = iam_call(c, "GetPolicyVersion", NULL, &resp, err, f);
    if (!rc)
        rc = iam_parse_policy_version("GetPolicyVersion", resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int iam_get_default_document(awsclient *c, const char *policy_arn, char **doc, cc_err *err)
{
    *doc = NULL;
    iam_policy p;
    int rc = iam_get_policy(c, policy_arn, &p, err);
    if (rc && iam_err_is(err, "NoSuchEntity")) {
        cc_err_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    iam_policy_version v;
    rc = iam_get_policy_version(c, policy_arn, p.default_version ? p.default_version : "v1", &v, err);
    iam_policy_free(&p);
    if (rc)
        return rc;
    *doc = v.document;
    v.document = NULL;
    iam_policy_version_free(&v);
    if (!*doc)
        return cc_err_set(err, CC_EAWS, "iam.document", "IAM sent no document for %s", policy_arn);
    return 0;
}

int iam_list_policy_versions(awsclient *c, const char *policy_arn, iam_version_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, NULL};
    int rc = iam_call(c, "ListPolicyVersions", NULL, &resp, err, f);
    if (!rc)
        rc = iam_parse_policy_versions(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int iam_delete_policy_version(awsclient *c, const char *policy_arn, const char *version_id, cc_err *err)
{
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, "VersionId", version_id, NULL};
    int rc = iam_call(c, "DeletePolicyVersion", NULL, &resp, err, f);
    aws_response_free(&resp);
    return rc;
}

int iam_create_policy_version(awsclient *c, const char *policy_arn, const char *document, char **version_id_out,
                              cc_err *err)
{
    if (version_id_out)
        *version_id_out = NULL;
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, "PolicyDocument", document, "SetAsDefault", "true", NULL};
    int rc = iam_call(c, "CreatePolicyVersion", NULL, &resp, err, f);
    iam_policy_version v;
    if (!rc)
        rc = iam_parse_policy_version("CreatePolicyVersion", resp.body, resp.body_len, &v, err);
    if (!rc && version_id_out) {
        *version_id_out = v.version_id;
        v.version_id = NULL;
    }
    if (!rc)
        iam_policy_version_free(&v);
    aws_response_free(&resp);
    return rc;
}

/* Version ids are "v<N>", N counting up: the tie-break when two versions
 * were created within the same second (CreateDate has whole seconds). */
static long version_number(const char *id)
{
    return id && id[0] == 'v' ? strtol(id + 1, NULL, 10) : 0;
}

static bool older(const iam_policy_version *a, const iam_policy_version *b)
{
    int c = strcmp(a->created ? a->created : "", b->created ? b->created : "");
    return c < 0 || (c == 0 && version_number(a->version_id) < version_number(b->version_id));
}

/* The oldest version that is not the default, or NULL. */
static const iam_policy_version *oldest_non_default(const iam_version_list *l)
{
    const iam_policy_version *best = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (!l->v[i].is_default && (!best || older(&l->v[i], best)))
            best = &l->v[i];
    return best;
}

int iam_replace_default_version(awsclient *c, const char *policy_arn, const char *document, char **version_id_out,
                                cc_err *err)
{
    iam_version_list l;
    int rc = iam_list_policy_versions(c, policy_arn, &l, err);
    if (rc)
        return rc;
    if (l.n >= IAM_MAX_POLICY_VERSIONS) {
        const iam_policy_version *old = oldest_non_default(&l);
        if (old)
            rc = iam_delete_policy_version(c, policy_arn, old->version_id, err);
    }
    iam_version_list_free(&l);
    return rc ? rc : iam_create_policy_version(c, policy_arn, document, version_id_out, err);
}

static int attach_call(awsclient *c, const char *verb, iam_principal_kind kind, const char *principal,
                       const char *policy_arn, cc_err *err)
{
    char action[48], field[16];
    snprintf(action, sizeof action, "%s%sPolicy", verb, kind_title(kind));
    snprintf(field, sizeof field, "%sName", kind_title(kind));
    aws_response resp;
    const char *f[] = {field, principal, "PolicyArn", policy_arn, NULL};
    int rc = iam_call(c, action, principal, &resp, err, f);
    aws_response_free(&resp);
    return rc;
}

int iam_attach_policy(awsclient *c, iam_principal_kind kind, const char *principal, const char *policy_arn,
                      cc_err *err)
{
    return attach_call(c, "Attach", kind, principal, policy_arn, err);
}

int iam_detach_policy(awsclient *c, iam_principal_kind kind, const char *principal, const char *policy_arn,
                      cc_err *err)
{
    return attach_call(c, "Detach", kind, principal, policy_arn, err);
}

/* One page's parser: appends to `out`, *next = the next Marker or NULL. */
typedef int (*page_parser)(const char *action, const aws_response *resp, void *out, char **next, cc_err *err);

/* Calls `action` with field=value page after page (Marker), up to IAM_MAX_PAGES. */
static int iam_call_pages(awsclient *c, const char *action, const char *field, const char *value,
                          const char *principal, page_parser parse, void *out, cc_err *err)
{
    char *marker = NULL;
    int rc = 0;
    for (int page = 0; !rc && page < IAM_MAX_PAGES; page++) {
        aws_response resp;
        const char *f[] = {field, value, "Marker", marker, NULL};
        rc = iam_call(c, action, principal, &resp, err, f);
        free(marker);
        marker = NULL;
        if (!rc)
            rc = parse(action, &resp, out, &marker, err);
        aws_response_free(&resp);
        if (!marker)
            break;
    }
    free(marker);
    return rc;
}

static int attached_page(const char *action, const aws_response *resp, void *out, char **next, cc_err *err)
{
    return iam_parse_attached(action, resp->body, resp->body_len, out, next, err);
}

static int entities_page(const char *action, const aws_response *resp, void *out, char **next, cc_err *err)
{
    (void)action;
    return iam_parse_entities(resp->body, resp->body_len, out, next, err);
}

int iam_list_attached_policies(awsclient *c, iam_principal_kind kind, const char *principal, iam_attached_list *out,
                               cc_err *err)
{
    memset(out, 0, sizeof *out);
    char action[48], field[16];
    snprintf(action, sizeof action, "ListAttached%sPolicies", kind_title(kind));
    snprintf(field, sizeof field, "%sName", kind_title(kind));
    int rc = iam_call_pages(c, action, field, principal, principal, attached_page, out, err);
    if (rc)
        iam_attached_list_free(out);
    return rc;
}

int iam_list_entities_for_policy(awsclient *c, const char *policy_arn, iam_entity_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = iam_call_pages(c, "ListEntitiesForPolicy", "PolicyArn", policy_arn, NULL, entities_page, out, err);
    if (rc)
        iam_entity_list_free(out);
    return rc;
}

int iam_delete_policy(awsclient *c, const char *policy_arn, cc_err *err)
{
    aws_response resp;
    const char *f[] = {"PolicyArn", policy_arn, NULL};
    int rc = iam_call(c, "DeletePolicy", NULL, &resp, err, f);
    aws_response_free(&resp);
    return rc;
}

static bool gate_open(iam_write_gate gate, void *ud, const char *call)
{
    return !gate || gate(ud, call);
}

/* NoSuchEntity while tearing down: someone else got there first, which is
 * the state we want. */
static int gone_is_fine(int rc, cc_err *err)
{
    if (rc && iam_err_is(err, "NoSuchEntity")) {
        cc_err_clear(err);
        return 0;
    }
    return rc;
}

static int detach_everywhere(awsclient *c, const char *policy_arn, const iam_entity_list *ents, iam_write_gate gate,
                             void *ud, cc_err *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < ents->n; i++) {
        char call[1024];
        const iam_entity *e = &ents->v[i];
        snprintf(call, sizeof call, "iam:Detach%sPolicy %s %s", kind_title(e->kind), e->name, policy_arn);
        if (gate_open(gate, ud, call))
            rc = gone_is_fine(iam_detach_policy(c, e->kind, e->name, policy_arn, err), err);
    }
    return rc;
}

int iam_delete_policy_completely(awsclient *c, const char *policy_arn, iam_write_gate gate, void *ud, bool *existed,
                                 cc_err *err)
{
    *existed = false;
    iam_entity_list ents;
    int rc = iam_list_entities_for_policy(c, policy_arn, &ents, err);
    if (rc)
        return gone_is_fine(rc, err);
    *existed = true;
    iam_version_list versions = {0};
    rc = iam_list_policy_versions(c, policy_arn, &versions, err);
    if (!rc)
        rc = detach_everywhere(c, policy_arn, &ents, gate, ud, err);
    char call[1024];
    for (size_t i = 0; !rc && i < versions.n; i++) {
        snprintf(call, sizeof call, "iam:DeletePolicyVersion %s %s", policy_arn, versions.v[i].version_id);
        if (!versions.v[i].is_default && gate_open(gate, ud, call))
            rc = gone_is_fine(iam_delete_policy_version(c, policy_arn, versions.v[i].version_id, err), err);
    }
    snprintf(call, sizeof call, "iam:DeletePolicy %s", policy_arn);
    if (!rc && gate_open(gate, ud, call))
        rc = gone_is_fine(iam_delete_policy(c, policy_arn, err), err);
    iam_entity_list_free(&ents);
    iam_version_list_free(&versions);
    return rc;
}

int iam_simulate_principal_policy(awsclient *c, const char *source_arn, const char *action,
                                  const char *resource_arn, const iam_context_entry *ctx, size_t nctx,
                                  char decision[32], cc_err *err)
{
    decision[0] = '\0';
    char *form = iam_simulate_form(source_arn, action, resource_arn, ctx, nctx);
    if (!form)
        return cc_err_oom(err);
    aws_response resp;
    int rc = iam_post(c, "iam:SimulatePrincipalPolicy", form, NULL, &resp, err);
    free(form);
    if (!rc)
        rc = iam_parse_eval_decision(resp.body, resp.body_len, decision, err);
    aws_response_free(&resp);
    return rc;
}
