/* Private to the PDF writer: the client-side fixes for libharu 2.3.0 fonts (fonts_fix.c) and
 * the write-to-a-temporary-file-then-rename output (atomic.c). */
#ifndef FOLIO_PDF_INTERNAL_H
#define FOLIO_PDF_INTERNAL_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/util.h"
#include "doc/doc.h"
#include "layout/display.h"
#include "pdf/pdf.h"

#define FOLIO_PDF_BFCHAR_BLOCK 100 /* entries per beginbfchar block (the CMap spec's limit) */
#define FOLIO_PDF_MAX_TEXT 65535   /* bytes libharu shows in one call (HPDF_LIMIT_MAX_STRING_LEN) */
#define FOLIO_PDF_MAX_GLYPH_RECORD (1u << 16) /* bytes of one composite glyph record we read */

/* The code points drawn with one font, one bit per BMP code point (libharu's UTF-8 path writes
 * each character as a 2-byte code equal to its code point, so the code space is the BMP). */
typedef struct folio_cpset {
    uint8_t bits[65536 / 8];
} folio_cpset;

/* Appends v in decimal to b: the numbers of object headers and tables, written per object
 * (printf's parsing of its format was 1M instructions of the default report). */
static inline void folio_pdf_put_uint(folio_buf *b, size_t v)
{
    char d[24], *q = d + sizeof d;
    do
        *--q = (char)('0' + v % 10);
    while (v /= 10);
    folio_buf_append(b, q, (size_t)(d + sizeof d - q));
}

/* Appends the 4 upper-case hex digits of a BMP code point (a 2-byte code of a CID font). */
static inline void folio_pdf_put_hex4(folio_buf *b, uint32_t c)
{
    static const char hex[] = "0123456789ABCDEF";
    char q[4] = {hex[c >> 12 & 15], hex[c >> 8 & 15], hex[c >> 4 & 15], hex[c & 15]};
    folio_buf_append(b, q, 4);
}

static inline void folio_cpset_add(folio_cpset *s, uint32_t cp)
{
    if (cp < 65536)
        s->bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
}

static inline bool folio_cpset_has(const folio_cpset *s, uint32_t cp)
{
    return cp < 65536 && (s->bits[cp >> 3] >> (cp & 7)) & 1;
}

/* Checks that `path` is a TrueType font (glyf outlines) whose table directory and tables lie
 * inside the file, before libharu reads it: 2.3.0 crashes on a file too short for its own table
 * directory and leaks on some truncated ones. False with the reason in `why`. */
bool folio_pdf_check_font(const char *path, char *why, size_t whylen);

/* Replaces the /ToUnicode stream of a UTF-8 TrueType font (from HPDF_GetFont) with a CMap that
 * maps exactly the code points in `used` to themselves (bfchar, at most 100 per block;
 * U+0000, U+FEFF and U+FFFE left out). False when libharu reports an error. */
bool folio_pdf_fix_tounicode(HPDF_Font font, const folio_cpset *used);

/* Marks the components of every used composite glyph of an embedded TrueType font as used,
 * recursively, so the subset keeps nested components (2.3.0 resolves one level only). Call
 * after drawing, before saving. Returns the number of glyphs it added, or -1 on a read error. */
long folio_pdf_fix_composites(HPDF_Font font);

/* Tagged PDF (tags.c): the structure tree made from the document's blocks, marked content in
 * the page streams, the parent tree, Link elements with their annotations. */
#define FOLIO_TAG_ARTIFACT (-1)   /* target of decoration: /Artifact BMC */
#define FOLIO_TAG_PAGINATION (-2) /* running header and footer: /Artifact <</Type /Pagination>> BDC */
#define FOLIO_TAGS_DEFAULT_LANG "en-GB"

typedef struct folio_tags folio_tags;

/* The structure elements of every block of doc, in reading order, for a document of npages. */
folio_tags *folio_tags_create(HPDF_Doc pdf, HPDF_Encoder utf8, const folio_doc *doc, size_t npages);
void folio_tags_free(folio_tags *t);
/* Where a drawing op's content goes: a structure element (>= 0) or FOLIO_TAG_ARTIFACT or
 * FOLIO_TAG_PAGINATION. Linked text opens a Link element in its leaf (closed by its annotation). */
int folio_tags_target(folio_tags *t, const folio_op *op);
/* Writes BDC (with the page's next MCID, recorded for the parent tree) or BMC for a target into
 * the page's content stream, and EMC. Call outside text objects and paths. */
bool folio_tags_begin(folio_tags *t, HPDF_Page page, size_t page_no, int target);
bool folio_tags_end(folio_tags *t, HPDF_Page page);
/* A link annotation drawn for op: into its Link element (OBJR), with /StructParent and
 * /Contents (a description, may be NULL). */
bool folio_tags_annot(folio_tags *t, HPDF_Annotation annot, size_t page_no, const folio_op *op,
                      const char *contents);
/* After every page is drawn: the StructTreeRoot, parent tree, /MarkInfo, /Lang (lang, or the
 * default when the catalog has none), and /StructParents and /Tabs /S on every page. */
bool folio_tags_finish(folio_tags *t, HPDF_Page *pages, size_t npages, const char *lang);
/* Makes the document meet and claim opt->standards just before it is saved (pdfa.c): adds
 * opt->info to the Info dictionary, then XMP metadata made from Info and /Lang, the sRGB output
 * intent, /F 4 on annotations, PDF 1.7 and a /ID digested from the content. With no standard
 * only opt->info is added. False after adding an error to diag (a CMYK image, a standard that
 * needs tagging in an untagged document, a
 * character drawn as .notdef (layout->unprintable), a missing ICC profile, a libharu error). */
bool folio_pdf_apply_standards(HPDF_Doc pdf, const folio_doc *doc, const folio_layout *layout,
                               const folio_pdf_options *opt, folio_diag *diag);

/* The subset of the TrueType font at `path` for the code points in `used` (HarfBuzz's
 * subsetter; glyph ids renumbered, the cmap kept, layout tables dropped): a TrueType file of *n
 * bytes that the caller frees. NULL with the reason in `why`. */
unsigned char *folio_pdf_subset_font(const char *path, const folio_cpset *used, size_t *n, char *why,
                                     size_t whylen);

/* HPDF_GetFont(pdf, name, "UTF-8") for a TrueType font drawn only with the code points in `used`:
 * libharu then looks up glyphs, writes /W and the CIDToGIDMap for those alone (up to the highest
 * one) instead of the whole BMP. *codes is the UTF-8 encoder's stand-in for the call, made on
 * the first one (NULL before it) and kept for the document's next fonts; the caller frees it.
 * NULL when libharu fails. */
HPDF_Font folio_pdf_get_font(HPDF_Doc pdf, const char *name, const folio_cpset *used,
                             struct _HPDF_CMapEncoderAttr_Rec **codes);

/* Flags every glyph of an embedded TrueType font as used, so libharu's own subsetting keeps a
 * font that is already a subset whole (its composite glyphs' components included). */
void folio_pdf_keep_all_glyphs(HPDF_Font font);

/* A file written under a temporary name in the target's directory and renamed into place. */
#define FOLIO_STALE_TEMP_SECONDS 60 /* a temporary file of the same target this old is a leftover */

typedef struct folio_atomic {
    int fd;           /* -1 when closed */
    char *tmp;        /* the temporary path (owned), NULL once renamed or removed */
    const char *path; /* the target as given, borrowed for messages */
    char *target;     /* where a symbolic link at path points (owned), or NULL: path itself */
    char *dir;        /* the target's directory (owned), so the commit allocates nothing */
    unsigned mode;    /* permissions the file gets: the replaced file's, else 0644 less the umask */
    bool direct;      /* path is a device or a pipe (/dev/stdout): written in place, no rename */
    int live;         /* slot in the table of temporary files to remove at exit, or -1 */
} folio_atomic;

/* Creates "<dir>/.<base>.XXXXXX" next to `path` (or next to the file a symbolic link at `path`
 * points to) and registers it for removal if the process exits or is stopped by SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT before the commit. A device or a pipe is opened for writing in
 * place instead. False with "cannot write PATH: reason". */
bool folio_atomic_open(folio_atomic *a, const char *path, folio_diag *diag);
/* Appends bytes; false with a message (the temporary file is then already removed). */
bool folio_atomic_write(folio_atomic *a, const void *data, size_t n, folio_diag *diag);
/* Sets the mode, syncs, closes and renames over the target, syncs the directory, then removes
 * temporary files of the same target left by killed runs (older than FOLIO_STALE_TEMP_SECONDS).
 * On failure the temporary file is removed and the target untouched. */
bool folio_atomic_commit(folio_atomic *a, folio_diag *diag);
/* Closes and removes the temporary file; safe to call twice or after a commit. */
void folio_atomic_abort(folio_atomic *a);

/* Calls that reached folio's HPDF_MemCpy and HPDF_MemSet (pdf.c), for the tests. */
extern unsigned long folio_hpdf_fast_calls;
/* For the tests: false makes folio_pdf_write free the libharu document after writing the file,
 * as it does when no thread can be created, instead of on a thread of its own while the file is
 * written and synced; folio_pdf_docs_freed_aside counts the documents freed on such a thread. */
extern bool folio_pdf_free_threaded;
extern unsigned long folio_pdf_docs_freed_aside;

/* Rewrites the n bytes of libharu's PDF in `pdf` with compressed object streams and a
 * cross-reference stream (objstm.c): unfiltered streams deflated (the XMP metadata excepted; the
 * data `ahead` has, see below, taken from it), filtered ones copied as they are, the /ID kept;
 * *out (malloc'd, the caller frees it) holds the result. False with "cannot write PATH: cannot
 * pack ..."; out of memory ends the process as xmalloc does. */
#define FOLIO_PDF_MAX_PACK_ERROR 256 /* bytes of the reason kept */
#define FOLIO_OBJSTM_PER_STREAM 100  /* objects in one object stream */
#define FOLIO_PDF_DEFLATE_LEVEL 6    /* libdeflate level of content, object and cross-reference streams */
#define FOLIO_PDF_DEFLATE_BINARY 1   /* ... and of font programs and the ICC profile (binary data) */
/* Bytes to deflate from which folio_pdf_pack shares the work with a worker thread. The join waits
 * until the worker has had a core and finished its job: with the other core idle the default
 * report's 220 KB took 1.2 ms instead of 2.0, with it busy 3.0 ms on average. So only a pass
 * long enough to absorb that wait is shared; the default report's, once its pages' content is
 * deflated ahead (~100 KB), is not. */
#define FOLIO_PDF_THREAD_MIN_BYTES (256 * 1024)
/* For the tests: false makes folio_pdf_pack deflate on the calling thread alone, as it does when
 * no thread can be created; folio_pdf_pack_workers counts the worker threads it has joined. */
extern bool folio_pdf_pack_threaded;
extern unsigned long folio_pdf_pack_workers;
/* Text deflated ahead of folio_pdf_pack on a thread of its own: the n buffers `in` (malloc'd
 * array and data, taken over) at FOLIO_PDF_DEFLATE_LEVEL. folio_pdf_pack uses a result for a
 * stream without /Length1 or /N whose data has the same bytes, and deflates anything else
 * itself. NULL (in freed) when no thread can be had: the pack then deflates them all. */
typedef struct folio_pdf_ahead folio_pdf_ahead;
folio_pdf_ahead *folio_pdf_ahead_start(folio_buf *in, size_t n);
/* Waits for the thread and frees everything; NULL is fine. */
void folio_pdf_ahead_free(folio_pdf_ahead *a);
bool folio_pdf_pack(const unsigned char *pdf, size_t n, folio_pdf_ahead *ahead, const char *path, unsigned char **out,
                    size_t *outn, folio_diag *diag);

#endif
