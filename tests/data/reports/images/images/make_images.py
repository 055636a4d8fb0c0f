#!/usr/bin/env python3
"""Writes the image fixtures of tests/e2e/test_images.sh (PNG with zlib and struct only; JPEG
through cjpeg from libjpeg-turbo-progs; cmyk.jpg comes from make_cmyk_jpeg.c). Run from this
folder: python3 make_images.py. Every picture is solid colours, so a test can check a pixel."""
import struct
import subprocess
import zlib

W, H = 40, 30


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(name, rows, colour_type, depth, extra=b"", filter_byte=0, interlace=0, raw=None, width=W, height=H):
    """rows: a list of rows, each a bytes of packed samples (no filter byte)."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    if raw is None:
        raw = b"".join(bytes([filter_byte]) + r for r in rows)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
    data += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(name, "wb") as f:
        f.write(data)
    return data


def pixels(fn, bpp):
    """Rows of samples: fn(x, y) gives the bytes of one pixel."""
    return [b"".join(fn(x, y) for x in range(W)) for y in range(H)]


RED, BLUE, GREEN = b"\xff\x00\x00", b"\x00\x00\xff", b"\x00\xff\x00"

# Each colour type, 8-bit.
good = png("rgb8.png", pixels(lambda x, y: RED, 3), 2, 8)
png("grey8.png", pixels(lambda x, y: b"\x40", 1), 0, 8)
png("rgba8.png", pixels(lambda x, y: BLUE + (b"\xff" if x < W // 2 else b"\x00"), 4), 6, 8)
png("greya8.png", pixels(lambda x, y: b"\x00" + (b"\xff" if y < H // 2 else b"\x00"), 2), 4, 8)
# 16-bit: RGB green, grey+alpha black over transparent.
png("rgb16.png", pixels(lambda x, y: b"\x00\x00\xff\xff\x00\x00", 6), 2, 16)
png("greya16.png", pixels(lambda x, y: b"\x00\x00" + (b"\xff\xff" if x < W // 2 else b"\x00\x00"), 4), 4, 16)
# Palette with tRNS: index 0 red (opaque), index 1 transparent; left half red.
plte = chunk(b"PLTE", RED + GREEN) + chunk(b"tRNS", b"\xff\x00")
png("palette.png", pixels(lambda x, y: b"\x00" if x < W // 2 else b"\x01", 1), 3, 8, extra=plte)
# 1-bit grey: the left half black, the right half white (20 zero bits, then 20 one bits).
png("grey1.png", [bytes([0x00, 0x00, 0x0F, 0xFF, 0xFF]) for y in range(H)], 0, 1)
# A zero gAMA: libpng warns (libharu 2.3.0 fails on it); the image is fine.
png("gamma0.png", pixels(lambda x, y: RED, 3), 2, 8, extra=chunk(b"gAMA", struct.pack(">I", 0)))

# Adam7 interlaced RGB: top half red, bottom half blue.
def adam7(fn):
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    out = b""
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, W, dx))
        if not xs:
            continue
        for y in range(y0, H, dy):
            out += b"\x00" + b"".join(fn(x, y) for x in xs)
    return out


png("interlaced.png", None, 2, 8, interlace=1, raw=adam7(lambda x, y: RED if y < H // 2 else BLUE))

# Broken ones.
png("bad-filter.png", pixels(lambda x, y: RED, 3), 2, 8, filter_byte=7)
with open("truncated.png", "wb") as f:
    f.write(good[: len(good) // 2])
with open("not-an-image.png", "w") as f:
    f.write("This is a text file with a .png name.\n")
open("empty.png", "wb").close()
# 20000 x 20000 (400 million pixels) declared: refused before any pixel is decoded.
ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
with open("huge.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))

# JPEG: a red RGB one, a grey one, a progressive one, and a truncated copy.
ppm = b"P6\n64 48\n255\n" + RED * (64 * 48)
pgm = b"P5\n64 48\n255\n" + b"\x40" * (64 * 48)
def cjpeg(args, data, out):
    with open(out, "wb") as f:
        f.write(subprocess.run(["cjpeg", "-quality", "90", *args], input=data, check=True, capture_output=True).stdout)

cjpeg([], ppm, "red.jpg")
cjpeg([], pgm, "grey.jpg")
cjpeg(["-progressive"], b"P6\n64 48\n255\n" + BLUE * (64 * 48), "progressive.jpg")
with open("red.jpg", "rb") as f:
    jpg = f.read()
with open("truncated.jpg", "wb") as f:
    f.write(jpg[: len(jpg) * 2 // 3])
