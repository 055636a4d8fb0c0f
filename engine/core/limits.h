/* Named limits of the engine, in one place (see STYLE.md). */
#ifndef FOLIO_LIMITS_H
#define FOLIO_LIMITS_H

#define FOLIO_MAX_COLUMNS 1024            /* columns in one CSV header */
#define FOLIO_MAX_FIELD_BYTES (16u << 20) /* one CSV cell */
#define FOLIO_MAX_ROWS 100000000u         /* rows in one input */
#define FOLIO_SPLIT_MIN_BYTES (16LL << 20) /* an input this large is read by two threads at once */
#define FOLIO_MAX_CODES 64                /* distinct codes in a code or multi-select column */
#define FOLIO_MAX_REASONS 64              /* distinct rejection reasons kept per input */
#define FOLIO_MAX_WARNINGS_SHOWN 20       /* warnings printed per input; the rest are counted */
#define FOLIO_MAX_MESSAGE 1024            /* one diagnostic message */
#define FOLIO_MAX_BLOCK_DEPTH 16          /* nesting of returned block values */
#define FOLIO_MAX_SECTIONS 256            /* sections in one report */
#define FOLIO_MAX_IMAGE_BYTES (64u << 20) /* one image file */
#define FOLIO_MAX_IMAGE_PIXELS 100e6      /* width x height of one image, checked before decoding */
#define FOLIO_MAX_IMAGE_SIDE 100000u      /* width or height of one PNG, in pixels */
#define FOLIO_MAX_CANVAS_COMMANDS 40000u  /* drawing commands in one canvas, each path segment counted;
                                           * below FOLIO_VALUE_MAX_NODES / 25 (a styled command) */
#define FOLIO_MAX_CANVAS_SIDE 14400.0     /* width or height of a canvas, in points (200 inches) */
/* The sandbox's budget per plugin run (and for report.lua): the defaults, and the range a
 * report.lua `limits` table or the command line may set. */
#define FOLIO_LUA_MEMORY_DEFAULT (512u << 20)        /* bytes per plugin state */
#define FOLIO_LUA_MEMORY_MIN (1u << 20)              /* 1 MiB */
#define FOLIO_LUA_MEMORY_MAX (64ull << 30)           /* 64 GiB */
#define FOLIO_LUA_INSTRUCTIONS_DEFAULT 2000000000LL  /* VM instructions per plugin run */
#define FOLIO_LUA_INSTRUCTIONS_MIN 1000LL
#define FOLIO_LUA_INSTRUCTIONS_MAX 1000000000000000LL /* 10^15 */
#define FOLIO_LUA_SECONDS_DEFAULT 60.0               /* wall-clock seconds per plugin run */
#define FOLIO_LUA_SECONDS_MAX 86400.0                /* a day */

#endif
