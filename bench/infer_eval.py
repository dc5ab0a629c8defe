#!/usr/bin/env python3
"""Score `leadpipe infer` on files of states it has never seen, and time it on large ones.

    bench/infer_eval.py [--leadpipe PATH] [--work DIR] [--scale N] [--json FILE]

The evaluation set is the three real files (tests/data/raw) rewritten the ways other
agencies publish: columns renamed and reordered, headerless, every field quoted, TSV,
`;`, Nevada's one-field address split into street, city, state and ZIP columns. The truth
of each variant comes from the built-in spec of its source: a column's role is the set of
core lead columns its rules write (the spec's columns followed through the renaming and
reordering). `infer` drafts a spec for each variant; a column's role is right when the
draft's rules reading it write the same core lead columns. Prints, per variant and in all,
the share of columns with a role that it got right, the columns it mapped that the
built-in spec leaves unmapped, and the dialect it found against the one written.

With --scale, the three files are scaled N times (bench/scale.py; 4000 is about 250 MB)
and `infer` is timed on them, from start to exit, the median of three runs.
"""
import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import tomllib

from bench import ROOT

RAW = os.path.join(ROOT, "tests", "data", "raw")
SPECS = os.path.join(ROOT, "specs")
FILES = {
    "nevada": "07-07-2023 Nevada Dept of Public _ Behavioral Health.csv",
    "oklahoma": "07-07-2023 Oklahoma Human Services.csv",
    "texas": "07-07-2023 Texas DHHS.csv",
}
# The lead columns a role is judged by: what a column is for, not the parts a normalizer
# adds (a phone's validity, an address's second line) or a lookup from a type.
CORE = {
    "license_number", "license_type", "provider_id", "company", "phone", "email", "address1",
    "city", "state", "zip", "county", "capacity", "license_status", "license_issued",
    "certificate_expiration_date", "first_name", "title", "accepts_financial_aid",
    "website_address",
}
# Other names agencies give the same columns, for the renamed variants.
RENAMED = {
    "Name": "Facility Name", "Credential Number": "License Number", "Phone#": "Telephone",
    "Expiration Date": "Expires", "First Issue Date": "Original Issue Date",
    "Primary Contact Name": "Director", "Company": "Provider Name", "Phone": "Phone Number",
    "Email": "E-mail", "Zip": "Zip Code", "Total Cap": "Licensed Capacity",
    "Operation #": "License #", "Operation/Caregiver Name": "Provider Name",
    "Issue Date": "License Issue Date", "Email Address": "E-mail Address",
    "Address": "Street Address",
}


def rows(source):
    """The real file's header and records (sound ones), as text."""
    with open(os.path.join(RAW, FILES[source]), newline="", encoding="utf-8", errors="replace") as f:
        table = list(csv.reader(f))
    width = len(table[0])
    return table[0], [r for r in table[1:] if len(r) == width]


def truth(source):
    """Header column → the core lead columns the built-in spec's rules write from it."""
    with open(os.path.join(SPECS, source + ".toml"), "rb") as f:
        spec = tomllib.load(f)
    return roles(spec)


def roles(spec):
    """Column → core lead columns written by the rules whose first input it is."""
    found = {}
    for rule in spec.get("map", []):
        sources = rule.get("from")
        if sources is None:
            continue
        first = sources if isinstance(sources, str) else sources[0]
        written = [rule["to"]] if "to" in rule else list(rule.get("into", {}))
        found.setdefault(first, set()).update(c for c in written if c in CORE)
    return {column: cols for column, cols in found.items() if cols}


def write(path, header, body, delimiter=",", quoting=csv.QUOTE_MINIMAL):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
        if header is not None:
            out.writerow(header)
        out.writerows(body)


def split_addresses(binary, work):
    """Nevada's addresses as street, city and ZIP, in file order, as leadpipe splits them."""
    db = os.path.join(work, "nevada.db")
    if os.path.exists(db):
        os.remove(db)
    subprocess.run([binary, "ingest", os.path.join(RAW, FILES["nevada"]), "--db", f"sqlite:{db}",
                    "--no-resolve"], check=True, capture_output=True)
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT trim(address1 || ' ' || coalesce(address2, '')), city, zip FROM leads "
            "ORDER BY source_line").fetchall()


def variants(binary, source, work):
    """(name, path, truth by the file's column names, dialect written) of each variant."""
    header, body = rows(source)
    known = truth(source)
    made = []

    def add(name, columns, table, truths, **dialect):
        path = os.path.join(work, f"{source}-{name}.csv")
        write(path, columns, table, **dialect)
        made.append((f"{source}-{name}", path, truths, dialect.get("delimiter", ",")))

    add("as-published", header, body, {c: known[c] for c in header if c in known})
    # Renamed, and in reverse order.
    renamed = [RENAMED.get(c, c) for c in header]
    order = list(reversed(range(len(header))))
    add("renamed-reordered", [renamed[i] for i in order], [[r[i] for i in order] for r in body],
        {renamed[i]: known[header[i]] for i in order if header[i] in known})
    # Headerless: columns are named by position.
    add("headerless", None, body,
        {f"column_{i + 1}": known[c] for i, c in enumerate(header) if c in known})
    add("all-quoted", header, body, {c: known[c] for c in header if c in known},
        quoting=csv.QUOTE_ALL)
    add("tsv", header, body, {c: known[c] for c in header if c in known}, delimiter="\t")
    add("semicolons", header, body, {c: known[c] for c in header if c in known}, delimiter=";")
    if source == "nevada":
        # The one-field address split as most states publish it, by leadpipe's own reading.
        at = header.index("Address")
        parts = split_addresses(binary, work)
        split_header = header[:at] + ["Street", "City", "Zip"] + header[at + 1:]
        split_body = [r[:at] + list(p) + r[at + 1:] for r, p in zip(body, parts)]
        truths = {c: known[c] for c in header if c in known and c != "Address"}
        truths.update({"Street": {"address1"}, "City": {"city"}, "Zip": {"zip"}})
        add("split-address", split_header, split_body, truths)
    return made


def infer(binary, path):
    done = subprocess.run([binary, "infer", path], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"leadpipe infer {path} failed ({done.returncode}): {done.stderr}")
    return tomllib.loads(done.stdout)


def score(binary, work):
    results = []
    for source in FILES:
        for name, path, truths, delimiter in variants(binary, source, work):
            draft = infer(binary, path)
            found = roles(draft)
            right = sum(1 for c, cols in truths.items() if found.get(c) == cols)
            extra = sorted(c for c in found if c not in truths)
            wrong = {c: sorted(found.get(c, set())) for c, cols in truths.items() if found.get(c) != cols}
            results.append({
                "variant": name,
                "columns": len(truths),
                "right": right,
                "wrong": wrong,
                "mapped_beyond_the_built_in": extra,
                "delimiter_right": draft["format"]["delimiter"] == delimiter,
                "header_rows": draft["format"]["header_rows"],
            })
    return results


def timed_infer(binary, work, scale):
    out = os.path.join(work, f"scaled-{scale}")
    if not os.path.isdir(out):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "scale.py"), str(scale), out],
                       check=True)
    files = sorted(os.path.join(out, f) for f in os.listdir(out))
    size = sum(os.path.getsize(f) for f in files)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([binary, "infer", *files], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return {"files": len(files), "bytes": size, "seconds": runs, "median": statistics.median(runs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leadpipe", default=os.path.join(ROOT, "target", "release", "leadpipe"))
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "infer-eval"))
    parser.add_argument("--scale", type=int)
    parser.add_argument("--json")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    results = score(args.leadpipe, args.work)
    total = sum(r["columns"] for r in results)
    right = sum(r["right"] for r in results)
    for r in results:
        print(f"{r['variant']:<28} {r['right']:>3}/{r['columns']:<3} roles right"
              f"  delimiter {'right' if r['delimiter_right'] else 'WRONG'}"
              f"  header_rows {r['header_rows']}"
              + (f"  wrong: {r['wrong']}" if r["wrong"] else "")
              + (f"  also mapped: {r['mapped_beyond_the_built_in']}" if r["mapped_beyond_the_built_in"] else ""))
    print(f"all: {right}/{total} column roles right ({100 * right / total:.1f}%)")
    report = {"variants": results, "right": right, "columns": total}
    if args.scale:
        report["timing"] = timed_infer(args.leadpipe, args.work, args.scale)
        t = report["timing"]
        print(f"infer on {t['files']} files, {t['bytes'] / 1e6:.0f} MB: {t['median']:.3f} s (median of 3)")
    with open(args.json or os.path.join(args.work, "results.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
