/*
 * awstime.c - the timestamps AWS hands out (RFC 3339 / ISO 8601, as in STS
 * Expiration, credential_process output, SSO token caches and Bedrock
 * listings) turned into time_t.  Pure: no time zone database, no locale,
 * no global state, so a hostile string cannot reach anything but this
 * parser.  See include/clinecfg/awstime.h.
 */
#include "clinecfg/awstime.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static bool leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to the given date (year >= 1970). */
static long long days_since_epoch(long y, long m, long d)
{
    static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long long days = 0;
    for (long yy = 1970; yy < y; yy++)
        days += leap(yy) ? 366 : 365;
    days += before[m - 1] + (m > 2 && leap(y) ? 1 : 0);
    return days + d - 1;
}

static int digits(const char **p, int n, long *out)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int aws_parse_timestamp(const char *s, time_t *out)
{
    if (!s)
        return -1;
    const char *p = s;
    long y, mo, d, h, mi, sec, oh = 0, om = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &sec))
        return -1;
    if (*p == '.' || *p == ',') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        p++;
    } else if (strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0) {
        p += 3;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om))
            return -1;
        if (oh > 23 || om > 59)
            return -1;
    } else {
        return -1; /* no zone: ambiguous, refuse */
    }
    if (*p != '\0')
        return -1;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
        return -1;
    unsigned dim = mdays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0);
    if ((unsigned long)d > dim)
        return -1;
    long long t = days_since_epoch(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
    t -= sign * (oh * 3600LL + om * 60LL);
    if (t < 0 || (sizeof(time_t) < 8 && t > 0x7fffffffLL))
        return -1;
    *out = (time_t)t;
    return 0;
}
