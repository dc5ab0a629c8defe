#!/usr/bin/env python3
"""Benchmark leadpipe against PostgreSQL's own bulk load and an SQL-only ELT path.

    bench/bench.py [--scale N] [--work DIR] [--out FILE] [--pg URL] [--leadpipe PATH]

On the three agency files scaled N times (bench/scale.py), in one run on the same data:

  postgres   leadpipe ingest into a fresh PostgreSQL database (--no-resolve: the load alone)
  copy_floor psql \\copy of the finished leads rows into an empty table of the same shape:
             the database's own bulk load of already-clean data, the floor
  sql_elt    the dbt-style path: \\copy the raw files into all-text tables, then build a
             leads table from them with SQL inside PostgreSQL (crude transforms)
  sqlite     leadpipe ingest into a fresh SQLite file
  rerun      leadpipe ingest of the same files again, into the PostgreSQL database
  changed    leadpipe ingest of a second snapshot in which 1% of the records changed

Each step runs --repeat times (default 3), each time from the same starting state: a fresh
database or file; for the re-run, the first load's database, and for the changed snapshot a
copy of it, both vacuumed as autovacuum would have left them. A step starts once
PostgreSQL's autovacuum of earlier loads has ended, the page cache is flushed and
PostgreSQL has checkpointed, so that no step pays for an earlier one's work. Prints each
step's median seconds, records/s, ratio to the COPY floor's median and highest peak
resident memory, and writes them, with every run's seconds, as JSON. Every figure comes
from a run timed here.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_timed(args):
    """Runs a command; returns its wall-clock seconds."""
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def leadpipe(binary, inputs, db):
    """Times one ingest with GNU time for its own peak RSS: the load alone, without linking
    the leads into entities, which bench/resolve/link.sh times on leads made for it (the
    copies scale.py makes are thousands of identical twins of each record)."""
    timed = ["/usr/bin/time", "-f", "%M", binary, "ingest", *inputs, "--db", db, "--no-resolve"]
    start = time.perf_counter()
    done = subprocess.run(timed, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    # 99: nothing new to load, as a rerun of the same files is meant to find.
    if done.returncode not in (0, 99):
        sys.exit(f"leadpipe failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib, done.stdout


def psql(url, *args):
    done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"psql {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def database_url(admin, name):
    return admin.rsplit("/", 1)[0] + "/" + name


def read_count(summary):
    """Records read, from leadpipe's closing line `… N read = …`."""
    line = [l for l in summary.splitlines() if " read = " in l][-1]
    return int(line.split(": ", 1)[1].split(" read")[0])


ELT_TABLES = {
    "nevada": "Nevada Dept of Public _ Behavioral Health.csv",
    "oklahoma": "Oklahoma Human Services.csv",
    "texas": "Texas DHHS.csv",
}

# The crude SQL transform of the ELT path: trims, casts, digits-only phones, no address
# split, naive names.
ELT_SQL = """
CREATE TABLE leads_elt AS
SELECT trim(c2) AS license_type, trim(c3) AS license_number, trim(c1) AS company,
       to_date(nullif(c5, ''), 'MM/DD/YYYY') AS certificate_expiration_date,
       trim(c7) AS address1, trim(c9) AS state, upper(trim(c10)) AS county,
       '+1' || regexp_replace(c11, '\\D', '', 'g') AS phone,
       to_date(nullif(c12, ''), 'MM/DD/YYYY') AS license_issued,
       initcap(split_part(c13, ' ', 1)) AS first_name, initcap(split_part(c13, ' ', 2)) AS last_name,
       trim(c14) AS title, 'nevada' AS source
FROM raw_nevada
UNION ALL
SELECT trim(split_part(c1, ' - ', 1)), trim(split_part(c1, ' - ', 2)), trim(c2), NULL,
       trim(c17), trim(c20), NULL, '+1' || regexp_replace(c15, '\\D', '', 'g'),
       to_date(substring(c28 from '\\d{4}-\\d{2}-\\d{2}'), 'YYYY-MM-DD'),
       initcap(split_part(c14, ' ', 1)), initcap(split_part(split_part(c14, E'\\r', 1), ' ', 2)),
       trim(split_part(c14, E'\\n', 2)), 'oklahoma'
FROM raw_oklahoma
UNION ALL
SELECT trim(c10), trim(c1), trim(c3), NULL, trim(c4), trim(c6), upper(trim(c8)),
       '+1' || regexp_replace(c9, '\\D', '', 'g'), to_date(nullif(c12, ''), 'MM/DD/YYYY'),
       NULL, NULL, NULL, 'texas'
FROM raw_texas;
"""


def sql_elt(url, snapshot):
    """Loads the raw files into text tables and transforms them with SQL; returns seconds."""
    script = []
    for table, name in ELT_TABLES.items():
        path = os.path.join(snapshot, "07-07-2023 " + name)
        with open(path, "rb") as f:
            width = f.readline().count(b",") + 1
        columns = ", ".join(f"c{i} TEXT" for i in range(1, width + 1))
        script.append(f"CREATE TABLE raw_{table} ({columns});")
        clean = path
        if table == "oklahoma":
            # COPY refuses the record cut off at the end of the file: the ELT path needs the
            # same hand edit as the original pipeline (the record is lost).
            clean = os.path.join(os.path.dirname(snapshot), "oklahoma-for-copy.csv")
            with open(path, "rb") as src, open(clean, "wb") as dst:
                data = src.read()
                dst.write(data[: data.rfind(b"\r\n")])
        script.append(f"\\copy raw_{table} FROM '{clean}' WITH (FORMAT csv, HEADER true, ENCODING 'WIN1252')")
    script.append(ELT_SQL)
    script_path = os.path.join(os.path.dirname(snapshot), "elt.sql")
    with open(script_path, "w") as f:
        f.write("\n".join(script))
    return run_timed(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", script_path])


def settle(url):
    """Before a timed step: waits for PostgreSQL's autovacuum of earlier loads to end, then
    flushes dirty pages and checkpoints."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        busy = psql(url, "-At", "-c", "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
        if int(busy.strip()) == 0:
            break
        time.sleep(0.5)
    subprocess.run(["sync"], check=True)
    psql(url, "-c", "CHECKPOINT")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--pg", default=os.environ.get("LEADPIPE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--leadpipe", default=os.path.join(ROOT, "target", "release", "leadpipe"))
    args = parser.parse_args()
    out = args.out or os.path.join(args.work, "bench.json")

    first, second = os.path.join(args.work, "snapshot-1"), os.path.join(args.work, "snapshot-2")
    for folder, extra in [(first, []), (second, ["--date", "07-14-2023", "--change", "1"])]:
        subprocess.run(["rm", "-rf", folder], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "scale.py"), str(args.scale), folder, *extra], check=True)
    input_bytes = sum(os.path.getsize(os.path.join(first, f)) for f in os.listdir(first))

    tag = uuid.uuid4().hex[:8]
    created = []

    def fresh_database(kind, template=None):
        """A new database, empty or a copy of `template` made by PostgreSQL."""
        name = f"leadpipe_bench_{kind}_{tag}_{len(created)}"
        psql(args.pg, "-c", f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        created.append(name)
        return name

    def drop(name):
        psql(args.pg, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    runs = {step: [] for step in ("postgres", "copy_floor", "sql_elt", "sqlite", "rerun", "changed")}
    peaks = {step: [] for step in ("postgres", "sqlite", "rerun", "changed")}

    def timed(step, seconds, rss=None):
        runs[step].append(seconds)
        if rss is not None:
            peaks[step].append(rss)

    results = {"scale": args.scale, "input_bytes": input_bytes, "repeat": args.repeat}
    try:
        load = None
        for _ in range(args.repeat):
            if load:
                drop(load)
            load = fresh_database("load")
            load_db = database_url(args.pg, load)
            settle(args.pg)
            seconds, rss, summary = leadpipe(args.leadpipe, [first], load_db)
            results["records"] = read_count(summary)
            timed("postgres", seconds, rss)
        # The runs that follow start from the last first load, vacuumed and analyzed as
        # autovacuum leaves a table some time after a bulk load (on a server that runs it;
        # the development machine's does not).
        psql(load_db, "-c", "VACUUM (ANALYZE) leads")
        export = os.path.join(args.work, "leads-export.csv")
        psql(load_db, "-c", f"\\copy (SELECT * FROM leads) TO '{export}' WITH (FORMAT csv)")
        for i in range(args.repeat):
            psql(load_db, "-c", f"CREATE TABLE leads_floor_{i} (LIKE leads)")
            settle(args.pg)
            timed("copy_floor", run_timed(["psql", "-X", "-q", load_db, "-c", f"\\copy leads_floor_{i} FROM '{export}' WITH (FORMAT csv)"]))
            psql(load_db, "-c", f"DROP TABLE leads_floor_{i}")

        for _ in range(args.repeat):
            elt = fresh_database("elt")
            settle(args.pg)
            timed("sql_elt", sql_elt(database_url(args.pg, elt), first))
            drop(elt)

        sqlite_file = os.path.join(args.work, "leads.db")
        for _ in range(args.repeat):
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(sqlite_file + suffix):
                    os.remove(sqlite_file + suffix)
            settle(args.pg)
            seconds, rss, _ = leadpipe(args.leadpipe, [first], "sqlite:" + sqlite_file)
            timed("sqlite", seconds, rss)

        for _ in range(args.repeat):
            settle(args.pg)
            seconds, rss, _ = leadpipe(args.leadpipe, [first], load_db)
            timed("rerun", seconds, rss)

        for _ in range(args.repeat):
            copy = fresh_database("changed", template=load)
            settle(args.pg)
            seconds, rss, summary = leadpipe(args.leadpipe, [second], database_url(args.pg, copy))
            timed("changed", seconds, rss)
            changed_summary = summary.splitlines()[-1]
            drop(copy)
    finally:
        for name in created:
            drop(name)

    floor = statistics.median(runs["copy_floor"])
    for step, seconds in runs.items():
        median = statistics.median(seconds)
        r = results[step] = {"seconds": median, "runs": seconds}
        r["records_per_second"] = round(results["records"] / median)
        r["ratio_to_copy_floor"] = round(median / floor, 2)
        if step in peaks:
            r["peak_rss_kib"] = max(peaks[step])
        if step == "changed":
            r["summary"] = changed_summary
        rss = r.get("peak_rss_kib")
        spread = f"[{min(seconds):.2f}–{max(seconds):.2f}]"
        print(f"{step:<11} {median:8.2f} s {spread:>15} {r['records_per_second']:>10} records/s "
              f"{r['ratio_to_copy_floor']:>6}x floor" + (f" {rss / 1024:8.1f} MiB peak RSS" if rss else ""))
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"{results['records']} records, {input_bytes / 1e6:.1f} MB, median of {args.repeat}; results in {out}")


if __name__ == "__main__":
    main()
