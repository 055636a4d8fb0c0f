#!/usr/bin/env python3
"""pdfcheck: the PDF/A-2 and PDF/UA-1 rules a machine can test here, over `qpdf --json`,
`qpdf --check` and `pdffonts` (docs/accessibility.md lists what is checked and what is not).

    pdfcheck.py [--expect a-2b|a-2a|ua-1|none|LIST] [--same-id OTHER.pdf] [--quiet] FILE.pdf

Prints one line per broken rule, "FILE: CHECK: what is wrong", and exits 1; prints
"FILE: ok (N checks)" and exits 0 when every rule holds. --expect says what the file must claim
(default a-2b; "ua-1,a-2a" for both); --same-id compares the trailer /ID with another file's
(two runs of the same report must give the same /ID). Structure checks of the tags themselves
(parent tree, MCIDs, Alt) are tests/tools/tagcheck.py's.
"""
import argparse
import base64
import datetime
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Schemas PDF/A-2 predefines (ISO 19005-2 §6.6.2.3.2: the XMP 2005 schemas); any other namespace
# used in the XMP needs a pdfaExtension description.
PREDEFINED = {
    "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/pdf/1.3/",
    "http://www.aiim.org/pdfa/ns/id/", "http://ns.adobe.com/xap/1.0/rights/", "http://ns.adobe.com/xap/1.0/mm/",
    "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/", "http://ns.adobe.com/xap/1.0/g/img/",
    "http://ns.adobe.com/photoshop/1.0/", "http://ns.adobe.com/tiff/1.0/", "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/camera-raw-settings/1.0/", "http://ns.adobe.com/xap/1.0/sType/Dimensions#",
    "http://www.aiim.org/pdfa/ns/extension/", "http://www.aiim.org/pdfa/ns/schema#",
    "http://www.aiim.org/pdfa/ns/property#", "http://www.aiim.org/pdfa/ns/type#", "http://www.aiim.org/pdfa/ns/field#",
    NS["rdf"], NS["x"],
}
STANDARDS = {"a-2b", "a-2a", "ua-1"}
# Actions PDF/A-2 forbids (§6.5.1), annotation types it forbids (§6.3.1).
BAD_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
               "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}
BAD_ANNOTS = {"/3D", "/Sound", "/Screen", "/Movie", "/FileAttachment", "/RichMedia"}
BASE14 = {"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica", "Helvetica-Bold",
          "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier", "Courier-Bold", "Courier-Oblique",
          "Courier-BoldOblique", "Symbol", "ZapfDingbats"}


class Checker:
    def __init__(self, path, expect):
        self.path = path
        self.expect = expect
        self.problems = []
        self.checks = 0
        self.objects = {}
        self.trailer = {}

    def rule(self, name, good, message):
        self.checks += 1
        if not good:
            self.problems.append(f"{name}: {message}")
        return good

    # ---- reading qpdf's JSON ----
    def load(self):
        r = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=none",
                            self.path], capture_output=True)
        if r.returncode not in (0, 3):
            self.rule("qpdf-json", False, "qpdf --json failed: " + r.stderr.decode(errors="replace").strip())
            return False
        doc = json.loads(r.stdout)
        self.encrypted = doc.get("encrypt", {}).get("encrypted", False)
        for key, val in doc["qpdf"][1].items():
            if key == "trailer":
                self.trailer = val.get("value", {})
            elif key.startswith("obj:"):
                self.objects[key[4:]] = val
        return True

    def get(self, v):
        """A value with references followed (a stream becomes its dictionary)."""
        seen = 0
        while isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v) and seen < 50:
            o = self.objects.get(v)
            if o is None:
                return None
            v = o["value"] if "value" in o else o["stream"]["dict"]
            seen += 1
        return v

    def stream(self, ref):
        o = self.objects.get(ref) if isinstance(ref, str) else None
        if not o or "stream" not in o:
            return None, None
        s = o["stream"]
        data = s.get("data")
        data = base64.b64decode(data) if data is not None else None
        # Streams are read undecoded (so the dictionaries show their real /Filter); Flate is undone here.
        filters = s["dict"].get("/Filter")
        filters = filters if isinstance(filters, list) else [filters] if filters else []
        if data is not None and filters == ["/FlateDecode"]:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                data = None
        elif filters:
            data = None
        return s["dict"], data

    @staticmethod
    def text(v):
        if not isinstance(v, str):
            return None
        if v.startswith("u:"):
            return v[2:]
        if v.startswith("b:"):
            b = bytes.fromhex(v[2:])
            if b[:2] == b"\xfe\xff":
                return b[2:].decode("utf-16-be", errors="replace")
            return b.decode("latin-1")
        return None

    def walk(self):
        """Every (object id, dictionary) in the file, streams' dictionaries included."""
        def inner(v, ref):
            if isinstance(v, dict):
                yield ref, v
                for x in v.values():
                    yield from inner(x, ref)
            elif isinstance(v, list):
                for x in v:
                    yield from inner(x, ref)
        for ref, o in self.objects.items():
            yield from inner(o["value"] if "value" in o else o["stream"]["dict"], ref)
        yield from inner(self.trailer, "trailer")

    # ---- the rules ----
    def check_qpdf(self):
        r = subprocess.run(["qpdf", "--check", self.path], capture_output=True, text=True)
        out = r.stdout + r.stderr
        self.rule("qpdf-check", r.returncode == 0 and "WARNING" not in out,
                  "qpdf --check is not clean: " + " ".join(out.split())[:300])

    def check_header(self):
        with open(self.path, "rb") as f:
            head = f.read(32)
        m = re.match(rb"%PDF-1\.[0-7](\r\n|\r|\n)%([\x80-\xff]{4})", head)
        self.rule("header", m is not None,
                  "the file does not start with %PDF-1.n and a comment of four bytes above 127")

    def check_trailer(self, same_id):
        self.rule("encrypt", not self.encrypted and "/Encrypt" not in self.trailer, "the file is encrypted")
        if self.expect == {"none"}:
            return
        ids = self.get(self.trailer.get("/ID"))
        good = (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, str) for i in ids)
                and all(len(self.text(i) or "") >= 16 for i in ids))
        self.rule("id", good, "the trailer has no /ID of two strings")
        if same_id:
            other = Checker(same_id, self.expect)
            other.load()
            self.rule("id", good and self.trailer.get("/ID") == other.trailer.get("/ID"),
                      f"/ID differs from {same_id}'s: {self.trailer.get('/ID')} vs {other.trailer.get('/ID')}")

    def catalog(self):
        return self.get(self.trailer.get("/Root")) or {}

    def info(self):
        info = self.get(self.trailer.get("/Info")) or {}
        return {k[1:]: self.text(self.get(v)) for k, v in info.items()}

    def check_xmp(self):
        cat = self.catalog()
        ref = cat.get("/Metadata")
        sdict, data = self.stream(ref)
        if not self.rule("xmp", sdict is not None, "the catalog has no /Metadata stream"):
            return None
        self.rule("xmp", sdict.get("/Type") == "/Metadata" and sdict.get("/Subtype") == "/XML",
                  "the /Metadata stream is not /Type /Metadata /Subtype /XML")
        self.rule("xmp", "/Filter" not in sdict, "the /Metadata stream is compressed (/Filter)")
        if not self.rule("xmp", data is not None, "the /Metadata stream cannot be read"):
            return None
        text = data.decode("utf-8", errors="replace")
        m = re.match(r"<\?xpacket begin=(\"|')(\ufeff)?\1 id=(\"|')W5M0MpCehiHzreSzNTczkc9d\3\?>", text)
        self.rule("xmp", m is not None,
                  "the packet does not start with <?xpacket begin=... id=\"W5M0MpCehiHzreSzNTczkc9d\"?> "
                  "(no bytes= or encoding= attributes)")
        self.rule("xmp", re.search(r"<\?xpacket end=(\"|')[rw]\1\?>\s*$", text) is not None,
                  "the packet does not end with <?xpacket end=\"w\"?>")
        body = re.sub(r"<\?xpacket[^>]*\?>", "", text)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            self.rule("xmp", False, f"the XMP is not well-formed XML: {e}")
            return None
        self.rule("xmp", True, "")
        return root

    def props(self, root):
        """{(namespace, name): element} of every property of every rdf:Description."""
        out = {}
        for d in root.iter("{%s}Description" % NS["rdf"]):
            for k, v in d.attrib.items():
                if k.startswith("{") and not k.startswith("{%s}" % NS["rdf"]):
                    ns, name = k[1:].split("}")
                    e = ET.Element(k)
                    e.text = v
                    out[(ns, name)] = e
            for child in d:
                ns, name = child.tag[1:].split("}")
                out[(ns, name)] = child
        return out

    @staticmethod
    def prop_text(e, kind=None):
        if e is None:
            return None
        lis = e.findall(".//{%s}li" % NS["rdf"])
        if kind == "Alt":
            for li in lis:
                if li.get(XML_LANG) == "x-default":
                    return li.text or ""
            return None
        if kind == "Seq":
            return [li.text or "" for li in lis]
        return e.text if not lis else lis[0].text

    @staticmethod
    def pdf_date(s):
        m = re.match(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:([+-])(\d\d)'?(\d\d)?'?|Z)?", s or "")
        if not m:
            return None
        y, mo, d, h, mi, se = (int(m.group(i) or dv) for i, dv in zip(range(1, 7), (0, 1, 1, 0, 0, 0)))
        off = 0
        if m.group(7):
            off = (int(m.group(8)) * 60 + int(m.group(9) or 0)) * (1 if m.group(7) == "+" else -1)
        return datetime.datetime(y, mo, d, h, mi, se, tzinfo=datetime.timezone(datetime.timedelta(minutes=off)))

    @staticmethod
    def xmp_date(s):
        try:
            return datetime.datetime.fromisoformat((s or "").replace("Z", "+00:00"))
        except ValueError:
            return None

    def check_consistency(self, root):
        p = self.props(root)
        info = self.info()
        P = lambda ns, name: p.get((NS[ns], name))
        pairs = [("Title", P("dc", "title"), "Alt", "dc:title"), ("Subject", P("dc", "description"), "Alt", "dc:description"),
                 ("Creator", P("xmp", "CreatorTool"), None, "xmp:CreatorTool"),
                 ("Producer", P("pdf", "Producer"), None, "pdf:Producer"),
                 ("Keywords", P("pdf", "Keywords"), None, "pdf:Keywords")]
        for key, e, kind, name in pairs:
            have, want = self.prop_text(e, kind), info.get(key)
            self.rule("xmp-info", have == want,
                      f"Info /{key} is {want!r} but XMP {name} is {have!r}")
        authors = self.prop_text(P("dc", "creator"), "Seq")
        want = info.get("Author")
        self.rule("xmp-info", (authors or None) == ([want] if want is not None else None),
                  f"Info /Author is {want!r} but XMP dc:creator is {authors!r}")
        for key, name in (("CreationDate", "CreateDate"), ("ModDate", "ModifyDate")):
            have = self.xmp_date(self.prop_text(P("xmp", name))) if P("xmp", name) is not None else None
            want = self.pdf_date(info.get(key)) if info.get(key) else None
            self.rule("xmp-info", have == want and (have is None or have.utcoffset() is not None),
                      f"Info /{key} is {info.get(key)!r} but XMP xmp:{name} is {self.prop_text(P('xmp', name))!r}")
        # Extra Info keys are mirrored as folio:KEY (docs/accessibility.md).
        for key, value in info.items():
            if key in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
                       "Trapped"):
                continue
            mirrored = [e for (ns, name), e in p.items() if name == key and ns not in PREDEFINED]
            self.rule("xmp-info", len(mirrored) == 1 and self.prop_text(mirrored[0]) == value,
                      f"Info /{key} ({value!r}) has no equal property in the XMP")
        lang = self.text(self.get(self.catalog().get("/Lang")))
        dl = self.prop_text(P("dc", "language"))
        self.rule("xmp-info", dl is None or dl == lang, f"/Lang is {lang!r} but XMP dc:language is {dl!r}")
        return p

    def check_claims(self, root, p):
        part = self.prop_text(p.get((NS["pdfaid"], "part")))
        conf = self.prop_text(p.get((NS["pdfaid"], "conformance")))
        ua = self.prop_text(p.get((NS["pdfuaid"], "part")))
        want_a = "A" if "a-2a" in self.expect else "B" if "a-2b" in self.expect else None
        if want_a:
            self.rule("pdfaid", part == "2" and conf == want_a,
                      f"expected pdfaid:part 2 conformance {want_a}, found part {part!r} conformance {conf!r}")
        else:
            self.rule("pdfaid", part is None, f"the file claims PDF/A (pdfaid:part {part!r}) but none was asked")
        if "ua-1" in self.expect:
            self.rule("pdfuaid", ua == "1", f"expected pdfuaid:part 1, found {ua!r}")
        else:
            self.rule("pdfuaid", ua is None, f"the file claims PDF/UA (pdfuaid:part {ua!r}) but none was asked")
        # Every property outside the predefined schemas is described by a pdfaExtension schema.
        declared = set()
        for s in root.iter("{%s}schemas" % NS["pdfaExtension"]):
            for li in s.find("{%s}Bag" % NS["rdf"]) or []:
                uri = li.findtext("{%s}namespaceURI" % NS["pdfaSchema"])
                for prop in li.iter("{%s}name" % NS["pdfaProperty"]):
                    declared.add((uri, prop.text))
        if want_a:
            for (ns, name) in p:
                if ns not in PREDEFINED:
                    self.rule("extension", (ns, name) in declared,
                              f"XMP property {name} of {ns} is not described by a pdfaExtension schema")

    def check_output_intent(self):
        intents = self.get(self.catalog().get("/OutputIntents")) or []
        found = [self.get(i) for i in intents if (self.get(i) or {}).get("/S") == "/GTS_PDFA1"]
        if not self.rule("output-intent", len(found) == 1, f"expected one /GTS_PDFA1 output intent, found {len(found)}"):
            return
        oi = found[0]
        self.rule("output-intent", self.text(oi.get("/OutputConditionIdentifier")) is not None,
                  "the output intent has no /OutputConditionIdentifier")
        sdict, icc = self.stream(oi.get("/DestOutputProfile"))
        good = (sdict is not None and icc is not None and len(icc) >= 132 and icc[36:40] == b"acsp"
                and int.from_bytes(icc[:4], "big") == len(icc) and icc[16:20] == b"RGB "
                and icc[12:16] in (b"mntr", b"prtr") and 2 <= icc[8] <= 4 and sdict.get("/N") == 3)
        self.rule("output-intent", good,
                  "the /DestOutputProfile is not a valid RGB ICC profile (v2-v4, mntr or prtr, 'acsp', size) with /N 3")
        self.rgb_intent = good

    def check_fonts(self):
        r = subprocess.run(["pdffonts", self.path], capture_output=True, text=True)
        self.rule("fonts", r.returncode == 0 and not r.stderr.strip(), "pdffonts warns: " + r.stderr.strip()[:300])
        rows = r.stdout.splitlines()[2:]
        bad = [row.split()[0] for row in rows if row.split()[-5] != "yes"]
        self.rule("fonts", not bad, "fonts not embedded (pdffonts): " + ", ".join(bad))
        for ref, d in self.walk():
            if d.get("/Type") != "/Font" or d.get("/Subtype") == "/Type0":
                continue
            name = (d.get("/BaseFont") or "")[1:]
            desc = self.get(d.get("/FontDescriptor")) or {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            self.rule("fonts", embedded or d.get("/Subtype") == "/Type3",
                      f"font {name or ref} is not embedded" + (" (a base-14 font)" if name in BASE14 else ""))

    def check_forbidden(self):
        rgb = getattr(self, "rgb_intent", False)
        for ref, d in self.walk():
            where = f"object {ref}"
            for key in ("/JS", "/JavaScript"):
                self.rule("forbidden", key not in d, f"{where} has {key} (JavaScript)")
            if "/S" in d and d.get("/S") in BAD_ACTIONS:
                self.rule("forbidden", False, f"{where} is a {d['/S']} action")
            filters = d.get("/Filter")
            filters = filters if isinstance(filters, list) else [filters]
            self.rule("forbidden", "/LZWDecode" not in filters, f"{where} uses the LZW filter")
            self.rule("forbidden", "/XFA" not in d and "/NeedsRendering" not in d, f"{where} has XFA forms")
            if d.get("/Type") in ("/Catalog", "/Page") or "/Pages" in d:
                self.rule("forbidden", "/AA" not in d, f"{where} ({d.get('/Type')}) has additional actions /AA")
            if d.get("/Type") == "/Catalog":
                names = self.get(d.get("/Names")) or {}
                self.rule("forbidden", "/JavaScript" not in names and "/EmbeddedFiles" not in names,
                          f"{where}: the name tree holds JavaScript or embedded files")
            if d.get("/Subtype") == "/Image" or d.get("/Type") == "/XObject":
                self.rule("forbidden", d.get("/Interpolate") is not True, f"{where}: an image with /Interpolate true")
                self.rule("forbidden", "/OPI" not in d and "/Alternates" not in d, f"{where}: /OPI or /Alternates")
                self.rule("forbidden", d.get("/Subtype") != "/PS", f"{where}: a PostScript XObject")
                cs = d.get("/ColorSpace")
                self.rule("forbidden", not (rgb and cs == "/DeviceCMYK"),
                          f"{where}: a /DeviceCMYK image under an RGB output intent")
            if d.get("/Type") == "/ExtGState":
                self.rule("forbidden", "/TR" not in d and d.get("/TR2", "/Default") == "/Default",
                          f"{where}: an ExtGState with a transfer function")
            if d.get("/Type") == "/Annot" or (d.get("/Subtype") in ("/Link", "/Widget", "/Text") and "/Rect" in d):
                self.rule("forbidden", d.get("/Subtype") not in BAD_ANNOTS, f"{where}: a {d.get('/Subtype')} annotation")
                f = d.get("/F", 0) if isinstance(d.get("/F", 0), int) else 0
                self.rule("forbidden", f & 4 and not f & (1 | 2 | 32),
                          f"{where}: a {d.get('/Subtype')} annotation without the Print flag (/F {f})")
            if d.get("/Type") == "/Page":
                group = self.get(d.get("/Group")) or {}
                self.rule("forbidden", not group or rgb or "/CS" in group,
                          f"{where}: a transparency group without /CS and no output intent")

    def check_lang_and_tags(self):
        cat = self.catalog()
        lang = self.text(self.get(cat.get("/Lang")))
        self.rule("lang", bool(lang), "the catalog has no /Lang")
        if "a-2a" in self.expect or "ua-1" in self.expect:
            mark = self.get(cat.get("/MarkInfo")) or {}
            self.rule("tagged", mark.get("/Marked") is True, "no /MarkInfo << /Marked true >> in a file that must be tagged")
            self.rule("tagged", "/StructTreeRoot" in cat, "no /StructTreeRoot in a file that must be tagged")
        if "ua-1" in self.expect:
            prefs = self.get(cat.get("/ViewerPreferences")) or {}
            self.rule("tagged", prefs.get("/DisplayDocTitle") is True, "PDF/UA needs /DisplayDocTitle true")
            self.rule("tagged", bool(self.info().get("Title")), "PDF/UA needs a title")

    def run(self, same_id):
        self.check_qpdf()
        if not self.load():
            return
        self.check_header()
        self.check_trailer(same_id)
        if self.expect == {"none"}:
            root = self.check_xmp() if "/Metadata" in self.catalog() else None
            if root is not None:
                self.check_claims(root, self.props(root))
            return
        root = self.check_xmp()
        if root is not None:
            p = self.check_consistency(root)
            self.check_claims(root, p)
        if self.expect & {"a-2a", "a-2b"}:
            self.check_output_intent()
        self.check_fonts()
        self.check_forbidden()
        self.check_lang_and_tags()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf")
    ap.add_argument("--expect", default="a-2b")
    ap.add_argument("--same-id", metavar="OTHER")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    expect = {s.strip().lower() for s in a.expect.split(",")}
    if not expect <= STANDARDS | {"none"} or ("none" in expect and len(expect) > 1):
        ap.error(f"--expect takes a-2b, a-2a, ua-1 or none, or a list, not {a.expect!r}")
    c = Checker(a.pdf, expect)
    c.run(a.same_id)
    for p in c.problems:
        print(f"{a.pdf}: {p}")
    if not c.problems and not a.quiet:
        print(f"{a.pdf}: ok ({c.checks} checks)")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
