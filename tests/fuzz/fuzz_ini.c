/*
 * fuzz_ini.c - libFuzzer target for the AWS INI parser and editor
 * (src/core/ini.c): parse as config and as credentials, walk the result,
 * edit one section, and re-parse the edit.
 *
 * Byte 0 picks the file kind, the section, the keys and the values; the rest
 * is the file.  Crashes, sanitizer reports and these invariants abort:
 * an edit that succeeds must re-parse and hold the values asked for; an
 * edit refused as bad input must come from a file that does not parse; the
 * engine's own read-back check (CC_EINTERNAL) must never fire.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/ini.h"

static void walk(const aws_profile_set *set)
{
    size_t n = ini_profile_count(set);
    for (size_t i = 0; i < n; i++) {
        const aws_profile *p = ini_profile_at(set, i);
        if (ini_profile(set, ini_name(p)) != p)
            abort();
        for (size_t k = 0; k < ini_prop_count(p); k++) {
            const char *key = ini_prop_key(p, k);
            if (!ini_get(p, key) || !ini_prop_value(p, k))
                abort();
            for (size_t j = 0; j < ini_sub_count(p, k); j++)
                if (!ini_get_sub(p, key, ini_sub_key(p, k, j)))
                    abort();
        }
    }
    for (size_t i = 0; i < ini_sso_session_count(set); i++)
        (void)ini_get(ini_sso_session_at(set, i), "sso_region");
    for (size_t i = 0; i < ini_services_count(set); i++)
        (void)ini_get(ini_services_at(set, i), "sts");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    cc_err err;
    aws_profile_set *cfg = NULL, *crd = NULL, *both = NULL;
    int rc_cfg = ini_parse_profiles(text, len, "c", NULL, 0, NULL, &cfg, &err);
    int rc_crd = ini_parse_profiles(NULL, 0, NULL, text, len, "s", &crd, &err);
    int rc_both = ini_parse_profiles(text, len, "c", text, len, "s", &both, &err);
    /* Syntax does not depend on the file kind. */
    if ((rc_cfg == 0) != (rc_crd == 0) || (rc_cfg == 0) != (rc_both == 0))
        abort();
    if (rc_cfg == CC_EINTERNAL)
        abort();
    if (cfg) {
        walk(cfg);
        walk(crd);
        walk(both);
    }

    static const char *const sections[] = {"default", "profile p", "profile default", "sso-session s",
                                           "services x", "p", "profile a.b@c", NULL};
    static const char *const keys[] = {"region", "s3", "credential_process", "Region", "k", "aws_secret_access_key",
                                       "sso_session", NULL};
    static const char *const values[] = {"us-east-1", "", "a = b", "x#y;z", "\"quoted value\"", "v=1 w=2", NULL};
    char section[300];
    const char *sec = sections[sel % 8];
    if (!sec) {
        /* The first parsed profile's own name, when there is one. */
        const aws_profile *p = cfg ? ini_profile_at(cfg, 0) : NULL;
        if (p && strlen(ini_name(p)) < 200)
            snprintf(section, sizeof section, "profile %s", ini_name(p));
        else
            snprintf(section, sizeof section, "profile q");
        sec = section;
    }
    int kind = (sel >> 3) % 3;
    if (kind == INI_FILE_CREDENTIALS && strchr(sec, ' '))
        kind = INI_FILE_AUTO;
    if (kind == INI_FILE_CONFIG && !strchr(sec, ' ') && strcmp(sec, "default") != 0)
        kind = INI_FILE_AUTO;
    ini_set sets[3];
    size_t nset = 1 + (sel >> 5) % 3;
    for (size_t i = 0; i < nset; i++) {
        unsigned r = (sel * 7u + (unsigned)i * 13u + (unsigned)len) % 8u;
        const char *key = keys[r % 8] ? keys[r % 8] : "output";
        const char *val = values[(r + i) % 7];
        sets[i] = (ini_set){key, val}; /* values[6] == NULL: delete */
    }
    char *out = NULL;
    size_t out_len = 0;
    int rc = ini_edit_section_ex(text, len, "f", kind, sec, sets, nset, &out, &out_len, &err);
    if (rc == CC_EINTERNAL)
        abort(); /* the read-back check failed, or out of memory: both worth a look */
    if (rc == CC_EINPUT && rc_cfg == 0)
        abort(); /* every set above is valid: only a bad file may be refused */
    if (rc == 0) {
        aws_profile_set *again = NULL;
        if (out_len != strlen(out))
            abort();
        if (ini_parse_profiles(out, out_len, "o", NULL, 0, NULL, &again, &err) != 0)
            abort();
        walk(again);
        ini_profiles_free(again);
    }
    free(out);
    ini_profiles_free(cfg);
    ini_profiles_free(crd);
    ini_profiles_free(both);
    return 0;
}
