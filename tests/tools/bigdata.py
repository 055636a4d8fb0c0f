#!/usr/bin/env python3
"""Writes a large input folder for the default report, for tests that need a render that takes
a while (tests/e2e/test_kill.sh): the sample survey rows cycled to ROWS rows with new unique
respondent ids, and the other sample files copied unchanged. Deterministic.

    bigdata.py OUT_DIR ROWS [--report reports/4pi-reality-impact]
"""
import argparse
import csv
import os
import shutil


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("rows", type=int)
    ap.add_argument("--report", default="reports/4pi-reality-impact")
    a = ap.parse_args()
    data = os.path.join(a.report, "data")
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(data):
        if name.endswith(".csv") and name != "survey.csv":
            shutil.copyfile(os.path.join(data, name), os.path.join(a.out, name))
    with open(os.path.join(data, "survey.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], [r for r in rows[1:] if r]
    key = header.index("respondent_id")
    with open(os.path.join(a.out, "survey.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        for i in range(max(0, a.rows - len(rows))):
            r = list(rows[i % len(rows)])
            r[key] = "G%07d" % i
            w.writerow(r)

if __name__ == "__main__":
    main()
