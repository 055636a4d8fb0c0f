#!/usr/bin/env python3
"""chart_refs.py: the chart gallery (tests/data/e2e-reports/charts) against its reference images.

  tests/tools/chart_refs.py --update [--folio build/folio]
      renders the gallery and writes one PNG per chart page to tests/data/charts-reference/
      (NAME.png, NAME from the page's heading "Chart NAME"); run it when a change to the charts
      is intended, look at the images, and commit them.
  tests/tools/chart_refs.py --compare PDF OUTDIR
      renders each page of PDF and compares it with its reference; for a page that differs in
      more than TOLERANCE of its pixels, writes OUTDIR/NAME-actual.png and OUTDIR/NAME-diff.png
      (differing pixels red over a faded page) and says so; exit 1 if any differs.
  tests/tools/chart_refs.py --overlaps PDF
      prints every pair of words on a page whose boxes overlap (pdftotext -bbox); exit 1 if any.

Only the standard library: PNGs are read and written with zlib. Pages are rendered by pdftoppm
at DPI as PPM."""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pixels import read_ppm  # noqa: E402

DPI = 50
CHANNEL = 40        # a pixel differs when a channel differs by more than this (anti-aliasing)
TOLERANCE = 0.0005  # share of a page's pixels that may differ (0.05%: a missing label is more)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GALLERY = os.path.join(ROOT, "tests", "data", "e2e-reports", "charts")
REFS = os.path.join(ROOT, "tests", "data", "charts-reference")


def write_png(path, w, h, rgb):
    raw = b"".join(b"\x00" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def read_png(path):
    """An 8-bit RGB (or grey) non-interlaced PNG: (width, height, RGB bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    at, idat, w = 8, b"", 0
    while at < len(data):
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (0, 2) or interlace:
                raise ValueError(f"{path}: expected an 8-bit RGB or grey PNG")
            bpp = 3 if colour == 2 else 1
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    raw, stride = zlib.decompress(idat), w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    if bpp == 1:
        out = bytearray(v for g in out for v in (g, g, g))
    return w, h, bytes(out)


def render(pdf, folder):
    """One PPM per page of pdf at DPI: [(page number, path)]."""
    subprocess.run(["pdftoppm", "-r", str(DPI), pdf, os.path.join(folder, "p")], check=True)
    pages = sorted(f for f in os.listdir(folder) if f.startswith("p-") and f.endswith(".ppm"))
    return [(int(re.search(r"(\d+)", f).group(1)), os.path.join(folder, f)) for f in pages]


def page_names(pdf, npages):
    """The chart name of each page: "Chart NAME" in its text; a second page of a chart gets "-2"."""
    names, last, count = [], None, 0
    for p in range(1, npages + 1):
        text = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf, "-"], check=True,
                              capture_output=True, text=True).stdout
        m = re.search(r"^Chart (\S+)$", text, re.M)
        if m:
            last, count = m.group(1), 1
            names.append(last)
        else:
            count += 1
            names.append(f"{last}-{count}")
    return names


def update(folio):
    os.makedirs(REFS, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "charts.pdf")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1795392000")
        subprocess.run([folio, "render", GALLERY, "-o", pdf], check=True, env=env)
        pages = render(pdf, tmp)
        names = page_names(pdf, len(pages))
        for old in os.listdir(REFS):
            if old.endswith(".png"):
                os.remove(os.path.join(REFS, old))
        for (_, ppm), name in zip(pages, names):
            w, h, rgb = read_ppm(ppm)
            write_png(os.path.join(REFS, name + ".png"), w, h, rgb)
            print(f"wrote {os.path.relpath(os.path.join(REFS, name + '.png'), ROOT)}")
    return 0


def compare(pdf, outdir):
    os.makedirs(outdir, exist_ok=True)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        pages = render(pdf, tmp)
        names = page_names(pdf, len(pages))
        expected = sorted(f[:-4] for f in os.listdir(REFS) if f.endswith(".png"))
        for name in sorted(set(expected) - set(names)):
            print(f"chart {name}: in the references but not rendered")
            bad += 1
        for (_, ppm), name in zip(pages, names):
            w, h, rgb = read_ppm(ppm)
            ref = os.path.join(REFS, name + ".png")
            if not os.path.exists(ref):
                write_png(os.path.join(outdir, name + "-actual.png"), w, h, rgb)
                print(f"chart {name}: no reference image {os.path.relpath(ref, ROOT)} "
                      f"(actual: {outdir}/{name}-actual.png)")
                bad += 1
                continue
            rw, rh, rrgb = read_png(ref)
            if (rw, rh) != (w, h):
                print(f"chart {name}: page is {w}x{h} pixels, the reference {rw}x{rh}")
                bad += 1
                continue
            diff, differ = bytearray(len(rgb)), 0
            for i in range(0, len(rgb), 3):
                if max(abs(rgb[i] - rrgb[i]), abs(rgb[i + 1] - rrgb[i + 1]), abs(rgb[i + 2] - rrgb[i + 2])) > CHANNEL:
                    differ += 1
                    diff[i:i + 3] = b"\xff\x00\x00"
                else:
                    g = 255 - (255 - (rgb[i] * 3 + rgb[i + 1] * 6 + rgb[i + 2]) // 10) // 4
                    diff[i:i + 3] = bytes((g, g, g))
            share = differ / (w * h)
            if share > TOLERANCE:
                write_png(os.path.join(outdir, name + "-actual.png"), w, h, rgb)
                write_png(os.path.join(outdir, name + "-diff.png"), w, h, bytes(diff))
                print(f"chart {name}: {share:.3%} of the pixels differ from {os.path.relpath(ref, ROOT)} "
                      f"(tolerance {TOLERANCE:.3%}); see {outdir}/{name}-actual.png and {name}-diff.png")
                bad += 1
            else:
                print(f"chart {name}: matches ({share:.3%} of the pixels differ)")
    return 1 if bad else 0


def overlaps(pdf):
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True, text=True).stdout
    bad = 0
    for p, page in enumerate(html.split("<page ")[1:], 1):
        words = [(float(a), float(b), float(c), float(d), html_unescape(t)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                a, b = words[i], words[j]
                # Glyph boxes of one line touch; shrink them a little so that only real overlaps count.
                if a[0] + 0.5 < b[2] and b[0] + 0.5 < a[2] and a[1] + 1.5 < b[3] and b[1] + 1.5 < a[3]:
                    print(f"page {p}: \"{a[4]}\" overlaps \"{b[4]}\"")
                    bad += 1
    return 1 if bad else 0


def html_unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def main(argv):
    if len(argv) >= 1 and argv[0] == "--update":
        folio = argv[2] if len(argv) >= 3 and argv[1] == "--folio" else os.path.join(ROOT, "build", "folio")
        return update(folio)
    if len(argv) == 3 and argv[0] == "--compare":
        return compare(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "--overlaps":
        return overlaps(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
