#!/usr/bin/env python3
"""Compare two builds of leadpipe on its own steps, run in turn on the same data.

    bench/compare.py BASE NEW [--scale N] [--pairs K] [--work DIR] [--pg URL] [--out FILE]

BASE and NEW are leadpipe binaries. Each of K pairs runs, for both builds (which one goes
first alternates from pair to pair, so that neither gets the VM's faster moments):

  postgres   leadpipe ingest into a fresh PostgreSQL database
  sqlite     leadpipe ingest into a new SQLite file
  rerun      the same files again, into that build's PostgreSQL database
  changed    a second snapshot with 1% of the records changed, into a copy of it

on the three agency files scaled N times (bench/scale.py), each step started as
bench/bench.py starts it (autovacuum done, pages flushed, a checkpoint). Prints, per step,
each build's median seconds and the median of the pairs' NEW/BASE ratios, and writes every
run's seconds as JSON.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid

from bench import HERE, ROOT, database_url, leadpipe, psql, settle

STEPS = ("postgres", "sqlite", "rerun", "changed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "compare"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--pg", default=os.environ.get("LEADPIPE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    builds = {"base": args.base, "new": args.new}

    first, second = os.path.join(args.work, "snapshot-1"), os.path.join(args.work, "snapshot-2")
    for folder, extra in [(first, []), (second, ["--date", "07-14-2023", "--change", "1"])]:
        subprocess.run(["rm", "-rf", folder], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "scale.py"), str(args.scale), folder, *extra], check=True)

    tag = uuid.uuid4().hex[:8]
    runs = {build: {step: [] for step in STEPS} for build in builds}

    def create(name, template=None):
        psql(args.pg, "-c", f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return database_url(args.pg, name)

    def drop(name):
        psql(args.pg, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def one_round(build, n):
        binary = builds[build]
        load = f"leadpipe_compare_{build}_{tag}_{n}"
        copy = load + "_changed"
        try:
            url = create(load)
            settle(args.pg)
            runs[build]["postgres"].append(leadpipe(binary, [first], url)[0])
            sqlite_file = os.path.join(args.work, f"{build}.db")
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(sqlite_file + suffix):
                    os.remove(sqlite_file + suffix)
            settle(args.pg)
            runs[build]["sqlite"].append(leadpipe(binary, [first], "sqlite:" + sqlite_file)[0])
            psql(url, "-c", "VACUUM (ANALYZE) leads")
            settle(args.pg)
            runs[build]["rerun"].append(leadpipe(binary, [first], url)[0])
            copy_url = create(copy, template=load)
            settle(args.pg)
            runs[build]["changed"].append(leadpipe(binary, [second], copy_url)[0])
        finally:
            drop(copy)
            drop(load)

    for n in range(args.pairs):
        order = ("base", "new") if n % 2 == 0 else ("new", "base")
        for build in order:
            one_round(build, n)

    results = {"scale": args.scale, "pairs": args.pairs, "builds": builds, "runs": runs, "steps": {}}
    print(f"{'step':<9} {'base':>8} {'new':>8} {'new/base':>9}   (medians of {args.pairs} pairs)")
    for step in STEPS:
        base, new = runs["base"][step], runs["new"][step]
        ratio = statistics.median(n / b for b, n in zip(base, new))
        results["steps"][step] = {"base": statistics.median(base), "new": statistics.median(new), "ratio": ratio}
        print(f"{step:<9} {statistics.median(base):8.3f} {statistics.median(new):8.3f} {ratio:9.3f}")
    out = args.out or os.path.join(args.work, "compare.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"every run's seconds in {out}")


if __name__ == "__main__":
    main()
