#!/usr/bin/env python3
"""tagcheck: the tagged-PDF rules a machine can test, read back with qpdf.

    tagcheck.py FILE.pdf [--quiet]

Runs `qpdf --json=2 --json-stream-data=inline --decode-level=generalized` and checks:
  - the catalog: /MarkInfo /Marked true, a /Lang, a /StructTreeRoot with a /ParentTree;
  - every page: /StructParents and /Tabs /S;
  - every page's content: each operator that draws or paints (text, paths, images, shadings) lies
    inside marked content (a BDC with an MCID, or an /Artifact); BDC/BMC/EMC balance; no MCID twice;
  - the parent tree and the structure tree agree with the content: every MCID on every page is in
    the parent tree, pointing at the element whose /K holds it, and every parent-tree entry and
    every MCID an element holds is drawn on its page;
  - every Figure has a non-empty /Alt; headings do not skip levels (H1, then at most one deeper);
    every Table has a TH; every Link annotation has a /StructParent whose element is a Link
    holding it as an OBJR.
Exit 0 when every rule holds, 1 with one line per problem, 2 when the file cannot be read.
"""
import base64
import json
import re
import subprocess
import sys

PAINT_OPS = {
    "Tj", "TJ", "'", '"',                       # text showing
    "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n",  # path painting (n: clip paths)
    "Do", "sh", "BI",                           # images, shadings
}
PATH_OPS = {"m", "l", "c", "v", "y", "h", "re"}


def ref_id(v):
    """'12 0 R' -> 'obj:12 0 R' (the key of qpdf's JSON v2 objects), else None."""
    if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
        return "obj:" + v
    return None


class Pdf:
    def __init__(self, path):
        try:
            out = subprocess.run(
                ["qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline",
                 "--decode-level=generalized", path, "-"],
                check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as e:
            err = getattr(e, "stderr", b"") or b""
            sys.stderr.write(f"tagcheck: {path}: cannot read with qpdf: {err.decode(errors='replace') or e}\n")
            sys.exit(2)
        self.objs = json.loads(out.stdout)["qpdf"][1]
        self.trailer = self.objs["trailer"]["value"]

    def get(self, v):
        """Resolves a reference; returns direct values as they are."""
        seen = 0
        while ref_id(v) and seen < 32:
            o = self.objs.get(ref_id(v))
            if o is None:
                return None
            v = o["value"] if "value" in o else o["stream"]["dict"]
            seen += 1
        return v

    def stream_data(self, v):
        o = self.objs.get(ref_id(v) or "")
        if not o or "stream" not in o:
            return b""
        return base64.b64decode(o["stream"].get("data", ""))


def text_of(v):
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin-1")
    return None


# ---- content streams ----

DELIM = b"()<>[]{}/%"
WS = b" \t\r\n\f\x00"


def tokens(data):
    """Yields ('op', name) and ('operand', value) from a content stream. Dict operands come back
    as dicts of name -> value (numbers as ints when they are), so /MCID can be read."""
    i, n = 0, len(data)
    stack = []  # operand stack; arrays and dicts built on it

    def push(v):
        stack.append(v)

    while i < n:
        c = data[i:i + 1]
        if c in (b" ", b"\t", b"\r", b"\n", b"\f", b"\x00"):
            i += 1
        elif c == b"%":
            while i < n and data[i:i + 1] not in (b"\r", b"\n"):
                i += 1
        elif c == b"(":
            depth, j, buf = 1, i + 1, bytearray()
            while j < n and depth:
                ch = data[j:j + 1]
                if ch == b"\\":
                    buf += data[j:j + 2]
                    j += 2
                    continue
                if ch == b"(":
                    depth += 1
                elif ch == b")":
                    depth -= 1
                    if depth == 0:
                        break
                buf += ch
                j += 1
            push(("str", bytes(buf)))
            i = j + 1
        elif data[i:i + 2] == b"<<":
            push(("mark", "<<"))
            i += 2
        elif data[i:i + 2] == b">>":
            items = []
            while stack and stack[-1] != ("mark", "<<"):
                items.append(stack.pop())
            if stack:
                stack.pop()
            items.reverse()
            push(("dict", {items[k][1]: items[k + 1] for k in range(0, len(items) - 1, 2)}))
            i += 2
        elif c == b"<":
            j = data.index(b">", i)
            push(("str", bytes.fromhex(re.sub(rb"\s", b"", data[i + 1:j]).decode() + "0" * (
                (j - i - 1) % 2))))
            i = j + 1
        elif c == b"[":
            push(("mark", "["))
            i += 1
        elif c == b"]":
            items = []
            while stack and stack[-1] != ("mark", "["):
                items.append(stack.pop())
            if stack:
                stack.pop()
            push(("array", list(reversed(items))))
            i += 1
        elif c == b"/":
            j = i + 1
            while j < n and data[j:j + 1] not in DELIM and data[j:j + 1] not in WS:
                j += 1
            push(("name", data[i + 1:j].decode("latin-1")))
            i = j
        else:
            j = i
            while j < n and data[j:j + 1] not in DELIM and data[j:j + 1] not in WS:
                j += 1
            word = data[i:j].decode("latin-1")
            i = j if j > i else i + 1
            if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word):
                push(("num", int(word) if re.fullmatch(r"[+-]?\d+", word) else float(word)))
            elif word in ("true", "false", "null"):
                push(("kw", word))
            else:
                yield ("op", word, list(stack))
                stack.clear()


def check_content(data, page_no, problems):
    """Returns {mcid: tag} of the page, adding a problem for each unmarked painting operator."""
    mcids = {}
    marks = []  # open marked content: ('mcid', n) | ('artifact',) | ('other',)
    unmarked = 0
    for kind, op, args in tokens(data):
        if op in ("BDC", "BMC"):
            tag = args[0][1] if args and args[0][0] == "name" else "?"
            if op == "BDC" and tag != "Artifact":
                props = args[1][1] if len(args) > 1 and args[1][0] == "dict" else {}
                m = props.get("MCID")
                if m and m[0] == "num":
                    if m[1] in mcids:
                        problems.append(f"page {page_no}: MCID {m[1]} used twice")
                    mcids[m[1]] = tag
                    marks.append(("mcid", m[1]))
                else:
                    marks.append(("other",))
            else:
                marks.append(("artifact",) if tag == "Artifact" else ("other",))
        elif op == "EMC":
            if not marks:
                problems.append(f"page {page_no}: EMC without BDC or BMC")
            else:
                marks.pop()
        elif op in PAINT_OPS or op in PATH_OPS:
            inside = any(m[0] in ("mcid", "artifact") for m in marks)
            if not inside:
                unmarked += 1
    if marks:
        problems.append(f"page {page_no}: {len(marks)} marked-content sequence(s) not closed")
    if unmarked:
        problems.append(f"page {page_no}: {unmarked} drawing operator(s) outside marked content and artifacts")
    return mcids


# ---- the structure ----

def number_tree(pdf, node, out, depth=0):
    node = pdf.get(node) or {}
    nums = pdf.get(node.get("/Nums")) or []
    for k in range(0, len(nums) - 1, 2):
        out[nums[k]] = nums[k + 1]
    for kid in pdf.get(node.get("/Kids")) or []:
        if depth < 32:
            number_tree(pdf, kid, out, depth + 1)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    quiet = "--quiet" in argv
    if len(args) != 1:
        sys.stderr.write("usage: tagcheck.py FILE.pdf [--quiet]\n")
        return 2
    path = args[0]
    pdf = Pdf(path)
    problems = []
    root = pdf.get(pdf.trailer.get("/Root")) or {}

    mark = pdf.get(root.get("/MarkInfo")) or {}
    if mark.get("/Marked") is not True:
        problems.append("catalog: no /MarkInfo <</Marked true>>")
    lang = text_of(pdf.get(root.get("/Lang")))
    if not lang:
        problems.append("catalog: no /Lang")
    str_root = pdf.get(root.get("/StructTreeRoot"))
    if not str_root:
        problems.append("catalog: no /StructTreeRoot")
        str_root = {}

    # Pages in order, with their ids.
    pages = []

    def walk_pages(node, depth=0):
        d = pdf.get(node) or {}
        if d.get("/Type") == "/Pages" and depth < 64:
            for k in pdf.get(d.get("/Kids")) or []:
                walk_pages(k, depth + 1)
        else:
            pages.append(node)

    walk_pages(root.get("/Pages"))
    page_index = {ref_id(p): i for i, p in enumerate(pages)}

    parent_tree = {}
    number_tree(pdf, str_root.get("/ParentTree"), parent_tree)
    if str_root and not str_root.get("/ParentTree"):
        problems.append("StructTreeRoot: no /ParentTree")

    # Content: MCIDs per page, and marking of every drawing operator.
    content_mcids = []
    annots = []  # (page_no, annot ref)
    for i, p in enumerate(pages):
        d = pdf.get(p) or {}
        n = i + 1
        if "/StructParents" not in d:
            problems.append(f"page {n}: no /StructParents")
        if d.get("/Tabs") != "/S":
            problems.append(f"page {n}: no /Tabs /S")
        contents = d.get("/Contents")
        streams = pdf.get(contents) if isinstance(pdf.get(contents), list) else [contents]
        data = b"\n".join(pdf.stream_data(s) for s in streams if s)
        content_mcids.append(check_content(data, n, problems))
        for a in pdf.get(d.get("/Annots")) or []:
            annots.append((n, a))

    # The structure tree: every element, its kids, and the MCIDs it holds.
    held = {}       # (page_no, mcid) -> element ref
    objr = {}       # annot ref id -> element ref
    elems = []      # (ref, dict) in tree order
    role_map = pdf.get(str_root.get("/RoleMap")) or {}

    def page_of(v):
        return page_index.get(ref_id(v))

    def walk(node, inherited_pg, depth):
        if depth > 200:
            problems.append("structure tree deeper than 200")
            return
        d = pdf.get(node)
        if not isinstance(d, dict):
            return
        elems.append((node, d))
        pg = page_of(d["/Pg"]) if "/Pg" in d else inherited_pg
        kids = pdf.get(d.get("/K"))
        if kids is None:
            kids = []
        elif not isinstance(kids, list):
            kids = [d.get("/K")]
        for k in kids:
            kv = pdf.get(k)
            if isinstance(kv, int):
                if pg is None:
                    problems.append(f"element {node}: MCID {kv} without /Pg")
                else:
                    held[(pg + 1, kv)] = node
            elif isinstance(kv, dict) and kv.get("/Type") == "/MCR":
                kpg = page_of(kv["/Pg"]) if "/Pg" in kv else pg
                held[((kpg if kpg is not None else -2) + 1, kv.get("/MCID"))] = node
            elif isinstance(kv, dict) and kv.get("/Type") == "/OBJR":
                objr[ref_id(kv.get("/Obj"))] = node
            elif isinstance(kv, dict):
                walk(k, pg, depth + 1)

    top = pdf.get(str_root.get("/K"))
    for k in (top if isinstance(top, list) else [str_root.get("/K")] if top else []):
        walk(k, None, 0)

    # Parent tree <-> content <-> structure.
    for i, mc in enumerate(content_mcids):
        n = i + 1
        key = (pdf.get(pages[i]) or {}).get("/StructParents")
        arr = pdf.get(parent_tree.get(key)) if key is not None else None
        arr = arr if isinstance(arr, list) else []
        for mcid in sorted(mc):
            if mcid >= len(arr) or pdf.get(arr[mcid]) in (None, "null"):
                problems.append(f"page {n}: MCID {mcid} is not in the parent tree")
            elif held.get((n, mcid)) is None:
                problems.append(f"page {n}: MCID {mcid} is in no structure element")
            elif ref_id(held[(n, mcid)]) != ref_id(arr[mcid]):
                problems.append(f"page {n}: MCID {mcid}: the parent tree names {arr[mcid]}, "
                                f"the structure holds it in {held[(n, mcid)]}")
        for mcid, e in enumerate(arr):
            if pdf.get(e) not in (None, "null") and mcid not in mc:
                problems.append(f"page {n}: parent tree entry for MCID {mcid}, which is not drawn")
    for (n, mcid), e in held.items():
        if n < 1 or n > len(content_mcids) or mcid not in content_mcids[n - 1]:
            problems.append(f"element {e}: holds MCID {mcid} of page {n}, which is not drawn there")

    # Element rules.
    def role(d):
        s = (d.get("/S") or "")[1:]
        for _ in range(8):
            mapped = role_map.get("/" + s)
            if not mapped:
                break
            s = mapped[1:]
        return s

    children = {}
    for ref, d in elems:
        parent = ref_id(d.get("/P"))
        children.setdefault(parent, []).append((ref, d))

    def has_th(ref):
        for cref, cd in children.get(ref_id(ref), []):
            r = role(cd)
            if r == "TH" or (r != "Table" and has_th(cref)):
                return True
        return False

    counts = {"Figure": 0, "Table": 0, "Link": 0}
    last_level = 0
    for ref, d in elems:
        r = role(d)
        if r in counts:
            counts[r] += 1
        if r == "Figure" and not text_of(pdf.get(d.get("/Alt"))):
            problems.append(f"Figure {ref}: no /Alt")
        m = re.fullmatch(r"H([1-6])", r)
        if m:
            level = int(m.group(1))
            if level > last_level + 1:
                problems.append(f"heading {ref} (H{level}) skips a level after H{last_level}")
            last_level = level
        if r == "Table" and not has_th(ref):
            problems.append(f"Table {ref}: no TH")

    for n, a in annots:
        ad = pdf.get(a) or {}
        if ad.get("/Subtype") != "/Link":
            continue
        sp = ad.get("/StructParent")
        if sp is None:
            problems.append(f"page {n}: Link annotation {a} has no /StructParent")
            continue
        e = parent_tree.get(sp)
        ed = pdf.get(e) or {}
        if role(ed) != "Link":
            problems.append(f"page {n}: Link annotation {a}: its parent-tree entry is not a Link element")
        elif ref_id(objr.get(ref_id(a))) != ref_id(e):
            problems.append(f"page {n}: Link annotation {a}: its Link element holds no OBJR to it")

    # Elements with content on more than one page (a paragraph or table split by a page break).
    pages_of = {}
    for (n, _), e in held.items():
        pages_of.setdefault(ref_id(e), set()).add(n)
    split = {}
    for ref, d in elems:
        if len(pages_of.get(ref_id(ref), ())) > 1:
            split[role(d)] = split.get(role(d), 0) + 1
    for ref, d in elems:  # a table's cells on several pages make the table one across pages
        if role(d) == "Table":
            seen = set()

            def under(r, depth=0):
                seen.update(pages_of.get(ref_id(r), ()))
                for cref, _ in children.get(ref_id(r), []):
                    if depth < 64:
                        under(cref, depth + 1)
            under(ref)
            if len(seen) > 1:
                split["Table"] = split.get("Table", 0) + 1

    for p in problems:
        print(f"tagcheck: {path}: {p}")
    if not quiet or problems:
        nm = sum(len(m) for m in content_mcids)
        print(f"tagcheck: {path}: {'FAILED' if problems else 'ok'}: {len(pages)} pages, {len(elems)} "
              f"elements, {nm} MCIDs, {counts['Figure']} figures, {counts['Table']} tables, "
              f"{counts['Link']} links, across pages: {sum(split.values())} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(split.items())) or 'none'}), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
