#include "formats/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/atomic_file.h"

#define CSV_MAX_BYTES ((size_t)512 << 20)

typedef struct str_list { char **items; size_t n, cap; } str_list;

static int push(str_list *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) return -1;
        l->items = p;
        l->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c) return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    l->items[l->n++] = c;
    return 0;
}

/* Parses one record starting at *p; appends its fields to cells. Returns the field count or -1. */
static int parse_record(const char **p, const char *end, str_list *cells, char *field, size_t cap)
{
    int nf = 0;
    const char *s = *p;
    for (;;) {
        size_t n = 0;
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                if (s >= end) return -2; /* unterminated quote */
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') { s++; } else { s++; break; }
                }
                if (n + 1 >= cap) return -3;
                field[n++] = *s++;
            }
        } else {
            while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
                if (n + 1 >= cap) return -3;
                field[n++] = *s++;
            }
        }
        /* trim spaces around unquoted values */
        size_t a = 0;
        while (a < n && field[a] == ' ') a++;
        while (n > a && field[n - 1] == ' ') n--;
        if (push(cells, field + a, n - a)) return -1;
        nf++;
        if (s < end && *s == ',') { s++; continue; }
        if (s < end && *s == '\r') s++;
        if (s < end && *s == '\n') s++;
        break;
    }
    *p = s;
    return nf;
}

int csv_read(const char *path, csv_table *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    if (read_whole_file(path, CSV_MAX_BYTES, &buf, &len, err, errlen)) return -1;
    const char *p = (const char *)buf, *end = p + len;
    if (memchr(buf, '\0', len)) {
        snprintf(err, errlen, "%s: not a text file (contains NUL bytes)", path);
        free(buf);
        return -1;
    }
    str_list cells = {0};
    char field[4096];
    int line = 0, ncols = -1, rows = 0;
    while (p < end) {
        line++;
        if (*p == '\n' || *p == '\r') { p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1; continue; }
        int nf = parse_record(&p, end, &cells, field, sizeof field);
        if (nf < 0) {
            snprintf(err, errlen, "%s: line %d: %s", path, line,
                     nf == -2 ? "unterminated quoted field" : nf == -3 ? "field longer than 4095 characters" : "out of memory");
            goto fail;
        }
        if (ncols < 0) ncols = nf;
        else if (nf != ncols) {
            snprintf(err, errlen, "%s: line %d has %d fields, the header has %d", path, line, nf, ncols);
            goto fail;
        } else rows++;
    }
    free(buf);
    if (ncols < 0) {
        snprintf(err, errlen, "%s: empty table (no header row)", path);
        for (size_t i = 0; i < cells.n; i++) free(cells.items[i]);
        free(cells.items);
        return -1;
    }
    out->n_cols = ncols;
    out->n_rows = rows;
    out->header = cells.items;
    out->cells = cells.items + ncols;
    return 0;
fail:
    free(buf);
    for (size_t i = 0; i < cells.n; i++) free(cells.items[i]);
    free(cells.items);
    return -1;
}

int csv_column(const csv_table *t, const char *name)
{
    for (int i = 0; i < t->n_cols; i++)
        if (!strcasecmp(t->header[i], name)) return i;
    return -1;
}

const char *csv_cell(const csv_table *t, int row, int col)
{
    return t->cells[(size_t)row * (size_t)t->n_cols + (size_t)col];
}

void csv_free(csv_table *t)
{
    if (!t->header) return;
    size_t n = (size_t)t->n_cols * (size_t)(t->n_rows + 1);
    for (size_t i = 0; i < n; i++) free(t->header[i]);
    free(t->header);
    memset(t, 0, sizeof *t);
}
