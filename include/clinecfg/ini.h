/*
 * ini.h - AWS shared config / credentials files: parse (AWS rules) and
 * minimal edits (src/core/ini.c).
 *
 * Owns: the AWS profile-file syntax as the SDKs read it ([default],
 * [profile x], [sso-session x], [services x] in the config file; [x] in the
 * credentials file; `key = value` properties with case-insensitive keys,
 * indented continuation lines, nested sub-properties, # and ; comments),
 * merging the two files the way the SDKs do, and editing one section of such
 * a file while keeping every other byte.
 *
 * Parse rules in brief (the conformance suite is the spec):
 * - Section names and property names must use [A-Za-z0-9_-/.%@:+]; sections
 *   and properties with other names are ignored (not errors), but their
 *   lines must still be well-formed, so whether a text parses does not
 *   depend on which of the two files it is read as.
 * - In the config file a profile is [profile NAME] or [default]; a bare
 *   [NAME] is ignored.  [profile default] wins over [default] when both are
 *   present.  In the credentials file a profile is [NAME].
 * - Duplicate sections merge; a later key replaces an earlier one; a
 *   credentials-file key replaces the config-file key of the same profile.
 * - A full-line comment starts with # or ; (indentation allowed); on a
 *   section line a comment may follow directly; on a property line it needs
 *   whitespace before the # or ;.  Continuation lines keep # and ; text.
 * - A leading UTF-8 BOM is skipped; a NUL byte makes the file invalid.
 *
 * Errors: CC_EINPUT with err->message "NAME:LINE:COL: reason" and a hint;
 * CC_EINTERNAL on out of memory.  Messages never quote property values
 * (they may be secrets).  All values are wiped from memory on free.
 */
#ifndef CLINECFG_INI_H
#define CLINECFG_INI_H

#include <stddef.h>

#include "clinecfg/error.h"

/* Input files larger than this are refused (CC_EINPUT naming the limit). */
#define INI_MAX_SIZE ((size_t)16 * 1024 * 1024)

typedef struct aws_profile_set aws_profile_set; /* merged profiles + sso-sessions + services */
typedef struct aws_profile aws_profile;         /* one profile / sso-session / services section */

/* Parses the config file ([default], [profile x], [sso-session x],
 * [services x] ...) and the credentials file ([x]) and merges them exactly
 * as the AWS SDKs do.  Either text may be NULL (treated as empty).  The
 * names are used in error messages and ini_origin() (NULL: "config" /
 * "credentials").  Errors: CC_EINPUT, "NAME:LINE:COL: reason". */
int ini_parse_profiles(const char *config_text, size_t config_len, const char *config_name,
                       const char *creds_text, size_t creds_len, const char *creds_name,
                       aws_profile_set **out, cc_err *err);
void ini_profiles_free(aws_profile_set *set); /* wipes values; NULL is fine */

/* Lookups by exact (case-sensitive) name; NULL when absent. */
const aws_profile *ini_profile(const aws_profile_set *set, const char *name);
const aws_profile *ini_sso_session(const aws_profile_set *set, const char *name);
const aws_profile *ini_services(const aws_profile_set *set, const char *name);

/* Property value (keys are case-insensitive), NULL if absent.  A value with
 * continuation lines is joined with '\n'; a nested property ("s3 =" followed
 * by indented "k = v" lines) has value "\nk = v..." and its parts are read
 * with ini_get_sub. */
const char *ini_get(const aws_profile *p, const char *key);
const char *ini_get_sub(const aws_profile *p, const char *key, const char *subkey);

/* Where the effective value of `key` was defined: file name as given to
 * ini_parse_profiles and 1-based line.  Returns 0, or -1 if absent. */
int ini_origin(const aws_profile *p, const char *key, const char **file, int *line);

/* Iteration (order of first appearance; config file before credentials). */
size_t ini_profile_count(const aws_profile_set *set);
const aws_profile *ini_profile_at(const aws_profile_set *set, size_t i);
size_t ini_sso_session_count(const aws_profile_set *set);
const aws_profile *ini_sso_session_at(const aws_profile_set *set, size_t i);
size_t ini_services_count(const aws_profile_set *set);
const aws_profile *ini_services_at(const aws_profile_set *set, size_t i);

const char *ini_name(const aws_profile *p);             /* profile / session name */
size_t ini_prop_count(const aws_profile *p);
const char *ini_prop_key(const aws_profile *p, size_t i);   /* lower-cased */
const char *ini_prop_value(const aws_profile *p, size_t i);
int ini_prop_nested(const aws_profile *p, size_t i);        /* 1: has sub-properties */
size_t ini_sub_count(const aws_profile *p, size_t i);
const char *ini_sub_key(const aws_profile *p, size_t i, size_t j);
const char *ini_sub_value(const aws_profile *p, size_t i, size_t j);

/* One edit: set key to value, or delete the key when value is NULL. */
typedef struct ini_set {
    const char *key;
    const char *value; /* NULL = delete the key */
} ini_set;

/* Which file an edit targets.  AUTO decides from the section: "profile X",
 * "sso-session X", "services X" mean the config file; a bare "X" other than
 * "default" means the credentials file; "default" follows the config-file
 * rule ([profile default] if the file has one, else [default]), which is
 * also right for a credentials file without a stray [profile default]. */
enum { INI_FILE_AUTO = 0, INI_FILE_CONFIG = 1, INI_FILE_CREDENTIALS = 2 };

/* Edits one section of a config-style file: section is "profile NAME" or
 * "default" (or for a credentials file just "NAME").  Sets / replaces /
 * deletes keys, creates the section at the end if missing.  Every other
 * byte (comments, blank lines, other sections, EOL style, missing final
 * newline) is kept.  Replacing a key changes only its value bytes (its
 * continuation or sub-property lines go); a new key goes after the last
 * property of the section, written like its neighbours (`key = value`).
 * Deleting removes every definition of the key in the matching sections.
 * Refuses (CC_EINPUT, nothing produced) a file that does not parse, an
 * invalid section or key name, and a value AWS INI cannot hold (newline,
 * leading/trailing whitespace, " #" or " ;").  The result is re-parsed and
 * checked before it is returned.  *out is malloc'd and NUL-terminated. */
int ini_edit_section(const char *text, size_t len, const char *name, const char *section,
                     const ini_set *sets, size_t n, char **out, size_t *out_len, cc_err *err);
int ini_edit_section_ex(const char *text, size_t len, const char *name, int file_kind,
                        const char *section, const ini_set *sets, size_t n, char **out,
                        size_t *out_len, cc_err *err);

#endif
