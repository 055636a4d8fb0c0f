/* Markdown prose to block tables, as the prelude's constructors make them: headings,
 * paragraphs with bold/italic/link spans, flat lists, quotes and images. Parsed with cmark. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <lauxlib.h>
#include <lua.h>

#include "core/util.h"
#include "doc/doc.h"
#include "lua/bindings.h"

#define MARKDOWN_MT "folio.markdown"
#define MAX_HEADING_LEVEL 3 /* deeper headings become level 3 */

enum { BOLD = 1, ITALIC = 2 };

/* cmark's own allocator calls abort() when memory runs out (found by the allocation-failure
 * sweep, tests/e2e/test_alloc_failure.sh); folio's ends the run cleanly instead. */
static void *md_calloc(size_t n, size_t size)
{
    return xcalloc(n, size);
}

static void *md_realloc(void *p, size_t n)
{
    return xrealloc(p, n);
}

static cmark_mem md_mem = {md_calloc, md_realloc, free};

/* A stretch of text in one style; a link's text also carries its URL. */
typedef struct run {
    unsigned style;
    char *url; /* owned; NULL unless a link */
    folio_buf text;
} run;

/* Everything C owns while a document is turned into Lua values. It lives in a userdata so
 * that a Lua error (the memory cap) frees it through __gc. */
typedef struct md {
    cmark_node *doc;
    cmark_iter *iter; /* the walk of the current list or quote */
    run *runs;        /* the TEXT being collected */
    size_t nruns, cap;
    const char *name; /* the file, for messages */
} md;

/* Inline styles in force during a walk of one block's inlines. */
typedef struct inline_state {
    int bold, italic, image;
    const char *url;
} inline_state;

static void clear_runs(md *m)
{
    for (size_t i = 0; i < m->nruns; i++) {
        free(m->runs[i].url);
        folio_buf_free(&m->runs[i].text);
    }
    m->nruns = 0;
}

static int md_gc(lua_State *L)
{
    md *m = luaL_checkudata(L, 1, MARKDOWN_MT);
    clear_runs(m);
    free(m->runs);
    m->runs = NULL;
    m->cap = 0;
    if (m->iter)
        cmark_iter_free(m->iter);
    m->iter = NULL;
    if (m->doc)
        cmark_node_free(m->doc);
    m->doc = NULL;
    return 0;
}

/* Appends text in a style, merging with the last run when the style is the same. */
static void add_text(md *m, unsigned style, const char *url, const char *s, size_t len)
{
    if (len == 0)
        return;
    run *last = m->nruns ? &m->runs[m->nruns - 1] : NULL;
    bool same = last && last->style == style &&
                ((!last->url && !url) || (last->url && url && strcmp(last->url, url) == 0));
    if (!same) {
        if (m->nruns == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 8;
            m->runs = xrealloc(m->runs, m->cap * sizeof *m->runs);
        }
        last = &m->runs[m->nruns++];
        *last = (run){.style = style, .url = url ? xstrdup(url) : NULL};
    }
    folio_buf_append(&last->text, s, len);
}

static void add_plain(md *m, const char *s)
{
    add_text(m, 0, NULL, s, strlen(s));
}

/* True when the runs hold something other than blanks. */
static bool has_text(const md *m)
{
    for (size_t i = 0; i < m->nruns; i++)
        for (size_t j = 0; j < m->runs[i].text.len; j++)
            if (!strchr(" \t\n", m->runs[i].text.data[j]))
                return true;
    return false;
}

static void add_inline(md *m, cmark_node *n, cmark_event_type ev, inline_state *st)
{
    bool enter = ev == CMARK_EVENT_ENTER;
    int step = enter ? 1 : -1;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_STRONG: st->bold += step; return;
    case CMARK_NODE_EMPH: st->italic += step; return;
    case CMARK_NODE_IMAGE: st->image += step; return; /* an image block of its own (add_images) */
    case CMARK_NODE_LINK: {
        const char *url = cmark_node_get_url(n);
        st->url = enter && url && *url ? url : NULL;
        return;
    }
    default: break;
    }
    if (!enter || st->image)
        return;
    unsigned style = (st->bold ? BOLD : 0) | (st->italic ? ITALIC : 0);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE: {
        const char *s = cmark_node_get_literal(n);
        if (s)
            add_text(m, style, st->url, s, strlen(s));
        break;
    }
    case CMARK_NODE_SOFTBREAK: add_text(m, style, st->url, " ", 1); break;
    case CMARK_NODE_LINEBREAK: add_text(m, style, st->url, "\n", 1); break;
    default: /* inline HTML is dropped */ break;
    }
}

/* Appends the inlines of a paragraph or heading to the runs. Calls no Lua. */
static void collect_inlines(md *m, cmark_node *block)
{
    inline_state st = {0};
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (n != block)
            add_inline(m, n, ev, &st);
    }
    cmark_iter_free(it);
}

/* Pushes the runs as a TEXT (a string when all plain, else a list of spans) and clears them.
 * Leading and trailing blanks of the whole text are trimmed. */
static void push_text(lua_State *L, md *m)
{
    size_t first = 0, last = m->nruns;
    while (first < last) { /* trim the front */
        folio_buf *b = &m->runs[first].text;
        size_t k = 0;
        while (k < b->len && strchr(" \t\n", b->data[k]))
            k++;
        memmove(b->data, b->data + k, b->len - k + 1);
        b->len -= k;
        if (b->len)
            break;
        first++;
    }
    while (last > first) { /* trim the back */
        folio_buf *b = &m->runs[last - 1].text;
        while (b->len && strchr(" \t\n", b->data[b->len - 1]))
            b->data[--b->len] = '\0';
        if (b->len)
            break;
        last--;
    }
    if (last - first <= 1 && (last == first || (!m->runs[first].style && !m->runs[first].url))) {
        lua_pushstring(L, last == first ? "" : m->runs[first].text.data); /* ... text */
    } else {
        lua_createtable(L, (int)(last - first), 0); /* ... spans */
        lua_Integer k = 0;
        for (size_t i = first; i < last; i++) {
            const run *r = &m->runs[i];
            if (!r->text.len)
                continue;
            if (!r->style && !r->url) {
                lua_pushlstring(L, r->text.data, r->text.len); /* ... spans s */
            } else {
                lua_createtable(L, 0, 3); /* ... spans span */
                lua_pushlstring(L, r->text.data, r->text.len);
                lua_setfield(L, -2, "text");
                if (r->style & BOLD) {
                    lua_pushboolean(L, 1);
                    lua_setfield(L, -2, "bold");
                }
                if (r->style & ITALIC) {
                    lua_pushboolean(L, 1);
                    lua_setfield(L, -2, "italic");
                }
                if (r->url) {
                    lua_pushstring(L, r->url);
                    lua_setfield(L, -2, "link");
                }
            }
            lua_rawseti(L, -2, ++k); /* ... spans */
        }
    }
    clear_runs(m);
}

static int unsupported(lua_State *L, const md *m, cmark_node *n)
{
    const char *what;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_CODE_BLOCK:
        what = "code blocks are not supported in report text (is a line indented by four spaces?)";
        break;
    case CMARK_NODE_THEMATIC_BREAK: what = "horizontal rules are not supported in report text"; break;
    default:
        what = lua_pushfstring(L, "unexpected Markdown element (%s)", cmark_node_get_type_string(n));
        break;
    }
    return luaL_error(L, "%s:%d: %s", m->name, cmark_node_get_start_line(n), what);
}

/* Appends the block table at the top to the list at `list` (absolute index). */
static void append(lua_State *L, int list)
{
    lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

/* Starts a block table {kind=KIND} at the top. */
static void new_block(lua_State *L, const char *kind, int nfields)
{
    lua_createtable(L, 0, nfields); /* ... block */
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
}

/* Pushes the item text collected so far, if any, onto the list at `items` (absolute). */
static void flush_item(lua_State *L, md *m, int items)
{
    if (has_text(m)) {
        push_text(L, m); /* ... items ... text */
        append(L, items);
    } else {
        clear_runs(m);
    }
}

/* Walks a quote: its paragraphs become one TEXT, a line each. */
static void walk_quote(lua_State *L, md *m, cmark_node *root)
{
    m->iter = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(m->iter)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(m->iter);
        if (n == root)
            continue;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
            if (has_text(m))
                add_plain(m, "\n");
            collect_inlines(m, n);
            cmark_iter_reset(m->iter, n, CMARK_EVENT_EXIT); /* its inlines are done */
            break;
        case CMARK_NODE_ITEM:
        case CMARK_NODE_LIST:
        case CMARK_NODE_BLOCK_QUOTE: break; /* their paragraphs come next */
        case CMARK_NODE_HTML_BLOCK: break;  /* dropped */
        default: unsupported(L, m, n); break;
        }
    }
    cmark_iter_free(m->iter);
    m->iter = NULL;
}

/* Pushes { kind = "list", ordered =, items = { TEXT, ..., { kind = "list", ... }, ... } } for
 * a list node: an item's paragraphs are joined into one TEXT, and a list inside an item
 * follows that item's text as a nested list. */
static void push_list(lua_State *L, md *m, cmark_node *list, int depth)
{
    if (depth >= FOLIO_LIST_DEPTH)
        luaL_error(L, "%s:%d: lists nest at most %d deep", m->name, cmark_node_get_start_line(list),
                   FOLIO_LIST_DEPTH);
    luaL_checkstack(L, 4, NULL);
    new_block(L, "list", 3); /* ... list */
    lua_pushboolean(L, cmark_node_get_list_type(list) == CMARK_ORDERED_LIST);
    lua_setfield(L, -2, "ordered");
    lua_newtable(L); /* ... list items */
    int items = lua_gettop(L);
    for (cmark_node *it = cmark_node_first_child(list); it; it = cmark_node_next(it)) {
        bool started = false; /* this item's text is in the list */
        for (cmark_node *n = cmark_node_first_child(it); n; n = cmark_node_next(n)) {
            switch (cmark_node_get_type(n)) {
            case CMARK_NODE_PARAGRAPH:
            case CMARK_NODE_HEADING:
                if (has_text(m))
                    add_plain(m, " ");
                collect_inlines(m, n);
                break;
            case CMARK_NODE_LIST:
                if (!has_text(m) && !started) { /* "- - a": the nested list follows an empty item */
                    lua_pushliteral(L, "");
                    append(L, items);
                }
                flush_item(L, m, items);
                started = true;
                push_list(L, m, n, depth + 1); /* ... list items sub */
                append(L, items);
                break;
            case CMARK_NODE_BLOCK_QUOTE:
                if (has_text(m))
                    add_plain(m, " ");
                walk_quote(L, m, n);
                break;
            case CMARK_NODE_HTML_BLOCK: break; /* dropped */
            default: unsupported(L, m, n); break;
            }
        }
        flush_item(L, m, items);
    }
    lua_setfield(L, -2, "items"); /* ... list */
}

/* Collects the alt text of an image, the plain text of its inlines, as runs (which __gc frees
 * if a Lua error comes). */
static void image_alt(md *m, cmark_node *img)
{
    for (cmark_node *c = cmark_node_first_child(img); c; c = cmark_node_next(c)) {
        const char *s = cmark_node_get_literal(c);
        if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(c) == CMARK_NODE_LINEBREAK)
            add_plain(m, " ");
        else if (s)
            add_plain(m, s);
        else
            image_alt(m, c);
    }
}

/* Each image of a paragraph, ![alt](file "caption"), becomes an image block after it: the
 * file named relative to the report folder, the alt text required, the title as its caption. */
static void add_images(lua_State *L, md *m, cmark_node *para, int out)
{
    cmark_iter *it = cmark_iter_new(para);
    m->iter = it; /* freed by __gc if a Lua error comes */
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_IMAGE)
            continue;
        const char *url = cmark_node_get_url(n), *title = cmark_node_get_title(n);
        int line = cmark_node_get_start_line(para);
        if (!url || !*url || strstr(url, "://") || !folio_image_name_ok(url))
            luaL_error(
                L,
                "%s:%d: image \"%s\": an image must be a PNG or JPEG file inside the report folder (no web "
                "address, no absolute path, no \"..\")",
                m->name, line, url ? url : "");
        image_alt(m, n);
        if (!has_text(m))
            luaL_error(L, "%s:%d: image \"%s\" needs a text alternative: ![what it shows](%s)", m->name, line,
                       url, url);
        new_block(L, "image", 4); /* ... image */
        lua_pushstring(L, url);
        lua_setfield(L, -2, "file");
        push_text(L, m); /* ... image alt */
        lua_setfield(L, -2, "alt");
        if (title && *title) {
            lua_pushstring(L, title);
            lua_setfield(L, -2, "caption");
        }
        append(L, out); /* ... */
    }
    cmark_iter_free(it);
    m->iter = NULL;
}

/* Pushes the block for one top-level node onto the list at `out`, or nothing. */
static void add_block(lua_State *L, md *m, cmark_node *n, int out)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HEADING: {
        collect_inlines(m, n);
        if (!has_text(m)) {
            clear_runs(m);
            return;
        }
        int level = cmark_node_get_heading_level(n);
        new_block(L, "heading", 3); /* ... heading */
        lua_pushinteger(L, level > MAX_HEADING_LEVEL ? MAX_HEADING_LEVEL : level);
        lua_setfield(L, -2, "level");
        push_text(L, m); /* ... heading text */
        lua_setfield(L, -2, "text");
        append(L, out); /* ... */
        return;
    }
    case CMARK_NODE_PARAGRAPH:
        collect_inlines(m, n);
        if (!has_text(m)) {
            clear_runs(m);
        } else {
            new_block(L, "paragraph", 2); /* ... paragraph */
            push_text(L, m);              /* ... paragraph text */
            lua_setfield(L, -2, "text");
            append(L, out); /* ... */
        }
        add_images(L, m, n, out);
        return;
    case CMARK_NODE_LIST:
        push_list(L, m, n, 0); /* ... list */
        append(L, out);        /* ... */
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        walk_quote(L, m, n);
        if (!has_text(m)) {
            clear_runs(m);
            return;
        }
        new_block(L, "quote", 2); /* ... quote */
        push_text(L, m);          /* ... quote text */
        lua_setfield(L, -2, "text");
        append(L, out); /* ... */
        return;
    case CMARK_NODE_HTML_BLOCK: return; /* dropped */
    default: unsupported(L, m, n); return;
    }
}

int folio_lua_push_markdown(lua_State *L, const char *text, size_t len, const char *name)
{
    luaL_checkstack(L, 8, NULL);
    md *m = lua_newuserdatauv(L, sizeof *m, 0); /* ... md */
    memset(m, 0, sizeof *m);
    m->name = name ? name : "markdown";
    if (luaL_newmetatable(L, MARKDOWN_MT)) { /* ... md mt */
        lua_pushcfunction(L, md_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, MARKDOWN_MT);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2); /* ... md */
    int guard = lua_gettop(L);

    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8, &md_mem);
    cmark_parser_feed(parser, text ? text : "", text ? len : 0);
    m->doc = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    if (!m->doc)
        return luaL_error(L, "%s: cannot parse the Markdown", m->name);

    lua_newtable(L); /* ... md blocks */
    int out = lua_gettop(L);
    for (cmark_node *n = cmark_node_first_child(m->doc); n; n = cmark_node_next(n))
        add_block(L, m, n, out);

    lua_pushcfunction(L, md_gc); /* ... md blocks gc */
    lua_pushvalue(L, guard);     /* ... md blocks gc md */
    lua_call(L, 1, 0);           /* ... md blocks */
    lua_remove(L, guard);        /* ... blocks */
    return 1;
}
