/*
 * cline_running.c - running-Cline and legacy-extension detection, and the
 * VS Code family folders both look in (see include/clinecfg/cline_running.h).
 *
 * Detection reads /proc (Linux) or `ps` output (macOS) and never writes.  A
 * process only counts when it belongs to this user and, when its
 * environment can be read, resolves to the same Cline data folder: a Cline
 * run with another HOME or CLINE_DATA_DIR cannot overwrite our files.
 */
#define _GNU_SOURCE
#include "clinecfg/cline_running.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clinecfg/cline_paths.h"

#define CLINE_EXTENSION_ID "saoudrizwan.claude-dev"
#define CLINE_HUB_PORT 25463

/* One VS Code family product installation as seen from this user. */
typedef struct editor_dirs {
    const char *product;   /* "VS Code", "VSCodium", "Cursor", ... (static) */
    char *user_data;       /* e.g. ~/.config/Code (may not exist) */
    char *extensions;      /* e.g. ~/.vscode/extensions (may not exist); NULL if unknown */
} editor_dirs;

/* ---- editor folders ---- */

typedef struct product_spec {
    const char *product;
    const char *config_name;    /* folder under ~/.config or ~/Library/Application Support */
    const char *extensions_dot; /* folder under HOME holding extensions/ */
} product_spec;

static const product_spec products[] = {
    {"VS Code", "Code", ".vscode"},
    {"VS Code Insiders", "Code - Insiders", ".vscode-insiders"},
    {"VSCodium", "VSCodium", ".vscode-oss"},
    {"Cursor", "Cursor", ".cursor"},
    {"Windsurf", "Windsurf", ".windsurf"},
};

static const struct {
    const char *product;
    const char *dot;
} remote_servers[] = {
    {"VS Code Server", ".vscode-server"},
    {"Cursor Server", ".cursor-server"},
    {"Windsurf Server", ".windsurf-server"},
    {"VSCodium Server", ".vscodium-server"},
};

static void editors_list_free(editor_dirs *dirs, size_t n)
{
    for (size_t i = 0; dirs && i < n; i++) {
        free(dirs[i].user_data);
        free(dirs[i].extensions);
    }
    free(dirs);
}

static int push_dir(editor_dirs **arr, size_t *n, size_t *cap, const char *product, char *ud_dir, char *ext)
{
    if (!ud_dir) {
        free(ext);
        return CC_EINTERNAL;
    }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        editor_dirs *na = realloc(*arr, nc * sizeof *na);
        if (!na) {
            free(ud_dir);
            free(ext);
            return CC_EINTERNAL;
        }
        *arr = na;
        *cap = nc;
    }
    (*arr)[*n].product = product;
    (*arr)[*n].user_data = ud_dir;
    (*arr)[*n].extensions = ext;
    (*n)++;
    return CC_OK;
}

static int editors_list(cc_getenv_fn getenv_fn, void *ud, editor_dirs **out, size_t *n, cc_err *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    char *home = cline_home_dir(getenv_fn, ud);
    if (!home) {
        cc_err_set(err, CC_EINPUT, "cline.no_home", "cannot find the editor folders: HOME is not set");
        cc_err_hint(err, "set HOME");
        return CC_EINPUT;
    }
    char *cfg_base;
#ifdef __APPLE__
    cfg_base = cline_path_format("%s/Library/Application Support", home);
#else
    const char *xdg = cline_getenv(getenv_fn, ud, "XDG_CONFIG_HOME");
    cfg_base = xdg ? strdup(xdg) : cline_path_format("%s/.config", home);
#endif
    const char *appdata = cline_getenv(getenv_fn, ud, "VSCODE_APPDATA");
    const char *portable = cline_getenv(getenv_fn, ud, "VSCODE_PORTABLE");
    const char *xdg_data = cline_getenv(getenv_fn, ud, "XDG_DATA_HOME");
    int rc = cfg_base ? CC_OK : CC_EINTERNAL;
    for (size_t i = 0; rc == CC_OK && i < sizeof products / sizeof products[0]; i++) {
        rc = push_dir(out, n, &cap, products[i].product,
                      cline_path_format("%s/%s", appdata ? appdata : cfg_base, products[i].config_name),
                      cline_path_format("%s/%s/extensions", home, products[i].extensions_dot));
    }
    if (rc == CC_OK) {
        char *csdata = xdg_data ? cline_path_format("%s/code-server", xdg_data) : cline_path_format("%s/.local/share/code-server", home);
        char *csext = csdata ? cline_path_format("%s/extensions", csdata) : NULL;
        rc = push_dir(out, n, &cap, "code-server", csdata, csext);
    }
    for (size_t i = 0; rc == CC_OK && i < sizeof remote_servers / sizeof remote_servers[0]; i++) {
        /* remote servers keep User/ directly under data/ */
        rc = push_dir(out, n, &cap, remote_servers[i].product, cline_path_format("%s/%s/data", home, remote_servers[i].dot),
                      cline_path_format("%s/%s/extensions", home, remote_servers[i].dot));
    }
    if (rc == CC_OK && portable) {
        rc = push_dir(out, n, &cap, "VS Code (portable)", cline_path_format("%s/user-data", portable),
                      cline_path_format("%s/extensions", portable));
    }
    free(cfg_base);
    free(home);
    if (rc != CC_OK) {
        editors_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return cc_err_oom(err);
    }
    return CC_OK;
}

/* True when `extensions_dir` holds a saoudrizwan.claude-dev-* folder. */
static bool editors_has_cline_extension(const char *extensions_dir)
{
    if (!extensions_dir)
        return false;
    DIR *d = opendir(extensions_dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        if (strncasecmp(e->d_name, CLINE_EXTENSION_ID "-", strlen(CLINE_EXTENSION_ID) + 1) == 0)
            found = true;
    }
    closedir(d);
    return found;
}

/* ---- process detection ---- */

const char *cline_process_describe(const cline_process *p, char *buf, size_t size)
{
    if (p->pid > 0)
        snprintf(buf, size, "pid %ld (%s: %s)", p->pid, p->product, p->evidence);
    else
        snprintf(buf, size, "%s (%s)", p->product, p->evidence);
    return buf;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static bool streq_any(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

typedef struct proc_info {
    long pid;
    char **argv;
    size_t argc;
    char *cmdline_joined;
} proc_info;

static void proc_info_free(proc_info *p)
{
    for (size_t i = 0; i < p->argc; i++)
        free(p->argv[i]);
    free(p->argv);
    free(p->cmdline_joined);
    memset(p, 0, sizeof *p);
}

/* Reads a whole small file (at most `limit` bytes); NULL when unreadable. */
static char *read_small(const char *path, size_t limit, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap >= limit)
                break;
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static int split_nul(const char *buf, size_t len, proc_info *pi)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\0')
            count++;
    if (len > 0 && buf[len - 1] != '\0')
        count++;
    pi->argv = calloc(count ? count : 1, sizeof *pi->argv);
    pi->cmdline_joined = malloc(len + 1);
    if (!pi->argv || !pi->cmdline_joined)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || buf[i] == '\0') {
            if (i == len && start == len)
                break;
            pi->argv[pi->argc] = strndup(buf + start, i - start);
            if (!pi->argv[pi->argc])
                return -1;
            pi->argc++;
            start = i + 1;
        }
    }
    for (size_t i = 0; i < len; i++)
        pi->cmdline_joined[i] = buf[i] ? buf[i] : ' ';
    pi->cmdline_joined[len] = '\0';
    while (len > 0 && pi->cmdline_joined[len - 1] == ' ')
        pi->cmdline_joined[--len] = '\0';
    return 0;
}

static const char *const node_like[] = {"node", "nodejs", "bun", "deno", "sh", "bash", "dash", "zsh", NULL};

/* A `cline` CLI or hub process, from its argv.  Returns the kind or 0. */
static cline_proc_kind classify_cli(const proc_info *pi)
{
    if (pi->argc == 0)
        return 0;
    for (size_t i = 0; i < pi->argc; i++) {
        const char *a = pi->argv[i];
        if (strstr(a, "cline-hub/") || strstr(a, "/hub/daemon/entry"))
            return CLINE_PROC_HUB;
    }
    const char *b0 = base_name(pi->argv[0]);
    if (strcmp(b0, "cline") == 0 || strcmp(b0, ".cline") == 0)
        return CLINE_PROC_CLI;
    if (streq_any(b0, node_like) && pi->argc > 1) {
        /* node [node options] path/to/cline ... : look at the first non-option argument */
        for (size_t i = 1; i < pi->argc; i++) {
            const char *a = pi->argv[i];
            if (a[0] == '-')
                continue;
            const char *b = base_name(a);
            if (strcmp(b, "cline") == 0 || strcmp(b, ".cline") == 0 || strstr(a, "/node_modules/cline/"))
                return CLINE_PROC_CLI;
            break;
        }
    }
    return 0;
}

static const struct {
    const char *exe;     /* basename of argv[0] */
    const char *product;
} editor_exes[] = {
    {"code", "VS Code"},         {"code-insiders", "VS Code Insiders"}, {"codium", "VSCodium"},
    {"vscodium", "VSCodium"},    {"cursor", "Cursor"},                   {"windsurf", "Windsurf"},
    {"code-oss", "VS Code OSS"}, {"code-server", "code-server"},
};

/* The VS Code family product a process belongs to, or NULL. */
static const char *classify_editor(const proc_info *pi, const char **ext_hint)
{
    *ext_hint = NULL;
    if (pi->argc == 0)
        return NULL;
    const char *b0 = base_name(pi->argv[0]);
    for (size_t i = 0; i < sizeof editor_exes / sizeof editor_exes[0]; i++)
        if (strcasecmp(b0, editor_exes[i].exe) == 0)
            return editor_exes[i].product;
    /* remote servers and code-server run under node: node .../.vscode-server/bin/<id>/out/server-main.js */
    for (size_t i = 0; i < pi->argc && i < 4; i++) {
        const char *a = pi->argv[i];
        for (size_t k = 0; k < sizeof remote_servers / sizeof remote_servers[0]; k++) {
            char needle[64];
            snprintf(needle, sizeof needle, "/%s/", remote_servers[k].dot);
            if (strstr(a, needle)) {
                *ext_hint = remote_servers[k].dot;
                return remote_servers[k].product;
            }
        }
        if (strstr(a, "/code-server/"))
            return "code-server";
    }
    return NULL;
}

/* The extensions folder of a product (from the editors list); NULL if unknown. */
static const char *extensions_for(const editor_dirs *dirs, size_t n, const char *product)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(dirs[i].product, product) == 0)
            return dirs[i].extensions;
    return NULL;
}

/* True when one of the /proc/PID/fd links of `pid` points at a target that
 * contains `needle` (exact: equals it).  At most max_links links are read
 * (0: all). */
static bool proc_fd_links_to(const char *proc_root, long pid, const char *needle, bool exact, int max_links)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%ld/fd", proc_root, pid);
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    int seen = 0;
    while (!found && (max_links == 0 || seen++ < max_links) && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char link[PATH_MAX + 300], target[PATH_MAX];
        snprintf(link, sizeof link, "%s/%s", path, e->d_name);
        ssize_t r = readlink(link, target, sizeof target - 1);
        if (r <= 0)
            continue;
        target[r] = '\0';
        found = exact ? strcmp(target, needle) == 0 : strstr(target, needle) != NULL;
    }
    closedir(d);
    return found;
}

/* Looks for the extension id in the targets of the /proc/PID/fd links and in
 * /proc/PID/maps: the cheap signs that the extension is loaded. */
static bool proc_has_extension_open(const char *proc_root, long pid)
{
    if (proc_fd_links_to(proc_root, pid, CLINE_EXTENSION_ID, false, 4096))
        return true;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%ld/maps", proc_root, pid);
    size_t len = 0;
    char *maps = read_small(path, 8u << 20, &len);
    bool found = maps && strstr(maps, CLINE_EXTENSION_ID);
    free(maps);
    return found;
}

/* Value of NAME in a NUL-separated environ block, or NULL. */
static const char *environ_get(const char *env, size_t len, const char *name)
{
    size_t nl = strlen(name);
    size_t i = 0;
    while (i < len) {
        const char *s = env + i;
        size_t sl = strnlen(s, len - i);
        if (sl > nl && strncmp(s, name, nl) == 0 && s[nl] == '=')
            return s[nl + 1] ? s + nl + 1 : NULL;
        i += sl + 1;
    }
    return NULL;
}

typedef struct env_block {
    const char *env;
    size_t len;
} env_block;

static const char *env_block_get(void *ud, const char *name)
{
    env_block *b = ud;
    return environ_get(b->env, b->len, name);
}

static char *canonical(const char *p)
{
    char *r = realpath(p, NULL);
    return r ? r : strdup(p);
}

/* True when process `pid` resolves to another Cline data folder than ours.
 * An unreadable environment counts as "same" (we cannot tell). */
static bool proc_uses_other_data_dir(const char *proc_root, long pid, const char *our_data_canon)
{
    if (!our_data_canon)
        return false;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%ld/environ", proc_root, pid);
    size_t len = 0;
    char *env = read_small(path, 1u << 20, &len);
    if (!env || len == 0) {
        free(env);
        return false;
    }
    env_block b = {env, len};
    cline_locations loc;
    cc_err e;
    bool other = false;
    if (cline_locate(env_block_get, &b, &loc, &e) == CC_OK) {
        /* a relative CLINE_DATA_DIR would be relative to that process's cwd: unknown, count it as same */
        const char *raw = environ_get(env, len, "CLINE_DATA_DIR");
        if (!raw)
            raw = environ_get(env, len, "CLINE_DIR");
        if (!raw || raw[0] == '/') {
            char *theirs = canonical(loc.data_dir);
            other = theirs && strcmp(theirs, our_data_canon) != 0;
            free(theirs);
        }
        cline_locations_free(&loc);
    }
    free(env);
    return other;
}

static void add_proc(cline_running *out, long pid, cline_proc_kind kind, const char *product, const char *evidence,
                     const char *cmd)
{
    if (out->n < CLINE_MAX_PROCS) {
        cline_process *p = &out->procs[out->n];
        memset(p, 0, sizeof *p);
        p->pid = pid;
        p->kind = kind;
        snprintf(p->product, sizeof p->product, "%s", product);
        snprintf(p->evidence, sizeof p->evidence, "%s", evidence);
        snprintf(p->command, sizeof p->command, "%s", cmd ? cmd : "");
    }
    out->n++;
}

/* The hub daemon listens on 127.0.0.1:25463; /proc/net/tcp lists it even
 * when its process is not ours to read. */
static unsigned long hub_port_listening(const char *proc_root)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/net/tcp", proc_root);
    size_t len = 0;
    char *tab = read_small(path, 4u << 20, &len);
    if (!tab)
        return 0;
    unsigned long found = 0;
    char want[32];
    snprintf(want, sizeof want, ":%04X ", CLINE_HUB_PORT);
    for (char *line = strchr(tab, '\n'); line && !found; line = strchr(line + 1, '\n')) {
        char local[64], remote[64], state[8];
        unsigned uid = 0;
        unsigned long inode = 0;
        if (sscanf(line + 1, "%*s %63s %63s %7s %*s %*s %*s %u %*s %lu", local, remote, state, &uid, &inode) != 5)
            continue;
        size_t ll = strlen(local);
        if (ll > 6 && strcmp(state, "0A") == 0 && strncmp(local + ll - 5, want, 5) == 0 &&
            uid == (unsigned)geteuid())
            found = inode ? inode : 1;
    }
    free(tab);
    return found;
}

/* True when process `pid` holds the socket with this inode. */
static bool proc_has_socket(const char *proc_root, long pid, unsigned long inode)
{
    char want[64];
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    return proc_fd_links_to(proc_root, pid, want, true, 0);
}

#ifdef __APPLE__
static int scan_ps(const editors_scan_opts *opts, const editor_dirs *dirs, size_t ndirs, cline_running *out,
                   cc_err *err)
{
    FILE *f = popen("ps -axww -o pid=,uid=,command=", "r");
    if (!f)
        return cc_err_set(err, CC_EINTERNAL, "cline.ps", "cannot run ps to look for a running Cline: %s",
                          strerror(errno));
    char line[8192];
    long self = opts->self_pid ? opts->self_pid : (long)getpid();
    while (fgets(line, sizeof line, f)) {
        long pid = 0;
        unsigned uid = 0;
        int off = 0;
        if (sscanf(line, " %ld %u %n", &pid, &uid, &off) < 2 || uid != (unsigned)geteuid() || pid == self)
            continue;
        char *cmd = line + off;
        cmd[strcspn(cmd, "\n")] = '\0';
        /* ps joins argv with spaces: split on spaces (paths with spaces are rare here) */
        proc_info pi = {0};
        char *copy = strdup(cmd);
        if (!copy)
            break;
        size_t cap = 8;
        pi.argv = calloc(cap, sizeof *pi.argv);
        for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok && pi.argv; tok = strtok_r(NULL, " ", &save)) {
            if (pi.argc == cap) {
                cap *= 2;
                char **na = realloc(pi.argv, cap * sizeof *na);
                if (!na)
                    break;
                pi.argv = na;
            }
            pi.argv[pi.argc++] = strdup(tok);
        }
        free(copy);
        pi.cmdline_joined = strdup(cmd);
        cline_proc_kind k = classify_cli(&pi);
        const char *hint = NULL;
        const char *product = k ? NULL : classify_editor(&pi, &hint);
        /* app bundles: ".../Visual Studio Code.app/Contents/MacOS/Electron" */
        static const struct {
            const char *bundle, *product;
        } bundles[] = {{"/Visual Studio Code.app/", "VS Code"},
                       {"/Visual Studio Code - Insiders.app/", "VS Code Insiders"},
                       {"/VSCodium.app/", "VSCodium"},
                       {"/Cursor.app/", "Cursor"},
                       {"/Windsurf.app/", "Windsurf"}};
        for (size_t b = 0; !k && !product && b < sizeof bundles / sizeof bundles[0]; b++)
            if (strstr(cmd, bundles[b].bundle))
                product = bundles[b].product;
        if (k) {
            add_proc(out, pid, k, k == CLINE_PROC_HUB ? "cline hub" : "cline CLI", "command line", cmd);
        } else if (strstr(cmd, CLINE_EXTENSION_ID)) {
            add_proc(out, pid, CLINE_PROC_EDITOR, "editor", "command line names the Cline extension", cmd);
        } else if (product && strstr(cmd, "Helper") == NULL) {
            const char *ext = extensions_for(dirs, ndirs, product);
            if (editors_has_cline_extension(ext))
                add_proc(out, pid, CLINE_PROC_EDITOR, product, "running with the Cline extension installed", cmd);
        }
        proc_info_free(&pi);
    }
    pclose(f);
    return CC_OK;
}
#endif

/* What a /proc scan carries from one process to the next. */
typedef struct proc_scan {
    const char *root;           /* "/proc" or a test's fake tree */
    const editor_dirs *dirs;
    size_t ndirs;
    const char *our_data;       /* canonical Cline data folder, or NULL: no filter */
    unsigned long hub_inode;    /* socket of the hub's port (1: listening, inode unknown; 0: none) */
    bool hub_owner_seen;
} proc_scan;

/* The extensions folder an editor process loads from: the product's, or
 * for a remote server the one next to its bin/ folder. */
static const char *process_extensions(const proc_scan *sc, const proc_info *pi, const char *product, const char *hint,
                                      char *buf, size_t size)
{
    const char *ext = extensions_for(sc->dirs, sc->ndirs, product);
    if (!hint)
        return ext;
    const char *a = NULL;
    for (size_t i = 0; i < pi->argc && !a; i++)
        if (strstr(pi->argv[i], hint))
            a = pi->argv[i];
    const char *at = a ? strstr(a, hint) : NULL;
    if (!at)
        return ext;
    snprintf(buf, size, "%.*s%s/extensions", (int)(at - a), a, hint);
    return buf;
}

/* Decides whether one process is a Cline and adds it to `out`. */
static void classify_process(proc_scan *sc, long pid, const proc_info *pi, cline_running *out)
{
    cline_proc_kind kind = classify_cli(pi);
    const char *hint = NULL;
    const char *product = kind ? NULL : classify_editor(pi, &hint);
    const char *evidence = NULL;
    if (sc->hub_inode > 1 && !sc->hub_owner_seen && proc_has_socket(sc->root, pid, sc->hub_inode)) {
        sc->hub_owner_seen = true;
        if (!kind) {
            kind = CLINE_PROC_HUB;
            evidence = "listening on 127.0.0.1:25463";
        }
    }
    if (evidence) {
        /* set above */
    } else if (kind) {
        evidence = "command line";
    } else if (strstr(pi->cmdline_joined, CLINE_EXTENSION_ID)) {
        kind = CLINE_PROC_EDITOR;
        product = product ? product : "editor";
        evidence = "command line names the Cline extension";
    } else if (product) {
        char extpath[PATH_MAX];
        const char *ext = process_extensions(sc, pi, product, hint, extpath, sizeof extpath);
        if (proc_has_extension_open(sc->root, pid)) {
            kind = CLINE_PROC_EDITOR;
            evidence = "has Cline extension files open";
        } else if (editors_has_cline_extension(ext)) {
            kind = CLINE_PROC_EDITOR;
            evidence = "running, with the Cline extension installed";
        }
    }
    if (kind && !proc_uses_other_data_dir(sc->root, pid, sc->our_data))
        add_proc(out, pid, kind, kind == CLINE_PROC_CLI ? "cline CLI" : kind == CLINE_PROC_HUB ? "cline hub" : product,
                 evidence, pi->cmdline_joined);
}

/* Reads /proc/PID/cmdline of a process of ours and classifies it.  Only out
 * of memory is an error: a process that vanished is skipped. */
static int scan_pid(proc_scan *sc, long pid, cline_running *out, cc_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%ld", sc->root, pid);
    struct stat st;
    if (stat(path, &st) != 0 || st.st_uid != geteuid())
        return CC_OK;
    snprintf(path, sizeof path, "%s/%ld/cmdline", sc->root, pid);
    size_t len = 0;
    char *cmd = read_small(path, 256u << 10, &len);
    if (!cmd || len == 0) {
        free(cmd);
        return CC_OK; /* kernel thread or gone */
    }
    proc_info pi = {0};
    int rc = split_nul(cmd, len, &pi) == 0 ? CC_OK : cc_err_oom(err);
    free(cmd);
    if (rc == CC_OK)
        classify_process(sc, pid, &pi, out);
    proc_info_free(&pi);
    return rc;
}

static int scan_proc(const editors_scan_opts *opts, proc_scan *sc, cline_running *out, cc_err *err)
{
    /* only this process is skipped: a Cline that runs clinecfg as a tool (an
     * ancestor) still holds its settings in memory and writes them back */
    long self = opts->self_pid ? opts->self_pid : (long)getpid();
    /* the hub listens on a fixed port; its owner (when it is ours to see)
     * tells which data folder it serves */
    sc->hub_inode = hub_port_listening(sc->root);
    DIR *d = opendir(sc->root);
    if (!d)
        return cc_err_set(err, CC_EINTERNAL, "cline.proc", "cannot read %s to look for a running Cline: %s", sc->root,
                          strerror(errno));
    int rc = CC_OK;
    struct dirent *e;
    while (rc == CC_OK && (e = readdir(d)) != NULL) {
        char *endp;
        long pid = strtol(e->d_name, &endp, 10);
        if (pid > 0 && !*endp && pid != self)
            rc = scan_pid(sc, pid, out, err);
    }
    closedir(d);
    if (rc == CC_OK && sc->hub_inode && !sc->hub_owner_seen) {
        bool have_hub = false;
        for (size_t i = 0; i < out->n && i < CLINE_MAX_PROCS; i++)
            if (out->procs[i].kind == CLINE_PROC_HUB)
                have_hub = true;
        if (!have_hub)
            add_proc(out, 0, CLINE_PROC_HUB, "cline hub", "listening on 127.0.0.1:25463", NULL);
    }
    return rc;
}

int editors_find_running_cline(const editors_scan_opts *opts, cline_running *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    editors_scan_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    editor_dirs *dirs = NULL;
    size_t ndirs = 0;
    cc_err ignore;
    if (editors_list(opts->getenv_fn, opts->ud, &dirs, &ndirs, &ignore) != CC_OK) {
        dirs = NULL;
        ndirs = 0;
    }
    char *our_data = opts->data_dir ? canonical(opts->data_dir) : NULL;
    int rc;
#ifdef __APPLE__
    if (!opts->proc_root) {
        rc = scan_ps(opts, dirs, ndirs, out, err);
        editors_list_free(dirs, ndirs);
        free(our_data);
        return rc;
    }
#endif
    proc_scan sc = {opts->proc_root ? opts->proc_root : "/proc", dirs, ndirs, our_data, 0, false};
    rc = scan_proc(opts, &sc, out, err);
    editors_list_free(dirs, ndirs);
    free(our_data);
    return rc;
}

/* ---- legacy extension ---- */

void editors_legacy_free(cline_legacy *l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i].state_db);
    free(l);
}

/* True when the file is an SQLite database whose bytes contain the
 * extension id.  SQLite stores the ItemTable key as plain text in the
 * b-tree cell, so a byte search finds the row without linking SQLite. */
static bool vscdb_has_cline_row(const char *path)
{
    /* O_NONBLOCK and a regular file only: a FIFO here must not hang us. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    char head[16];
    bool ok = read(fd, head, sizeof head) == (ssize_t)sizeof head && memcmp(head, "SQLite format 3\0", 16) == 0;
    bool found = false;
    const size_t idlen = strlen(CLINE_EXTENSION_ID);
    char buf[65536 + 64];
    size_t carry = 0;
    while (ok && !found) {
        ssize_t r = read(fd, buf + carry, sizeof buf - 64 - carry);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        size_t have = carry + (size_t)r;
        if (memmem(buf, have, CLINE_EXTENSION_ID, idlen))
            found = true;
        carry = have < idlen ? have : idlen - 1;
        memmove(buf, buf + have - carry, carry);
    }
    close(fd);
    return found;
}

int editors_find_legacy_cline(cc_getenv_fn getenv_fn, void *ud, cline_legacy **out, size_t *n, cc_err *err)
{
    *out = NULL;
    *n = 0;
    editor_dirs *dirs = NULL;
    size_t nd = 0;
    int rc = editors_list(getenv_fn, ud, &dirs, &nd, err);
    if (rc != CC_OK)
        return rc;
    cline_legacy *arr = calloc(nd ? nd : 1, sizeof *arr);
    if (!arr) {
        editors_list_free(dirs, nd);
        return cc_err_oom(err);
    }
    for (size_t i = 0; i < nd; i++) {
        char *db = cline_path_format("%s/User/globalStorage/state.vscdb", dirs[i].user_data);
        if (!db) {
            editors_legacy_free(arr, *n);
            editors_list_free(dirs, nd);
            *n = 0;
            return cc_err_oom(err);
        }
        if (vscdb_has_cline_row(db)) {
            arr[*n].product = dirs[i].product;
            arr[*n].state_db = db;
            (*n)++;
        } else {
            free(db);
        }
    }
    editors_list_free(dirs, nd);
    *out = arr;
    return CC_OK;
}

