/* roster.c - reads the roster CSV of `admin provision --roster` one record
 * at a time (see include/clinecfg/roster.h): RFC 4180 quoting, a BOM, a
 * header, comments; every refusal names file:line:col.  The reader holds
 * one record, so a roster of any length costs the same memory. */
#define _GNU_SOURCE
#include "clinecfg/roster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROSTER_FIELDS 3

struct roster_reader {
    char *path;
    FILE *f;                  /* NULL when reading from memory */
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    int line, col;            /* position of the next byte */
    int io_errno;             /* a read failed: reported at the end */
    long records;             /* records seen, the header included */
    char field[ROSTER_FIELDS][ROSTER_FIELD_MAX + 1];
    size_t flen[ROSTER_FIELDS];
    int fcol[ROSTER_FIELDS];
};

typedef enum { END_FIELD, END_RECORD, END_FILE } field_end;

static int peek(roster_reader *rd)
{
    if (!rd->f)
        return rd->mem_pos < rd->mem_len ? rd->mem[rd->mem_pos] : EOF;
    int c = getc(rd->f);
    if (c == EOF) {
        if (ferror(rd->f) && !rd->io_errno)
            rd->io_errno = errno ? errno : EIO;
        return EOF;
    }
    ungetc(c, rd->f);
    return c;
}

static int take(roster_reader *rd)
{
    int c = rd->f ? getc(rd->f) : rd->mem_pos < rd->mem_len ? rd->mem[rd->mem_pos++] : EOF;
    if (c == '\n') {
        rd->line++;
        rd->col = 1;
    } else if (c != EOF) {
        rd->col++;
    }
    return c;
}

static int err_at(const roster_reader *rd, cc_err *err, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int err_at(const roster_reader *rd, cc_err *err, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cc_err_set(err, CC_EINPUT, "roster.syntax", "%s:%d:%d: %s", rd->path, line, col, msg);
    cc_err_hint(err, "one developer per line as team,member[,model] (RFC 4180 CSV: a field with a comma, quote "
                     "or line break goes in double quotes, a quote inside written \"\")");
    return CC_EINPUT;
}

static int nul_error(const roster_reader *rd, cc_err *err)
{
    return err_at(rd, err, rd->line, rd->col, "a NUL byte; a roster is text");
}

static void skip_blanks(roster_reader *rd)
{
    for (int c = peek(rd); c == ' ' || c == '\t'; c = peek(rd))
        take(rd);
}

/* After a field: a comma (another field follows), a line end or the end. */
static int take_field_end(roster_reader *rd, field_end *end, cc_err *err)
{
    int c = peek(rd);
    if (c == ',') {
        take(rd);
        *end = END_FIELD;
    } else if (c == EOF) {
        *end = END_FILE;
    } else if (c == '\n') {
        take(rd);
        *end = END_RECORD;
    } else if (c == '\r') {
        int line = rd->line, col = rd->col;
        take(rd);
        if (peek(rd) != '\n')
            return err_at(rd, err, line, col, "a carriage return without a line feed; end lines with LF or CRLF");
        take(rd);
        *end = END_RECORD;
    } else {
        return err_at(rd, err, rd->line, rd->col, "unexpected character after a field");
    }
    return 0;
}

static int append(roster_reader *rd, int k, int c, int line, int col, cc_err *err)
{
    if (rd->flen[k] >= ROSTER_FIELD_MAX)
        return err_at(rd, err, line, col, "a field longer than %d bytes", ROSTER_FIELD_MAX);
    rd->field[k][rd->flen[k]++] = (char)c;
    return 0;
}

static int read_quoted(roster_reader *rd, int k, cc_err *err)
{
    int line = rd->line, col = rd->col;
    take(rd); /* the opening quote */
    for (;;) {
        int cl = rd->line, cc = rd->col;
        int c = take(rd);
        if (c == EOF)
            return err_at(rd, err, line, col, "the quoted field starting here never ends; close it with '\"'");
        if (c == 0)
            return err_at(rd, err, cl, cc, "a NUL byte; a roster is text");
        if (c == '"') {
            if (peek(rd) != '"')
                break;
            take(rd);
        }
        int rc = append(rd, k, c, line, col, err);
        if (rc)
            return rc;
    }
    skip_blanks(rd);
    int c = peek(rd);
    if (c != ',' && c != '\n' && c != '\r' && c != EOF)
        return err_at(rd, err, rd->line, rd->col,
                      "text after the closing quote; write a quote inside a quoted field as \"\"");
    return 0;
}

static int read_unquoted(roster_reader *rd, int k, cc_err *err)
{
    int line = rd->line, col = rd->col;
    for (int c = peek(rd); c != EOF && c != ',' && c != '\n' && c != '\r'; c = peek(rd)) {
        if (c == 0)
            return nul_error(rd, err);
        if (c == '"')
            return err_at(rd, err, rd->line, rd->col,
                          "a quote inside an unquoted field; put the whole field in double quotes and write the "
                          "quote as \"\"");
        int rc = append(rd, k, take(rd), line, col, err);
        if (rc)
            return rc;
    }
    while (rd->flen[k] && (rd->field[k][rd->flen[k] - 1] == ' ' || rd->field[k][rd->flen[k] - 1] == '\t'))
        rd->flen[k]--;
    return 0;
}

/* A comment runs to the end of its line (quotes mean nothing there). */
static int skip_line(roster_reader *rd, cc_err *err)
{
    for (int c = peek(rd); c != EOF; c = peek(rd)) {
        if (c == 0)
            return nul_error(rd, err);
        take(rd);
        if (c == '\n')
            break;
    }
    return 0;
}

/* Reads the fields of one record; *nf gets their number. */
static int read_fields(roster_reader *rd, int *nf, int *end_line, int *end_col, cc_err *err)
{
    *nf = 0;
    for (;;) {
        int start_col = rd->col;
        skip_blanks(rd);
        if (*nf == ROSTER_FIELDS)
            return err_at(rd, err, rd->line, rd->col,
                          "a fourth field; expected team,member[,model] (quote a field that holds a comma)");
        int k = (*nf)++;
        rd->flen[k] = 0;
        rd->fcol[k] = start_col;
        int rc = peek(rd) == '"' ? read_quoted(rd, k, err) : read_unquoted(rd, k, err);
        rd->field[k][rd->flen[k]] = '\0';
        *end_line = rd->line;
        *end_col = rd->col;
        field_end end;
        if (!rc)
            rc = take_field_end(rd, &end, err);
        if (rc)
            return rc;
        if (end != END_FIELD)
            return 0;
    }
}

/* 1: a record, 2: nothing to return (blank, comment, header), 0: end. */
static int read_record(roster_reader *rd, roster_row *row, cc_err *err)
{
    int line = rd->line;
    skip_blanks(rd);
    int c = peek(rd);
    if (c == EOF)
        return 0;
    if (c == '#')
        return skip_line(rd, err) ? CC_EINPUT : 2;
    if (c == '\n' || c == '\r') {
        field_end end;
        return take_field_end(rd, &end, err) ? CC_EINPUT : 2;
    }
    int nf, end_line, end_col;
    int rc = read_fields(rd, &nf, &end_line, &end_col, err);
    if (rc)
        return rc;
    if (nf < 2)
        return err_at(rd, err, end_line, end_col, "expected team,member[,model]: there is no member after the team");
    if (rd->records++ == 0 && strcasecmp(rd->field[0], "team") == 0 && strcasecmp(rd->field[1], "member") == 0)
        return 2;
    if (!rd->flen[0])
        return err_at(rd, err, line, rd->fcol[0], "the team is empty; every row needs team,member");
    if (!rd->flen[1])
        return err_at(rd, err, line, rd->fcol[1], "the member is empty; every row needs team,member");
    row->team = rd->field[0];
    row->member = rd->field[1];
    row->model = nf == 3 && rd->flen[2] ? rd->field[2] : NULL;
    row->line = line;
    row->col_member = rd->fcol[1];
    return 1;
}

int roster_next(roster_reader *rd, roster_row *row, cc_err *err)
{
    memset(row, 0, sizeof *row);
    int rc;
    do
        rc = read_record(rd, row, err);
    while (rc == 2);
    if (rc >= 0 && rd->io_errno)
        return cc_err_set(err, CC_EINPUT, "roster.read", "%s:%d: cannot read: %s", rd->path, rd->line,
                          strerror(rd->io_errno));
    return rc;
}

static void skip_bom(roster_reader *rd)
{
    static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
    if (!rd->f) {
        if (rd->mem_len >= 3 && memcmp(rd->mem, bom, 3) == 0)
            rd->mem_pos = 3;
        return;
    }
    unsigned char head[3];
    size_t n = fread(head, 1, 3, rd->f);
    if (n != 3 || memcmp(head, bom, 3) != 0)
        rewind(rd->f);
}

int roster_rewind(roster_reader *rd, cc_err *err)
{
    rd->line = 1;
    rd->col = 1;
    rd->records = 0;
    rd->io_errno = 0;
    rd->mem_pos = 0;
    if (rd->f) {
        if (fseek(rd->f, 0, SEEK_SET) != 0)
            return cc_err_set(err, CC_EINPUT, "roster.read", "%s: cannot read it again: %s", rd->path,
                              strerror(errno));
        clearerr(rd->f);
    }
    skip_bom(rd);
    return 0;
}

static int reader_new(const char *path, roster_reader **out, cc_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out || !((*out)->path = strdup(path))) {
        free(*out);
        *out = NULL;
        return cc_err_oom(err);
    }
    return 0;
}

int roster_open_memory(const char *label, const void *data, size_t len, roster_reader **out, cc_err *err)
{
    int rc = reader_new(label, out, err);
    if (rc)
        return rc;
    (*out)->mem = data;
    (*out)->mem_len = len;
    return roster_rewind(*out, err);
}

int roster_open(const char *path, roster_reader **out, cc_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            cc_err_set(err, CC_EINPUT, "input.missing", "%s: roster does not exist", path);
            cc_err_hint(err, "check the path");
        } else {
            cc_err_set(err, CC_EINPUT, "input.open", "%s: cannot open the roster: %s", path, strerror(errno));
        }
        return CC_EINPUT;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        cc_err_set(err, CC_EINPUT, "input.type", "%s: the roster is not a regular file", path);
        cc_err_hint(err, "give the path of a CSV file (a pipe or device cannot be read twice)");
        return CC_EINPUT;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return cc_err_oom(err);
    }
    int rc = reader_new(path, out, err);
    if (rc) {
        fclose(f);
        return rc;
    }
    (*out)->f = f;
    return roster_rewind(*out, err);
}

const char *roster_path(const roster_reader *rd)
{
    return rd->path;
}

void roster_close(roster_reader *rd)
{
    if (!rd)
        return;
    if (rd->f)
        fclose(rd->f);
    free(rd->path);
    free(rd);
}
