/*
 * awserror.h - AWS error responses: parsing the error name and message, and
 * classifying errors for retries and exit codes.
 *
 * Owns: restJson1 errors (x-amzn-ErrorType header, body "code", "__type",
 * then sanitised: text before ',' and ':', after '#'), awsQuery XML errors
 * (<ErrorResponse><Error><Code>/<Message>), the SDK standard-retry classes
 * (throttling, transient, clock skew), the mapping to CC_E* statuses and
 * the one verdict on an answer that every AWS call (awsclient, the
 * credential chain's AssumeRole) reports.
 * Pure functions: no allocation escapes, no I/O.
 */
#ifndef CLINECFG_AWSERROR_H
#define CLINECFG_AWSERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"
#include "clinecfg/http.h"

/* Fills code and msg (both always NUL-terminated, possibly empty).  Returns 0
 * when an error name was found, -1 otherwise (code empty).  body may be
 * NULL or not JSON; error_type_header may be NULL. */
int aws_parse_rest_json_error(const char *error_type_header, const char *body, size_t len,
                              char *code, size_t code_size, char *msg, size_t msg_size);

/* STS ErrorResponse (also accepts a bare <Error> element).  Returns 0 when a
 * <Code> was found, -1 otherwise. */
int aws_parse_query_error(const char *xml, size_t len, char *code, size_t code_size,
                          char *msg, size_t msg_size);

/* Applies the restJson1 sanitising rule to an error name in place. */
void aws_error_sanitize(char *code);

bool aws_error_is_throttling(const char *code);
bool aws_error_is_transient(const char *code, long status);
bool aws_error_is_clock_skew(const char *code);

/* CC_EDENIED for AccessDenied-class names: AccessDenied*, UnauthorizedOperation
 * and the authentication front end's rejections (InvalidClientTokenId,
 * UnrecognizedClientException, ExpiredToken*, SignatureDoesNotMatch,
 * InvalidSignatureException, IncompleteSignature, MissingAuthenticationToken*,
 * UnauthorizedException), and 401/403 without a name; CC_EAWS for
 * throttling, transient names and 5xx; 0 for other names (the caller decides). */
int aws_error_status(const char *code, long status);

/* Maps an answer to a status: 0 for 2xx; otherwise CC_EDENIED for
 * AccessDenied-class names (or 401/403), CC_ECONFLICT for
 * ConflictException, CC_EINPUT for ValidationException,
 * ResourceNotFoundException, TooManyTagsException, CC_EAWS otherwise.
 * err->code = "aws:<ErrorName>" (or "aws:http<status>"); the message names
 * the operation, the error and AWS's message. */
int aws_response_check(const aws_response *resp, const char *operation, cc_err *err);

/* The status of a finished call: http_rc (http_aws_call's result) when the
 * transport failed, else aws_response_check's verdict, keeping the HTTP
 * layer's status (e.g. retries exhausted) when it had one. */
int aws_call_verdict(int http_rc, const aws_response *resp, const char *operation, cc_err *err);

#endif
