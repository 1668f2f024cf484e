/*
 * awstime.h - AWS timestamps (src/aws/awstime.c): the RFC 3339 / ISO 8601
 * times found in STS answers, credential_process output, SSO caches and
 * Bedrock listings.  Leaf module: the credential sources and the service
 * clients all use it, it uses nothing of theirs.
 */
#ifndef CLINECFG_AWSTIME_H
#define CLINECFG_AWSTIME_H

#include <time.h>

/* YYYY-MM-DDTHH:MM:SS[.frac](Z|UTC|GMT|+HH:MM|+HHMM|-...); 't'/'z' and a
 * space for 'T' accepted; a time without a zone is refused as ambiguous.
 * Fills *out and returns 0, or returns -1. */
int aws_parse_timestamp(const char *s, time_t *out);

#endif
