/* The Lua sandbox (TECH-NOTES §9, hardened variant). The standard libraries are opened in
 * the host state; a plugin sees only a fresh _ENV with copies of the allowed functions, so
 * nothing it does reaches the host's tables. The holes of Lua 5.4.4 closed here: xpcall
 * handlers run with hooks off when the error came from a hook (gated); finalizers run with
 * hooks off (__gc refused); coroutine.wrap closes a coroutine the hook stopped with hooks
 * still off (wrapped, see wrap_resume); coroutine.close nests unboundedly (not offered); and
 * C loops cannot be interrupted (costly patterns, plain searches and impossible table
 * lengths refused, see pattern_degree, sb_pattern and sb_table_guard). */
#include "lua/sandbox.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "core/limits.h"
#include "core/util.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcomment" /* embedded.h's first line holds a slash-star */
#include "lua/embedded.h"
#pragma GCC diagnostic pop

#define MAX_TRACEBACK 8      /* plugin frames shown under an error */
#define ENV_FIELDS 40        /* names in a plugin's _ENV once the prelude has run (36), sized once */
#define RANDOM_SEED 0x464f4c /* math.random is seeded the same way every run: reproducible output */

struct folio_sandbox {
    lua_State *L;
    char *name;           /* the plugin's name in limit messages */
    size_t used, cap;     /* bytes held by the state, and the cap */
    bool refused;         /* the system (not the cap) refused an allocation */
    long long count, max; /* instructions run in this state (by hook periods), and the budget */
    double seconds, deadline;
    folio_sandbox_kill killed;
    int kill_line;
    char kill_msg[256];
    int env_ref; /* the plugin _ENV, in the registry */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counting allocator: refuses to grow past the cap, never fails a shrink. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    folio_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > sb->cap - sb->used) {
        sb->refused = false; /* the last refusal names the limit */
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) {
        sb->refused |= nsize > old;
        return nsize <= old ? ptr : NULL;
    }
    sb->used = sb->used - old + nsize;
    return p;
}

folio_sandbox *folio_sandbox_of(lua_State *L)
{
    return *(folio_sandbox **)lua_getextraspace(L);
}

void folio_sandbox_restart_clock(folio_sandbox *sb)
{
    if (sb)
        sb->deadline = now() + sb->seconds;
}

lua_State *folio_sandbox_state(folio_sandbox *sb)
{
    return sb->L;
}

folio_sandbox_kill folio_sandbox_killed(const folio_sandbox *sb)
{
    return sb->killed;
}

const char *folio_sandbox_kill_message(const folio_sandbox *sb)
{
    return sb->kill_msg;
}

int folio_sandbox_kill_line(const folio_sandbox *sb)
{
    return sb->kill_line;
}

/* ---- limits ---- */

/* The first line of a plugin file on the stack of L (level 0 up), or 0. */
static int plugin_line(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; level < 64 && lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && ar.source[0] == '@' && ar.currentline > 0)
            return ar.currentline;
    return 0;
}

/* Marks the sandbox as stopped; from now on every instruction raises (see hook). */
static void stop(folio_sandbox *sb, lua_State *L, folio_sandbox_kill why)
{
    if (sb->killed)
        return;
    sb->killed = why;
    sb->kill_line = L ? plugin_line(L) : 0;
    char amount[64];
    switch (why) {
    case FOLIO_KILL_INSTRUCTIONS:
        snprintf(sb->kill_msg, sizeof sb->kill_msg, "%s: exceeded the instruction limit of %lld", sb->name,
                 sb->max);
        break;
    case FOLIO_KILL_MEMORY:
        folio_limits_format_memory(sb->cap, amount, sizeof amount);
        if (sb->refused) /* the machine ran out, not the plugin's allowance */
            snprintf(sb->kill_msg, sizeof sb->kill_msg, "%s: out of memory", sb->name);
        else
            snprintf(sb->kill_msg, sizeof sb->kill_msg, "%s: exceeded the memory limit of %s", sb->name,
                     amount);
        break;
    case FOLIO_KILL_TIME:
        snprintf(sb->kill_msg, sizeof sb->kill_msg, "%s: exceeded the time limit of %g s", sb->name,
                 sb->seconds);
        break;
    case FOLIO_KILL_NONE: break;
    }
}

static int raise_kill(lua_State *L)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    lua_pushstring(L, sb->kill_msg); /* may itself fail for memory: an error all the same */
    return lua_error(L);
}

/* The count hook: spends the budget and watches the clock. Once the sandbox is stopped it
 * re-arms itself on every instruction of whichever coroutine runs, so no pcall, loop or
 * coroutine can keep going. Hook and budget are shared by all coroutines (extra space). */
static void hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    folio_sandbox *sb = folio_sandbox_of(L);
    if (!sb->killed) {
        sb->count += FOLIO_LUA_HOOK_PERIOD;
        if (sb->count > sb->max)
            stop(sb, L, FOLIO_KILL_INSTRUCTIONS);
        else if (now() > sb->deadline)
            stop(sb, L, FOLIO_KILL_TIME);
        else
            return;
    }
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    raise_kill(L);
}

/* Charges instructions that the hook cannot see (a new coroutine starts its own count). */
static void charge(lua_State *L, long long n)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    sb->count += n;
    if (!sb->killed && sb->count > sb->max)
        stop(sb, L, FOLIO_KILL_INSTRUCTIONS);
    if (sb->killed)
        raise_kill(L);
}

/* True when the error at the top is Lua running out of memory (the cap), whichever way it
 * came: a status, or the message handed on by a coroutine. */
static bool memory_error(lua_State *L, int status)
{
    if (status == LUA_ERRMEM)
        return true;
    return lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "not enough memory") == 0;
}

/* ---- memory held in C for a plugin ---- */

void folio_sandbox_charge(lua_State *L, size_t bytes)
{
    void *ud;
    if (lua_getallocf(L, &ud) != sb_alloc)
        return; /* not a sandbox's state */
    folio_sandbox *sb = ud;
    if (bytes > sb->cap - sb->used) {
        lua_gc(L, LUA_GCCOLLECT); /* garbage holding such memory gives it back */
        if (bytes > sb->cap - sb->used) {
            stop(sb, L, FOLIO_KILL_MEMORY);
            raise_kill(L);
        }
    }
    sb->used += bytes;
}

void folio_sandbox_release(lua_State *L, size_t bytes)
{
    void *ud;
    if (lua_getallocf(L, &ud) != sb_alloc)
        return;
    folio_sandbox *sb = ud;
    sb->used -= bytes < sb->used ? bytes : sb->used;
}

/* ---- wrapped base functions ---- */

/* Ends pcall and xpcall (also after a yield): an error from a stopped sandbox goes on up. */
static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    if (status != LUA_OK && status != LUA_YIELD) {
        if (memory_error(L, status))
            stop(sb, L, FOLIO_KILL_MEMORY);
        if (sb->killed)
            return raise_kill(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2; /* false, message */
    }
    if (sb->killed)
        return raise_kill(L);
    return lua_gettop(L) - (int)extra; /* true, results */
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1); /* f args... true */
    lua_insert(L, 1);      /* true f args... */
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

/* The message handler given to xpcall: when the sandbox is stopped the error was raised by
 * the hook, and Lua runs handlers of such errors with hooks off, so the plugin's handler
 * would run unbounded. It is skipped and the error handed on as it is. */
static int xpcall_gate(lua_State *L)
{
    if (folio_sandbox_of(L)->killed)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1)); /* err handler */
    lua_insert(L, 1);                      /* handler err */
    lua_call(L, lua_gettop(L) - 1, 1);     /* result */
    return 1;
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);                 /* f h args... h */
    lua_pushcclosure(L, xpcall_gate, 1); /* f h args... gate */
    lua_replace(L, 2);                   /* f gate args... */
    lua_pushboolean(L, 1);               /* f gate args... true */
    lua_pushvalue(L, 1);                 /* f gate args... true f */
    lua_rotate(L, 3, 2);                 /* f gate true f args... */
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

/* setmetatable that refuses __gc: finalizers run with hooks off, out of the budget's reach. */
static int sb_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in plugins");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1)); /* t mt setmetatable */
    lua_insert(L, 1);                      /* setmetatable t mt */
    lua_call(L, lua_gettop(L) - 1, 1);     /* t */
    return 1;
}

/* coroutine.create (and so coroutine.wrap): charge a hook period, since a new coroutine
 * starts its hook count afresh and a swarm of short ones would otherwise run uncounted. */
static int sb_coroutine_new(lua_State *L)
{
    charge(L, FOLIO_LUA_HOOK_PERIOD);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* coroutine.resume: like pcall, it must not swallow a stopped sandbox or the memory cap. */
static int sb_coroutine_resume(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET); /* ok results... */
    folio_sandbox *sb = folio_sandbox_of(L);
    if (!lua_toboolean(L, 1) && lua_gettop(L) >= 2) {
        lua_pushvalue(L, 2);
        if (memory_error(L, LUA_OK))
            stop(sb, L, FOLIO_KILL_MEMORY);
        lua_pop(L, 1);
    }
    if (sb->killed)
        return raise_kill(L);
    return lua_gettop(L);
}

/* The function coroutine.wrap returns (upvalue: the coroutine). Lua's own closes a failed
 * coroutine's to-be-closed variables at once, but when the hook stopped it, that thread still
 * has hooks off, so a looping __close would run unbounded: here a stopped sandbox's error goes
 * on up and the dead thread is left as it is (nothing ever runs in it again). */
static int wrap_resume(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    folio_sandbox *sb = folio_sandbox_of(L);
    int narg = lua_gettop(L), nres;
    if (!lua_checkstack(co, narg))
        return luaL_error(L, "too many arguments to resume");
    lua_xmove(L, co, narg);
    int status = lua_resume(co, L, narg, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, nres); /* results */
        if (sb->killed)
            return raise_kill(L);
        return nres;
    }
    lua_xmove(co, L, 1); /* error object */
    if (memory_error(L, status))
        stop(sb, L, FOLIO_KILL_MEMORY);
    if (sb->killed)
        return raise_kill(L);
    if (lua_resetthread(co) != LUA_OK) { /* its __close handlers ran (hooked) and one failed */
        lua_pop(L, 1);
        lua_xmove(co, L, 1);
    }
    if (sb->killed)
        return raise_kill(L);
    return lua_error(L);
}

/* coroutine.wrap: a coroutine made by the (charging) coroutine.create, resumed by wrap_resume
 * (upvalue: create). */
static int sb_coroutine_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1)); /* f create */
    lua_insert(L, 1);                      /* create f */
    lua_call(L, 1, 1);                     /* co */
    lua_pushcclosure(L, wrap_resume, 1);
    return 1;
}

/* collectgarbage: only "count" (the kilobytes in use, as Lua's own gives it); stopping or
 * driving the collector is not for plugins. */
static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L,
                          "blocked: collectgarbage(\"%s\") is not available to plugins; only "
                          "collectgarbage(\"count\") is",
                          opt);
    int kb = lua_gc(L, LUA_GCCOUNT), rest = lua_gc(L, LUA_GCCOUNTB);
    lua_pushnumber(L, (lua_Number)kb + (lua_Number)rest / 1024);
    return 1;
}

/* table.insert, table.remove and table.move loop in C, out of the hook's reach, over as
 * many elements as # or the range says; a table with a few keys can claim a length of 2^40.
 * They refuse a count that could not be real: more elements than the memory cap could hold
 * (16 bytes each). Upvalues: the library function and its name. */
static int sb_table_guard(lua_State *L)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    const char *fname = lua_tostring(L, lua_upvalueindex(2));
    lua_Unsigned count = 0;
    if (strcmp(fname, "move") == 0) {
        lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
        count = e >= f ? (lua_Unsigned)e - (lua_Unsigned)f + 1u : 0u;
    } else if (strcmp(fname, "remove") == 0 || lua_gettop(L) >= 3) {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_Integer n = luaL_len(L, 1);
        count = n > 0 ? (lua_Unsigned)n : 0u;
    }
    if (count > sb->cap / 16) {
        char msg[200];
        snprintf(msg, sizeof msg, "table.%s: %llu elements is more than a plugin's memory can hold", fname,
                 (unsigned long long)count);
        return luaL_error(L, "%s", msg);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* print: to stderr, prefixed with the plugin's name, so it never mixes with a PDF on stdout. */
static int sb_print(lua_State *L)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, sb->name);
    luaL_addstring(&b, ": ");
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL); /* ... buffer s */
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    return 0;
}

/* A removed function: calling it raises "blocked: NAME is not available to plugins". */
static int blocked(lua_State *L)
{
    return luaL_error(L, "blocked: %s is not available to plugins", lua_tostring(L, lua_upvalueindex(1)));
}

/* __index and __newindex of a removed library (io, debug, package): any use raises. */
static int blocked_field(lua_State *L)
{
    const char *lib = lua_tostring(L, lua_upvalueindex(1));
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "blocked: %s.%s is not available to plugins", lib, lua_tostring(L, 2));
    return luaL_error(L, "blocked: %s is not available to plugins", lib);
}

/* __index of the plugin _ENV: reading a name nobody defined is a mistake, not a nil. */
static int undefined_global(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "undefined global \"%s\"", lua_tostring(L, 2));
    return luaL_error(L, "undefined global (a %s key)", luaL_typename(L, 2));
}

/* ---- patterns ----
 * Lua's matcher backtracks and cannot be interrupted by the hook: "a-a-a-a-b" on 200 bytes
 * runs for about 24 s. Its worst case grows like C(n, j): j counts the repetitions that
 * nest (see pattern_degree), plus one for the start positions when not anchored by '^'. The
 * wrappers refuse a call whose estimate passes FOLIO_LUA_PATTERN_STEPS (measured: 0.7 to
 * 1.5 x 10^8 steps a second, so 1.5 to 3 s at the very worst; the hook's deadline applies
 * again after the call). Typical uses pass on text of up to tens of megabytes: splitting
 * with "[^,]+", "%s+" runs; trimming with "^%s*(.-)%s*$" up to 20 KB, an e-mail address
 * "[%w.]+@[%w.]+%.%a+" up to 20 KB; longer text is to be matched in pieces (lines, words).
 * Without nesting a pattern still tries each of its items at every position (60 literal
 * characters on 10 MB of "a": 2.2 s), and a plain find compares up to (n - m + 1) x m bytes
 * (1 MB sought in 2 MB: 21 s): both are estimated and refused in the same way. */

/* Returns the index just past the set that starts at p[i] == '['. */
static size_t skip_set(const char *p, size_t n, size_t i)
{
    i++;
    if (i < n && p[i] == '^')
        i++;
    do { /* the first character is always part of the set, even ']' */
        if (i < n && p[i] == '%')
            i++;
        i++;
    } while (i < n && p[i] != ']');
    return i + 1;
}

/* Whether character c is in the %-class letter cl (as Lua reads %a, %d, ...). */
static bool in_class(int c, int cl)
{
    bool r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    default: return cl == c;
    }
    return isupper(cl) ? !r : r;
}

/* Whether the single-character class p[i..end) ('.', "%a", "[set]", a literal) matches c. */
static bool class_matches(const char *p, size_t i, size_t end, int c)
{
    if (p[i] == '.')
        return true;
    if (p[i] == '%')
        return i + 1 < end && in_class(c, (unsigned char)p[i + 1]);
    if (p[i] != '[')
        return (unsigned char)p[i] == c;
    size_t j = i + 1;
    bool negate = j < end && p[j] == '^', found = false;
    if (negate)
        j++;
    size_t close = end - 1; /* p[close] == ']' */
    while (j < close) {
        if (p[j] == '%' && j + 1 < close) {
            found |= in_class(c, (unsigned char)p[j + 1]);
            j += 2;
        } else if (j + 2 < close && p[j + 1] == '-') {
            found |= (unsigned char)p[j] <= c && c <= (unsigned char)p[j + 2];
            j += 3;
        } else {
            found |= (unsigned char)p[j] == c;
            j++;
        }
    }
    return negate ? !found : found;
}

/* One item of a pattern: a single-character class with its quantifier, or something else. */
typedef struct pat_item {
    size_t start, end; /* the class p[start..end) */
    char quant;        /* '*', '+', '-', '?' or 0 */
    int literal;       /* the character a literal item matches, else -1 */
    bool balance;      /* %bxy: scans like a repetition */
    bool end_anchor;   /* a final '$' */
    bool any;          /* the class is '.' */
} pat_item;

static bool zero_width_ok(const pat_item *it)
{
    return it->quant == '*' || it->quant == '-' || it->quant == '?';
}

/* Whether items[from..n) match at any position: all may match empty and, before a final '$',
 * one of them is ".*" or ".-" and can stretch to the end. */
static bool always_succeeds(const pat_item *items, size_t from, size_t n)
{
    bool has_end = n > 0 && items[n - 1].end_anchor, stretch = false;
    for (size_t i = from; i < n - (has_end ? 1 : 0); i++) {
        if (!zero_width_ok(&items[i]) || items[i].balance)
            return false;
        stretch |= items[i].any && items[i].quant != '?';
    }
    return !has_end || stretch;
}

/* The degree of a pattern's worst-case backtracking: how many repetitions (*, +, -, %b) may
 * each try many lengths with more of the pattern tried after each. A repetition counts once
 * (a scan) when only one of its lengths can go on: what follows is a literal its class cannot
 * match, or the end '$', or always succeeds; a repetition that ends the pattern costs a scan
 * on the way to success. Matching costs about C(n, degree + 1 unless anchored) steps. */
static int pattern_degree(const char *p, size_t n, bool *anchored, size_t *nitems, size_t *widest)
{
    pat_item items[64];
    size_t ni = 0, i = 0;
    *nitems = 0;
    *widest = 1;
    *anchored = n > 0 && p[0] == '^';
    if (*anchored)
        i = 1;
    while (i < n) {
        pat_item it = {.start = i, .literal = -1};
        char c = p[i];
        if (c == '(' || c == ')') {
            i++;
            continue;
        }
        if (c == '%' && i + 1 < n && p[i + 1] == 'b') {
            i += 4;
            it.balance = true;
        } else if (c == '%' && i + 1 < n && p[i + 1] == 'f') {
            i = i + 2 < n && p[i + 2] == '[' ? skip_set(p, n, i + 2) : i + 2;
        } else if (c == '$' && i + 1 == n) {
            i++;
            it.end_anchor = true;
        } else {
            if (c == '%') {
                i += 2;
                if (i <= n && !isalnum((unsigned char)p[i - 1]))
                    it.literal = (unsigned char)p[i - 1];
            } else if (c == '[') {
                i = skip_set(p, n, i);
            } else {
                i++;
                it.any = c == '.';
                if (c != '.')
                    it.literal = (unsigned char)c;
            }
            if (i > n)
                i = n;
            it.end = i;
            if (i < n && strchr("*+-?", p[i]))
                it.quant = p[i++];
        }
        if (ni == sizeof items / sizeof items[0])
            return 64; /* too long to judge: treat as costly */
        if (it.end > it.start && it.end - it.start > *widest)
            *widest = it.end - it.start;
        items[ni++] = it;
    }
    *nitems = ni;
    int d = 0;
    for (size_t j = ni; j-- > 0;) {
        const pat_item *a = &items[j];
        if (!a->balance && (!a->quant || a->quant == '?'))
            continue;
        if (j + 1 == ni)
            continue; /* ends the pattern */
        const pat_item *b = &items[j + 1];
        bool forced =
            b->end_anchor || (!a->balance && b->literal >= 0 && (b->quant == 0 || b->quant == '+') &&
                              !class_matches(p, a->start, a->end, b->literal));
        if (forced || always_succeeds(items, j + 1, ni))
            d = d > 1 ? d : 1;
        else
            d++;
    }
    return d;
}

/* Estimated worst-case steps on n bytes: C(n, j), j = degree (+1 when not anchored); with no
 * nesting, every item tried at every start position. A step over a set costs in proportion to
 * the set's length (Lua scans it), so a long set counts for more. */
static double pattern_steps(int k, bool anchored, size_t n, size_t nitems, size_t widest)
{
    double steps = 1;
    if (k == 0) {
        steps = anchored ? (double)nitems + (double)n : ((double)nitems + 1) * (double)n;
    } else {
        int j = k + (anchored ? 0 : 1);
        for (int t = 0; t < j && steps <= FOLIO_LUA_PATTERN_STEPS * 2; t++)
            steps = steps * ((double)n + 1 - t) / (t + 1);
    }
    return widest > 32 ? steps * (double)widest / 32 : steps;
}

/* Whether Lua's find would search for the pattern as plain text (no magic characters). */
static bool no_specials(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] && strchr("^$*+?.([%-", p[i]))
            return false;
    return true;
}

/* string.find, match, gmatch, gsub: refuse a pattern that could backtrack for too long, and a
 * plain search whose byte comparisons, (n - m + 1) x m for m bytes sought in n, could take
 * too long; then call the library function (upvalue 1; its name is upvalue 2). */
static int sb_pattern(lua_State *L)
{
    const char *fname = lua_tostring(L, lua_upvalueindex(2));
    size_t n, plen;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &plen);
    bool find = strcmp(fname, "find") == 0;
    if (find && (lua_toboolean(L, 4) || no_specials(p, plen))) {
        double bytes = plen <= n ? (double)(n - plen + 1) * (double)plen : 0;
        if (bytes > FOLIO_LUA_FIND_BYTES) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "string.find: looking for %zu bytes of text in %zu bytes could take too long; "
                     "search shorter pieces of text or for a shorter text",
                     plen, n);
            return luaL_error(L, "%s", msg);
        }
    } else {
        bool anchored;
        size_t nitems, widest;
        int k = pattern_degree(p, plen, &anchored, &nitems, &widest);
        if (strcmp(fname, "gmatch") == 0)
            anchored = false; /* '^' does not anchor gmatch */
        if (pattern_steps(k, anchored, n, nitems, widest) > FOLIO_LUA_PATTERN_STEPS) {
            char msg[300];
            if (k > 0)
                snprintf(msg, sizeof msg,
                         "string.%s: the pattern \"%.40s\" could backtrack for too long on %zu bytes "
                         "(%d nested repetitions); match shorter pieces of text "
                         "or use a simpler pattern",
                         fname, p, n, k);
            else
                snprintf(msg, sizeof msg,
                         "string.%s: the pattern \"%.40s\" could take too long on %zu bytes; match "
                         "shorter pieces of text or use a simpler pattern",
                         fname, p, n);
            return luaL_error(L, "%s", msg);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* ---- building the state ---- */

/* env[field] = a function raising "blocked: NAME ...". */
static void set_blocked(lua_State *L, int t, const char *field, const char *name)
{
    lua_pushstring(L, name);
    lua_pushcclosure(L, blocked, 1);
    lua_setfield(L, t, field);
}

/* env[lib] = a table whose every use raises "blocked: lib.x ...". */
static void set_blocked_lib(lua_State *L, int env, const char *lib)
{
    lua_newtable(L);          /* ... t */
    lua_createtable(L, 0, 3); /* ... t mt */
    lua_pushstring(L, lib);
    lua_pushcclosure(L, blocked_field, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);   /* ... t */
    lua_setfield(L, env, lib); /* ... */
}

/* Pushes a copy of the host library `lib` without the fields in `drop` (each replaced by a
 * blocked stub). */
static void push_lib_copy(lua_State *L, const char *lib, const char *const *drop)
{
    lua_getglobal(L, lib); /* ... lib */
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* ... lib k v */
        lua_pop(L, 1);
        n++;
    }
    lua_createtable(L, 0, n + 1); /* ... lib copy (sized once: no rehash while filling) */
    lua_insert(L, -2);            /* ... copy lib */
    int copy = lua_gettop(L) - 1;
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* ... copy lib k v */
        lua_pushvalue(L, -2); /* ... copy lib k v k */
        lua_insert(L, -2);    /* ... copy lib k k v */
        lua_rawset(L, copy);  /* ... copy lib k */
    }
    lua_pop(L, 1); /* ... copy */
    for (; drop && *drop; drop++) {
        char name[64];
        snprintf(name, sizeof name, "%s.%s", lib, *drop);
        set_blocked(L, copy, *drop, name);
    }
}

/* Replaces copy[field] (copy at index t) by a closure of fn over the original (and `extra`
 * as a second upvalue when not NULL). */
static void wrap_field(lua_State *L, int t, const char *field, lua_CFunction fn, const char *extra)
{
    lua_getfield(L, t, field);
    int nup = 1;
    if (extra) {
        lua_pushstring(L, extra);
        nup = 2;
    }
    lua_pushcclosure(L, fn, nup);
    lua_setfield(L, t, field);
}

static int setup(lua_State *L)
{
    folio_sandbox *sb = lua_touserdata(L, 1);
    static const struct {
        const char *name;
        lua_CFunction open;
    } libs[] = {{LUA_GNAME, luaopen_base},       {LUA_COLIBNAME, luaopen_coroutine},
                {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
                {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
                {LUA_OSLIBNAME, luaopen_os}};
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 1);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "math"); /* a fixed seed: the same random numbers every run */
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, RANDOM_SEED);
    lua_call(L, 1, 0);
    lua_pop(L, 1);

    lua_createtable(L, 0, ENV_FIELDS); /* env */
    int env = lua_gettop(L);
    static const char *const base[] = {"assert",   "error",        "ipairs",   "next",     "pairs",  "select",
                                       "tonumber", "tostring",     "type",     "rawequal", "rawget", "rawset",
                                       "rawlen",   "getmetatable", "_VERSION", NULL};
    for (const char *const *b = base; *b; b++) {
        lua_getglobal(L, *b);
        lua_setfield(L, env, *b);
    }
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setfield(L, env, "setmetatable");
    lua_pushcfunction(L, sb_pcall);
    lua_setfield(L, env, "pcall");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, env, "xpcall");
    lua_pushcfunction(L, sb_print);
    lua_setfield(L, env, "print");
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_pushcfunction(L, sb_collectgarbage);
    lua_setfield(L, env, "collectgarbage");
    static const char *const gone[] = {"require", "load", "loadfile", "dofile", NULL};
    for (const char *const *g = gone; *g; g++)
        set_blocked(L, env, *g, *g);
    set_blocked_lib(L, env, "io");
    set_blocked_lib(L, env, "debug");
    set_blocked_lib(L, env, "package");

    static const char *const string_drop[] = {"dump", NULL};
    push_lib_copy(L, "string", string_drop); /* env string */
    int str = lua_gettop(L);
    wrap_field(L, str, "find", sb_pattern, "find");
    wrap_field(L, str, "match", sb_pattern, "match");
    wrap_field(L, str, "gmatch", sb_pattern, "gmatch");
    wrap_field(L, str, "gsub", sb_pattern, "gsub");
    lua_pushliteral(L, "");  /* env string "" */
    lua_getmetatable(L, -1); /* env string "" mt */
    lua_pushvalue(L, str);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);                  /* env string */
    lua_setfield(L, env, "string"); /* env */

    push_lib_copy(L, "table", NULL); /* env table */
    wrap_field(L, lua_gettop(L), "insert", sb_table_guard, "insert");
    wrap_field(L, lua_gettop(L), "remove", sb_table_guard, "remove");
    wrap_field(L, lua_gettop(L), "move", sb_table_guard, "move");
    lua_setfield(L, env, "table");
    push_lib_copy(L, "utf8", NULL);
    lua_setfield(L, env, "utf8");
    static const char *const math_drop[] = {"randomseed", NULL};
    push_lib_copy(L, "math", math_drop);
    lua_setfield(L, env, "math");
    static const char *const co_drop[] = {"close", NULL};
    push_lib_copy(L, "coroutine", co_drop); /* env co */
    wrap_field(L, lua_gettop(L), "create", sb_coroutine_new, NULL);
    wrap_field(L, lua_gettop(L), "resume", sb_coroutine_resume, NULL);
    lua_getfield(L, -1, "create"); /* env co create (the charging one) */
    lua_pushcclosure(L, sb_coroutine_wrap, 1);
    lua_setfield(L, -2, "wrap");
    lua_setfield(L, env, "coroutine");

    lua_createtable(L, 0, 12); /* env os */
    static const char *const os_keep[] = {"clock", "date", "difftime", "time", NULL};
    lua_getglobal(L, "os"); /* env os hostos */
    for (const char *const *k = os_keep; *k; k++) {
        lua_getfield(L, -1, *k);
        lua_setfield(L, -3, *k);
    }
    lua_pop(L, 1); /* env os */
    static const char *const os_drop[] = {"execute", "exit",    "getenv",    "remove",
                                          "rename",  "tmpname", "setlocale", NULL};
    for (const char *const *d = os_drop; *d; d++) {
        char name[32];
        snprintf(name, sizeof name, "os.%s", *d);
        set_blocked(L, lua_gettop(L), *d, name);
    }
    lua_setfield(L, env, "os");

    lua_createtable(L, 0, 2); /* env mt */
    lua_pushcfunction(L, undefined_global);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

folio_sandbox *folio_sandbox_create(const char *name, const folio_limits *limits, char *err, size_t errlen)
{
    folio_sandbox *sb = xcalloc(1, sizeof *sb);
    sb->name = xstrdup(name ? name : "plugin");
    folio_limits lim = folio_limits_merge(folio_limits_default(), limits ? *limits : (folio_limits){0});
    sb->cap = lim.memory;
    sb->max = lim.instructions;
    sb->seconds = lim.seconds;
    sb->L = lua_newstate(sb_alloc, sb);
    if (!sb->L) {
        stop(sb, NULL, FOLIO_KILL_MEMORY);
        snprintf(err, errlen, "%s", sb->kill_msg);
        free(sb->name);
        free(sb);
        return NULL;
    }
    *(folio_sandbox **)lua_getextraspace(sb->L) = sb;
    sb->deadline = now() + sb->seconds; /* the budget is for the whole run of the state */
    lua_pushcfunction(sb->L, setup);
    lua_pushlightuserdata(sb->L, sb);
    int status = lua_pcall(sb->L, 1, 0, 0);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM)
            stop(sb, NULL, FOLIO_KILL_MEMORY);
        snprintf(err, errlen, "%s", status == LUA_ERRMEM ? sb->kill_msg : lua_tostring(sb->L, -1));
        folio_sandbox_free(sb);
        return NULL;
    }
    return sb;
}

void folio_sandbox_free(folio_sandbox *sb)
{
    if (!sb)
        return;
    if (sb->L)
        lua_close(sb->L);
    free(sb->name);
    free(sb);
}

/* Loads a chunk in `mode` ("t" text, "b" the engine's own bytecode) with the plugin _ENV as its
 * first upvalue. */
static int load_chunk(folio_sandbox *sb, const char *text, size_t len, const char *chunkname,
                      const char *mode)
{
    lua_State *L = sb->L;
    if (!lua_checkstack(L, 2))
        return LUA_ERRMEM;
    int status = luaL_loadbufferx(L, text, len, chunkname, mode); /* f | message */
    if (status == LUA_ERRMEM)
        stop(sb, NULL, FOLIO_KILL_MEMORY);
    if (status != LUA_OK)
        return status;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref); /* f env */
    if (!lua_setupvalue(L, -2, 1))                  /* f */
        lua_pop(L, 1);
    return LUA_OK;
}

int folio_sandbox_load(folio_sandbox *sb, const char *text, size_t len, const char *chunkname)
{
    return load_chunk(sb, text, len, chunkname, "t");
}

/* Whether a message starts with a location "chunk:N: " (on its first line). */
static bool has_location(const char *msg)
{
    for (const char *p = msg; *p && *p != '\n'; p++) {
        if (*p != ':' || p == msg)
            continue;
        const char *q = p + 1;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q > p + 1 && q[0] == ':' && q[1] == ' ')
            return true;
    }
    return false;
}

/* The message handler of folio_sandbox_call: the message plus the frames of plugin files
 * (chunks named "@..."), innermost first. Frames of the prelude and of C are left out. */
static int traceback(lua_State *L)
{
    folio_sandbox *sb = folio_sandbox_of(L);
    if (sb->killed) {
        lua_pushstring(L, sb->kill_msg);
        return 1;
    }
    const char *msg;
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
        msg = lua_tostring(L, 1);
    else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    char tb[1024] = "", where[300] = "";
    size_t used = 0;
    int shown = 0;
    lua_Debug ar;
    for (int level = 1; shown < MAX_TRACEBACK && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sln", &ar) || ar.source[0] != '@' || ar.currentline <= 0)
            continue;
        char what[160];
        if (ar.namewhat && *ar.namewhat && ar.name)
            snprintf(what, sizeof what, "%s '%s'", ar.namewhat, ar.name);
        else if (ar.what && strcmp(ar.what, "main") == 0)
            snprintf(what, sizeof what, "main chunk");
        else
            snprintf(what, sizeof what, "function <%s:%d>", ar.short_src, ar.linedefined);
        int w = snprintf(tb + used, sizeof tb - used, "\n  %s:%d: in %s", ar.short_src, ar.currentline, what);
        if (w < 0 || (size_t)w >= sizeof tb - used)
            break;
        used += (size_t)w;
        if (!shown++)
            snprintf(where, sizeof where, "%s:%d: ", ar.short_src, ar.currentline);
    }
    /* An error raised by a C function that a wrapper called has no location: the innermost
     * plugin frame gives it one. */
    if (has_location(msg))
        where[0] = '\0';
    if (shown > 1) /* one frame only repeats the message's own location */
        lua_pushfstring(L, "%s%s\nstack traceback:%s", where, msg, tb);
    else
        lua_pushfstring(L, "%s%s", where, msg);
    return 1;
}

int folio_sandbox_call(folio_sandbox *sb, int nargs, int nresults)
{
    lua_State *L = sb->L;
    if (!lua_checkstack(L, 2))
        return LUA_ERRMEM;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    if (!sb->killed)
        lua_sethook(L, hook, LUA_MASKCOUNT, FOLIO_LUA_HOOK_PERIOD);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status == LUA_ERRMEM)
        stop(sb, NULL, FOLIO_KILL_MEMORY);
    if (status == LUA_OK && sb->killed) { /* cannot happen, but never let it pass */
        lua_settop(L, base - 1);
        lua_pushnil(L); /* the message is sb->kill_msg; nothing here may allocate */
        status = LUA_ERRRUN;
    }
    return status;
}

int folio_sandbox_load_file(folio_sandbox *sb, const char *text, size_t len, const char *chunkname)
{
    const unsigned char *code;
    size_t code_len;
    if (folio_chunk_find(chunkname, text, len, &code, &code_len)) {
        int status = load_chunk(sb, (const char *)code, code_len, chunkname, "b"); /* host-made bytes */
        if (status == LUA_OK || sb->killed)
            return status;
        lua_pop(sb->L, 1); /* cannot happen (the code is this Lua's): the text is loaded instead */
    }
    int status = load_chunk(sb, text, len, chunkname, "t");
    if (status == LUA_OK)
        folio_chunk_keep(sb->L, chunkname, text, len);
    return status;
}

/* The prelude is loaded from the bytecode made of it at build time (cmake/embed_lua.c, with its
 * debug information, so messages still say "prelude:LINE"), or else compiled once per process. */
bool folio_sandbox_run_prelude(folio_sandbox *sb, char *err, size_t errlen)
{
    const folio_embedded_file *f = folio_embedded;
    while (f->name && strcmp(f->name, "prelude.lua") != 0)
        f++;
    if (!f->name) {
        snprintf(err, errlen, "the prelude is not built into this folio");
        return false;
    }
    lua_State *L = sb->L;
    int status = folio_sandbox_load_file(sb, f->text, f->len, "=prelude");
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 0);
    if (status != LUA_OK) {
        if (sb->killed)
            snprintf(err, errlen, "%s", sb->kill_msg);
        else
            snprintf(err, errlen, "%s: prelude: %s", sb->name,
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "not enough memory");
        lua_pop(L, 1);
        return false;
    }
    return true;
}

void folio_sandbox_report_error(folio_diag *diag, folio_sandbox *sb, const char *display)
{
    lua_State *L = folio_sandbox_state(sb);
    if (folio_sandbox_killed(sb)) {
        folio_diag_add(diag, FOLIO_ERROR, display, folio_sandbox_kill_line(sb), 0, "%s",
                       folio_sandbox_kill_message(sb));
        lua_pop(L, 1);
        return;
    }
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object is not a string)";
    /* the first ":<digits>: " of the first line ends the location */
    const char *eol = strchr(msg, '\n');
    if (!eol)
        eol = msg + strlen(msg);
    for (const char *p = msg; p < eol; p++) {
        if (*p != ':' || p == msg)
            continue;
        const char *q = p + 1;
        int line = 0;
        while (q < eol && *q >= '0' && *q <= '9' && line < 100000000)
            line = line * 10 + (*q++ - '0');
        if (q == p + 1 || q + 1 >= eol || q[0] != ':' || q[1] != ' ')
            continue;
        char file[1024];
        snprintf(file, sizeof file, "%.*s", (int)(p - msg), msg);
        bool known = strncmp(file, "...", 3) != 0; /* Lua shortens long chunk names */
        folio_diag_add(diag, FOLIO_ERROR, known ? file : display, line, 0, "%s", q + 2);
        lua_pop(L, 1);
        return;
    }
    folio_diag_add(diag, FOLIO_ERROR, display, 0, 0, "%s", msg);
    lua_pop(L, 1);
}
