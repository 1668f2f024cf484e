/*
 * keyring_macos.c - the macOS keyring back end: generic password items in
 * the login keychain (Security framework).  Built only on macOS (the
 * Makefile leaves it out elsewhere) and NOT compiled or run in this
 * project's Linux CI: kept small so it can be checked by reading.
 *
 * Items: kSecClassGenericPassword, kSecAttrService "clinecfg",
 * kSecAttrAccount "<account>/<kind>" (stable), the JSON payload as data.
 * Store = SecItemAdd, or SecItemUpdate on errSecDuplicateItem.  A locked
 * keychain with no UI allowed (errSecInteractionNotAllowed) and a cancelled
 * prompt (errSecUserCanceled) are CC_EKEYRING.  The "Always Allow" grant is
 * tied to the binary's code signature, so an upgrade may ask again.
 *
 * Link: -framework Security -framework CoreFoundation.
 */
#include <stdio.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>
#include <Security/Security.h>

#include "keyring_backend.h"

static CFStringRef cfstr(const char *s)
{
    return CFStringCreateWithCString(kCFAllocatorDefault, s, kCFStringEncodingUTF8);
}

/* The base query for one item; kind KEYRING_ANY is handled by callers. */
static CFMutableDictionaryRef item_query(const char *account, keyring_kind kind)
{
    char acct[KEYRING_ACCOUNT_MAX + 32];
    snprintf(acct, sizeof acct, "%s/%s", account, keyring_kind_name(kind));
    CFMutableDictionaryRef q = CFDictionaryCreateMutable(kCFAllocatorDefault, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    if (!q)
        return NULL;
    CFStringRef svc = cfstr(KEYRING_SERVICE), acc = cfstr(acct);
    CFDictionarySetValue(q, kSecClass, kSecClassGenericPassword);
    if (svc)
        CFDictionarySetValue(q, kSecAttrService, svc);
    if (acc)
        CFDictionarySetValue(q, kSecAttrAccount, acc);
    if (svc)
        CFRelease(svc);
    if (acc)
        CFRelease(acc);
    if (!svc || !acc) {
        CFRelease(q);
        return NULL;
    }
    return q;
}

static int status_error(OSStatus st, const char *what, cc_err *err)
{
    if (st == errSecInteractionNotAllowed) {
        cc_err_set(err, CC_EKEYRING, "keyring.locked",
                   "the login keychain is locked and cannot ask to be unlocked here (while %s)", what);
        cc_err_hint(err, "unlock it (`security unlock-keychain ~/Library/Keychains/login.keychain-db`) or run in a "
                         "logged-in desktop session");
        return CC_EKEYRING;
    }
    if (st == errSecUserCanceled || st == errSecAuthFailed) {
        cc_err_set(err, CC_EKEYRING, "keyring.dismissed", "the keychain prompt was cancelled (while %s)", what);
        cc_err_hint(err, "run the command again and allow access in the keychain prompt");
        return CC_EKEYRING;
    }
    char msg[256] = "";
    CFStringRef s = SecCopyErrorMessageString(st, NULL);
    if (s) {
        CFStringGetCString(s, msg, sizeof msg, kCFStringEncodingUTF8);
        CFRelease(s);
    }
    cc_err_set(err, CC_EKEYRING, "keyring.error", "the keychain failed while %s: %s (OSStatus %d)", what,
               msg[0] ? msg : "unknown error", (int)st);
    cc_err_hint(err, "check the login keychain in Keychain Access");
    return CC_EKEYRING;
}

static int mac_open(keyring *kr, cc_err *err)
{
    (void)err;
    snprintf(kr->describe, sizeof kr->describe, "macOS login keychain");
    return 0;
}

/* Nothing to probe without deprecated calls (SecKeychainGetStatus): a
 * locked keychain shows up as errSecInteractionNotAllowed on first use when
 * no UI can be shown (SSH sessions); in a GUI session macOS may prompt, so
 * -y cannot rule a prompt out here. */
static int mac_probe(keyring *kr, cc_err *err)
{
    (void)kr;
    (void)err;
    return 0;
}

static int mac_store(keyring *kr, const char *account, keyring_kind kind, const char *label, const char *payload,
                     cc_err *err)
{
    (void)kr;
    CFMutableDictionaryRef q = item_query(account, kind);
    CFDataRef data = CFDataCreate(kCFAllocatorDefault, (const UInt8 *)payload, (CFIndex)strlen(payload));
    CFStringRef lab = cfstr(label);
    if (!q || !data || !lab) {
        if (q)
            CFRelease(q);
        if (data)
            CFRelease(data);
        if (lab)
            CFRelease(lab);
        return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
    }
    CFMutableDictionaryRef add = CFDictionaryCreateMutableCopy(kCFAllocatorDefault, 0, q);
    OSStatus st = errSecAllocate;
    if (add) {
        CFDictionarySetValue(add, kSecValueData, data);
        CFDictionarySetValue(add, kSecAttrLabel, lab);
        st = SecItemAdd(add, NULL);
        CFRelease(add);
    }
    if (st == errSecDuplicateItem) {
        CFMutableDictionaryRef upd = CFDictionaryCreateMutable(kCFAllocatorDefault, 0, &kCFTypeDictionaryKeyCallBacks,
                                                               &kCFTypeDictionaryValueCallBacks);
        st = errSecAllocate;
        if (upd) {
            CFDictionarySetValue(upd, kSecValueData, data);
            CFDictionarySetValue(upd, kSecAttrLabel, lab);
            st = SecItemUpdate(q, upd);
            CFRelease(upd);
        }
    }
    CFRelease(q);
    CFRelease(data); /* CFData copied the payload; the keychain keeps its own copy */
    CFRelease(lab);
    return st == errSecSuccess ? 0 : status_error(st, "storing the credentials", err);
}

static int mac_lookup(keyring *kr, const char *account, keyring_kind kind, char **payload_out, cc_err *err)
{
    (void)kr;
    *payload_out = NULL;
    CFMutableDictionaryRef q = item_query(account, kind);
    if (!q)
        return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
    CFDictionarySetValue(q, kSecReturnData, kCFBooleanTrue);
    CFDictionarySetValue(q, kSecMatchLimit, kSecMatchLimitOne);
    CFTypeRef result = NULL;
    OSStatus st = SecItemCopyMatching(q, &result);
    CFRelease(q);
    if (st == errSecItemNotFound)
        return KEYRING_NOT_FOUND;
    if (st != errSecSuccess)
        return status_error(st, "reading the credentials", err);
    if (!result || CFGetTypeID(result) != CFDataGetTypeID() || CFDataGetLength((CFDataRef)result) <= 0) {
        if (result)
            CFRelease(result);
        cc_err_set(err, CC_EKEYRING, "keyring.payload", "the keychain item for account '%s' holds no readable secret",
                   account);
        cc_err_hint(err, "remove it with `clinecfg logout --account %s` and log in again", account);
        return CC_EKEYRING;
    }
    CFDataRef d = (CFDataRef)result;
    *payload_out = keyring_copy_secret(CFDataGetBytePtr(d), (size_t)CFDataGetLength(d));
    CFRelease(result);
    return *payload_out ? 0 : cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
}

static int mac_remove_one(const char *account, keyring_kind kind, bool *removed, cc_err *err)
{
    CFMutableDictionaryRef q = item_query(account, kind);
    if (!q)
        return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
    OSStatus st = SecItemDelete(q);
    CFRelease(q);
    if (st == errSecItemNotFound)
        return 0;
    if (st != errSecSuccess)
        return status_error(st, "removing the credentials", err);
    *removed = true;
    return 0;
}

static int mac_remove(keyring *kr, const char *account, keyring_kind kind, cc_err *err)
{
    (void)kr;
    bool removed = false;
    int rc = 0;
    if (kind == KEYRING_ANY) {
        rc = mac_remove_one(account, KEYRING_LONG_TERM, &removed, err);
        if (!rc)
            rc = mac_remove_one(account, KEYRING_SESSION, &removed, err);
        if (!rc)
            rc = mac_remove_one(account, KEYRING_SSO, &removed, err);
    } else {
        rc = mac_remove_one(account, kind, &removed, err);
    }
    if (rc)
        return rc;
    return removed ? 0 : KEYRING_NOT_FOUND;
}

static void mac_close(keyring *kr)
{
    (void)kr;
}

const keyring_ops keyring_macos_ops = {
    .name = "macOS keychain",
    .open = mac_open,
    .probe = mac_probe,
    .store = mac_store,
    .lookup = mac_lookup,
    .remove = mac_remove,
    .close = mac_close,
};
