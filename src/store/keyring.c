/*
 * keyring.c - the keyring interface (include/clinecfg/keyring.h): argument
 * checks, the call timeout, dispatch to the platform back end, the JSON
 * payload of an item, and the keyring credential source of the AWS
 * credential chain.
 *
 * The payload is built by hand into buffers that are wiped when they grow
 * or are freed (cJSON's printer would leave copies of the secret in freed
 * memory); parsed cJSON trees are wiped before they are freed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "clinecfg/secret.h"
#include "clinecfg/strbuf.h"
#include "keyring_backend.h"

static const keyring_ops *platform_ops(void)
{
#ifdef __APPLE__
    return &keyring_macos_ops;
#else
    return &keyring_libsecret_ops;
#endif
}

const char *keyring_kind_name(keyring_kind kind)
{
    return kind == KEYRING_SESSION ? "session" : kind == KEYRING_SSO ? "sso" : "long-term";
}

char *keyring_copy_secret(const void *data, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, data, n);
    p[n] = '\0';
    return p;
}

void keyring_payload_free(char *payload)
{
    if (!payload)
        return;
    OPENSSL_cleanse(payload, strlen(payload));
    free(payload);
}

int keyring_check_account(const char *name, cc_err *err)
{
    size_t n = name ? strlen(name) : 0;
    bool ok = n > 0 && n <= KEYRING_ACCOUNT_MAX && name[0] != '-' && name[0] != '.';
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        ok = isalnum(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '@' || ch == '+';
    }
    if (ok)
        return 0;
    cc_err_set(err, CC_EUSAGE, "usage.account", "invalid account name '%.80s'", name ? name : "");
    cc_err_hint(err, "use 1 to %d characters from A-Z a-z 0-9 . _ - @ +, e.g. --account work", KEYRING_ACCOUNT_MAX);
    return CC_EUSAGE;
}

const char *keyring_account_name(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *env = getenv("CLINECFG_ACCOUNT");
    if (env && *env)
        return env;
    return "default";
}

/* CLINECFG_KEYRING_TIMEOUT in seconds ("30", "0.5"); 0 when unset. */
static int timeout_from_env(long *ms, cc_err *err)
{
    *ms = 0;
    const char *s = getenv("CLINECFG_KEYRING_TIMEOUT");
    if (!s || !*s)
        return 0;
    char *end = NULL;
    errno = 0;
    double secs = strtod(s, &end);
    if (errno || end == s || *end || !(secs > 0) || secs > 3600) {
        cc_err_set(err, CC_EINPUT, "env.keyring_timeout", "CLINECFG_KEYRING_TIMEOUT='%.40s' is not a number of seconds",
                   s);
        cc_err_hint(err, "give seconds between 0.001 and 3600, e.g. CLINECFG_KEYRING_TIMEOUT=30");
        return CC_EINPUT;
    }
    *ms = (long)(secs * 1000.0);
    if (*ms < 1)
        *ms = 1;
    return 0;
}

int keyring_open(keyring **out, const keyring_opts *o, cc_err *err)
{
    *out = NULL;
    keyring *kr = calloc(1, sizeof *kr);
    if (!kr)
        return cc_err_oom(err);
    if (o)
        kr->opts = *o;
    if (kr->opts.timeout_ms <= 0) {
        int rc = timeout_from_env(&kr->opts.timeout_ms, err);
        if (rc) {
            free(kr);
            return rc;
        }
        if (kr->opts.timeout_ms <= 0)
            kr->opts.timeout_ms = KEYRING_DEFAULT_TIMEOUT_MS;
    }
    kr->ops = platform_ops();
    snprintf(kr->describe, sizeof kr->describe, "%s", kr->ops->name);
    int rc = kr->ops->open(kr, err);
    if (kr->opts.out)
        out_trace(kr->opts.out, "keyring: %s (%s, timeout %ld ms%s)", rc ? "unusable" : "open", kr->describe,
                  kr->opts.timeout_ms, kr->opts.no_prompt ? ", no prompts" : "");
    if (rc) {
        keyring_close(kr);
        return rc;
    }
    *out = kr;
    return 0;
}

void keyring_close(keyring *kr)
{
    if (!kr)
        return;
    if (kr->ops && kr->ops->close)
        kr->ops->close(kr);
    free(kr);
}

int keyring_probe(keyring *kr, cc_err *err)
{
    return kr->ops->probe(kr, err);
}

const char *keyring_describe(const keyring *kr)
{
    return kr ? kr->describe : "no keyring";
}

static int check_kind(keyring_kind kind, bool any_ok, cc_err *err)
{
    if (kind == KEYRING_LONG_TERM || kind == KEYRING_SESSION || kind == KEYRING_SSO || (any_ok && kind == KEYRING_ANY))
        return 0;
    return cc_err_set(err, CC_EINTERNAL, "internal", "invalid keyring item kind %d", (int)kind);
}

int keyring_store(keyring *kr, const char *account, keyring_kind kind, const char *payload, cc_err *err)
{
    int rc = keyring_check_account(account, err);
    if (rc || (rc = check_kind(kind, false, err)))
        return rc;
    if (!payload || !*payload)
        return cc_err_set(err, CC_EINTERNAL, "internal", "empty keyring payload");
    char label[160];
    snprintf(label, sizeof label, "clinecfg: %s (account %s)",
             kind == KEYRING_SESSION ? "AWS session credentials"
             : kind == KEYRING_SSO  ? "IAM Identity Center sign-in"
                                    : "AWS access key",
             account);
    if (kr->opts.out)
        out_trace(kr->opts.out, "keyring: storing %s item of account %s", keyring_kind_name(kind), account);
    return kr->ops->store(kr, account, kind, label, payload, err);
}

int keyring_lookup(keyring *kr, const char *account, keyring_kind kind, char **payload_out, cc_err *err)
{
    *payload_out = NULL;
    int rc = keyring_check_account(account, err);
    if (rc || (rc = check_kind(kind, false, err)))
        return rc;
    rc = kr->ops->lookup(kr, account, kind, payload_out, err);
    if (kr->opts.out)
        out_trace(kr->opts.out, "keyring: %s item of account %s: %s", keyring_kind_name(kind), account,
                  rc == 0 ? "found" : rc == KEYRING_NOT_FOUND ? "not found" : "error");
    return rc;
}

int keyring_delete(keyring *kr, const char *account, keyring_kind kind, cc_err *err)
{
    int rc = keyring_check_account(account, err);
    if (rc || (rc = check_kind(kind, true, err)))
        return rc;
    rc = kr->ops->remove(kr, account, kind, err);
    if (kr->opts.out)
        out_trace(kr->opts.out, "keyring: remove %s item(s) of account %s: %s",
                  kind == KEYRING_ANY ? "all" : keyring_kind_name(kind), account,
                  rc == 0 ? "removed" : rc == KEYRING_NOT_FOUND ? "none there" : "error");
    return rc;
}

/* ---- payload ---------------------------------------------------------- */

void keyring_format_time(time_t t, char out[32])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int keyring_parse_time(const char *s, time_t *out)
{
    int Y, M, D, h, m, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 || n != 19)
        return -1;
    const char *p = s + n;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5)
            return -1;
        off = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    *out = (time_t)(days * 86400 + h * 3600 + m * 60 + sec - off);
    return 0;
}

int keyring_record_to_payload(const keyring_record *r, keyring_kind kind, char **payload_out, cc_err *err)
{
    *payload_out = NULL;
    strbuf b = {.secret = true};
    char t[32];
    strbuf_puts(&b, "{\"version\":1");
    strbuf_json_member(&b, "type", keyring_kind_name(kind));
    strbuf_json_member(&b, "access_key_id", r->creds.access_key_id);
    strbuf_json_member(&b, "secret_access_key", r->creds.secret_access_key);
    strbuf_json_member(&b, "session_token", r->creds.session_token);
    if (r->creds.expiration) {
        keyring_format_time(r->creds.expiration, t);
        strbuf_json_member(&b, "expiration", t);
    }
    if (r->arn[0])
        strbuf_json_member(&b, "arn", r->arn);
    if (r->account[0])
        strbuf_json_member(&b, "account", r->account);
    if (r->stored_at) {
        keyring_format_time(r->stored_at, t);
        strbuf_json_member(&b, "stored_at", t);
    }
    if (r->sts_endpoint[0])
        strbuf_json_member(&b, "sts_endpoint", r->sts_endpoint);
    if (r->region[0])
        strbuf_json_member(&b, "region", r->region);
    if (r->session_denied_until) {
        keyring_format_time(r->session_denied_until, t);
        strbuf_json_member(&b, "session_denied_until", t);
    }
    strbuf_puts(&b, "}");
    if (b.oom) {
        strbuf_release(&b);
        return cc_err_oom(err);
    }
    *payload_out = b.p;
    return 0;
}

static char *dup_field(const cJSON *obj, const char *key, bool *oom)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    char *p = keyring_copy_secret(v->valuestring, strlen(v->valuestring));
    if (!p)
        *oom = true;
    return p;
}

static void copy_field(const cJSON *obj, const char *key, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v) && v->valuestring && strlen(v->valuestring) < size)
        snprintf(dst, size, "%s", v->valuestring);
}

static time_t time_field(const cJSON *obj, const char *key, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    time_t t = 0;
    if (!v)
        return 0;
    if (!cJSON_IsString(v) || keyring_parse_time(v->valuestring, &t) != 0)
        *bad = true;
    return t;
}

void keyring_record_wipe(keyring_record *r)
{
    if (!r)
        return;
    char **strs[] = {&r->creds.access_key_id, &r->creds.secret_access_key, &r->creds.session_token};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (*strs[i]) {
            OPENSSL_cleanse(*strs[i], strlen(*strs[i]));
            free(*strs[i]);
        }
    }
    OPENSSL_cleanse(r, sizeof *r);
}

int keyring_record_from_payload(const char *payload, keyring_kind kind, keyring_record *r, cc_err *err)
{
    memset(r, 0, sizeof *r);
    cJSON *j = cJSON_Parse(payload);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "version");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (!cJSON_IsObject(j) || !cJSON_IsNumber(ver) || ver->valuedouble != 1 || !cJSON_IsString(type) ||
        strcmp(type->valuestring, keyring_kind_name(kind)) != 0) {
        secret_json_delete(j);
        cc_err_set(err, CC_EKEYRING, "keyring.payload",
                   "the keyring item (%s) was not written by this version of clinecfg", keyring_kind_name(kind));
        cc_err_hint(err, "remove it with `clinecfg logout` and run `clinecfg login` again");
        return CC_EKEYRING;
    }
    bool oom = false, bad_time = false;
    r->creds.access_key_id = dup_field(j, "access_key_id", &oom);
    r->creds.secret_access_key = dup_field(j, "secret_access_key", &oom);
    r->creds.session_token = dup_field(j, "session_token", &oom);
    r->creds.expiration = time_field(j, "expiration", &bad_time);
    r->stored_at = time_field(j, "stored_at", &bad_time);
    r->session_denied_until = time_field(j, "session_denied_until", &bad_time);
    copy_field(j, "arn", r->arn, sizeof r->arn);
    copy_field(j, "account", r->account, sizeof r->account);
    copy_field(j, "sts_endpoint", r->sts_endpoint, sizeof r->sts_endpoint);
    copy_field(j, "region", r->region, sizeof r->region);
    secret_json_delete(j);
    if (oom) {
        keyring_record_wipe(r);
        return cc_err_oom(err);
    }
    bool keys = r->creds.access_key_id && r->creds.secret_access_key;
    bool denied_marker = kind == KEYRING_SESSION && r->session_denied_until;
    if ((!keys && !denied_marker) || bad_time || (kind == KEYRING_SESSION && keys && !r->creds.expiration)) {
        keyring_record_wipe(r);
        cc_err_set(err, CC_EKEYRING, "keyring.payload", "the keyring item (%s) is incomplete or malformed",
                   keyring_kind_name(kind));
        cc_err_hint(err, "remove it with `clinecfg logout` and run `clinecfg login` again");
        return CC_EKEYRING;
    }
    snprintf(r->creds.source, sizeof r->creds.source, "keyring");
    snprintf(r->creds.account_id, sizeof r->creds.account_id, "%s", r->account);
    return 0;
}

/* ---- credential source for the AWS credential chain -------------------- */

int keyring_creds_source(void *ud, aws_credentials *creds, cc_err *err)
{
    const keyring_source_opts *so = ud;
    memset(creds, 0, sizeof *creds);
    const char *account = keyring_account_name(so ? so->account : NULL);
    int rc = keyring_check_account(account, err);
    if (rc)
        return rc;
    keyring_opts o = {.no_prompt = so && so->no_prompt, .out = so ? so->out : NULL};
    keyring *kr = NULL;
    rc = keyring_open(&kr, &o, err);
    if (rc)
        return rc;
    char *payload = NULL;
    rc = keyring_lookup(kr, account, KEYRING_LONG_TERM, &payload, err);
    keyring_close(kr);
    if (rc)
        return rc;
    keyring_record rec;
    rc = keyring_record_from_payload(payload, KEYRING_LONG_TERM, &rec, err);
    keyring_payload_free(payload);
    if (rc)
        return rc;
    *creds = rec.creds;
    snprintf(creds->source, sizeof creds->source, "keyring:%s", account);
    snprintf(creds->account_id, sizeof creds->account_id, "%s", rec.account);
    rec.creds.access_key_id = rec.creds.secret_access_key = rec.creds.session_token = NULL;
    keyring_record_wipe(&rec);
    return 0;
}
