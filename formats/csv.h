/* A small CSV reader for electrode and trial tables: comma separated, optional double quotes,
 * first row is the header. Lines may end in \n or \r\n; blank lines are skipped. */
#ifndef IRFA_CSV_H
#define IRFA_CSV_H
#include <stddef.h>

typedef struct csv_table {
    int n_cols, n_rows;   /* n_rows excludes the header */
    char **header;        /* n_cols names */
    char **cells;         /* n_rows x n_cols strings, row-major */
} csv_table;

/* Every row must have as many fields as the header; errors name the file and line. */
int csv_read(const char *path, csv_table *out, char *err, size_t errlen);
/* Column index of a header name (case-insensitive), or -1. */
int csv_column(const csv_table *t, const char *name);
const char *csv_cell(const csv_table *t, int row, int col);
void csv_free(csv_table *t);

#endif
