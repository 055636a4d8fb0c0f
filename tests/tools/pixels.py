#!/usr/bin/env python3
"""pixels.py PAGE.ppm COLOUR: where a colour is on a rendered page (pdftoppm's PPM), for
tests/e2e/test_images.sh and
test_canvas.sh; read_ppm is also used by chart_refs.py. Prints "COUNT LEFT TOP WIDTH HEIGHT CENTRE RIGHT": the number of pixels
of that colour and their bounding box (in pixels), then the colour of the pixel at the centre of
the box and of the one half a box-width right of it ("other" when none fits, "none" off the
page); "0 0 0 0 0 none none" when the colour is not there. Colours are loose classes, so
anti-aliasing and JPEG noise do not matter: red, green, blue, cyan, black, grey (about #404040),
white."""
import sys

CLASSES = {
    "red": lambda r, g, b: r > 200 and g < 70 and b < 70,
    "green": lambda r, g, b: r < 70 and g > 200 and b < 70,
    "blue": lambda r, g, b: r < 70 and g < 70 and b > 200,
    "cyan": lambda r, g, b: r < 90 and g > 120 and b > 180,
    "black": lambda r, g, b: r < 40 and g < 40 and b < 40,
    "grey": lambda r, g, b: 45 < r < 90 and abs(r - g) < 12 and abs(g - b) < 12,
    "white": lambda r, g, b: r > 245 and g > 245 and b > 245,
}


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, at = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; comments are not written by pdftoppm
        while data[at:at + 1].isspace():
            at += 1
        start = at
        while not data[at:at + 1].isspace():
            at += 1
        fields.append(data[start:at])
    assert fields[0] == b"P6", "expected a binary PPM"
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[at + 1:]


def colour_at(w, h, px, x, y):
    if not (0 <= x < w and 0 <= y < h):
        return "none"
    r, g, b = px[3 * (y * w + x):3 * (y * w + x) + 3]
    return next((name for name, test in CLASSES.items() if test(r, g, b)), "other")


def main():
    w, h, px = read_ppm(sys.argv[1])
    test = CLASSES[sys.argv[2]]
    n, x0, y0, x1, y1 = 0, w, h, -1, -1
    for y in range(h):
        row = px[y * w * 3:(y + 1) * w * 3]
        for x in range(w):
            if test(row[3 * x], row[3 * x + 1], row[3 * x + 2]):
                n += 1
                x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    if not n:
        print("0 0 0 0 0 none none")
        return
    bw, bh = x1 - x0 + 1, y1 - y0 + 1
    centre = colour_at(w, h, px, x0 + bw // 2, y0 + bh // 2)
    right = colour_at(w, h, px, x0 + bw + bw // 2, y0 + bh // 2)
    print(f"{n} {x0} {y0} {bw} {bh} {centre} {right}")


if __name__ == "__main__":
    main()
