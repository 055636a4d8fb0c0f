#!/usr/bin/env python3
"""Allocation-failure sweep (tests/e2e/test_alloc_failure.sh): runs a command again and again
under the failmalloc shim (tests/tools/failmalloc.c), failing the Nth allocation, and checks
that every run ends cleanly.

    allocsweep.py --shim LIB [--once] [--dense D] [--stride S] [--tail T] [--once-stride S]
                  [--jobs J] [--timeout SECONDS] -- COMMAND...

COMMAND writes the PDF to the path {OUT} (replaced in its arguments by a fresh path per run). A counting pass first finds K, the number
of allocations of a successful run, and keeps its PDF as the reference. Then N runs over
1..D, every S-th allocation after that, and the last T before K (all of them if K <= D). A run
is clean if it either
  - exits 1 with a "folio: " line on stderr, no file at PDF and no temporary file beside it, or
  - exits 0 with a PDF byte-identical to the reference and no temporary file (the failure was
    absorbed: the C library falls back, for example, to an unbuffered stream).
Anything else (a signal, another exit status, a timeout, a partial or different PDF, a leftover
temporary file, an error without a message) is a finding. Prints a summary line per mode and
each finding; exits 1 if there was one.
"""
import argparse
import collections
import concurrent.futures as cf
import os
import shutil
import subprocess
import sys
import tempfile


def run_once(args, env_extra, out_pdf):
    env = dict(os.environ)
    env.update(env_extra)
    env["LD_PRELOAD"] = args.shim
    cmd = [c.replace("{OUT}", out_pdf) for c in args.command]
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=args.timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return "timeout", (e.stderr or b"").decode("utf-8", "replace")


def leftovers(d):
    return sorted(n for n in os.listdir(d) if n.startswith("."))


def check(args, n, once, reference):
    d = tempfile.mkdtemp(prefix="sweep-", dir=args.work)
    out = os.path.join(d, "out.pdf")
    env = {"FOLIO_FAILMALLOC": str(n), "FOLIO_FAILMALLOC_ONCE": "1" if once else "0"}
    rc, err = run_once(args, env, out)
    left = leftovers(d)
    problem = None
    if rc == 1:
        if not any(line.startswith("folio: ") for line in err.splitlines()):
            problem = "exit 1 without a folio: message"
        elif os.path.exists(out):
            problem = "exit 1 but a PDF at the target"
    elif rc == 0:
        with open(out, "rb") as f:
            if f.read() != reference:
                problem = "exit 0 with a PDF that differs from the reference"
    elif rc == "timeout":
        problem = "no end within %g s" % args.timeout
    elif rc < 0:
        problem = "killed by signal %d" % -rc
    else:
        problem = "exit status %d" % rc
    if problem is None and left:
        problem = "temporary files left: " + " ".join(left)
    shutil.rmtree(d, ignore_errors=True)
    kind = "ok" if rc == 0 else ("out of memory" if "folio: out of memory" in err else "other error")
    last = [l for l in err.splitlines() if l.strip()]
    return n, problem, kind, (last[0] if last else ""), err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shim", required=True)
    ap.add_argument("--once", action="store_true", help="also sweep with only the Nth failing")
    ap.add_argument("--dense", type=int, default=2000)
    ap.add_argument("--stride", type=int, default=5)
    ap.add_argument("--tail", type=int, default=50)
    ap.add_argument("--once-stride", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--work", default=None)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()
    own_work = args.work is None
    args.work = args.work or tempfile.mkdtemp(prefix="allocsweep-")

    # Counting pass: K and the reference PDF.
    d = tempfile.mkdtemp(prefix="count-", dir=args.work)
    report = os.path.join(d, "count")
    out = os.path.join(d, "out.pdf")
    rc, err = run_once(args, {"FOLIO_FAILMALLOC_REPORT": report}, out)
    if rc != 0 or not os.path.exists(report):
        print("the counting run failed (exit %s):\n%s" % (rc, err))
        return 1
    with open(report) as f:
        k = int(f.read().split()[0])
    with open(out, "rb") as f:
        reference = f.read()
    shutil.rmtree(d, ignore_errors=True)
    print("a successful run makes %d allocations" % k)

    plans = []
    ns = sorted(set(list(range(1, min(k, args.dense) + 1)) + list(range(args.dense + 1, k + 1, args.stride)) +
                    list(range(max(1, k - args.tail + 1), k + 1))))
    plans.append(("the Nth allocation and all later ones fail", False, ns))
    if args.once:
        plans.append(("only the Nth allocation fails", True, list(range(1, k + 1, args.once_stride))))

    findings = 0
    for title, once, ns in plans:
        kinds = collections.Counter()
        messages = collections.Counter()
        bad = []
        with cf.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for n, problem, kind, first, err in pool.map(lambda n: check(args, n, once, reference), ns):
                kinds[kind] += 1
                if kind == "other error":
                    messages[first] += 1
                if problem:
                    bad.append((n, problem, err))
        print("%s: %d runs over N = 1..%d: %d exit 1 with \"folio: out of memory\", %d exit 1 with "
              "another error, %d succeeded with the reference PDF; %d findings"
              % (title, len(ns), k, kinds["out of memory"], kinds["other error"], kinds["ok"], len(bad)))
        for msg, count in messages.most_common(8):
            print("   %5d x %s" % (count, msg))
        for n, problem, err in bad[:20]:
            print("FINDING N=%d: %s\n    %s" % (n, problem, err.strip().replace("\n", "\n    ")[:600]))
        findings += len(bad)
    if own_work:
        shutil.rmtree(args.work, ignore_errors=True)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
