/* The PDF standards a file can claim (PDF/A-2, PDF/UA-1): their names as the command line and
 * report.lua give them, and the extra Info entries mirrored in the XMP metadata. */
#ifndef FOLIO_PDFA_H
#define FOLIO_PDFA_H

#include <stdbool.h>
#include <stddef.h>

/* A set of standards is a bitwise or of these; 0 claims none. */
enum {
    FOLIO_PDF_A2B = 1u << 0, /* "a-2b": PDF/A-2 level B, archival with reliable appearance */
    FOLIO_PDF_A2A = 1u << 1, /* "a-2a": PDF/A-2 level A, level B plus a tagged structure */
    FOLIO_PDF_UA1 = 1u << 2, /* "ua-1": PDF/UA-1, universal accessibility (tagged) */
};

/* What folio claims when neither the command line nor report.lua says: PDF/A-2b, the part a
 * machine can check here without a tagged structure (docs/accessibility.md). A document that
 * cannot meet it (a CMYK image) is then written claiming nothing, without a message. */
#define FOLIO_PDF_STANDARD_DEFAULT FOLIO_PDF_A2B
#define FOLIO_PDF_STANDARD_HELP "a-2b, a-2a, ua-1 or none, or a list such as \"ua-1,a-2a\""
#define FOLIO_PDF_MAX_STANDARD 64 /* characters of a --pdf-standard value we look at */

/* The sRGB ICC profile of the output intent: Debian package icc-profiles-free (ICC v2.3, zlib
 * licence). */
#ifndef FOLIO_SRGB_PROFILE /* CMake passes the file it found */
#define FOLIO_SRGB_PROFILE "/usr/share/color/icc/sRGB.icc"
#endif
#define FOLIO_SRGB_NAME "sRGB IEC61966-2.1"
/* The XMP namespace of extra Info entries (folio:NAME). */
#define FOLIO_XMP_NS "http://folio.invalid/ns/info/1.0/"

/* Parses one name ("a-2b", "a-2a", "ua-1", "none"; case-insensitive) or a comma-separated list
 * of them into *set. False with what is wrong in `why` (a name that is not one of these, two
 * PDF/A levels, "none" with others, an empty list). */
bool folio_pdf_standard_parse(const char *s, unsigned *set, char *why, size_t whylen);
/* Writes the set as it is parsed, e.g. "a-2a,ua-1" or "none". */
void folio_pdf_standard_format(unsigned set, char *out, size_t size);

/* One extra Info entry: key is a name of letters, digits and '_' starting with a letter, not
 * one of the standard keys; value is UTF-8 text. It is written to the Info dictionary and, in a
 * file that claims a standard, to the XMP as folio:KEY with its PDF/A extension schema. */
typedef struct folio_pdf_info {
    const char *key;
    const char *value;
} folio_pdf_info;

#endif
