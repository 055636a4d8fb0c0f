#!/usr/bin/env python3
"""An independent computation of the default report's key figures from the four CSV files,
written without folio's code, for the end-to-end tests to compare with the PDF.

    figures.py DATA_DIR        prints NAME=VALUE lines
    figures.py DATA_DIR --withheld   prints the quotes that must never appear, one per line
"""
import csv
import os
import re
import sys

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
ORG = {"nhs_trust", "voluntary", "user_led", "local_authority", "commissioner", "other"}
ROLES = {"service_user_or_carer", "involvement_lead", "manager", "clinician", "other"}
USE = {"not_using", "planning", "some_areas", "whole_organisation"}
LEVELS = ["individual", "community", "services", "strategic"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def rows(data, name):
    with open(os.path.join(data, name), newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = [h.strip().lower() for h in next(r)]
        for rec in r:
            if rec:
                yield {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}


def code(v):
    return v.strip().lower()


def pct(k, n):
    return (200 * k + n) // (2 * n) if n else 0


def main():
    data = sys.argv[1]
    survey = []
    seen = set()
    for r in rows(data, "survey.csv"):
        if not DATE.match(r["submitted_at"].strip()):
            continue
        if code(r["org_type"]) not in ORG or code(r["role"]) not in ROLES:
            continue
        if code(r["heard_of_4pi"]) not in YES | NO or code(r["use_of_standards"]) not in USE:
            continue
        if code(r["signed_up"]) not in {"yes", "no", "not_sure"}:
            continue
        if any(r["difference_" + lv].strip() not in {"", "1", "2", "3", "4", "5"} for lv in LEVELS):
            continue
        if r["respondent_id"].strip() in seen:
            continue
        seen.add(r["respondent_id"].strip())
        survey.append(r)
    n = len(survey)
    using = sum(code(r["use_of_standards"]) in {"some_areas", "whole_organisation"} for r in survey)
    heard = sum(code(r["heard_of_4pi"]) in YES for r in survey)
    interviews = list(rows(data, "interviews.csv"))
    sig = [r for r in rows(data, "signatories.csv") if code(r["status"]) in {"active", "lapsed"}]
    active = sum(code(r["status"]) == "active" for r in sig)
    if "--withheld" in sys.argv:
        for r in interviews:
            if code(r["consent"]) not in YES:
                print(r["quote"].strip().splitlines()[0][:60])
        return
    last_year = max(r["submitted_at"].strip()[:4] for r in survey)
    new = sum(r["signed_up_on"].strip() >= last_year + "-01-01" for r in sig)
    print(f"responses={n:,}")
    print(f"interviews={len({r['interview_id'].strip() for r in interviews}):,}")
    print(f"active={active:,}")
    print(f"lapsed={len(sig) - active:,}")
    print(f"new={new:,}")
    print(f"using_pct={pct(using, n)}%")
    print(f"heard_pct={pct(heard, n)}%")
    print(f"using_of=({using:,} of {n:,})")
    for lv in LEVELS:
        answers = [int(r["difference_" + lv]) for r in survey if r["difference_" + lv].strip()]
        agree = sum(a >= 4 for a in answers)
        print(f"agree_{lv}={agree:,} of {len(answers):,} respondents ({pct(agree, len(answers))}%)")
    withheld = sum(code(r["consent"]) not in YES for r in interviews)
    print(f"withheld={withheld}")
    # The value labels of the use-of-standards chart: "12 (41%)" per answer given.
    for u in sorted(USE):
        k = sum(code(r["use_of_standards"]) == u for r in survey)
        if k:
            print(f"use_{u}={k:,} ({pct(k, n)}%)")
    print(f"signatories={len(sig):,}")


if __name__ == "__main__":
    main()
