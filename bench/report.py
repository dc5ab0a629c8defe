#!/usr/bin/env python3
"""`leadpipe report` on a database of a million leads, timed on SQLite and PostgreSQL.

    python3 bench/report.py [--leads N] [--repeat R] [--work DIR] [--pg URL] [--leadpipe BIN]

Builds each database once (kept in --work, default target/bench-report, and reused when the
same N is asked again): N generated leads with known duplicates in two sources
(bench/duplicates.py: the Nevada list and a county's re-export), plus a CRM export of one
lead in twenty as a rep would type it (the built-in `salesforce_leads` spec), loaded and
resolved into entities by `leadpipe ingest`. Then times `leadpipe report` R times (default
3) on each, and prints the median seconds (and the spread), the page's size and the peak RSS,
then the time of each of the report's queries, read from its debug log (`-vv`). Needs a
release build (`cargo build --release`) and PostgreSQL (`--pg URL`, or
$LEADPIPE_BENCH_POSTGRES; default postgres://postgres@127.0.0.1:5432/postgres).
"""
import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATABASE = "leadpipe_bench_report"


def crm_export(leads_csv, out):
    """One record in twenty of the Nevada-format file, as a Salesforce Lead export."""
    with open(leads_csv, newline="", encoding="utf-8", errors="replace") as f, open(out, "w", newline="") as o:
        reader = csv.reader(f)
        next(reader)
        writer = csv.writer(o)
        writer.writerow(["Id", "Company", "FirstName", "LastName", "Title", "Street", "City", "State", "PostalCode",
                         "Country", "Phone", "MobilePhone", "Email", "Status"])
        for n, row in enumerate(reader):
            if n % 20:
                continue
            name, address, phone, person = row[0], row[6], row[10], row[12]
            first, _, last = person.partition(" ")
            street = address.split(",")[0]
            postal = address.split()[-1] if address.split() else ""
            writer.writerow([f"00Q{n:015d}", name.title(), first.title(), last.title(), "", street.title(), "",
                             "NV", postal, "US", phone, "", "", "Open"])


def build(work, n, url, leadpipe):
    """Generates the leads and the CRM export once, and loads them into `url`."""
    data = os.path.join(work, f"data-{n}")
    if not os.path.exists(os.path.join(data, "done")):
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run(["python3", os.path.join(ROOT, "bench/duplicates.py"), str(n), data, "--second-source"],
                       check=True, stdout=subprocess.DEVNULL)
        os.makedirs(os.path.join(data, "crm"))
        crm_export(os.path.join(data, "leads", "07-07-2023 Nevada duplicates.csv"),
                   os.path.join(data, "crm", "salesforce-leads-2023-07-20.csv"))
        open(os.path.join(data, "done"), "w").close()
    specs = os.path.join(ROOT, "tests/data/resolve/specs")
    started = time.monotonic()
    subprocess.run([leadpipe, "ingest", os.path.join(data, "leads"), os.path.join(data, "crm"),
                    "--specs", specs, "--db", url], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def timed_report(leadpipe, url, out):
    """One report: its seconds, its peak RSS (KiB) and its debug log."""
    started = time.monotonic()
    run = subprocess.run(["/usr/bin/time", "-f", "peak %M", leadpipe, "-vv", "report", "--db", url, "--out", out],
                         check=True, capture_output=True, text=True)
    seconds = time.monotonic() - started
    peak = int(re.search(r"peak (\d+)", run.stderr).group(1))
    return seconds, peak, run.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench-report"))
    parser.add_argument("--pg", default=os.environ.get("LEADPIPE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--leadpipe", default=os.path.join(ROOT, "target", "release", "leadpipe"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    sqlite_path = os.path.join(args.work, f"leads-{args.leads}.db")
    pg_base = args.pg.rsplit("/", 1)[0]
    targets = [("SQLite", f"sqlite:{sqlite_path}"), ("PostgreSQL", f"{pg_base}/{DATABASE}")]
    marker = os.path.join(args.work, f"built-{args.leads}")
    if not os.path.exists(marker):
        for path in [sqlite_path, sqlite_path + "-wal", sqlite_path + "-shm"]:
            if os.path.exists(path):
                os.remove(path)
        subprocess.run(["psql", args.pg, "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
        subprocess.run(["psql", args.pg, "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
        for name, url in targets:
            print(f"{name}: loading and resolving {args.leads:,} leads and the CRM export: "
                  f"{build(args.work, args.leads, url, args.leadpipe):.1f} s", flush=True)
        subprocess.run(["psql", f"{pg_base}/{DATABASE}", "-qc", "VACUUM ANALYZE"], check=True)
        open(marker, "w").close()

    for name, url in targets:
        out = os.path.join(args.work, f"report-{name.lower()}.html")
        runs = [timed_report(args.leadpipe, url, out) for _ in range(args.repeat)]
        seconds = [s for s, _, _ in runs]
        leads = re.search(r'data-figure="leads">([\d,]+)<', open(out, encoding="utf-8").read()).group(1)
        print(f"{name}: {leads} leads; report in {statistics.median(seconds):.2f} s median "
              f"({min(seconds):.2f}–{max(seconds):.2f}) of {args.repeat}; page "
              f"{os.path.getsize(out) / 1024:.0f} KiB; peak RSS {max(p for _, p, _ in runs) / 1024:.0f} MiB")
        log = runs[-1][2]
        counted = re.search(r"leads and entities counted in ([\d.]+) s", log).group(1)
        print(f"    {'lead_entities and crm_entities, counted (on their own connection)':<18} {counted} s")
        for query, rows, took in re.findall(r"report query (\w+): (\d+) rows in ([\d.]+) s", log):
            print(f"    {query:<18} {took:>7} s  {rows:>6} rows")


if __name__ == "__main__":
    main()
