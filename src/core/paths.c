/* paths.c - clinecfg's own folders (see include/clinecfg/paths.h). */
#include "clinecfg/paths.h"

#include <stdio.h>
#include <stdlib.h>

/* $VAR/clinecfg[/leaf], else $HOME/<fallback>/clinecfg[/leaf].  The XDG
 * rules ignore a relative $VAR; "." stands in for a missing HOME so a
 * path is always produced. */
static char *xdg_path(const char *var, const char *fallback, const char *leaf)
{
    const char *base = getenv(var);
    const char *home = getenv("HOME");
    char head[4096];
    if (base && base[0] == '/')
        snprintf(head, sizeof head, "%s/clinecfg", base);
    else
        snprintf(head, sizeof head, "%s/%s/clinecfg", home && *home ? home : ".", fallback);
    size_t n = (size_t)snprintf(NULL, 0, "%s%s%s", head, leaf ? "/" : "", leaf ? leaf : "") + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", head, leaf ? "/" : "", leaf ? leaf : "");
    return out;
}

char *paths_user_config(void) { return xdg_path("XDG_CONFIG_HOME", ".config", "config.json"); }

char *paths_state_dir(void) { return xdg_path("XDG_STATE_HOME", ".local/state", NULL); }

char *paths_state_file(const char *name) { return xdg_path("XDG_STATE_HOME", ".local/state", name); }
