/*
 * printable.h - text from a file or an AWS response made safe to print on a
 * terminal.  Pure functions.
 *
 * Removed: C0 controls (0x00-0x1F, tab and newline included), DEL, C1
 * controls (U+0080-U+009F, and the raw bytes 0x80-0x9F where they are not
 * part of a UTF-8 sequence), and whole escape sequences (ESC or CSI, their
 * parameters and final byte; OSC/DCS strings up to BEL or ST), so a hostile
 * value can neither move the cursor, retitle the window nor hide itself.
 * Each removed sequence leaves one '?', so a reader sees that something was
 * there.  Invalid UTF-8 bytes become '?' too; valid UTF-8 is kept.
 */
#ifndef CLINECFG_PRINTABLE_H
#define CLINECFG_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the printable form of src into dst (always NUL-terminated when
 * size > 0, cut at a character boundary) and returns dst.  dst may equal
 * src (the result is never longer). */
char *printable_copy(char *dst, size_t size, const char *src);

/* The printable form, malloc'd (NULL when out of memory). */
char *printable_dup(const char *src);

/* True when printable_copy would change nothing. */
bool printable_is_clean(const char *src);

#endif
