#!/usr/bin/env python3
"""Benchmark `leadpipe export leads --format parquet` against the floor and DuckDB.

    bench/export.py [--scale N] [--repeat N] [--work DIR] [--out FILE] [--pg URL] [--leadpipe PATH]

On the three agency files scaled N times (bench/scale.py; 4033 gives 1,000,184 leads),
loaded once into PostgreSQL and SQLite (not timed), in one run on the same rows:

  copy_floor  psql \\copy leads TO a file (FORMAT binary): PostgreSQL's own way of reading
              the rows out, the floor
  copy_null   the same to /dev/null: the rows read out and written nowhere
  postgres    leadpipe export leads --format parquet from PostgreSQL, to a file
  sqlite      the same from SQLite
  duckdb      DuckDB's COPY (SELECT * FROM leads) TO '….parquet' (FORMAT parquet) from its
              own table of the same rows (read from leadpipe's Parquet, not timed), timed
              inside the process from connecting to the end of the COPY

Each step runs --repeat times after the page cache is flushed and PostgreSQL has
checkpointed. Prints each step's median seconds, its ratio to the floor and leadpipe's peak
resident memory, and writes them, with every run's seconds, as JSON. DuckDB is the PyPI
package, pinned, in a virtual environment under target/.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

from bench import HERE, ROOT, database_url, leadpipe, psql, settle

DUCKDB = "duckdb==1.4.2"


def duckdb_python(work):
    """A python with DuckDB, in target/duckdb-venv."""
    venv = os.path.join(ROOT, "target", "duckdb-venv")
    python = os.path.join(venv, "bin", "python")
    if subprocess.run([python, "-c", "import duckdb"], capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", DUCKDB], check=True)
    return python


def timed_export(binary, db, out):
    """Times one export with GNU time for its peak RSS; returns (seconds, KiB)."""
    args = ["/usr/bin/time", "-f", "%M", binary, "export", "leads", "--format", "parquet",
            "--out", out, "--db", db]
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"leadpipe export failed ({done.returncode}):\n{done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1])


DUCKDB_COPY = """
import sys, time, duckdb
start = time.perf_counter()
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")
con.execute(f"COPY (SELECT * FROM leads) TO '{sys.argv[2]}' (FORMAT parquet)")
print(time.perf_counter() - start)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=4033)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench-export"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--pg", default=os.environ.get("LEADPIPE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--leadpipe", default=os.path.join(ROOT, "target", "release", "leadpipe"))
    args = parser.parse_args()
    out = args.out or os.path.join(args.work, "export.json")
    python = duckdb_python(args.work)

    snapshot = os.path.join(args.work, "snapshot")
    subprocess.run(["rm", "-rf", args.work], check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "scale.py"), str(args.scale), snapshot], check=True)
    name = f"leadpipe_bench_export_{uuid.uuid4().hex[:8]}"
    psql(args.pg, "-c", f"CREATE DATABASE {name}")
    pg = database_url(args.pg, name)
    sqlite = "sqlite:" + os.path.join(args.work, "leads.db")
    runs = {step: [] for step in ("copy_floor", "copy_null", "postgres", "sqlite", "duckdb")}
    peaks = {"postgres": [], "sqlite": []}
    results = {"scale": args.scale, "repeat": args.repeat}
    try:
        for db in (pg, sqlite):
            leadpipe(args.leadpipe, [snapshot], db)
        psql(pg, "-c", "VACUUM (ANALYZE) leads")
        results["leads"] = int(psql(pg, "-At", "-c", "SELECT count(*) FROM leads").strip())
        floor_file = os.path.join(args.work, "leads.copy")
        parquet = {db: os.path.join(args.work, f"leads-{db}.parquet") for db in ("postgres", "sqlite", "duckdb")}
        for _ in range(args.repeat):
            settle(args.pg)
            start = time.perf_counter()
            psql(pg, "-c", f"\\copy leads TO '{floor_file}' WITH (FORMAT binary)")
            runs["copy_floor"].append(time.perf_counter() - start)
            settle(args.pg)
            start = time.perf_counter()
            psql(pg, "-c", "\\copy leads TO '/dev/null' WITH (FORMAT binary)")
            runs["copy_null"].append(time.perf_counter() - start)
            for step, db in (("postgres", pg), ("sqlite", sqlite)):
                settle(args.pg)
                seconds, rss = timed_export(args.leadpipe, db, parquet[step])
                runs[step].append(seconds)
                peaks[step].append(rss)
        results["floor_bytes"] = os.path.getsize(floor_file)
        results["parquet_bytes"] = os.path.getsize(parquet["postgres"])
        duck = os.path.join(args.work, "leads.duckdb")
        subprocess.run([python, "-c", "import sys, duckdb; con = duckdb.connect(sys.argv[1]); "
                        "con.execute('SET enable_progress_bar = false'); con.execute("
                        "f\"CREATE TABLE leads AS SELECT * FROM read_parquet('{sys.argv[2]}')\")",
                        duck, parquet["postgres"]], check=True)
        for _ in range(args.repeat):
            settle(args.pg)
            done = subprocess.run([python, "-c", DUCKDB_COPY, duck, parquet["duckdb"]],
                                  check=True, stdout=subprocess.PIPE, text=True)
            runs["duckdb"].append(float(done.stdout.strip()))
        results["duckdb_parquet_bytes"] = os.path.getsize(parquet["duckdb"])
    finally:
        psql(args.pg, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    floor = statistics.median(runs["copy_floor"])
    for step, seconds in runs.items():
        median = statistics.median(seconds)
        r = results[step] = {"seconds": median, "runs": seconds, "ratio_to_copy_floor": round(median / floor, 2)}
        if step in peaks:
            r["peak_rss_kib"] = max(peaks[step])
        rss = r.get("peak_rss_kib")
        spread = f"[{min(seconds):.2f}–{max(seconds):.2f}]"
        print(f"{step:<11} {median:8.2f} s {spread:>15} {r['ratio_to_copy_floor']:>6}x floor"
              + (f" {rss / 1024:8.1f} MiB peak RSS" if rss else ""))
    print(f"{results['leads']} leads; binary COPY {results['floor_bytes'] / 2**20:.0f} MiB, "
          f"leadpipe's Parquet {results['parquet_bytes'] / 2**20:.0f} MiB, DuckDB's {results['duckdb_parquet_bytes'] / 2**20:.0f} MiB")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
