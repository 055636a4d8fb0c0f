/* The floor of the data path: one bare libcsv pass over a file, with the parser options folio
 * uses and callbacks that only count fields and rows. bench/run times it beside folio.
 *   csv_floor FILE   prints "ROWS rows, FIELDS fields" */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536 /* bytes per read(), as folio reads */

typedef struct counts {
    size_t fields, rows;
} counts;

static void on_field(void *s, size_t n, void *data)
{
    (void)s, (void)n;
    ((counts *)data)->fields++;
}

static void on_row(int term, void *data)
{
    (void)term;
    ((counts *)data)->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csv_floor FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "csv_floor: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_blk_size(&p, CHUNK);
    static char buf[CHUNK];
    counts c = {0, 0};
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &c) != (size_t)n) {
            fprintf(stderr, "csv_floor: %s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    close(fd);
    printf("%zu rows, %zu fields\n", c.rows, c.fields);
    return n < 0;
}
