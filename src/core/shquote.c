/* shquote.c - quoting one word for the POSIX shell (see
 * include/clinecfg/shquote.h): the one helper behind every command line
 * clinecfg prints or stores for a person to run. */
#include "clinecfg/shquote.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Bytes no shell gives a meaning to, in any position of a word. */
static bool plain_shell_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("_@%+=:,./-", c) != NULL);
}

void shquote_append(strbuf *b, const char *word)
{
    size_t n = strlen(word);
    bool plain = n > 0;
    for (size_t i = 0; i < n && plain; i++)
        plain = plain_shell_char((unsigned char)word[i]);
    if (plain) {
        strbuf_put(b, word, n);
        return;
    }
    strbuf_put(b, "'", 1);
    for (const char *p = word; *p;) {
        size_t run = strcspn(p, "'");
        strbuf_put(b, p, run);
        p += run;
        if (*p == '\'') {
            strbuf_put(b, "'\\''", 4);
            p++;
        }
    }
    strbuf_put(b, "'", 1);
}

char *shquote(const char *word)
{
    strbuf b = {0};
    shquote_append(&b, word);
    if (b.oom || !b.p) {
        strbuf_release(&b);
        return NULL;
    }
    return b.p;
}
