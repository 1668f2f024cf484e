/*
 * shquote.h - quoting words for the POSIX shell, for every command clinecfg
 * suggests to a person (the admin command of a request, the equivalent AWS
 * CLI call, the credential_process line).  Pure functions.
 *
 * A word made only of letters, digits and _@%+=:,./- is left as it is;
 * anything else (empty, spaces, quotes, ';', '$', newlines...) is put in
 * single quotes with each ' written as '\''.  The result is one word to sh,
 * bash, zsh and dash whatever the input bytes are.
 */
#ifndef CLINECFG_SHQUOTE_H
#define CLINECFG_SHQUOTE_H

#include "clinecfg/strbuf.h"

/* The quoted word (malloc'd), or NULL when out of memory. */
char *shquote(const char *word);

/* Appends the quoted word to b (sets b->oom on out of memory). */
void shquote_append(strbuf *b, const char *word);

#endif
