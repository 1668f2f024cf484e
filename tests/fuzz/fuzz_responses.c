/*
 * fuzz_responses.c - libFuzzer target for every parser of data that comes
 * from outside: STS XML answers, Bedrock JSON answers, credential_process
 * output, SSO token cache files and GetRoleCredentials answers, timestamps
 * and credential_process command lines.  The first byte picks the parser;
 * the rest is the input.  Every parser must return 0 or a CC_E* status with
 * a message, never crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/bedrock.h"
#include "clinecfg/awstime.h"
#include "clinecfg/credentials.h"
#include "clinecfg/sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned which = data[0] % 13;
    /* A private NUL-terminated copy: parsers get (ptr, len), the string
     * helpers a C string; the copy also lets ASan catch over-reads. */
    size_t len = size - 1;
    char *buf = malloc(len + 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);
    buf[len] = '\0';
    cc_err err;
    cc_err_clear(&err);
    switch (which) {
    case 0: {
        sts_identity id;
        if (sts_parse_caller_identity(buf, len, &id, &err) == 0)
            sts_identity_free(&id);
        break;
    }
    case 1:
    case 2: {
        aws_credentials c;
        if (sts_parse_credentials(which == 1 ? "GetSessionToken" : "AssumeRole", buf, len, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 3: {
        char out[64];
        sts_xml_text(buf, len, "ErrorResponse/Error/Code", out, sizeof out, &err);
        break;
    }
    case 4: {
        bedrock_profile_page pg;
        if (bedrock_parse_profile_page(buf, len, &pg, &err) == 0) {
            bedrock_profile_page_free(&pg);
            /* The page is parsed piecewise: whatever it accepts must also
             * be one valid JSON object to a whole-document parse. */
            const char *end = NULL;
            cJSON *whole = cJSON_ParseWithLengthOpts(buf, len, &end, false);
            if (!whole || !cJSON_IsObject(whole))
                abort();
            for (const char *p = end; p < buf + len; p++)
                if (!strchr(" \t\r\n", *p) && *p != '\0')
                    abort();
            cJSON_Delete(whole);
        }
        break;
    }
    case 5: {
        bedrock_inference_profile p;
        if (bedrock_parse_profile(buf, len, &p, &err) == 0)
            bedrock_profile_free(&p);
        break;
    }
    case 6: {
        bedrock_tags t;
        if (bedrock_parse_tags(buf, len, &t, &err) == 0)
            bedrock_tags_free(&t);
        break;
    }
    case 7: {
        char *arn = NULL, *status = NULL;
        if (bedrock_parse_create(buf, len, &arn, &status, &err) == 0) {
            free(arn);
            free(status);
        }
        break;
    }
    case 8: {
        bedrock_model_list ml;
        if (bedrock_parse_models(buf, len, &ml, &err) == 0)
            bedrock_model_list_free(&ml);
        break;
    }
    case 9: {
        aws_credentials c;
        if (creds_parse_process_output(buf, len, "fuzz", 1700000000, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 10: {
        char *tok = NULL;
        time_t exp;
        if (sso_parse_token(buf, len, "fuzz", 1700000000, &tok, &exp, &err) == 0)
            free(tok);
        aws_credentials c;
        if (sso_parse_role_credentials(buf, len, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 11: {
        time_t t;
        aws_parse_timestamp(buf, &t);
        break;
    }
    case 12: {
        char **argv = NULL;
        if (creds_split_command(buf, &argv, &err) == 0)
            creds_free_argv(argv);
        break;
    }
    }
    free(buf);
    return 0;
}
