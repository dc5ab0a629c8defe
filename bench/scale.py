#!/usr/bin/env python3
"""Scale the three agency files N times, keeping their formats and quirks.

    bench/scale.py N OUT_DIR [--raw DIR] [--date MM-DD-YYYY] [--change PERCENT]

Writes OUT_DIR/<date> Nevada …, Oklahoma …, Texas … files holding every record of the
originals N times over, each copy with its own natural key (credential, license and
operation numbers get a copy suffix), byte for byte otherwise: the stray Windows-1252 byte,
CRLF inside quoted fields, Oklahoma's record cut off at the end of the file (once, at the
end), Texas's missing final newline. With --change, that share of the records of every copy
get a different phone number, for a second snapshot with changes.
"""
import argparse
import os
import re

NAMES = {
    "nevada": "Nevada Dept of Public _ Behavioral Health.csv",
    "oklahoma": "Oklahoma Human Services.csv",
    "texas": "Texas DHHS.csv",
}

# The natural key in a raw record, and how to make copy k of it unique.
KEYS = {
    "nevada": (re.compile(rb"^((?:[^,\"]*|\"[^\"]*\"),[^,]*,)(\d+-\d+)(,)"), lambda key, k: key + b"-%d" % k),
    "oklahoma": (re.compile(rb"^([^,]* - )(K\d+)(,)"), lambda key, k: key + b"%06d" % k),
    "texas": (re.compile(rb"^()(\d+)(,)"), lambda key, k: key + b"%06d" % k),
}
PHONE = re.compile(rb"(\d{3})-(\d{3})-(\d{4})|\((\d{3})\) (\d{3})-(\d{4})")


def records(data):
    """Raw records (without line breaks) of a CSV file, by quote parity; the last one may be
    cut off inside a quote."""
    out, start, in_quotes, i = [], 0, False, 0
    while i < len(data):
        b = data[i]
        if b == 0x22:
            in_quotes = not in_quotes
        elif b in (0x0A, 0x0D) and not in_quotes:
            out.append(data[start:i])
            if b == 0x0D and data[i + 1:i + 2] == b"\n":
                i += 1
            start = i + 1
        i += 1
    if start < len(data):
        out.append(data[start:])
    return [r for r in out if r]


def changed_phone(record):
    def swap(m):
        return re.sub(rb"\d{4}$", b"0000", m.group(0)) if not m.group(0).endswith(b"0000") else m.group(0)[:-4] + b"1111"
    return PHONE.sub(swap, record, count=1)


def scale(source, data, n, change):
    header, *body = records(data)
    ends_cut = data.count(b'"') % 2 == 1
    cut = body.pop() if ends_cut else None
    newline = b"\r\n"
    pattern, rekey = KEYS[source]
    lines = [header]
    step = round(100 / change) if change else 0
    for k in range(n):
        for i, record in enumerate(body):
            m = pattern.match(record)
            assert m, (source, record[:80])
            record = record[: m.start(2)] + rekey(m.group(2), k) + record[m.end(2):]
            if step and (k * len(body) + i) % step == 0:
                record = changed_phone(record)
            lines.append(record)
    text = newline.join(lines)
    if cut is not None:
        text += newline + cut
    elif data.endswith(b"\n"):
        text += newline
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--raw", default=os.path.join(here, "../tests/data/raw"))
    parser.add_argument("--date", default="07-07-2023")
    parser.add_argument("--change", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for source, name in NAMES.items():
        with open(os.path.join(args.raw, "07-07-2023 " + name), "rb") as f:
            data = f.read()
        with open(os.path.join(args.out, f"{args.date} {name}"), "wb") as f:
            f.write(scale(source, data, args.n, args.change))


if __name__ == "__main__":
    main()
