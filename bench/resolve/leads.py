#!/usr/bin/env python3
"""Exports the leads of bench/duplicates.py, as leadpipe normalized them, for Splink.

    bench/resolve/leads.py DUPLICATES_DIR LEADS_DB [--out DIR]

DUPLICATES_DIR is bench/duplicates.py's output (its truth.csv is read); LEADS_DB the SQLite
file `leadpipe ingest DUPLICATES_DIR/leads --db sqlite:LEADS_DB` wrote. Writes
DIR/leads.csv (default DIR: target/resolve/data) in the columns splink_run.py reads:
record_id (the lead id), entity_id (the truth), source (`a`: one table, a dedupe), and the
fields both matchers get, as leadpipe stored them: company, first_name, last_name,
address1, city, zip, phone, email. So Splink and leadpipe compare the same normalized
values; neither sees the truth.
"""
import argparse
import csv
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIELDS = ["company", "first_name", "last_name", "address1", "city", "zip", "phone", "email"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("duplicates")
    parser.add_argument("db")
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "resolve", "data"))
    args = parser.parse_args()
    with open(os.path.join(args.duplicates, "truth.csv"), newline="", encoding="utf-8") as f:
        truth = {row["record_id"]: row["entity_id"] for row in csv.DictReader(f)}
    con = sqlite3.connect(args.db)
    rows = con.execute(f"SELECT lead_id, {', '.join(FIELDS)} FROM leads ORDER BY lead_id").fetchall()
    if len(rows) != len(truth):
        sys.exit(f"{args.db} has {len(rows)} leads, the truth {len(truth)}: load the same drop")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "leads.csv"), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["record_id", "entity_id", "source", *FIELDS])
        for lead_id, *values in rows:
            out.writerow([lead_id, truth[lead_id], "a", *["" if v is None else v for v in values]])


if __name__ == "__main__":
    main()
