/*
 * fuzz_request.c - libFuzzer target for the provisioning request reader
 * and its checks (src/app/request.c): parse the input as a request file,
 * then check it against one of eight org policies (chosen by the length).
 *
 * Crashes, sanitizer reports and these invariants abort: every refusal is
 * CC_EINPUT (never an internal error); a request that passes the checks
 * names a valid profile name, carries exactly the policy's tags with the
 * member derived from its requester, a region the policy allows, and a
 * source ARN of that region.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/identity.h"
#include "clinecfg/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cJSON *extra, *allowed;
    if (!extra) {
        extra = cJSON_Parse("{\"CostCenter\":\"cc-1234\"}");
        allowed = cJSON_Parse("[\"ap-northeast-1\",\"ap-northeast-3\"]");
    }
    /* The length picks the policy, so the file's bytes stay a request. */
    unsigned sel = (unsigned)(size % 8);
    request_policy policy = {
        .team = (sel & 1) ? NULL : "teamA",
        .tag_key_team = "Team",
        .tag_key_member = "MemberName",
        .extra_tags = extra,
        .name_template = (sel & 2) ? "{team}-{member}-{region}" : "{team}-bedrock-{member}",
        .allowed_regions = (sel & 4) ? NULL : allowed,
    };
    request_file req;
    cc_err err;
    cc_err_clear(&err);
    int rc = request_parse("req.json", (const char *)data, size, &req, &err);
    if (rc) {
        if (rc != CC_EINPUT)
            abort();
        return 0;
    }
    rc = request_check("req.json", &req, &policy, &err);
    if (rc && rc != CC_EINPUT)
        abort();
    if (!rc) {
        if (!identity_valid_profile_name(req.name))
            abort();
        if (!policy.team || strcmp(request_team(&req, &policy), policy.team) != 0)
            abort();
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(req.tags, "MemberName");
        if (!cJSON_IsString(m) || strcmp(m->valuestring, req.member) != 0)
            abort();
        if (cJSON_GetArraySize(req.tags) != 3)
            abort();
        if (policy.allowed_regions && strcmp(req.region, "ap-northeast-1") != 0 &&
            strcmp(req.region, "ap-northeast-3") != 0)
            abort();
        if (!strstr(req.source_arn, req.region) || !strstr(req.requester_arn, req.account))
            abort();
    }
    request_free(&req);
    return 0;
}
