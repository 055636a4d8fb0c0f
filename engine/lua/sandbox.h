/* The Lua sandbox that report.lua and section plugins run in (TECH-NOTES §9): one capped
 * lua_State per run, a private _ENV holding only an allow-list, stubs that raise for every
 * removed name, and an instruction, memory and wall-clock budget that pcall cannot swallow.
 * Also the copy of plain Lua data into folio_value trees (value.c). */
#ifndef FOLIO_SANDBOX_H
#define FOLIO_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "lua/host.h"
#include "report/report.h"

/* The count hook fires every this many VM instructions (the granularity of the budget). */
#define FOLIO_LUA_HOOK_PERIOD 1000
/* string.find/match/gmatch/gsub refuse a pattern whose estimated worst-case backtracking on
 * the subject exceeds this many steps (1.5 to 3 s at the very worst; see sandbox.c). */
#define FOLIO_LUA_PATTERN_STEPS 2e8
/* string.find of plain text refuses a search of more than this many byte comparisons in the
 * worst case, (n - m + 1) x m (measured: 2 to 5 x 10^10 a second). */
#define FOLIO_LUA_FIND_BYTES 1e10
/* folio_value copies of Lua data (a build() result, report.lua): at most this many values
 * (keys count too) and bytes of text in one copy. Layout costs about 10 s and 2 GB for 16 MiB
 * of text, or for 200,000 paragraphs (a million values): a result is bounded by these, not
 * only by the plugin's memory limit (a table shared many times over costs Lua nothing). */
#define FOLIO_VALUE_MAX_NODES (1u << 20)
#define FOLIO_VALUE_MAX_BYTES (16u << 20)

/* The bytecode kept in memory for texts loaded with folio_sandbox_load_file (chunks.c): at most
 * this many chunks, and this many bytes of text and code together; past either, texts are
 * parsed every time. */
#define FOLIO_CHUNKS_KEPT 256
#define FOLIO_CHUNK_BYTES_KEPT (32u << 20)

typedef struct folio_sandbox folio_sandbox;

/* Why a sandbox was stopped. Once set it stays set: every later instruction raises. */
typedef enum folio_sandbox_kill {
    FOLIO_KILL_NONE,         /* running normally */
    FOLIO_KILL_INSTRUCTIONS, /* the instruction budget is spent */
    FOLIO_KILL_MEMORY,       /* an allocation past the memory cap reached the plugin */
    FOLIO_KILL_TIME          /* the wall-clock deadline passed */
} folio_sandbox_kill;

/* Creates a state with the allow-listed libraries and the plugin _ENV. `name` names the
 * plugin in limit messages ("usage-reach: exceeded ..."). NULL when Lua cannot even start
 * under the memory cap (message in err). */
folio_sandbox *folio_sandbox_create(const char *name, const folio_limits *limits, char *err, size_t errlen);
void folio_sandbox_free(folio_sandbox *sb);
lua_State *folio_sandbox_state(folio_sandbox *sb);
/* Starts the time budget again (a state kept from reading a plugin to building with it: the
 * inputs were loaded in between). The instruction and memory budgets go on as they were. */
void folio_sandbox_restart_clock(folio_sandbox *sb);
/* The sandbox a state (or any of its coroutines) belongs to. */
folio_sandbox *folio_sandbox_of(lua_State *L);

/* Loads text (never bytecode) as a chunk named `chunkname` ("@plugins/x.lua", "=prelude")
 * with the sandbox _ENV. Pushes the function and returns LUA_OK, or pushes the message and
 * returns the load status. Never raises. */
int folio_sandbox_load(folio_sandbox *sb, const char *text, size_t len, const char *chunkname);
/* Loads a plugin file's text like folio_sandbox_load, from the bytecode folio made of the same
 * text under the same chunk name when there is one (at build time for the standard plugins, or
 * by an earlier load in this process), so a file is parsed at most once per process. Messages
 * and lines are the same either way; a file holding bytecode is refused as always. */
int folio_sandbox_load_file(folio_sandbox *sb, const char *text, size_t len, const char *chunkname);
/* Runs the embedded prelude (the `blocks` and `fmt` globals). false + message in err. */
bool folio_sandbox_run_prelude(folio_sandbox *sb, char *err, size_t errlen);
/* Like lua_pcall with a message handler that adds a short traceback of plugin files, with
 * the budget armed. One budget (instructions from creation, a deadline `seconds` after
 * creation) covers every call into the state: the prelude, the plugin file and build(). */
int folio_sandbox_call(folio_sandbox *sb, int nargs, int nresults);
folio_sandbox_kill folio_sandbox_killed(const folio_sandbox *sb);
/* The message of the limit that stopped the sandbox, e.g. "usage-reach: exceeded the memory
 * limit of 512 MiB"; "" when not killed. */
const char *folio_sandbox_kill_message(const folio_sandbox *sb);
/* Where the plugin was when the limit stopped it (a line of its file), 0 if unknown. */
int folio_sandbox_kill_line(const folio_sandbox *sb);

/* Memory a binding holds in C for the plugin (a view's row list, say) is to count against
 * the same cap as the Lua heap. charge, called from a Lua C function before the memory is
 * taken, runs a full collection when the bytes would pass the cap (garbage may be holding
 * such memory) and then, if they still would, stops the sandbox and raises the memory
 * limit's error. release gives the bytes back (from __gc). Both do nothing for a state that
 * folio_sandbox_create did not make. */
void folio_sandbox_charge(lua_State *L, size_t bytes);
void folio_sandbox_release(lua_State *L, size_t bytes);

/* Reports a failed load or call as an error in diag: the limit that stopped the sandbox (at
 * the plugin line it was on), or the Lua message split into file, line and text ("file:N:
 * text"; a traceback stays in the text), `display` when the message names no file. Pops the
 * message. */
void folio_sandbox_report_error(folio_diag *diag, folio_sandbox *sb, const char *display);

/* ---- bytecode of loaded texts (chunks.c) ---- */

/* The code folio made of text[0..len) as chunkname: built in, or kept by folio_chunk_keep.
 * The bytes stay valid for the life of the process. false if none. */
bool folio_chunk_find(const char *chunkname, const char *text, size_t len, const unsigned char **code,
                      size_t *code_len);
/* Keeps the bytecode of the function at the top of L's stack, just loaded from text[0..len) in
 * mode "t" as chunkname (not yet run), for folio_chunk_find; nothing past the limits above. */
void folio_chunk_keep(lua_State *L, const char *chunkname, const char *text, size_t len);
/* How many chunks folio_chunk_keep holds. */
size_t folio_chunks_kept(void);

/* ---- folio_value: plain data copied out of Lua (value.c) ---- */

/* Copies the Lua value at idx into out: nil, booleans, numbers, strings and tables of those,
 * read with raw access (no metamethod runs) and nothing that raises. Tables deeper than
 * FOLIO_MAX_BLOCK_DEPTH, cycles, functions and other non-data values are refused: false,
 * *out left NIL, and "PATH: what was wrong" in err, PATH starting with `path`. */
bool folio_value_from_lua(lua_State *L, int idx, folio_value *out, const char *path, char *err,
                          size_t errlen);
/* Pushes a copy of v (a Lua table for TABLE); may raise a memory error. */
void folio_value_push(lua_State *L, const folio_value *v);
/* Deep copy; dst is overwritten. */
void folio_value_copy(folio_value *dst, const folio_value *src);
/* t[key] for a string key, or NULL (also when t is not a TABLE). */
const folio_value *folio_value_get(const folio_value *t, const char *key);
/* Length of the list part: keys 1..n present in order at the front. 0 if not a TABLE. */
size_t folio_value_len(const folio_value *t);
/* The name of v's Lua type: "nil", "boolean", "number", "string", "table". */
const char *folio_value_type(const folio_value *v);
/* Appends a path segment for key k to buf: ".name" for names, "[3]" for integers, else
 * "[\"raw key\"]". */
void folio_value_path(char *buf, size_t size, const char *prefix, const folio_value *k);

/* ---- blocks: build() results -> document blocks (blocks.c) ---- */

/* Checks a build() result copied into v (a list of block tables as the prelude's
 * constructors make them) and, only when every block is valid, appends them to doc with
 * `source` (the plugin's display path) as their source. Each problem is an error in diag
 * against file `source`: "build() result [3].rows[2][1]: expected ...". false if any. */
bool folio_blocks_add(folio_doc *doc, const folio_value *v, const char *source, folio_diag *diag);

#endif
