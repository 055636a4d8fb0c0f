/* `folio plugins [REPORT] [--details]`: which plugins a report uses, where each comes from, its
 * version, and with --details its options (type and default) and needs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "lua/sandbox.h"

/* The type of an option, as its default says. */
static const char *option_type(const folio_value *v)
{
    switch (v->kind) {
    case FOLIO_V_BOOL: return "boolean";
    case FOLIO_V_NUMBER: return v->is_int ? "integer" : "number";
    case FOLIO_V_STRING: return "string";
    case FOLIO_V_TABLE: return "table";
    default: return "any";
    }
}

/* A default as one would write it in report.lua (tables shortened past a few entries). */
static void format_value(folio_buf *b, const folio_value *v, int depth)
{
    char num[64];
    switch (v->kind) {
    case FOLIO_V_NIL: folio_buf_puts(b, "nil"); break;
    case FOLIO_V_BOOL: folio_buf_puts(b, v->b ? "true" : "false"); break;
    case FOLIO_V_NUMBER:
        if (v->is_int)
            snprintf(num, sizeof num, "%lld", (long long)v->num);
        else
            snprintf(num, sizeof num, "%.14g", v->num);
        folio_buf_puts(b, num);
        break;
    case FOLIO_V_STRING:
        folio_buf_puts(b, "\"");
        folio_buf_append(b, v->str, v->len > 60 ? 60 : v->len);
        folio_buf_puts(b, v->len > 60 ? "...\"" : "\"");
        break;
    case FOLIO_V_TABLE: {
        if (v->n == 0 || depth > 1) {
            folio_buf_puts(b, v->n ? "{ ... }" : "{}");
            break;
        }
        size_t len = folio_value_len(v);
        folio_buf_puts(b, "{ ");
        for (size_t i = 0; i < v->n && i < 6; i++) {
            if (i)
                folio_buf_puts(b, ", ");
            if (i >= len && v->keys[i].kind == FOLIO_V_STRING)
                folio_buf_printf(b, "%s = ", v->keys[i].str);
            format_value(b, &v->vals[i], depth + 1);
        }
        folio_buf_puts(b, v->n > 6 ? ", ... }" : " }");
        break;
    }
    }
}

static void print_details(const folio_plugin_info *p)
{
    const folio_value *needs = &p->needs;
    if (needs->kind != FOLIO_V_TABLE || needs->n == 0) {
        printf("  needs: nothing\n");
    } else {
        printf("  needs:\n");
        for (size_t i = 0; i < needs->n; i++) {
            const folio_value *cols = &needs->vals[i];
            printf("    %s:", needs->keys[i].kind == FOLIO_V_STRING ? needs->keys[i].str : "?");
            for (size_t c = 0; cols->kind == FOLIO_V_TABLE && c < cols->n; c++)
                printf("%s %s", c ? "," : "", cols->vals[c].kind == FOLIO_V_STRING ? cols->vals[c].str : "?");
            printf("\n");
        }
    }
    const folio_value *opts = &p->options;
    bool own_new_page = folio_value_get(opts, "new_page") != NULL;
    printf("  options:\n");
    for (size_t i = 0; opts->kind == FOLIO_V_TABLE && i < opts->n; i++) {
        if (opts->keys[i].kind != FOLIO_V_STRING)
            continue;
        folio_buf b = {0};
        format_value(&b, &opts->vals[i], 0);
        printf("    %-16s %-8s default %s\n", opts->keys[i].str, option_type(&opts->vals[i]), b.data);
        folio_buf_free(&b);
    }
    if (!own_new_page)
        printf("    %-16s %-8s default false (every section has it)\n", "new_page", "boolean");
}

static void print_one(const folio_plugin_info *p, bool details)
{
    printf("%-20s %-8s %-8s %s\n", p->name ? p->name : "?", p->version ? p->version : "?",
           p->local ? "report" : "standard", p->display ? p->display : "?");
    if (details)
        print_details(p);
}

void folio_cli_print_plugins(const folio_run *run, bool details)
{
    for (size_t i = 0; i < run->nplugins; i++) {
        const folio_plugin_info *p = &run->plugins[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p->name && run->plugins[j].name && strcmp(p->name, run->plugins[j].name) == 0;
        if (!seen && p->path)
            print_one(p, details);
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int folio_cli_list_standard(const char *std_plugins, const char *std_display, bool details,
                            const folio_limits *limits)
{
    DIR *dir = opendir(std_plugins);
    if (!dir) {
        fprintf(stderr, "folio: cannot read the standard plugins folder %s\n", std_plugins);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '.')
            continue;
        if (n == cap)
            names = xrealloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    folio_diag diag;
    folio_diag_init(&diag);
    folio_limits lim = folio_limits_merge(folio_limits_default(), limits ? *limits : (folio_limits){0});
    for (size_t i = 0; i < n; i++) {
        folio_plugin_info info = {.path = xasprintf("%s/%s", std_plugins, names[i]),
                                  .display = xasprintf("%s/%s", std_display, names[i])};
        if (folio_host_describe(&info, &lim, &diag))
            print_one(&info, details);
        folio_plugin_info_free(&info);
        free(names[i]);
    }
    free(names);
    int status = diag.errors ? 1 : 0;
    folio_diag_free(&diag);
    return status;
}
