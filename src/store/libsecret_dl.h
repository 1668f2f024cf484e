/*
 * libsecret_dl.h - libsecret and GLib, loaded on first keyring use
 * (internal to src/store/keyring_libsecret.c).
 *
 * libsecret drags in GLib, GObject, GIO, libgcrypt, libmount and libselinux;
 * mapping them at start-up costs every clinecfg run about 3 MB of resident
 * memory, although most runs (setup with credentials from a profile or the
 * environment, status, config) never touch the keyring.  So the back end
 * opens libsecret with dlopen when a keyring is first opened, the same way
 * src/aws/curl_dl.c opens libcurl.  The table is filled once (pthread_once)
 * and never changes after that; the macros at the end let
 * keyring_libsecret.c keep calling libsecret and GLib by their own names,
 * including through GLib's macros (G_DBUS_PROXY, G_IO_ERROR, ...), which
 * expand to calls of the names below.
 */
#ifndef CLINECFG_LIBSECRET_DL_H
#define CLINECFG_LIBSECRET_DL_H

#include <libsecret/secret.h>

#include "clinecfg/error.h"

/* Every libsecret / GLib function the back end calls, directly or through a
 * GLib macro.  A call of a name missing here fails to link (the binary does
 * not link libsecret), so the list cannot silently fall out of date. */
#define LIBSECRET_DL_FUNCTIONS(X)                                                                                     \
    X(g_bus_get) X(g_bus_get_finish) X(g_cancellable_cancel) X(g_cancellable_new) X(g_dbus_connection_call_sync)      \
    X(g_dbus_connection_set_exit_on_close) X(g_dbus_error_quark) X(g_dbus_proxy_get_cached_property)                 \
    X(g_dbus_proxy_get_type) X(g_error_free) X(g_error_matches) X(g_io_error_quark) X(g_list_free_full)              \
    X(g_main_context_iteration) X(g_main_context_new) X(g_main_context_pop_thread_default)                           \
    X(g_main_context_push_thread_default) X(g_main_context_unref) X(g_object_ref) X(g_object_unref)                  \
    X(g_source_attach) X(g_source_destroy) X(g_source_set_callback) X(g_source_unref) X(g_timeout_source_new)        \
    X(g_type_check_instance_cast) X(g_type_check_instance_is_a) X(g_variant_get) X(g_variant_get_boolean)            \
    X(g_variant_is_of_type) X(g_variant_iter_free) X(g_variant_iter_loop) X(g_variant_new)                           \
    X(g_variant_type_checked_) X(g_variant_unref) X(secret_error_get_quark) X(secret_item_get_locked)                \
    X(secret_item_get_secret) X(secret_item_get_type) X(secret_password_clear) X(secret_password_clear_finish)       \
    X(secret_password_search) X(secret_password_search_finish) X(secret_password_store)                              \
    X(secret_password_store_finish) X(secret_retrievable_get_modified) X(secret_retrievable_get_type)                \
    X(secret_retrievable_retrieve_secret) X(secret_retrievable_retrieve_secret_finish) X(secret_value_get)           \
    X(secret_value_unref)

typedef struct libsecret_dl_api {
    /* __typeof__ keeps each pointer's type the header's own prototype. */
#define LIBSECRET_DL_FIELD(name) __typeof__(name) *name;
    LIBSECRET_DL_FUNCTIONS(LIBSECRET_DL_FIELD)
#undef LIBSECRET_DL_FIELD
} libsecret_dl_api;

/* Loads libsecret (once per process).  CC_EKEYRING with the loader's reason
 * and an install hint when it is missing or lacks a function. */
int libsecret_dl_load(cc_err *err);

/* The table; valid after libsecret_dl_load returned 0. */
extern libsecret_dl_api libsecret_dl;

/* Some of these are also GLib macros (g_object_ref keeps its argument's
 * type); the back end does not need that, so they are replaced.  The loader
 * itself needs the plain names (LIBSECRET_DL_LOADER). */
#ifndef LIBSECRET_DL_LOADER
#undef g_bus_get
#undef g_bus_get_finish
#undef g_cancellable_cancel
#undef g_cancellable_new
#undef g_dbus_connection_call_sync
#undef g_dbus_connection_set_exit_on_close
#undef g_dbus_error_quark
#undef g_dbus_proxy_get_cached_property
#undef g_dbus_proxy_get_type
#undef g_error_free
#undef g_error_matches
#undef g_io_error_quark
#undef g_list_free_full
#undef g_main_context_iteration
#undef g_main_context_new
#undef g_main_context_pop_thread_default
#undef g_main_context_push_thread_default
#undef g_main_context_unref
#undef g_object_ref
#undef g_object_unref
#undef g_source_attach
#undef g_source_destroy
#undef g_source_set_callback
#undef g_source_unref
#undef g_timeout_source_new
#undef g_type_check_instance_cast
#undef g_type_check_instance_is_a
#undef g_variant_get
#undef g_variant_get_boolean
#undef g_variant_is_of_type
#undef g_variant_iter_free
#undef g_variant_iter_loop
#undef g_variant_new
#undef g_variant_type_checked_
#undef g_variant_unref
#undef secret_error_get_quark
#undef secret_item_get_locked
#undef secret_item_get_secret
#undef secret_item_get_type
#undef secret_password_clear
#undef secret_password_clear_finish
#undef secret_password_search
#undef secret_password_search_finish
#undef secret_password_store
#undef secret_password_store_finish
#undef secret_retrievable_get_modified
#undef secret_retrievable_get_type
#undef secret_retrievable_retrieve_secret
#undef secret_retrievable_retrieve_secret_finish
#undef secret_value_get
#undef secret_value_unref

#define g_bus_get libsecret_dl.g_bus_get
#define g_bus_get_finish libsecret_dl.g_bus_get_finish
#define g_cancellable_cancel libsecret_dl.g_cancellable_cancel
#define g_cancellable_new libsecret_dl.g_cancellable_new
#define g_dbus_connection_call_sync libsecret_dl.g_dbus_connection_call_sync
#define g_dbus_connection_set_exit_on_close libsecret_dl.g_dbus_connection_set_exit_on_close
#define g_dbus_error_quark libsecret_dl.g_dbus_error_quark
#define g_dbus_proxy_get_cached_property libsecret_dl.g_dbus_proxy_get_cached_property
#define g_dbus_proxy_get_type libsecret_dl.g_dbus_proxy_get_type
#define g_error_free libsecret_dl.g_error_free
#define g_error_matches libsecret_dl.g_error_matches
#define g_io_error_quark libsecret_dl.g_io_error_quark
#define g_list_free_full libsecret_dl.g_list_free_full
#define g_main_context_iteration libsecret_dl.g_main_context_iteration
#define g_main_context_new libsecret_dl.g_main_context_new
#define g_main_context_pop_thread_default libsecret_dl.g_main_context_pop_thread_default
#define g_main_context_push_thread_default libsecret_dl.g_main_context_push_thread_default
#define g_main_context_unref libsecret_dl.g_main_context_unref
#define g_object_ref libsecret_dl.g_object_ref
#define g_object_unref libsecret_dl.g_object_unref
#define g_source_attach libsecret_dl.g_source_attach
#define g_source_destroy libsecret_dl.g_source_destroy
#define g_source_set_callback libsecret_dl.g_source_set_callback
#define g_source_unref libsecret_dl.g_source_unref
#define g_timeout_source_new libsecret_dl.g_timeout_source_new
#define g_type_check_instance_cast libsecret_dl.g_type_check_instance_cast
#define g_type_check_instance_is_a libsecret_dl.g_type_check_instance_is_a
#define g_variant_get libsecret_dl.g_variant_get
#define g_variant_get_boolean libsecret_dl.g_variant_get_boolean
#define g_variant_is_of_type libsecret_dl.g_variant_is_of_type
#define g_variant_iter_free libsecret_dl.g_variant_iter_free
#define g_variant_iter_loop libsecret_dl.g_variant_iter_loop
#define g_variant_new libsecret_dl.g_variant_new
#define g_variant_type_checked_ libsecret_dl.g_variant_type_checked_
#define g_variant_unref libsecret_dl.g_variant_unref
#define secret_error_get_quark libsecret_dl.secret_error_get_quark
#define secret_item_get_locked libsecret_dl.secret_item_get_locked
#define secret_item_get_secret libsecret_dl.secret_item_get_secret
#define secret_item_get_type libsecret_dl.secret_item_get_type
#define secret_password_clear libsecret_dl.secret_password_clear
#define secret_password_clear_finish libsecret_dl.secret_password_clear_finish
#define secret_password_search libsecret_dl.secret_password_search
#define secret_password_search_finish libsecret_dl.secret_password_search_finish
#define secret_password_store libsecret_dl.secret_password_store
#define secret_password_store_finish libsecret_dl.secret_password_store_finish
#define secret_retrievable_get_modified libsecret_dl.secret_retrievable_get_modified
#define secret_retrievable_get_type libsecret_dl.secret_retrievable_get_type
#define secret_retrievable_retrieve_secret libsecret_dl.secret_retrievable_retrieve_secret
#define secret_retrievable_retrieve_secret_finish libsecret_dl.secret_retrievable_retrieve_secret_finish
#define secret_value_get libsecret_dl.secret_value_get
#define secret_value_unref libsecret_dl.secret_value_unref

/* G_DECLARE_INTERFACE made this a static inline function whose body calls
 * the plain names; a macro expanded here calls them through the table. */
#define SECRET_IS_RETRIEVABLE(inst) (G_TYPE_CHECK_INSTANCE_TYPE((inst), secret_retrievable_get_type()))
#endif /* LIBSECRET_DL_LOADER */

#endif
