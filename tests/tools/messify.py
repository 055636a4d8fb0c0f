#!/usr/bin/env python3
"""Rewrites tidy 4Pi CSVs as a messy export of the SAME data, so that a test can check that
both give identical figures: a byte-order mark, CRLF, shuffled and extra columns, codes in odd
case with stray spaces, yes/no as Y/TRUE/1, multi-select separators with spaces.

    messify.py TIDY_DIR MESSY_DIR [--seed N]
"""
import csv
import io
import os
import random
import sys

CODE_COLS = {"org_type", "role", "signed_up", "use_of_standards", "status", "level", "domain"}
YESNO_COLS = {"heard_of_4pi", "interview_ok"}
MULTI_COLS = {"levels_used", "domains_used", "benefits_seen"}


def odd_case(rng, v):
    r = rng.random()
    if r < 0.3:
        return v.upper()
    if r < 0.6:
        return f"  {v.capitalize()} "
    return v


def odd_yesno(rng, v):
    return rng.choice({"yes": ["Y", "TRUE", "1", "Yes"], "no": ["N", "false", "0", "No"]}.get(v, [v]))


def main():
    tidy, messy = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 5
    rng = random.Random(seed)
    os.makedirs(messy, exist_ok=True)
    for name in sorted(os.listdir(tidy)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(tidy, name), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        fields = list(rows[0].keys()) + ["export_row_hash"]
        rng.shuffle(fields)
        for row in rows:
            for k, v in list(row.items()):
                if k in CODE_COLS and v:
                    row[k] = odd_case(rng, v)
                elif k in YESNO_COLS and v:
                    row[k] = odd_yesno(rng, v)
                elif k in MULTI_COLS and v:
                    row[k] = " ; ".join(odd_case(rng, p) for p in v.split(";"))
            row["export_row_hash"] = f"{rng.getrandbits(48):012x}"
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow({f: f.upper() if rng.random() < 0.3 else f for f in fields})
        w.writerows(rows)
        with open(os.path.join(messy, name), "wb") as f:
            f.write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
