#!/usr/bin/env python3
"""Writes `07-14-2023 Clark County re-export.csv`: real Nevada records as another agency
re-publishes them (new credential numbers, the perturbations a re-export has), with hard
negatives. The expected entity of every record is in its comment below; tests/resolve.rs
asserts them. Run from this folder; the output is committed.

    python3 make_reexport.py
"""
import csv

NEVADA = "../raw/07-07-2023 Nevada Dept of Public _ Behavioral Health.csv"
OUT = "07-14-2023 Clark County re-export.csv"

with open(NEVADA, encoding="cp1252", newline="") as f:
    rows = list(csv.reader(f))
header, records = rows[0], {r[2]: r for r in rows[1:]}


def copy(number, new_number, **changes):
    """Nevada record `number` under `new_number`, with columns changed by name."""
    row = list(records[number])
    row[2] = new_number
    for name, value in changes.items():
        row[header.index(name.replace("_", " "))] = value
    return row


out = [
    # Each of these is the provider of the Nevada record it copies.
    copy("1106-22", "CC-1001", Name="SUNSHINE ACADEMY PRESCHOL"),  # a typo
    copy("2919-23", "CC-1002", Address="6036 ATLANTIS DREAM AVENUE LAS VEGAS, NV 89139"),
    copy("2199-23", "CC-1003", Address="555 PAGE ST STE 100 LAS VEGAS, NV 89110"),  # a suite
    copy("2351-23", "CC-1004", **{"Phone#": "775-738-4410"}),  # the phone changed
    copy("2454-23", "CC-1005", Name="DEETRA STEWART DBA DEE'S PLAY & LEARN CHRISTIAN ACADEMY"),
    copy("788-22", "CC-1006"),  # a new key only
    # The provider moved: new address, same name, person and phone.
    copy("3646-23", "CC-1007", Address="88 MOUNTAIN ST CARSON CITY, NV 89703"),
    # A third site of the Primrose chain: its central phone, another address and person.
    copy("3497-22", "CC-1008", Name="PRIMROSE OF LAS VEGAS AT SUMMERLIN",
         Address="11155 W CHARLESTON BLVD LAS VEGAS, NV 89135",
         Primary_Contact_Name="MEGAN HOLT"),
    # Two providers with nothing in common but a placeholder phone.
    ["HAPPY HEARTS DAYCARE", "FAMILY CARE", "CC-1009", "Active", "6/30/2024", "N",
     "1810 PINTO LN LAS VEGAS, NV 89106", "", "NV", "CLARK", "123-456-7890", "3/1/2022",
     "ROSA DIAZ", "Owner"],
    ["LITTLE OAKS LEARNING CENTER", "CENTER", "CC-1010", "Active", "6/30/2024", "N",
     "920 E BONANZA RD LAS VEGAS, NV 89101", "", "NV", "CLARK", "123-456-7890", "5/1/2021",
     "JAMES OKAFOR", "Director"],
]

with open(OUT, "w", encoding="cp1252", newline="") as f:
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(out)
