#!/usr/bin/env python3
"""Writes a large input folder for the default report, for tests that need a render that takes
a while (tests/e2e/test_kill.sh): the sample survey rows cycled to ROWS rows with new unique
respondent ids, and the other sample files copied unchanged. Deterministic.

    bigdata.py OUT_DIR ROWS [--report reports/4pi-reality-impact]
               [--interviews N] [--signatories N]

--interviews N and --signatories N write that many generated rows instead of copying the
sample files: interview excerpts of one to nine sentences (one in ten without consent), and
organisations with a region, a sign-up date and a status, for the stress report
(tests/data/e2e-reports/stress).
"""
import argparse
import csv
import os
import random
import shutil

LEVELS = ["individual", "community", "services", "strategic"]
DOMAINS = ["principles", "purpose", "presence", "process", "impact"]
ROLES = ["service_user_or_carer", "involvement_lead", "manager", "clinician", "other"]
REGIONS = ["North East", "North West", "Yorkshire", "East Midlands", "West Midlands", "East of England",
           "London", "South East", "South West"]
SUBJECTS = ["The panel", "Our trust", "The involvement lead", "Service users", "Carers", "The board",
            "Ward staff", "The community group", "Commissioners", "The recovery college"]
VERBS = ["listened to", "changed", "questioned", "rewrote", "paid for", "reported on", "co-produced",
         "reviewed", "explained", "postponed"]
OBJECTS = ["the recruitment process", "the discharge leaflet", "every meeting agenda", "the annual plan",
           "the complaints procedure", "the training budget", "how feedback is used", "the crisis pathway",
           "the way decisions are recorded", "the terms of reference"]
TAILS = ["after we asked", "for the first time", "within a month", "without being asked",
         "because the standards say so", "and told us why", "at last", "with our help"]


def sentence(rng):
    return "%s %s %s %s." % (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(TAILS))


def write_interviews(path, n, rng):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["interview_id", "interviewed_on", "role", "org_type", "level", "domain", "quote", "consent"])
        for i in range(n):
            quote = " ".join(sentence(rng) for _ in range(rng.choice([1, 2, 2, 3, 3, 4, 5, 7, 9])))
            w.writerow(["I%05d" % (i // 2 + 1), "2026-%02d-%02d" % (1 + i % 12, 1 + i % 28), rng.choice(ROLES),
                        "voluntary", rng.choice(LEVELS), rng.choice(DOMAINS), quote,
                        "no" if i % 10 == 9 else "yes"])


def write_signatories(path, n, rng):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["organisation", "org_type", "region", "signed_up_on", "status"])
        for i in range(n):
            w.writerow(["%s %s (%d)" % (rng.choice(["Riverside", "Hillcrest", "Northgate", "Eastleigh", "Westmoor"]),
                                        rng.choice(["Mind", "NHS Foundation Trust", "Carers Centre", "Recovery College"]),
                                        i + 1),
                        "voluntary", rng.choice(REGIONS),
                        "%d-%02d-%02d" % (2013 + i % 14, 1 + i % 12, 1 + i % 28),
                        "lapsed" if i % 9 == 8 else "active"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("rows", type=int)
    ap.add_argument("--report", default="reports/4pi-reality-impact")
    ap.add_argument("--interviews", type=int)
    ap.add_argument("--signatories", type=int)
    a = ap.parse_args()
    rng = random.Random(4)
    data = os.path.join(a.report, "data")
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(data):
        if name.endswith(".csv") and name != "survey.csv":
            shutil.copyfile(os.path.join(data, name), os.path.join(a.out, name))
    if a.interviews is not None:
        write_interviews(os.path.join(a.out, "interviews.csv"), a.interviews, rng)
    if a.signatories is not None:
        write_signatories(os.path.join(a.out, "signatories.csv"), a.signatories, rng)
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
