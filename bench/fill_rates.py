#!/usr/bin/env python3
"""Fill rates of the enrichment's columns per source, on the real files, for two builds.

    bench/fill_rates.py BASE NEW [--data tests/data/raw]

Each build ingests the files into a new SQLite file (`--no-resolve`); prints, per source and
column, the share of its leads with a value under each build (`-`: the build has no such
column). What a column was derived from is counted from `derived` in NEW's database.
"""
import argparse
import collections
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

from bench import ROOT

COLUMNS = ("county", "time_zone", "calling_hours", "latitude", "email_kind", "website_address")


def fill(binary, data):
    folder = tempfile.mkdtemp(prefix="leadpipe-fill-")
    db = os.path.join(folder, "leads.db")
    done = subprocess.run([binary, "ingest", data, "--db", "sqlite:" + db, "--no-resolve"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{binary} failed ({done.returncode}):\n{done.stderr}")
    conn = sqlite3.connect(db)
    have = {row[1] for row in conn.execute("PRAGMA table_info(leads)")}
    rates = {}
    for source, total in conn.execute("SELECT source, count(*) FROM leads GROUP BY source"):
        for column in COLUMNS:
            if column in have:
                (filled,) = conn.execute(
                    f"SELECT count({column}) FROM leads WHERE source = ?", (source,)).fetchone()
                rates[source, column] = (filled, total)
    bases = collections.Counter()
    if "derived" in have:
        for source, derived in conn.execute("SELECT source, derived FROM leads WHERE derived IS NOT NULL"):
            for column, basis in json.loads(derived).items():
                bases[source, column, basis] += 1
    return rates, bases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--data", default=os.path.join(ROOT, "tests", "data", "raw"))
    args = parser.parse_args()
    before, _ = fill(args.base, args.data)
    after, bases = fill(args.new, args.data)
    sources = sorted({source for source, _ in after})
    print("| source | column | before | after | derived from |")
    print("|---|---|---:|---:|---|")
    share = lambda r: "-" if r is None else f"{100 * r[0] / r[1]:.0f}% ({r[0]} of {r[1]})"
    for source in sources:
        for column in COLUMNS:
            derived = ", ".join(f"{basis} {n}" for (s, c, basis), n in sorted(bases.items())
                                if s == source and c == column)
            print(f"| {source} | `{column}` | {share(before.get((source, column)))} "
                  f"| {share(after.get((source, column)))} | {derived or '-'} |")


if __name__ == "__main__":
    main()
