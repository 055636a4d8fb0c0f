#!/usr/bin/env python3
"""pdfbreak: writes a copy of a good PDF broken for one rule of tests/tools/pdfcheck.py, so a
test can show that the check fails on it.

    pdfbreak.py GOOD.pdf OUT.pdf BREAKAGE

The file goes through qpdf's QDF form (uncompressed, one object per line group), gets a byte
edit, and is put back together with fix-qdf (which fixes stream lengths and the xref).
`pdfbreak.py --list` prints the breakages.
"""
import re
import subprocess
import sys
import tempfile


def lzw(data):
    """LZW-encodes bytes as PDF's LZWDecode reads them (EarlyChange 1)."""
    out, acc, nacc = bytearray(), 0, 0
    def put(code, width):
        nonlocal acc, nacc
        acc = (acc << width) | code
        nacc += width
        while nacc >= 8:
            nacc -= 8
            out.append((acc >> nacc) & 0xFF)
    table = {bytes([i]): i for i in range(256)}
    width, nxt = 9, 258
    put(256, width)
    w = b""
    for b in data:
        wc = w + bytes([b])
        if wc in table:
            w = wc
            continue
        put(table[w], width)
        table[wc] = nxt
        nxt += 1
        if nxt + 1 > (1 << width) and width < 12:
            width += 1
        if nxt >= 4094:
            put(256, width)
            table = {bytes([i]): i for i in range(256)}
            width, nxt = 9, 258
        w = bytes([b])
    if w:
        put(table[w], width)
    nxt += 1
    if nxt > (1 << width) and width < 12:
        width += 1
    put(257, width)
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


def lzw_page(q):
    """The first page content stream, LZW-compressed."""
    m = re.search(rb"%% Contents for page 1\n(?:%%[^\n]*\n)*(\d+) 0 obj\n<<\n(.*?)>>\nstream\n(.*?)endstream", q, re.S)
    data = lzw(m.group(3))
    return q[:m.start(2)] + m.group(2) + b"  /Filter /LZWDecode\n" + b">>\nstream\n" + data + b"\nendstream" + \
        q[m.end():]


def sub(pattern, repl, count=0):
    def edit(q):
        r, n = re.subn(pattern, repl, q, count=count, flags=re.S)
        if n == 0:
            raise SystemExit(f"pdfbreak: pattern {pattern!r} not found")
        return r
    return edit


BREAKAGES = {
    "no-xmp": sub(rb"/Metadata \d+ 0 R", b""),
    "bad-xml": sub(rb"</x:xmpmeta>", b"</x:xmpmeta"),
    "xmp-compressed": sub(rb"/Subtype /XML", b"/Subtype /XML /Filter /ASCIIHexDecode /DecodeParms null", 1),
    "xmp-title": sub(rb'(<dc:title><rdf:Alt><rdf:li xml:lang="x-default">).', rb"\1X", 1),
    "xmp-date": sub(rb"<xmp:CreateDate>\d\d\d\d", b"<xmp:CreateDate>1999", 1),
    "xmp-info-extra": sub(rb"/Producer ", b"/Extra (not in the XMP)\n  /Producer ", 1),
    "no-pdfaid": sub(rb"<pdfaid:conformance>[AB]</pdfaid:conformance>", b""),
    "undeclared": sub(rb'rdf:about=""', b'rdf:about="" xmlns:my="http://example.com/my/" my:thing="1"', 1),
    "no-intent": sub(rb"/OutputIntents", b"/OutputIntentX"),
    "bad-icc": sub(rb"acsp", b"xxxx", 1),
    "not-embedded": sub(rb"/FontFile2", b"/FontFileX"),
    "no-id": sub(rb"/ID \[<[0-9a-f]+><[0-9a-f]+>\]", b""),
    "javascript": sub(rb"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", 1),
    "lzw": lzw_page,
    "no-lang": sub(rb"/Lang \([^)]*\)", b""),
    "annot-hidden": sub(rb"/F 4\n", b"/F 6\n"),
}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(sorted(BREAKAGES) + ["encrypt"]))
        return 0
    if len(sys.argv) != 4 or (sys.argv[3] not in BREAKAGES and sys.argv[3] != "encrypt"):
        print(__doc__, file=sys.stderr)
        return 2
    good, out, what = sys.argv[1:]
    if what == "encrypt":
        subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", good, out], check=True)
        return 0
    with tempfile.NamedTemporaryFile(suffix=".qdf") as t:
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", good, t.name], check=True)
        q = BREAKAGES[what](open(t.name, "rb").read())
    fixed = subprocess.run(["fix-qdf"], input=q, capture_output=True, check=True).stdout
    open(out, "wb").write(fixed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
