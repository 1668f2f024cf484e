/* identity.c - member names, profile names, tags, request tokens
 * (see include/clinecfg/identity.h for the rules). */
#include "clinecfg/identity.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "clinecfg/arn.h"
#include "clinecfg/digest.h"

int identity_from_arn(const char *arn, identity *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    arn_parts p;
    int rc = arn_parse(arn, "caller ARN", &p, err);
    if (rc)
        return rc;
    snprintf(out->account, sizeof out->account, "%s", p.account);
    const char *res = p.resource;
    if (strcmp(res, "root") == 0) {
        out->kind = IDENTITY_ROOT;
        cc_err_set(err, CC_EINPUT, "identity.root",
                   "these credentials belong to the root user of account %s; clinecfg will not use them", p.account);
        cc_err_hint(err, "sign in as an IAM user or through IAM Identity Center (aws sso login), "
                         "or pass --member NAME with non-root credentials");
        return CC_EINPUT;
    }
    const char *name = NULL;
    if (strncmp(res, "user/", 5) == 0) {
        out->kind = IDENTITY_IAM_USER;
        name = strrchr(res, '/') + 1; /* IAM paths: user/division/Alice */
    } else if (strncmp(res, "assumed-role/", 13) == 0) {
        out->kind = IDENTITY_ASSUMED_ROLE;
        const char *role = res + 13;
        const char *slash = strchr(role, '/');
        if (!slash || !slash[1]) {
            cc_err_set(err, CC_EINPUT, "identity.arn", "caller ARN '%s' has no role session name", arn);
            return CC_EINPUT;
        }
        snprintf(out->role, sizeof out->role, "%.*s", (int)(slash - role), role);
        name = slash + 1;
    } else if (strncmp(res, "federated-user/", 15) == 0) {
        out->kind = IDENTITY_FEDERATED_USER;
        name = res + 15;
    } else {
        out->kind = IDENTITY_OTHER;
        const char *slash = strrchr(res, '/');
        name = slash ? slash + 1 : res;
    }
    if (!*name) {
        cc_err_set(err, CC_EINPUT, "identity.arn", "caller ARN '%s' names nobody", arn);
        return CC_EINPUT;
    }
    snprintf(out->raw_name, sizeof out->raw_name, "%.*s", (int)sizeof out->raw_name - 1, name);
    return 0;
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_sep(unsigned char c) { return c == '-' || c == '_' || c == ' '; }

int identity_sanitize(const char *in, size_t max, const char *what, char *out, size_t size, cc_err *err)
{
    if (max > size - 1)
        max = size - 1;
    size_t end = strlen(in);
    const char *at = strchr(in, '@');
    if (at && at != in)
        end = (size_t)(at - in);
    size_t n = 0;
    for (size_t i = 0; i < end && n < max; i++) {
        unsigned char c = (unsigned char)in[i];
        char o;
        if (is_alnum(c))
            o = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        else if (is_sep(c))
            o = (char)c;
        else
            o = '-';
        if (is_sep((unsigned char)o) && (n == 0 || is_sep((unsigned char)out[n - 1])))
            continue;
        out[n++] = o;
    }
    while (n > 0 && is_sep((unsigned char)out[n - 1]))
        n--;
    out[n] = '\0';
    if (n == 0) {
        cc_err_set(err, CC_EINPUT, "identity.name", "%s '%s' has no letters or digits to build a profile name from",
                   what, in);
        cc_err_hint(err, "pass a plain name, e.g. --member alice");
        return CC_EINPUT;
    }
    return 0;
}

bool identity_valid_profile_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > IDENTITY_NAME_MAX || !is_alnum((unsigned char)name[0]))
        return false;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (is_alnum(c))
            continue;
        if (!is_sep(c) || is_sep((unsigned char)name[i - 1]))
            return false;
    }
    return true;
}

int identity_render_name(const char *tmpl, const char *team, const char *member, const char *region,
                         const char *account, char *out, size_t size, cc_err *err)
{
    char steam[IDENTITY_NAME_MAX + 1] = "", smember[IDENTITY_NAME_MAX + 1] = "";
    bool uses_team = strstr(tmpl, "{team}") != NULL, uses_member = strstr(tmpl, "{member}") != NULL;
    if (uses_team) {
        if (!team || !*team) {
            cc_err_set(err, CC_EINPUT, "config.team", "the profile name template '%s' needs a team", tmpl);
            cc_err_hint(err, "pass --team T, or run: clinecfg config set team T");
            return CC_EINPUT;
        }
        int rc = identity_sanitize(team, IDENTITY_NAME_MAX, "team", steam, sizeof steam, err);
        if (rc)
            return rc;
    }
    if (uses_member) {
        int rc = identity_sanitize(member, IDENTITY_NAME_MAX, "member name", smember, sizeof smember, err);
        if (rc)
            return rc;
    }
    /* Render with the full member first; if too long, shorten the member. */
    for (size_t member_len = strlen(smember);; member_len--) {
        char buf[512];
        size_t n = 0;
        for (const char *p = tmpl; *p;) {
            const char *val = NULL;
            size_t skip = 0, vlen = 0;
            if (strncmp(p, "{team}", 6) == 0) {
                val = steam, skip = 6, vlen = strlen(steam);
            } else if (strncmp(p, "{member}", 8) == 0) {
                val = smember, skip = 8, vlen = member_len;
            } else if (strncmp(p, "{region}", 8) == 0) {
                val = region ? region : "", skip = 8, vlen = strlen(val);
            } else if (strncmp(p, "{account}", 9) == 0) {
                val = account ? account : "", skip = 9, vlen = strlen(val);
            } else if (*p == '{') {
                cc_err_set(err, CC_EINPUT, "config.name_template",
                           "name_template '%s' has an unknown placeholder at '%s'", tmpl, p);
                cc_err_hint(err, "placeholders are {team}, {member}, {region} and {account}");
                return CC_EINPUT;
            }
            if (val) {
                if (n + vlen >= sizeof buf)
                    break;
                memcpy(buf + n, val, vlen);
                n += vlen;
                p += skip;
            } else {
                if (n + 1 >= sizeof buf)
                    break;
                buf[n++] = *p++;
            }
        }
        buf[n] = '\0';
        while (n > 0 && is_sep((unsigned char)buf[n - 1]))
            buf[--n] = '\0';
        if (n <= IDENTITY_NAME_MAX || member_len <= 1 || !uses_member) {
            if (!identity_valid_profile_name(buf)) {
                cc_err_set(err, CC_EINPUT, "config.name_template",
                           "profile name '%s' (from template '%s') is not a valid Bedrock profile name", buf, tmpl);
                cc_err_hint(err, "names are 1-64 letters/digits with single ' ', '_' or '-' between them; "
                                 "fix name_template or pass --profile-name");
                return CC_EINPUT;
            }
            if ((size_t)snprintf(out, size, "%s", buf) >= size)
                return cc_err_set(err, CC_EINTERNAL, "internal", "profile name buffer too small");
            return 0;
        }
    }
}

static bool tag_chars_ok(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (!is_alnum(*c) && !strchr(" \t\n\r\f\v._:/=+@-", *c))
            return false;
    return true;
}

int identity_check_tag(const char *key, const char *value, cc_err *err)
{
    size_t kl = strlen(key), vl = strlen(value);
    if (kl < 1 || kl > 128 || !tag_chars_ok(key)) {
        cc_err_set(err, CC_EINPUT, "tag.key", "tag key '%s' is not allowed by Bedrock", key);
        cc_err_hint(err, "tag keys are 1-128 characters from letters, digits, spaces and . _ : / = + @ -");
        return CC_EINPUT;
    }
    if (strncmp(key, "aws:", 4) == 0) {
        cc_err_set(err, CC_EINPUT, "tag.key", "tag key '%s' uses the reserved 'aws:' prefix", key);
        cc_err_hint(err, "pick a key without the aws: prefix");
        return CC_EINPUT;
    }
    if (vl > 256 || !tag_chars_ok(value)) {
        cc_err_set(err, CC_EINPUT, "tag.value", "tag value '%s' (key %s) is not allowed by Bedrock", value, key);
        cc_err_hint(err, "tag values are 0-256 characters from letters, digits, spaces and . _ : / = + @ -");
        return CC_EINPUT;
    }
    return 0;
}

void identity_request_token(const char *account, const char *region, const char *name, const char *source,
                            char out[37])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    const char *parts[4] = {account, region, name, source};
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    for (int i = 0; i < 4; i++) {
        EVP_DigestUpdate(c, parts[i], strlen(parts[i]));
        EVP_DigestUpdate(c, "\n", 1);
    }
    EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    char hex[33];
    digest_to_hex(md, 16, hex);
    /* UUID-shaped: 8-4-4-4-12 hex digits */
    size_t o = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[o++] = '-';
        out[o++] = hex[i];
    }
    out[o] = '\0';
}
