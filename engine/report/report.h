/* The report definition: report.lua, evaluated in the sandbox, copied into plain C data. */
#ifndef FOLIO_REPORT_H
#define FOLIO_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "data/table.h"
#include "layout/layout.h"

/* Plain data copied out of Lua (section options, the report table for plugins). */
typedef enum folio_value_kind { FOLIO_V_NIL, FOLIO_V_BOOL, FOLIO_V_NUMBER, FOLIO_V_STRING, FOLIO_V_TABLE } folio_value_kind;
typedef struct folio_value folio_value;
struct folio_value {
    folio_value_kind kind;
    bool b;
    double num;
    bool is_int;         /* NUMBER held a Lua integer */
    char *str;           /* STRING (may hold NULs: len) */
    size_t len;
    folio_value *keys;   /* TABLE: n key/value pairs, in a deterministic order (array part first, then sorted keys) */
    folio_value *vals;
    size_t n;
};
void folio_value_free(folio_value *v); /* frees the contents, not v itself */

/* What one plugin run may use (the sandbox's budget). 0 in a field means "not set": the default,
 * or what report.lua says, applies. */
typedef struct folio_limits {
    size_t memory;          /* bytes per plugin state */
    long long instructions; /* VM instructions per plugin run */
    double seconds;         /* wall-clock seconds per plugin run */
} folio_limits;

typedef struct folio_input {
    folio_inputspec spec;  /* path resolved against the report folder or --data */
    char *file;            /* as written in report.lua, e.g. "data/survey.csv" */
    folio_colspec *cols;   /* owned storage behind spec.cols */
    /* every string referenced by spec/cols is owned by the report */
} folio_input;

typedef struct folio_section {
    char *plugin;        /* plugin name, e.g. "usage-reach" */
    folio_value options; /* the section's option table (TABLE, maybe empty) */
} folio_section;

/* The run's period and the one before it (period.c). */
typedef struct folio_period {
    int32_t from, to;           /* FOLIO_DATE_NONE = open */
    int year;                   /* --year YYYY (the year the period starts in), else 0 */
    int start_month, start_day; /* the year's first day: report.lua year_start, default 1 January */
    bool has_previous;          /* --year, or both --from and --to */
    int32_t prev_from, prev_to; /* the year before, or as many days just before from */
} folio_period;

/* Reads a year_start "MM-DD" (a day every year has: not 02-29). */
bool folio_period_parse_start(const char *s, int *month, int *day);
/* Sets the bounds: year's (from p's first day) when year != 0, else [from, to]; and the previous
 * period's. Keeps p's start_month/start_day (1 January if unset). */
void folio_period_set(folio_period *p, int year, int32_t from, int32_t to);
/* The year does not start on 1 January. */
bool folio_period_is_financial(const folio_period *p);
/* The period (or the previous one) in words: label "1 April 2025 to 31 March 2026" (or "From ...",
 * "Up to ...", "All dates"), short "2025-26", "2025", or "1 Mar to 30 Jun 2025". */
void folio_period_describe(const folio_period *p, bool previous, char *label, size_t lsize, char *shrt,
                           size_t ssize);

typedef struct folio_report {
    char *dir;        /* the report folder, no trailing slash */
    char *path;       /* the report.lua file */
    char *display;    /* how messages name report.lua, e.g. "reports/4pi-reality-impact/report.lua" */
    char *title, *subtitle, *publisher, *lang;
    char *logo;                 /* the cover's logo, relative to the folder (report.lua `logo`), or NULL */
    bool untagged;              /* report.lua `tagged = false`: no structure tree (docs/accessibility.md) */
    folio_theme theme;          /* defaults overridden by report.lua `page` and `theme` */
    char *font_files[4];        /* resolved paths; default the bundled family in fonts/ */
    char *font_family;          /* theme.font or the bundled family; NULL when theme.fonts names files */
    char **fallback_families;   /* the fallback chain, in order (theme.fallback or the default) */
    char **fallback_files;      /* FOLIO_FACES files per fallback family, FOLIO_FACE_* order */
    size_t nfallback;
    folio_input *inputs;
    size_t ninputs;
    char *main_input;           /* report.lua `main`: the input --each splits by default, or NULL */
    folio_section *sections;
    size_t nsections;
    folio_limits limits;        /* every field set: the defaults, overridden by report.lua's `limits`,
                                   overridden by folio_report_options.limits (the command line) */
    folio_period period;        /* the run's period (options, with report.lua's year_start) */
    unsigned pdf_standards;     /* report.lua `pdf_standard` (pdf/pdfa.h bits), when pdf_standards_set */
    bool pdf_standards_set;
    folio_value table;          /* the whole report table, for ctx.report */
    char **owned;               /* strings owned by the report */
    size_t nowned, capowned;
} folio_report;

typedef struct folio_report_options {
    const char *data_dir;   /* --data: read each input's file name from this folder instead */
    const char *fonts_dir;  /* the bundled fonts folder (found next to the executable's source tree) */
    int32_t from, to;       /* the period, FOLIO_DATE_NONE = open */
    int year;               /* --year YYYY: the period is that year from report.lua's year_start
                               (from/to ignored); 0 = not given */
    folio_limits limits;    /* the command line's limits (0 = not given): they win over report.lua's,
                               and report.lua itself is evaluated under them */
} folio_report_options;

/* Finds report.lua (REPORT is a folder or the file), evaluates it in the sandbox and checks its
 * shape; every problem goes to diag with report.lua's file and line. NULL on error. */
folio_report *folio_report_load(const char *report, const folio_report_options *opt, folio_diag *diag);
void folio_report_free(folio_report *r);
/* Warns once per character of the layout that no font can print (layout->unprintable): its code
 * point, how often it is drawn, and its source: the first text cell of the inputs (tables,
 * r->ninputs of them) that holds it, else the block's plugin, else report.lua. */
void folio_report_unprintable(const folio_report *r, folio_table *const *tables, const folio_layout *layout,
                              folio_diag *diag);

#endif
