/* paths.c - clinecfg's own folders (see include/clinecfg/paths.h): where
 * they are, by the XDG rules; creating and checking them is for the callers. */
#include "clinecfg/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $VAR/clinecfg[/leaf], else $HOME/<fallback>/clinecfg[/leaf].  The XDG
 * rules ignore a relative $VAR; without an absolute HOME there is no safe
 * place (a relative one would scatter state into the current folder). */
static char *xdg_path(const char *var, const char *fallback, const char *leaf)
{
    const char *base = getenv(var);
    const char *home = getenv("HOME");
    char head[4096];
    if (base && base[0] == '/')
        snprintf(head, sizeof head, "%s/clinecfg", base);
    else if (home && home[0] == '/')
        snprintf(head, sizeof head, "%s/%s/clinecfg", home, fallback);
    else
        return NULL;
    size_t n = (size_t)snprintf(NULL, 0, "%s%s%s", head, leaf ? "/" : "", leaf ? leaf : "") + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", head, leaf ? "/" : "", leaf ? leaf : "");
    return out;
}

char *paths_user_config(void) { return xdg_path("XDG_CONFIG_HOME", ".config", "config.json"); }

char *paths_state_dir(void) { return xdg_path("XDG_STATE_HOME", ".local/state", NULL); }

char *paths_state_file(const char *name) { return xdg_path("XDG_STATE_HOME", ".local/state", name); }

char *paths_runtime_dir(void)
{
    const char *base = getenv("XDG_RUNTIME_DIR");
    if (!base || base[0] != '/')
        return NULL;
    size_t n = strlen(base) + sizeof "/clinecfg";
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/clinecfg", base);
    return out;
}

int paths_error(cc_err *err)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return cc_err_oom(err);
    cc_err_set(err, CC_EINPUT, "env.home", "neither XDG_STATE_HOME/XDG_CONFIG_HOME nor HOME is an absolute path");
    cc_err_hint(err, "set HOME; clinecfg keeps its files under ~/.config/clinecfg and ~/.local/state/clinecfg");
    return CC_EINPUT;
}
