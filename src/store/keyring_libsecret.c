/*
 * keyring_libsecret.c - the Linux keyring back end: libsecret, the default
 * collection of the Secret Service, private schema io.clinecfg.Credential.
 *
 * Owns: the D-Bus diagnosis (no session bus, no Secret Service, KWallet
 * without its Secret Service API, no default collection, locked with -y),
 * running every libsecret call asynchronously on a private GMainContext
 * bounded by a timeout (an unlock prompt nobody can see is cancelled and
 * reported, never waited on forever), NULL checks on everything libsecret
 * hands back, and telling a dismissed prompt apart from other errors.
 *
 * libsecret's own file back end (SECRET_BACKEND=file, SECRET_FILE_TEST_PATH,
 * SECRET_FILE_TEST_PASSWORD) is honoured: that is how tests run without
 * D-Bus.  It is chosen only by that explicit variable, never as a fallback.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keyring_backend.h"
#include "libsecret_dl.h"

#define SECRETS_BUS_NAME "org.freedesktop.secrets"
#define SECRETS_PATH "/org/freedesktop/secrets"
#define GRACE_AFTER_CANCEL_MS 2000

/* Attributes never change for an item: a replace finds the same item. */
static const SecretSchema clinecfg_schema = {
    .name = "io.clinecfg.Credential",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
        {"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
        {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
        {"kind", SECRET_SCHEMA_ATTRIBUTE_STRING},
        {NULL, 0},
    },
};

/* LeakSanitizer (make check-asan) cannot unwind through GLib, which is built
 * without frame pointers, so a block GLib allocated shows only as
 * malloc <- g_malloc and GLib's own one-time and internal leaks (e.g. the
 * etag of g_file_replace_contents in 2.74) cannot be told apart.  Blocks
 * allocated by g_malloc are therefore left to valgrind (make
 * check-valgrind), which sees full stacks and uses narrow suppressions;
 * everything of ours is allocated with malloc/calloc and stays checked. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:g_malloc\nleak:g_malloc0\nleak:g_realloc\nleak:g_slice_alloc\n";
}

typedef struct ls_impl {
    GMainContext *ctx;     /* every libsecret callback is dispatched here */
    bool file_backend;     /* SECRET_BACKEND=file */
    bool locked;           /* default collection was locked when probed */
    bool prompted;         /* a prompt may have been shown (locked, prompts allowed) */
    bool abandoned;        /* a call never finished: do not tear libsecret down */
    bool probed;           /* probe_dbus ran (eagerly with -y, else after a failure) */
    bool no_collection;    /* the Secret Service has no default collection yet */
    GDBusConnection *bus;  /* NULL with the file back end */
} ls_impl;

/* One asynchronous libsecret call.  Heap-allocated so that a call that does
 * not even finish after being cancelled can be abandoned safely. */
typedef struct ls_call {
    GCancellable *cancel;
    GAsyncResult *result;
    bool timed_out;
    bool gave_up;
    struct ls_call *next_abandoned;
} ls_call;

/* Calls that libsecret never finished, even after cancelling them: their
 * callback may still run, so they are never freed; this list keeps them
 * reachable (the only process-wide state here, touched only on that path). */
static ls_call *abandoned_calls;

static void trace(const keyring *kr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(const keyring *kr, const char *fmt, ...)
{
    if (!kr->opts.out || kr->opts.out->verbose <= 0)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out_trace(kr->opts.out, "keyring: %s", buf);
}

static ls_call *call_new(void)
{
    ls_call *c = calloc(1, sizeof *c);
    if (!c)
        abort(); /* like g_new0: nothing sensible to do without memory */
    c->cancel = g_cancellable_new();
    return c;
}

static void call_free(ls_call *c)
{
    if (!c)
        return;
    if (c->result)
        g_object_unref(c->result);
    g_object_unref(c->cancel);
    free(c);
}

static void on_call_done(GObject *src, GAsyncResult *res, gpointer ud)
{
    (void)src;
    ls_call *c = ud;
    c->result = g_object_ref(res);
}

static gboolean on_call_timeout(gpointer ud)
{
    ls_call *c = ud;
    c->timed_out = true; /* call_wait diagnoses, then cancels */
    return G_SOURCE_REMOVE;
}

static gboolean on_call_grace(gpointer ud)
{
    ls_call *c = ud;
    c->gave_up = true;
    return G_SOURCE_REMOVE;
}

static int diagnose_late(keyring *kr, long cap_ms, cc_err *err);

/* Runs the context until the call's callback fired.  At the deadline the
 * call is cancelled (libsecret then dismisses an open prompt); if it still
 * has not finished GRACE_AFTER_CANCEL_MS later it is abandoned.  Returns
 * true when c->result is set; on false the call must be leaked, not freed. */
static bool call_wait(keyring *kr, ls_call *c)
{
    ls_impl *im = kr->impl;
    GSource *deadline = g_timeout_source_new((guint)kr->opts.timeout_ms);
    g_source_set_callback(deadline, on_call_timeout, c, NULL);
    g_source_attach(deadline, im->ctx);
    GSource *grace = NULL;
    while (!c->result && !c->gave_up) {
        if (c->timed_out && !grace) {
            /* Learn whether a locked collection (an unanswered prompt) is
             * the reason while the service still answers: cancelling makes
             * libsecret dismiss the prompt, and some daemons fall over. */
            cc_err scratch;
            diagnose_late(kr, 2000, &scratch);
            g_cancellable_cancel(c->cancel);
            grace = g_timeout_source_new(GRACE_AFTER_CANCEL_MS);
            g_source_set_callback(grace, on_call_grace, c, NULL);
            g_source_attach(grace, im->ctx);
        }
        g_main_context_iteration(im->ctx, TRUE);
    }
    g_source_destroy(deadline);
    g_source_unref(deadline);
    if (grace) {
        g_source_destroy(grace);
        g_source_unref(grace);
    }
    if (!c->result) {
        im->abandoned = true;
        c->next_abandoned = abandoned_calls;
        abandoned_calls = c;
        return false;
    }
    return true;
}

static int probe_dbus(keyring *kr, cc_err *err);

/* When prompts are allowed the D-Bus probe is skipped on the way in (it
 * costs round trips on every credential-process run); after a failure it
 * runs, with at most cap_ms per call, to say precisely what is wrong. */
static int diagnose_late(keyring *kr, long cap_ms, cc_err *err)
{
    ls_impl *im = kr->impl;
    if (im->probed || im->file_backend)
        return 0;
    long saved = kr->opts.timeout_ms;
    if (kr->opts.timeout_ms > cap_ms)
        kr->opts.timeout_ms = cap_ms;
    cc_err perr;
    cc_err_clear(&perr);
    int rc = probe_dbus(kr, &perr);
    kr->opts.timeout_ms = saved;
    if (rc && err)
        *err = perr;
    return rc;
}

static int timeout_error(keyring *kr, const char *what, cc_err *err)
{
    ls_impl *im = kr->impl;
    double secs = (double)kr->opts.timeout_ms / 1000.0;
    if (im->prompted) {
        cc_err_set(err, CC_EKEYRING, "keyring.timeout",
                   "the keyring did not answer within %.1f s while %s: its unlock prompt was not answered "
                   "(it may be on a screen nobody sees)",
                   secs, what);
        cc_err_hint(err, "unlock the keyring first (desktop login, Seahorse, or `gnome-keyring-daemon --unlock`), "
                         "or raise CLINECFG_KEYRING_TIMEOUT (seconds); use -y to fail at once instead of prompting");
    } else {
        cc_err_set(err, CC_EKEYRING, "keyring.timeout", "the keyring did not answer within %.1f s while %s", secs,
                   what);
        cc_err_hint(err, "check that the Secret Service (gnome-keyring, KeePassXC) is running and responsive, or "
                         "raise CLINECFG_KEYRING_TIMEOUT (seconds)");
    }
    return CC_EKEYRING;
}

static int locked_error(keyring *kr, const char *what, cc_err *err)
{
    ls_impl *im = kr->impl;
    int d = diagnose_late(kr, 5000, err);
    if (d)
        return d;
    if (im->prompted) {
        cc_err_set(err, CC_EKEYRING, "keyring.dismissed",
                   "the keyring stayed locked while %s: the unlock prompt was dismissed or could not be shown", what);
        cc_err_hint(err, "run the command again and enter the keyring password in the prompt, or unlock the "
                         "keyring first (Seahorse, or `gnome-keyring-daemon --unlock`)");
    } else {
        cc_err_set(err, CC_EKEYRING, "keyring.locked", "the keyring is locked (while %s), and -y forbids the unlock prompt",
                   what);
        cc_err_hint(err, "unlock the keyring first (desktop login, Seahorse, or `gnome-keyring-daemon --unlock`), or "
                         "run without -y to get the unlock prompt");
    }
    return CC_EKEYRING;
}

/* Maps a GError from libsecret to a CC_EKEYRING with its own code. */
static int gerror_to_err(keyring *kr, const ls_call *c, GError *e, const char *what, cc_err *err)
{
    int d = diagnose_late(kr, 5000, err);
    if (d)
        return d;
    if ((c && c->timed_out) || (e && g_error_matches(e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
        return timeout_error(kr, what, err);
    if (e && g_error_matches(e, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
        return locked_error(kr, what, err);
    if (e && (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
              g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))) {
        cc_err_set(err, CC_EKEYRING, "keyring.no_secret_service",
                   "no Secret Service answered on the D-Bus session bus while %s (%s)", what, e->message);
        cc_err_hint(err, "install and start one: gnome-keyring (`apt install gnome-keyring`, then "
                         "`gnome-keyring-daemon --start --components=secrets`) or KeePassXC with Secret Service "
                         "integration enabled");
        return CC_EKEYRING;
    }
    if (e && g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        cc_err_set(err, CC_EKEYRING, "keyring.dismissed", "the keyring prompt was cancelled while %s", what);
        cc_err_hint(err, "run the command again and answer the keyring prompt");
        return CC_EKEYRING;
    }
    cc_err_set(err, CC_EKEYRING, "keyring.error", "the keyring failed while %s: %s", what,
               e && e->message ? e->message : "unknown error");
    if (kr && ((ls_impl *)kr->impl)->file_backend)
        cc_err_hint(err, "SECRET_BACKEND=file is set: check SECRET_FILE_TEST_PATH and SECRET_FILE_TEST_PASSWORD");
    else
        cc_err_hint(err, "check the Secret Service (gnome-keyring, KeePassXC) with `secret-tool search service clinecfg`");
    return CC_EKEYRING;
}

/* ---- probe ------------------------------------------------------------ */

static bool is_socket(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Has glib any way to find a session bus?  (Same order as gdbus: the
 * variable, $XDG_RUNTIME_DIR/bus, then dbus-launch autolaunch, which needs
 * an X11 display.) */
static bool session_bus_conceivable(void)
{
    const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
    if (addr && *addr)
        return true;
    const char *rt = getenv("XDG_RUNTIME_DIR");
    if (rt && *rt) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bus", rt);
        if (is_socket(path))
            return true;
    }
    const char *display = getenv("DISPLAY");
    return display && *display;
}

static int no_dbus_error(const char *detail, cc_err *err)
{
    const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
    if (addr && *addr)
        cc_err_set(err, CC_EKEYRING, "keyring.no_dbus",
                   "no keyring: the D-Bus session bus named by DBUS_SESSION_BUS_ADDRESS cannot be reached%s%s%s",
                   detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
    else
        cc_err_set(err, CC_EKEYRING, "keyring.no_dbus",
                   "no keyring: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and there is no "
                   "$XDG_RUNTIME_DIR/bus or X11 display to start one)%s%s%s",
                   detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
    cc_err_hint(err, "the Secret Service needs a desktop session (typical over SSH, in containers and WSL): run "
                     "clinecfg inside the desktop session, or start one for this shell with `eval $(dbus-launch "
                     "--sh-syntax)` and `echo PASSWORD | gnome-keyring-daemon --unlock --components=secrets`");
    return CC_EKEYRING;
}

static void on_bus_done(GObject *src, GAsyncResult *res, gpointer ud)
{
    on_call_done(src, res, ud);
}

static int get_bus(keyring *kr, cc_err *err)
{
    ls_impl *im = kr->impl;
    if (!session_bus_conceivable())
        return no_dbus_error(NULL, err);
    ls_call *c = call_new();
    g_bus_get(G_BUS_TYPE_SESSION, c->cancel, on_bus_done, c);
    if (!call_wait(kr, c))
        return no_dbus_error("connecting timed out", err);
    GError *e = NULL;
    GDBusConnection *bus = g_bus_get_finish(c->result, &e);
    bool timed_out = c->timed_out;
    call_free(c);
    if (!bus) {
        int rc = no_dbus_error(timed_out ? "connecting timed out" : (e && e->message ? e->message : NULL), err);
        if (e)
            g_error_free(e);
        return rc;
    }
    g_dbus_connection_set_exit_on_close(bus, FALSE);
    im->bus = bus;
    return 0;
}

/* A synchronous D-Bus call bounded by the keyring timeout. */
static GVariant *bus_call(keyring *kr, const char *dest, const char *path, const char *iface, const char *method,
                          GVariant *args, const char *reply_type, GError **e)
{
    ls_impl *im = kr->impl;
    return g_dbus_connection_call_sync(im->bus, dest, path, iface, method, args, G_VARIANT_TYPE(reply_type),
                                       G_DBUS_CALL_FLAGS_NONE, (gint)kr->opts.timeout_ms, NULL, e);
}

static int name_state(keyring *kr, const char *name, bool *owned, bool *activatable, cc_err *err)
{
    GError *e = NULL;
    *owned = *activatable = false;
    GVariant *r = bus_call(kr, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "NameHasOwner", g_variant_new("(s)", name), "(b)", &e);
    if (!r) {
        int rc = no_dbus_error(e && e->message ? e->message : NULL, err);
        if (e)
            g_error_free(e);
        return rc;
    }
    gboolean has = FALSE;
    g_variant_get(r, "(b)", &has);
    g_variant_unref(r);
    *owned = has;
    if (has)
        return 0;
    r = bus_call(kr, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                 "ListActivatableNames", NULL, "(as)", &e);
    if (!r) {
        if (e)
            g_error_free(e);
        return 0; /* not fatal: just not activatable as far as we know */
    }
    GVariantIter *it = NULL;
    const char *n = NULL;
    g_variant_get(r, "(as)", &it);
    while (it && g_variant_iter_loop(it, "&s", &n))
        if (strcmp(n, name) == 0)
            *activatable = true;
    if (it)
        g_variant_iter_free(it);
    g_variant_unref(r);
    return 0;
}

static int probe_dbus(keyring *kr, cc_err *err)
{
    ls_impl *im = kr->impl;
    im->probed = true;
    if (!im->bus) {
        int rc = get_bus(kr, err);
        if (rc)
            return rc;
    }
    bool owned, activatable;
    int rc = name_state(kr, SECRETS_BUS_NAME, &owned, &activatable, err);
    if (rc)
        return rc;
    trace(kr, "Secret Service %s", owned ? "running" : activatable ? "activatable" : "absent");
    if (!owned && !activatable) {
        static const char *const kwallet_names[] = {"org.kde.kwalletd6", "org.kde.kwalletd5", "org.kde.kwalletd"};
        for (size_t i = 0; i < sizeof kwallet_names / sizeof kwallet_names[0]; i++) {
            bool kw_owned, kw_act;
            if (name_state(kr, kwallet_names[i], &kw_owned, &kw_act, err) == 0 && (kw_owned || kw_act)) {
                cc_err_set(err, CC_EKEYRING, "keyring.kwallet",
                           "no keyring: KWallet (%s) is on the session bus, but it does not offer the Secret "
                           "Service API (org.freedesktop.secrets) that clinecfg uses",
                           kwallet_names[i]);
                cc_err_hint(err, "KWallet 5.97 or later can: enable it in System Settings > KDE Wallet (\"Use "
                                 "KWallet for the Secret Service interface\"), or install gnome-keyring or KeePassXC "
                                 "(Secret Service integration)");
                return CC_EKEYRING;
            }
        }
        cc_err_set(err, CC_EKEYRING, "keyring.no_secret_service",
                   "no keyring: nothing provides the Secret Service (org.freedesktop.secrets) on the D-Bus session "
                   "bus");
        cc_err_hint(err, "install and start one: gnome-keyring (`apt install gnome-keyring`, then `echo PASSWORD | "
                         "gnome-keyring-daemon --unlock --components=secrets`) or KeePassXC with Secret Service "
                         "integration enabled");
        return CC_EKEYRING;
    }

    GError *e = NULL;
    GVariant *r = bus_call(kr, SECRETS_BUS_NAME, SECRETS_PATH, "org.freedesktop.Secret.Service", "ReadAlias",
                           g_variant_new("(s)", "default"), "(o)", &e);
    if (!r) {
        rc = gerror_to_err(kr, NULL, e, "asking the Secret Service for its default collection", err);
        if (e)
            g_error_free(e);
        return rc;
    }
    const char *collection = NULL;
    g_variant_get(r, "(&o)", &collection);
    if (!collection || strcmp(collection, "/") == 0) {
        g_variant_unref(r);
        snprintf(kr->describe, sizeof kr->describe, "Secret Service (no default collection yet)");
        trace(kr, "no default collection");
        if (kr->opts.no_prompt) {
            cc_err_set(err, CC_EKEYRING, "keyring.no_default_collection",
                       "the Secret Service has no default keyring yet; creating one shows a password prompt, and -y "
                       "forbids prompts");
            cc_err_hint(err, "run the command once without -y in the desktop session to create the keyring, or "
                             "create it with `echo PASSWORD | gnome-keyring-daemon --unlock`");
            return CC_EKEYRING;
        }
        im->no_collection = true;
        im->locked = true;
        im->prompted = true;
        return 0;
    }
    snprintf(kr->describe, sizeof kr->describe, "Secret Service, collection %s", collection);
    GVariant *lr = bus_call(kr, SECRETS_BUS_NAME, collection, "org.freedesktop.DBus.Properties", "Get",
                            g_variant_new("(ss)", "org.freedesktop.Secret.Collection", "Locked"), "(v)", &e);
    g_variant_unref(r);
    if (!lr) {
        rc = gerror_to_err(kr, NULL, e, "asking whether the default collection is locked", err);
        if (e)
            g_error_free(e);
        return rc;
    }
    GVariant *v = NULL;
    g_variant_get(lr, "(v)", &v);
    bool locked = v && g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(v);
    if (v)
        g_variant_unref(v);
    g_variant_unref(lr);
    im->locked = locked;
    im->prompted = locked && !kr->opts.no_prompt;
    trace(kr, "default collection %s", locked ? "locked" : "unlocked");
    if (locked && kr->opts.no_prompt)
        return locked_error(kr, "opening it", err);
    return 0;
}

static int ls_probe(keyring *kr, cc_err *err)
{
    ls_impl *im = kr->impl;
    if (im->file_backend) {
        const char *path = getenv("SECRET_FILE_TEST_PATH");
        const char *pw = getenv("SECRET_FILE_TEST_PASSWORD");
        snprintf(kr->describe, sizeof kr->describe, "libsecret file back end (SECRET_BACKEND=file, %s)",
                 path && *path ? path : "default path");
        if (!pw || !*pw) {
            cc_err_set(err, CC_EKEYRING, "keyring.file_backend",
                       "SECRET_BACKEND=file is set but SECRET_FILE_TEST_PASSWORD is not: libsecret's file back end "
                       "cannot be opened");
            cc_err_hint(err, "unset SECRET_BACKEND to use the Secret Service, or set SECRET_FILE_TEST_PASSWORD (tests only)");
            return CC_EKEYRING;
        }
        return 0;
    }
    return probe_dbus(kr, err);
}

static int ls_open(keyring *kr, cc_err *err)
{
    int lrc = libsecret_dl_load(err);
    if (lrc)
        return lrc;
    ls_impl *im = calloc(1, sizeof *im);
    if (!im)
        return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
    im->ctx = g_main_context_new();
    g_main_context_push_thread_default(im->ctx);
    kr->impl = im;
    const char *be = getenv("SECRET_BACKEND");
    im->file_backend = be && strcmp(be, "file") == 0;
    if (im->file_backend || kr->opts.no_prompt)
        return ls_probe(kr, err);
    /* Prompts allowed: only the free check now, the rest after a failure
     * (diagnose_late), so credential-process pays no extra round trips. */
    if (!session_bus_conceivable()) {
        im->probed = true;
        return no_dbus_error(NULL, err);
    }
    snprintf(kr->describe, sizeof kr->describe, "Secret Service, default collection");
    return 0;
}

static void ls_close(keyring *kr)
{
    ls_impl *im = kr->impl;
    if (!im)
        return;
    /* libsecret keeps its service / back end cached for the process (one
     * keyring per process in practice).  secret_service_disconnect() would
     * drop it, but libsecret 0.20's file back end then leaks the instance,
     * so it stays cached (reachable) instead. */
    if (!im->abandoned)
        while (g_main_context_iteration(im->ctx, FALSE))
            ;
    if (im->bus)
        g_object_unref(im->bus);
    g_main_context_pop_thread_default(im->ctx);
    if (!im->abandoned)
        g_main_context_unref(im->ctx);
    free(im);
    kr->impl = NULL;
}

/* ---- operations ------------------------------------------------------- */

static int ls_store(keyring *kr, const char *account, keyring_kind kind, const char *label, const char *payload,
                    cc_err *err)
{
    ls_call *c = call_new();
    secret_password_store(&clinecfg_schema, SECRET_COLLECTION_DEFAULT, label, payload, c->cancel, on_call_done, c,
                          "service", KEYRING_SERVICE, "account", account, "kind", keyring_kind_name(kind), NULL);
    if (!call_wait(kr, c))
        return timeout_error(kr, "storing the credentials", err);
    GError *e = NULL;
    gboolean ok = secret_password_store_finish(c->result, &e);
    int rc = 0;
    if (!ok)
        rc = gerror_to_err(kr, c, e, "storing the credentials", err);
    if (e)
        g_error_free(e);
    call_free(c);
    return rc;
}

/* The secret of one search result, or NULL with *rc / err set. */
static SecretValue *retrieve(keyring *kr, SecretRetrievable *item, int *rc, cc_err *err)
{
    if (SECRET_IS_ITEM(item)) {
        SecretItem *si = SECRET_ITEM(item);
        /* The proxy may lack its properties when the service went away
         * meanwhile; secret_item_get_locked() would then only warn. */
        GVariant *lp = g_dbus_proxy_get_cached_property(G_DBUS_PROXY(si), "Locked");
        if (!lp) {
            *rc = cc_err_set(err, CC_EKEYRING, "keyring.error",
                             "the keyring item vanished while reading the credentials (the Secret Service stopped?)");
            cc_err_hint(err, "run the command again; check the Secret Service (gnome-keyring, KeePassXC)");
            return NULL;
        }
        g_variant_unref(lp);
        if (secret_item_get_locked(si)) {
            *rc = locked_error(kr, "reading the credentials", err);
            return NULL;
        }
        SecretValue *v = secret_item_get_secret(si); /* loaded by the search */
        if (v)
            return v;
        /* Not loaded (e.g. unlocked only now): load it explicitly. */
    }
    ls_call *c = call_new();
    secret_retrievable_retrieve_secret(item, c->cancel, on_call_done, c);
    if (!call_wait(kr, c)) {
        *rc = timeout_error(kr, "reading the credentials", err);
        return NULL;
    }
    GError *e = NULL;
    SecretValue *v = secret_retrievable_retrieve_secret_finish(item, c->result, &e);
    if (!v) {
        if (e)
            *rc = gerror_to_err(kr, c, e, "reading the credentials", err);
        else
            *rc = locked_error(kr, "reading the credentials", err);
    }
    if (e)
        g_error_free(e);
    call_free(c);
    return v;
}

static int ls_lookup(keyring *kr, const char *account, keyring_kind kind, char **payload_out, cc_err *err)
{
    *payload_out = NULL;
    ls_call *c = call_new();
    SecretSearchFlags flags = SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS;
    secret_password_search(&clinecfg_schema, flags, c->cancel, on_call_done, c, "service", KEYRING_SERVICE,
                           "account", account, "kind", keyring_kind_name(kind), NULL);
    if (!call_wait(kr, c))
        return timeout_error(kr, "looking up the credentials", err);
    GError *e = NULL;
    GList *items = secret_password_search_finish(c->result, &e);
    if (e) {
        int rc = gerror_to_err(kr, c, e, "looking up the credentials", err);
        g_error_free(e);
        g_list_free_full(items, g_object_unref);
        call_free(c);
        return rc;
    }
    call_free(c);
    if (!items)
        return KEYRING_NOT_FOUND;
    /* Normally one item; after a race between two writers take the newest. */
    SecretRetrievable *best = NULL;
    guint64 best_mod = 0;
    for (GList *l = items; l; l = l->next) {
        if (!l->data || !SECRET_IS_RETRIEVABLE(l->data))
            continue;
        SecretRetrievable *r = l->data;
        guint64 mod = secret_retrievable_get_modified(r);
        if (!best || mod > best_mod) {
            best = r;
            best_mod = mod;
        }
    }
    int rc = KEYRING_NOT_FOUND;
    if (best) {
        rc = 0;
        SecretValue *v = retrieve(kr, best, &rc, err);
        if (v) {
            gsize len = 0;
            const gchar *data = secret_value_get(v, &len);
            if (!data || len == 0 || memchr(data, '\0', len)) {
                rc = cc_err_set(err, CC_EKEYRING, "keyring.payload",
                                "the keyring item for account '%s' holds no readable secret", account);
                cc_err_hint(err, "remove it with `clinecfg logout --account %s` and log in again", account);
            } else {
                *payload_out = keyring_copy_secret(data, len);
                if (!*payload_out)
                    rc = cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
            }
            secret_value_unref(v);
        }
    }
    g_list_free_full(items, g_object_unref);
    return rc;
}

static int ls_remove(keyring *kr, const char *account, keyring_kind kind, cc_err *err)
{
    ls_call *c = call_new();
    if (kind == KEYRING_ANY)
        secret_password_clear(&clinecfg_schema, c->cancel, on_call_done, c, "service", KEYRING_SERVICE, "account",
                              account, NULL);
    else
        secret_password_clear(&clinecfg_schema, c->cancel, on_call_done, c, "service", KEYRING_SERVICE, "account",
                              account, "kind", keyring_kind_name(kind), NULL);
    if (!call_wait(kr, c))
        return timeout_error(kr, "removing the credentials", err);
    GError *e = NULL;
    gboolean removed = secret_password_clear_finish(c->result, &e);
    int rc = removed ? 0 : KEYRING_NOT_FOUND;
    if (e) {
        rc = gerror_to_err(kr, c, e, "removing the credentials", err);
        g_error_free(e);
    }
    call_free(c);
    ls_impl *im = kr->impl;
    if (rc == KEYRING_NOT_FOUND && !im->file_backend) {
        /* libsecret skips items it could not unlock: "nothing removed" from
         * a collection that is still locked is not "nothing there". */
        cc_err perr;
        cc_err_clear(&perr);
        int prc = probe_dbus(kr, &perr);
        if (prc) {
            *err = perr;
            return prc;
        }
        if (im->locked && !im->no_collection)
            return locked_error(kr, "removing the credentials", err);
    }
    return rc;
}

const keyring_ops keyring_libsecret_ops = {
    .name = "libsecret",
    .open = ls_open,
    .probe = ls_probe,
    .store = ls_store,
    .lookup = ls_lookup,
    .remove = ls_remove,
    .close = ls_close,
};
