/* A small JSON writer: objects, arrays and scalars appended to a folio_buf, two-space indented,
 * with strings escaped for any input (control characters as \u00XX, invalid UTF-8 as U+FFFD). */
#ifndef FOLIO_JSON_H
#define FOLIO_JSON_H

#include <stdbool.h>

#include "core/util.h"

#define FOLIO_JSON_MAX_DEPTH 16 /* nesting of objects and arrays */

typedef struct folio_json {
    folio_buf *out;
    int depth;
    bool first[FOLIO_JSON_MAX_DEPTH]; /* nothing written yet at this level */
    char close[FOLIO_JSON_MAX_DEPTH]; /* '}' or ']' */
} folio_json;

/* Every call takes the member's key inside an object, NULL inside an array or at the top. */
void folio_json_begin(folio_json *j, folio_buf *out); /* starts a document in out */
void folio_json_object(folio_json *j, const char *key);
void folio_json_array(folio_json *j, const char *key);
void folio_json_end(folio_json *j); /* closes the innermost object or array */
void folio_json_string(folio_json *j, const char *key, const char *s); /* NULL writes null */
void folio_json_int(folio_json *j, const char *key, long long v);
void folio_json_number(folio_json *j, const char *key, double v, int decimals); /* never locale-dependent */
void folio_json_bool(folio_json *j, const char *key, bool v);
void folio_json_null(folio_json *j, const char *key);
/* Appends s as a quoted JSON string: ", \ and control characters escaped, bytes that are not
 * valid UTF-8 (a stray byte, an overlong form, a surrogate) each replaced by U+FFFD. */
void folio_json_quote(folio_buf *b, const char *s);

#endif
