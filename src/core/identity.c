/* identity.c - member names (the caller's identity), profile names derived
 * from them, tags, request tokens
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

int identity_member_from_arn(const char *arn, char *out, size_t size, cc_err *err)
{
    identity id;
    int rc = identity_from_arn(arn, &id, err);
    if (rc)
        return rc;
    if ((size_t)snprintf(out, size, "%s", id.raw_name) >= size)
        return cc_err_set(err, CC_EINTERNAL, "internal", "member name buffer too small");
    return 0;
}

static const char *const rule_names[] = {
    [IDENTITY_RULE_FULL] = "identity",
    [IDENTITY_RULE_EMAIL_LOCAL_PART] = "email-local-part",
};

const char *identity_member_rule_name(identity_member_rule rule) { return rule_names[rule]; }

int identity_member_rule_parse(const char *text, identity_member_rule *out, cc_err *err)
{
    for (size_t i = 0; i < sizeof rule_names / sizeof rule_names[0]; i++) {
        if (!text || strcmp(text, rule_names[i]) == 0) {
            if (out)
                *out = text ? (identity_member_rule)i : IDENTITY_RULE_FULL;
            return 0;
        }
    }
    cc_err_set(err, CC_EINPUT, "config.member_rule", "member_rule '%s' is not a known rule", text);
    cc_err_hint(err, "use \"identity\" (the default: names keep the whole identity) or \"email-local-part\"");
    return CC_EINPUT;
}

static bool member_char_ok(unsigned char c) { return is_alnum(c) || (c && strchr(" ._:/=+@-", c)); }

/* The code point of the UTF-8 sequence at s (0xFFFD when malformed) and its
 * length in bytes. */
static unsigned long utf8_at(const unsigned char *s, size_t *len)
{
    unsigned long cp;
    size_t need;
    if (s[0] < 0x80)
        return *len = 1, s[0];
    if ((s[0] & 0xE0) == 0xC0)
        cp = s[0] & 0x1F, need = 2;
    else if ((s[0] & 0xF0) == 0xE0)
        cp = s[0] & 0x0F, need = 3;
    else if ((s[0] & 0xF8) == 0xF0)
        cp = s[0] & 0x07, need = 4;
    else
        return *len = 1, 0xFFFD;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return *len = 1, 0xFFFD;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    return *len = need, cp;
}

int identity_check_member(const char *member, const char *what, cc_err *err)
{
    const unsigned char *s = (const unsigned char *)member;
    size_t len = strlen(member);
    if (len == 0) {
        cc_err_set(err, CC_EINPUT, "identity.member", "%s is empty", what);
        cc_err_hint(err, "pass --member NAME");
        return CC_EINPUT;
    }
    size_t position = 1;
    for (size_t i = 0; i < len; position++) {
        if (member_char_ok(s[i])) {
            i++;
            continue;
        }
        size_t n;
        unsigned long cp = utf8_at(s + i, &n);
        char shown[16] = "";
        if (cp >= 0x20 && cp != 0x7F && cp != 0xFFFD && n <= 4) /* printable: show it as typed */
            snprintf(shown, sizeof shown, "'%.*s' ", (int)n, (const char *)s + i);
        /* The identity itself is echoed only up to the offending character:
         * what follows may be a terminal escape. */
        cc_err_set(err, CC_EINPUT, "identity.member",
                   "%s cannot be a MemberName tag value: character %s(U+%04lX) at position %zu%s%.*s%s is not "
                   "allowed",
                   what, shown, cp, position, i ? ", after '" : "", (int)i, member, i ? "'," : "");
        cc_err_hint(err, "Bedrock tag values hold only ASCII letters, digits, spaces and . _ : / = + @ -; "
                         "pass --member with the name spelled in those");
        return CC_EINPUT;
    }
    if (len > IDENTITY_MEMBER_MAX) {
        cc_err_set(err, CC_EINPUT, "identity.member", "%s is %zu characters long; a tag value holds at most %d", what,
                   len, IDENTITY_MEMBER_MAX);
        cc_err_hint(err, "pass a shorter --member NAME");
        return CC_EINPUT;
    }
    return 0;
}

/* Ends in IDENTITY_HASH_HEX lower-case hex digits, alone or after '-'? */
static bool looks_hashed(const char *s, size_t n)
{
    if (n < IDENTITY_HASH_HEX || (n > IDENTITY_HASH_HEX && s[n - IDENTITY_HASH_HEX - 1] != '-'))
        return false;
    for (size_t i = n - IDENTITY_HASH_HEX; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Step 1 of the rule over the whole identity into out (at most size-1
 * characters); returns its length and whether anything changed. */
static size_t member_stem(const char *member, char *out, size_t size, bool *changed)
{
    size_t n = 0, len = strlen(member);
    *changed = len >= size;
    for (size_t i = 0; i < len && n + 1 < size; i++) {
        unsigned char c = (unsigned char)member[i];
        char o = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (!is_alnum(c) && !is_sep(c))
            o = '-';
        if (is_sep((unsigned char)o) && (n == 0 || is_sep((unsigned char)out[n - 1]))) {
            *changed = true;
            continue;
        }
        if (o != (char)c)
            *changed = true;
        out[n++] = o;
    }
    while (n > 0 && is_sep((unsigned char)out[n - 1])) {
        n--;
        *changed = true;
    }
    out[n] = '\0';
    return n;
}

int identity_member_part(const char *member, identity_member_rule rule, size_t room, char *out, size_t size,
                         cc_err *err)
{
    if (room > size - 1)
        room = size - 1;
    if (rule == IDENTITY_RULE_EMAIL_LOCAL_PART)
        return identity_sanitize(member, room, "member name", out, size, err);
    char stem[IDENTITY_MEMBER_MAX + 1];
    bool changed;
    size_t n = member_stem(member, stem, sizeof stem, &changed);
    if (!changed && n <= room && !looks_hashed(stem, n)) {
        memcpy(out, stem, n + 1);
        return 0;
    }
    if (room < IDENTITY_HASH_HEX) {
        cc_err_set(err, CC_EINPUT, "config.name_template",
                   "the name template leaves %zu characters for the member name; %d are needed", room,
                   IDENTITY_HASH_HEX + 2);
        cc_err_hint(err, "shorten name_template so that names stay within 64 characters");
        return CC_EINPUT;
    }
    char hash[65];
    digest_sha256_hex(member, strlen(member), hash);
    size_t keep = room > IDENTITY_HASH_HEX + 1 ? room - IDENTITY_HASH_HEX - 1 : 0;
    if (n > keep)
        n = keep;
    while (n > 0 && is_sep((unsigned char)stem[n - 1]))
        n--;
    snprintf(out, size, "%.*s%s%.*s", (int)n, stem, n ? "-" : "", IDENTITY_HASH_HEX, hash);
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

/* Substitutes the placeholders; `member_part` is used as is.  Returns the
 * length (which may exceed `size`: the copy is then cut), or -1 after setting err for an unknown placeholder. */
static int fill_template(const char *tmpl, const char *team, const char *member_part, const char *region,
                         const char *account, char *buf, size_t size, cc_err *err)
{
    size_t n = 0;
    for (const char *p = tmpl; *p;) {
        const char *val = NULL;
        size_t skip = 1;
        if (strncmp(p, "{team}", 6) == 0)
            val = team, skip = 6;
        else if (strncmp(p, "{member}", 8) == 0)
            val = member_part, skip = 8;
        else if (strncmp(p, "{region}", 8) == 0)
            val = region ? region : "", skip = 8;
        else if (strncmp(p, "{account}", 9) == 0)
            val = account ? account : "", skip = 9;
        else if (*p == '{') {
            cc_err_set(err, CC_EINPUT, "config.name_template", "name_template '%s' has an unknown placeholder at '%s'",
                       tmpl, p);
            cc_err_hint(err, "placeholders are {team}, {member}, {region} and {account}");
            return -1;
        }
        size_t vlen = val ? strlen(val) : 1;
        if (n + vlen < size) /* too long is caught by the length check later */
            memcpy(buf + n, val ? val : p, vlen);
        n += vlen;
        p += skip;
    }
    buf[n < size ? n : size - 1] = '\0';
    return (int)n;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        k++;
    return k;
}

int identity_profile_name(const char *tmpl, const char *team, const char *member, identity_member_rule rule,
                          const char *region, const char *account, char *out, size_t size, cc_err *err)
{
    char steam[IDENTITY_NAME_MAX + 1] = "", part[IDENTITY_NAME_MAX + 1] = "", buf[512];
    size_t members = count_of(tmpl, "{member}");
    if (strstr(tmpl, "{team}")) {
        if (!team || !*team) {
            cc_err_set(err, CC_EINPUT, "config.team", "the profile name template '%s' needs a team", tmpl);
            cc_err_hint(err, "pass --team T, or run: clinecfg config set team T");
            return CC_EINPUT;
        }
        int rc = identity_sanitize(team, IDENTITY_NAME_MAX, "team", steam, sizeof steam, err);
        if (rc)
            return rc;
    }
    /* The rest of the template decides how much room the member part has. */
    int fixed = fill_template(tmpl, steam, "", region, account, buf, sizeof buf, err);
    if (fixed < 0)
        return CC_EINPUT;
    if (members) {
        size_t room = (size_t)fixed < IDENTITY_NAME_MAX ? (IDENTITY_NAME_MAX - (size_t)fixed) / members : 0;
        int rc = identity_member_part(member ? member : "", rule, room ? room : 1, part, sizeof part, err);
        if (rc)
            return rc;
    }
    int n = fill_template(tmpl, steam, part, region, account, buf, sizeof buf, err);
    if (n < 0)
        return CC_EINPUT;
    while (n > 0 && is_sep((unsigned char)buf[n - 1])) /* "{member}-{region}" without a region */
        buf[--n] = '\0';
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

int identity_render_name(const char *tmpl, const char *team, const char *member, const char *region,
                         const char *account, char *out, size_t size, cc_err *err)
{
    return identity_profile_name(tmpl, team, member, IDENTITY_RULE_EMAIL_LOCAL_PART, region, account, out, size,
                                 err);
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
