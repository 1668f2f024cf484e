/*
 * cline_install.h - which Cline clinecfg will serve (src/targets/cline_install.c).
 *
 * Owns finding the installed Cline front ends and their versions: the
 * `cline` CLI on PATH (its version from the package.json of the npm package
 * the resolved binary belongs to) and the VS Code extension
 * saoudrizwan.claude-dev under ~/.vscode, ~/.vscode-server, ... (the highest version
 * found), and which versions are known to lose Bedrock prompt caching.
 * Best effort: nothing found is not an error.  Nothing here writes a file.
 */
#ifndef CLINECFG_CLINE_INSTALL_H
#define CLINECFG_CLINE_INSTALL_H

#include <limits.h>
#include <stdbool.h>

#include "clinecfg/envlookup.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

typedef struct cline_installs {
    char cli_path[PATH_MAX];     /* the `cline` PATH finds, or "" */
    char cli_version[32];        /* "3.0.60", or "" when unknown */
    char ext_dir[PATH_MAX];      /* the extension's folder, or "" */
    char ext_version[32];        /* "3.20.1", or "" */
} cline_installs;

/* Fills *out from PATH and HOME read through getenv_fn (NULL: the process
 * environment). */
void cline_installs_find(cc_getenv_fn getenv_fn, void *ud, cline_installs *out);

/* cline CLI 3.0.57 to 3.0.65 send no Bedrock cache points for an
 * application inference profile ARN: their Anthropic check reads only the
 * model id string and the built-in catalog, never customModelBaseId or
 * usePromptCache, so every turn pays full price for its input tokens. */
bool cline_cli_loses_prompt_cache(const char *version);

#endif
