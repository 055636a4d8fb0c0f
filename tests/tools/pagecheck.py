#!/usr/bin/env python3
"""Checks the pagination rules of a folio PDF by reading it back as a reader would, with
poppler-utils (pdftotext -bbox-layout, pdfinfo, pdffonts) and qpdf only:

  tools      pdftotext, pdffonts and pdfinfo print nothing on stderr; qpdf --check passes
  links      every link annotation and bookmark points to a page of the document
  headings   no page ends with a heading (the bookmarks' titles are the headings), and each
             bookmark points to the page its heading is printed on
  orphans    no page ends with the first line of a paragraph alone (it continues overleaf)
  widows     no page starts with the last line of a paragraph alone
  tables     (--table HEADER REGEX ROWS) every page holding a row of the table (a line matching
             REGEX) shows the header line above it, and the ROWS distinct rows are all there
  contents   (--contents TITLE) each entry's page number is the label of the page its heading
             is printed on, and the entry's link goes to that page
  labels     (--labels i,ii,1,...) the PDF's page labels, the first ones given

    pagecheck.py PDF [--table HEADER REGEX ROWS] [--contents Contents] [--labels i,ii,1] [--lines FILE]
    pagecheck.py --self-test      every rule on made-up pages: each must catch its violation

Prints "ok RULE: what was checked" or "FAIL RULE: where and why" per rule; exit 1 on any
failure. Text is read in visual lines: the words of one baseline, left to right, with the
running header and footer (outside the body area, --top/--bottom margins in points) left out.
"""
import argparse
import concurrent.futures
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/1999/xhtml}"


class Line:
    """One visual line: text, box (pdftotext coordinates: y grows downwards)."""

    def __init__(self, text, x0, y0, x1, y1):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1

    @property
    def height(self):
        return round(self.y1 - self.y0, 1)

    def __repr__(self):
        return "Line(%r, %.1f, %.1f, %.1f, %.1f)" % (self.text, self.x0, self.y0, self.x1, self.y1)


class Page:
    def __init__(self, number, label, lines, width=595.276, height=841.89):
        self.number, self.label, self.lines = number, label, lines  # number from 1; body lines only
        self.width, self.height = width, height


# ---- reading the PDF ----

def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def roman(n):
    out = ""
    for v, d in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                 (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + d, n - v
    return out


def label_text(label):
    """A qpdf page label dictionary as the reader shows it."""
    if not label:
        return None
    st = int(label.get("/St", 1))
    style = label.get("/S")
    num = {"/D": str(st), "/r": roman(st), "/R": roman(st).upper()}.get(style, "")
    return (label.get("/P") or "").lstrip("u:") + num


def visual_lines(page_el, top, bottom):
    """The page's lines merged by baseline, furniture (above top / below bottom) left out."""
    height = float(page_el.get("height"))
    raw = []
    for line in page_el.iter(NS + "line"):
        words = [w for w in line.iter(NS + "word")]
        if not words:
            continue
        y0, y1 = float(line.get("yMin")), float(line.get("yMax"))
        if y1 < top - 4 or y0 > height - bottom + 4:
            continue
        raw.append((y1, y0, float(line.get("xMin")), float(line.get("xMax")),
                    [(float(w.get("xMin")), w.text or "") for w in words]))
    raw.sort(key=lambda r: (round(r[0], 0), r[2]))
    out = []
    for y1, y0, x0, x1, words in raw:
        last = out[-1] if out else None
        if last and abs(last[0] - y1) < 1.0 and abs(last[1] - y0) < 1.0:
            last[2] = min(last[2], x0)
            last[3] = max(last[3], x1)
            last[4].extend(words)
        else:
            out.append([y1, y0, x0, x1, list(words)])
    lines = []
    for y1, y0, x0, x1, words in out:
        words.sort()
        lines.append(Line(" ".join(t for _, t in words), x0, y0, x1, y1))
    return lines


def read_pdf(path, top, bottom, bbox_xml, qpdf_json):
    """Pages (visual lines, labels) and qpdf's JSON of the PDF, from the tools' output."""
    root = ET.fromstring(bbox_xml)
    j = json.loads(qpdf_json)
    pages = []
    for i, el in enumerate(root.iter(NS + "page")):
        label = label_text(j["pages"][i].get("label")) if i < len(j["pages"]) else None
        pages.append(Page(i + 1, label or str(i + 1), visual_lines(el, top, bottom),
                          float(el.get("width")), float(el.get("height"))))
    return pages, j


def resolve(objs, v):
    while isinstance(v, str) and v.endswith(" R") and ("obj:" + v) in objs:
        v = objs["obj:" + v].get("value")
    return v


def links_of(j):
    """(page number, rect, destination page number or None, what) of every link annotation."""
    objs = j["qpdf"][1]
    page_no = {p["object"]: p["pageposfrom1"] for p in j["pages"]}
    out = []
    for p in j["pages"]:
        d = resolve(objs, p["object"]) or {}
        for a in resolve(objs, d.get("/Annots")) or []:
            a = resolve(objs, a) or {}
            if a.get("/Subtype") != "/Link":
                continue
            rect = resolve(objs, a.get("/Rect"))
            dest = resolve(objs, a.get("/Dest"))
            if dest is None:
                action = resolve(objs, a.get("/A")) or {}
                if action.get("/S") == "/URI":
                    continue  # a web address: nothing in the document to resolve
                out.append((p["pageposfrom1"], rect, None, "no /Dest and no URI action"))
                continue
            target = dest[0] if isinstance(dest, list) and dest else None
            out.append((p["pageposfrom1"], rect, page_no.get(target), "destination %r" % (dest,)))
    return out


def outline_of(j):
    """(title, level, page number or None) of every bookmark, in order."""
    out = []

    def walk(items, level):
        for o in items:
            out.append((o.get("title", ""), level, o.get("destpageposfrom1")))
            walk(o.get("kids", []), level + 1)
    walk(j.get("outlines", []), 1)
    return out


# ---- the rules (each returns a list of failure messages) ----

def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def body_metrics(pages):
    """The body text's line height (the commonest), its baseline pitch and the column's right
    edge, from the pages themselves."""
    heights = {}
    for p in pages:
        for ln in p.lines:
            heights[ln.height] = heights.get(ln.height, 0) + 1
    if not heights:
        return None, None, None
    h = max(heights, key=lambda k: (heights[k], k))
    pitches, right = {}, 0.0
    for p in pages:
        body = [ln for ln in p.lines if ln.height == h]
        for a, b in zip(body, body[1:]):
            d = round(b.y1 - a.y1, 1)
            if d > 0:
                pitches[d] = pitches.get(d, 0) + 1
        for ln in body:
            right = max(right, ln.x1)
    pitch = max(pitches, key=lambda k: (pitches[k], -k)) if pitches else h * 1.1
    return h, pitch, right


def same_paragraph(a, b, h, pitch):
    """b is the line right after a in the same paragraph (body height, one pitch below)."""
    return a.height == h and b.height == h and abs((b.y1 - a.y1) - pitch) < 0.25 * pitch


def check_headings(pages, headings):
    """No page's last body line is a heading; headings: (title, level, bookmark page) list."""
    fails = []
    titles = {norm(t) for t, _, _ in headings if norm(t)}
    for p, nxt in zip(pages, pages[1:] + [None]):
        if not p.lines or nxt is None:
            continue
        last = norm(p.lines[-1].text)
        if last in titles or any(t.startswith(last + " ") for t in titles if len(last) >= 12):
            fails.append("page %d (%s) ends with the heading \"%s\"" % (p.number, p.label, last))
    return fails


def check_heading_pages(pages, headings, skip):
    """Each bookmark points to the page where its heading is printed (the first such page after
    the pages in `skip`, e.g. the contents)."""
    fails, start = [], 0
    for title, _, dest in headings:
        t = norm(title)
        found = None
        for p in pages[start:]:
            if p.number in skip:
                continue
            if any(norm(ln.text) == t for ln in p.lines):
                found = p.number
                break
        if found is None:
            fails.append("heading \"%s\" is not printed on any page" % t)
        elif dest != found:
            fails.append("bookmark \"%s\" points to page %s, but the heading is on page %d" % (t, dest, found))
        else:
            start = found - 1
    return fails


def check_orphans_widows(pages):
    h, pitch, right = body_metrics(pages)
    orphans, widows = [], []
    check_orphans_widows.splits = 0
    if h is None:
        return orphans, widows
    full = lambda ln: ln.height == h and ln.x1 >= right - 1.5  # noqa: E731 (a justified, non-final line)
    for p, nxt in zip(pages, pages[1:]):
        if not p.lines or not nxt.lines:
            continue
        last, first = p.lines[-1], nxt.lines[0]
        continues = full(last) and first.height == h and abs(first.x0 - last.x0) < 1.0
        if not continues:
            continue
        check_orphans_widows.splits += 1
        before = p.lines[-2] if len(p.lines) > 1 else None
        if before is None or not same_paragraph(before, last, h, pitch):
            orphans.append("page %d (%s) ends with the first line of a paragraph alone: \"%s\""
                           % (p.number, p.label, last.text[:60]))
        after = nxt.lines[1] if len(nxt.lines) > 1 else None
        if not full(first) and (after is None or not same_paragraph(first, after, h, pitch)):
            widows.append("page %d (%s) starts with the last line of a paragraph alone: \"%s\""
                          % (nxt.number, nxt.label, first.text[:60]))
    return orphans, widows


def check_table(pages, header, regex, rows):
    """Every page with a row of the table has the header above its first row; `rows` distinct
    rows (the regex's first group, or the whole match) are found."""
    fails, seen, spanned = [], set(), 0
    rx, head = re.compile(regex), norm(header)
    for p in pages:
        first_row = None
        for i, ln in enumerate(p.lines):
            m = rx.search(ln.text)
            if m:
                seen.add(m.group(1) if m.groups() else m.group(0))
                if first_row is None:
                    first_row = i
        if first_row is None:
            continue
        spanned += 1
        if not any(head in norm(ln.text) for ln in p.lines[:first_row]):
            fails.append("page %d (%s) has rows of the table but no header \"%s\" above them"
                         % (p.number, p.label, head))
    if len(seen) != rows:
        fails.append("the table has %d distinct rows, expected %d" % (len(seen), rows))
    return fails, spanned


ENTRY = re.compile(r"^(.*?)[\s.]*?(?:\s\.)+\s*(\S+)$|^(.*?)\s+(\S+)$")


def contents_entries(pages, title):
    """(page, line, entry title, printed number) of every contents entry; the contents pages."""
    entries, cpages = [], []
    for p in pages:
        if not p.lines or norm(p.lines[0].text) != title:
            continue
        cpages.append(p.number)
        pending = ""
        for ln in p.lines[1:]:
            text = norm(ln.text)
            m = re.match(r"^(.*?)(?:\s*\.)+\s+(\S+)$", text) or re.match(r"^(.*?)\s+([0-9ivxlcdm]+)$", text)
            if not m:
                pending = (pending + " " + text).strip()
                continue
            entries.append((p, ln, norm(pending + " " + m.group(1)), m.group(2)))
            pending = ""
    return entries, cpages


def check_contents(pages, links, title):
    fails = []
    entries, cpages = contents_entries(pages, title)
    if not entries:
        return ["no contents page titled \"%s\" with entries" % title], 0
    for p, ln, text, number in entries:
        found = None
        for q in pages:
            if q.number in cpages:
                continue
            if any(norm(x.text) == text for x in q.lines):
                found = q
                break
        if found is None:
            fails.append("contents entry \"%s\": no page prints that heading" % text)
            continue
        if number != found.label:
            fails.append("contents entry \"%s\" says page %s; the heading is on page %s (label %s)"
                         % (text, number, found.number, found.label))
        # The entry's link: an annotation on the same page covering the entry's baseline.
        base = p.height - ln.y1 + 1
        hits = [dest for (pg, rect, dest, _) in links
                if pg == p.number and rect and rect[1] - 0.5 <= base <= rect[3] + 0.5]
        if not hits:
            fails.append("contents entry \"%s\" has no link" % text)
        elif hits[0] != found.number:
            fails.append("contents entry \"%s\" links to page %s, the heading is on page %d"
                         % (text, hits[0], found.number))
    return fails, len(entries)


def run_all(cmds):
    """Runs the commands two at a time (the machine is shared); their (code, out, err) in order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, cmds))


def check_tools(path, results):
    """results: (code, out, err) of pdftotext -bbox-layout, pdffonts, pdfinfo, qpdf --check."""
    fails = []
    for name, (code, out, err) in zip(("pdftotext", "pdffonts", "pdfinfo", "qpdf --check"), results):
        if name == "qpdf --check":
            if code != 0:
                fails.append("qpdf --check: exit %d: %s" % (code, (err or out).strip()[:300]))
        elif code != 0 or err.strip():
            fails.append("%s: exit %d, stderr: %s" % (name, code, err.strip()[:300]))
    return fails


# ---- driver ----

class Report:
    def __init__(self):
        self.failed = 0

    def rule(self, name, fails, what):
        if fails:
            self.failed += 1
            for f in fails[:20]:
                print("FAIL %s: %s" % (name, f))
            if len(fails) > 20:
                print("FAIL %s: ... and %d more" % (name, len(fails) - 20))
        else:
            print("ok %s: %s" % (name, what))


def check_pdf(a):
    rep = Report()
    results = run_all([["pdftotext", "-bbox-layout", a.pdf, "-"], ["pdffonts", a.pdf], ["pdfinfo", a.pdf],
                       ["qpdf", "--check", a.pdf], ["qpdf", "--json", a.pdf]])
    tools = check_tools(a.pdf, results[:4])
    rep.rule("tools", tools, "pdftotext, pdffonts, pdfinfo quiet; qpdf --check passes")
    if tools:
        print("%d rule(s) failed" % rep.failed)
        return rep.failed
    pages, j = read_pdf(a.pdf, a.top, a.bottom, results[0][1], results[4][1])
    if a.lines:
        with open(a.lines, "w", encoding="utf-8") as f:
            for p in pages:
                for ln in p.lines:
                    f.write("%d\t%s\t%s\n" % (p.number, p.label, norm(ln.text)))
    links = links_of(j)
    headings = outline_of(j)
    bad = ["page %d: link with %s" % (pg, what) for pg, _, dest, what in links if dest is None]
    bad += ["bookmark \"%s\" points nowhere" % t for t, _, dest in headings if dest is None]
    rep.rule("links", bad, "%d links and %d bookmarks resolve to pages" % (len(links), len(headings)))
    if a.labels:
        want = a.labels.split(",")
        got = [p.label for p in pages[:len(want)]]
        rep.rule("labels", [] if got == want else ["page labels %s, expected %s" % (got, want)],
                 "page labels begin %s" % ",".join(want))
    rep.rule("headings", check_headings(pages, headings),
             "no page of %d ends with one of %d headings" % (len(pages), len(headings)))
    cpages = contents_entries(pages, a.contents)[1] if a.contents else []
    rep.rule("bookmarks", check_heading_pages(pages, headings, set(cpages)),
             "each of %d bookmarks points to its heading's page" % len(headings))
    orphans, widows = check_orphans_widows(pages)
    splits = check_orphans_widows.splits
    rep.rule("orphans", orphans, "no page ends with a paragraph's first line alone (%d paragraphs split)" % splits)
    rep.rule("widows", widows, "no page starts with a paragraph's last line alone (%d paragraphs split)" % splits)
    for header, regex, rows in a.table or []:
        fails, spanned = check_table(pages, header, regex, int(rows))
        if spanned < 2:
            fails.append("the table spans %d page(s); expected a table over several pages" % spanned)
        rep.rule("tables", fails, "%s rows over %d pages, header on each" % (rows, spanned))
    if a.contents:
        fails, n = check_contents(pages, links, a.contents)
        rep.rule("contents", fails, "%d entries: numbers are the headings' page labels, links go there" % n)
    print("%d pages, %d rule(s) failed" % (len(pages), rep.failed))
    return rep.failed


# ---- self-test: every rule catches a made-up violation and passes the same pages fixed ----

def _para(y, n, last_short=True, x0=56.7, right=538.6, h=13.6, pitch=14.5, text="word"):
    return [Line("%s %d" % (text, i), x0, y + i * pitch - h, right - (200 if last_short and i == n - 1 else 0),
                 y + i * pitch) for i in range(n)]


def self_test():
    failures, passed = [], []

    def expect(what, cond):
        print("%s self-test: %s" % ("ok" if cond else "FAIL", what))
        (passed if cond else failures).append(what)
        if not cond:
            failures.append(what)

    # Page 1 ends with a heading; fixed, the heading moves to page 2.
    heading = Line("Results", 56.7, 700, 150, 718)
    good1 = Page(1, "1", _para(100, 5))
    bad1 = Page(1, "1", _para(100, 5) + [heading])
    p2 = Page(2, "2", [Line("Results", 56.7, 80, 150, 98)] + _para(120, 4))
    hs = [("Results", 1, 2)]
    expect("a page ending with a heading is caught", check_headings([bad1, p2], hs) != [])
    expect("a page not ending with a heading passes", check_headings([good1, p2], hs) == [])
    expect("a bookmark to the wrong page is caught", check_heading_pages([good1, p2], [("Results", 1, 1)], set()) != [])
    expect("a bookmark to the right page passes", check_heading_pages([good1, p2], hs, set()) == [])

    # Orphan: page 1 ends with the first (full) line of a paragraph, which goes on overleaf.
    filler = _para(100, 6)
    orphan = Page(1, "1", filler + [Line("first", 56.7, 760 - 13.6, 538.6, 760)])
    cont = Page(2, "2", _para(100, 4, text="rest"))
    expect("an orphan is caught", check_orphans_widows([orphan, cont])[0] != [])
    two = Page(1, "1", filler + [Line("first", 56.7, 745.5 - 13.6, 538.6, 745.5),
                                 Line("second", 56.7, 760 - 13.6, 538.6, 760)])
    expect("two lines at the foot pass", check_orphans_widows([two, cont]) == ([], []))

    # Widow: page 2 starts with the last (short) line of a paragraph, alone.
    widow = Page(2, "2", [Line("last", 56.7, 100 - 13.6, 300, 100)] + _para(130, 4, text="next"))
    expect("a widow is caught", check_orphans_widows([two, widow])[1] != [])

    # A table whose second page lacks the header.
    t1 = Page(1, "1", [Line("Id Name Value", 56.7, 90, 538, 100)] +
              [Line("R%03d x 1" % i, 56.7, 110 + 12 * i, 538, 120 + 12 * i) for i in range(3)])
    t2 = Page(2, "2", [Line("R%03d x 1" % i, 56.7, 110 + 12 * i, 538, 120 + 12 * i) for i in range(3, 6)])
    t2h = Page(2, "2", [Line("Id Name Value", 56.7, 90, 538, 100)] + t2.lines)
    expect("a table page without its header is caught", check_table([t1, t2], "Id Name Value", r"^(R\d+)", 6)[0] != [])
    expect("a table with its header on every page passes",
           check_table([t1, t2h], "Id Name Value", r"^(R\d+)", 6)[0] == [])
    expect("a missing table row is caught", check_table([t1, t2h], "Id Name Value", r"^(R\d+)", 7)[0] != [])

    # Contents: the printed number must be the heading page's label, and the link go there.
    c = Page(1, "i", [Line("Contents", 56.7, 80, 150, 98),
                      Line("Results . . . . . . 2", 56.7, 120, 538, 133.6)])
    body = Page(2, "1", [Line("Results", 56.7, 80, 150, 98)])
    link_ok = [(1, [56.7, 841.89 - 134, 538, 841.89 - 118], 2, "")]
    expect("a contents number that is not the page label is caught",
           check_contents([c, body], link_ok, "Contents")[0] != [])
    c.lines[1] = Line("Results . . . . . . 1", 56.7, 120, 538, 133.6)
    expect("a contents number equal to the label passes", check_contents([c, body], link_ok, "Contents")[0] == [])
    expect("a contents link to the wrong page is caught",
           check_contents([c, body], [(1, link_ok[0][1], 1, "")], "Contents")[0] != [])
    print("%d passed, %d failed" % (len(passed), len(failures)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?")
    ap.add_argument("--table", nargs=3, action="append", metavar=("HEADER", "REGEX", "ROWS"))
    ap.add_argument("--contents", help="title of the contents page, e.g. Contents")
    ap.add_argument("--labels", help="expected first page labels, comma-separated, e.g. i,ii,1")
    ap.add_argument("--top", type=float, default=70.87, help="top margin in points (25 mm)")
    ap.add_argument("--bottom", type=float, default=62.36, help="bottom margin in points (22 mm)")
    ap.add_argument("--lines", metavar="FILE", help="also write every body line as PAGE<tab>LABEL<tab>TEXT")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if not a.pdf:
        ap.error("a PDF is needed")
    return 1 if check_pdf(a) else 0


if __name__ == "__main__":
    sys.exit(main())
