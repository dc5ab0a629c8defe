#!/usr/bin/env python3
"""Score CSV loaders on the Pollock benchmark (HPI-Information-Systems/Pollock).

    bench/pollock.py duckdb --mode given|sniff [--out DIR] [--data DIR] [--json FILE]
    bench/pollock.py leadpipe --mode given|infer [--leadpipe PATH] [--out DIR] [--data DIR] [--json FILE]
    bench/pollock.py score DIR [--data DIR] [--json FILE]

The benchmark (shared/pollock, see its README.md) is 2,290 CSV files, each a variant of one
source file with one pollution, with the table each one holds (clean/), its true dialect
(parameters/) and a weight per file (pollock_weights.json). A loader reads every input F
and writes the table it read as F_converted.csv, or a file whose first line is
`Application Error`. Each file then gets 10 measures against clean/F, as the benchmark's
own evaluate.py and pollock/metrics.py compute them:

  success     0 for `Application Error`, else 1
  header      precision, recall, F1 of the multiset of the first row's cells, normalized
  record      the same over the records after the first row, each one's normalized cells
              joined into one string
  cell        the same over every cell, the first row's included, as written

Precision divides the matches by the clean side's count, recall by the loaded side's; a
clean side with nothing scores 1, a loaded side with nothing 0. The simple score is the
sum of the 10 measures' means over the files (10 at most), the weighted score the sum of
each file's 10 measures times its share of the weights.

  duckdb      loads every file with DuckDB's read_csv as the benchmark's own scripts do:
              `given` (sut/duckdbparse) with the file's dialect, `sniff` (sut/duckdbauto)
              with DuckDB's detection; DuckDB is the PyPI package, pinned, in
              target/pollock-venv
  leadpipe    `given`: a spec from the file's parameters, then
              `leadpipe records F --specs DIR --spec pollock --format csv`;
              `infer`: `leadpipe infer F` writes the spec, then the same records run
  score       scores a folder of F_converted.csv files

Each prints the simple and weighted scores, the 10 measures' means and, by pollution (the
file name less its row, column and character: row_more_sep, file_field_delimiter, ...),
how many files scored under 10, and writes all of it, with every file's measures, as JSON
(DIR/../NAME.json unless --json). Scoring is standard library only, and takes seconds;
normalize() does what the published normalization does without its packages (dateutil,
price_parser), see its docstring.

Validated on DuckDB 1.2.1 (the pinned one): 9.9615 simple / 9.5997 weighted given the
dialect, 9.0753 / 8.4398 sniffing, against the published 9.961 / 9.599 and 9.075 / 8.439
(the benchmark truncates to three decimals); the published normalization, with dateutil
and price_parser, normalizes every text in both runs' output and the clean tables as
normalize() does.
"""
import argparse
import collections
import concurrent.futures
import csv
import datetime
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

from bench import ROOT
import pollock_currencies as currencies

DATA = os.environ.get("POLLOCK_DATA", os.path.join(os.path.dirname(ROOT), "shared", "pollock"))
WORK = os.path.join(ROOT, "target", "pollock")
# Pollock's published DuckDB numbers (9.961/9.599 given the dialect, 9.075/8.439 sniffing)
# are DuckDB 1.2.0's and 1.2.1's to the digit; 1.2.2's sniffer reads 68 of the
# row_extra_quote files differently (9.021 simple when sniffing). pandas of the same time.
DUCKDB = ["duckdb==1.2.1", "pandas==2.2.3"]
MEASURES = [
    "success",
    "header_precision", "header_recall", "header_f1",
    "record_precision", "record_recall", "record_f1",
    "cell_precision", "cell_recall", "cell_f1",
]
APPLICATION_ERROR = "Application Error"


# --- Normalizing a cell -------------------------------------------------------------------
#
# pollock/data_types.py types a cell by the first of these that accepts it, and writes it
# in that type's one form: empty; boolean (true/false, or an int equal to 0 or 1); Python
# int(); float(); a time (its timeparser module); a date (dateutil); a price (price_parser:
# a currency symbol and an amount); else the text lowercased. Both sides of a comparison
# are normalized the same way, so what matters is which texts end up equal.

def normalize(cell):
    """A cell as Pollock compares it in headers and records.

    Booleans, integers, floats and times follow the published code exactly (Python's own
    int(), float() and strptime(), with timeparser's formats). Dates cover what dateutil
    reads in numbers: day, month and year in either order, a time after them, or a time
    alone (on today's date, as dateutil completes it), which is all that the benchmark's
    texts hold. Prices follow price_parser, with its tables (pollock_currencies.py).
    """
    if cell == "":
        return ""
    if not cell.split():
        # Blank: the published code has no case for it and lowercases it.
        return cell.lower()
    try:
        if cell in ("True", "true", "False", "false") or int(cell) in (0, 1):
            if cell in ("False", "false", "0"):
                return "0"
            if cell in ("True", "true", "1"):
                return "1"
            # " 1", "01", "+0": int() reads them, the published code writes str(bool()).
            return str(bool(int(cell)))
    except ValueError:
        pass
    try:
        return str(int(cell))
    except ValueError:
        pass
    try:
        return str(float(cell))
    except ValueError:
        pass
    for parse in (parse_time, parse_date, parse_price):
        value = parse(cell)
        if value is not None:
            return value
    return cell.lower()


def time_formats(text):
    """The strptime formats timeparser.TimeFormats(text) tries, in its order.

    It replaces the runs of digits by %H, %M, %S (as many as there are runs, or for one
    run of 1 to 6 digits the ways to split it) and keeps a format only if its separators
    are all one of ':' or ' ', or none, or it is one of a few forms ending in h."""
    values = re.findall(r"\d+", text)
    others = re.findall(r"\D+", text)
    pieces = re.findall(r"\d+|\D+", text)
    if len(values) in (2, 3):
        codes = [("%H", "%M", "%S")[: len(values)]]
    elif len(values) == 1:
        size = len(values[0])
        codes = {1: [("%H",)], 2: [("%H",), ("%H", "%M")], 3: [("%H", "%M"), ("%H", "%M", "%S")],
                 4: [("%H", "%M"), ("%H", "%M", "%S")], 5: [("%H", "%M", "%S")],
                 6: [("%H", "%M", "%S")]}.get(size, [])
    else:
        codes = []
    if len(values) == 4:
        separators, plain, suffixed = [], False, True
    elif not others:
        separators, plain, suffixed = [""], True, False
    elif len(set(others)) == 1 and others[0] in (":", " "):
        separators, plain, suffixed = [others[0]], True, False
    else:
        separators, plain, suffixed = [], False, True
    allowed = set()
    if plain:
        allowed.update(sep.join(code) for sep in separators for code in codes)
    if suffixed:
        allowed.update(["%H:%M:%Sh", "%H:%M:%S h", "%H:%Mh", "%H:%M h", "%H%Mh", "%H%M h",
                        "%Hh", "%H h"])
    formats = []
    for code in codes:
        if len(values) == 1:
            fmt = "".join(piece if not piece.isdigit() else "".join(code) for piece in pieces)
        else:
            names = iter(code)
            fmt = "".join(piece if not piece.isdigit() else next(names) for piece in pieces)
        if fmt in allowed:
            formats.append(fmt)
    return formats


def parse_time(text):
    """A time as timeparser.parsetime reads it, as str(datetime.time), or None."""
    for fmt in time_formats(text):
        try:
            return str(datetime.datetime.strptime(text, fmt).time())
        except ValueError:
            continue
    return None


# dateutil reads the digits after a colon as a number: 03:003 is 03:03.
_CLOCK = r"(\d+):(\d+)(?::(\d+)(?:\.(\d{1,6})\d*)?)?"
_DATE = re.compile(r"(\d+)([-/.])(\d+)\2(\d+)(?:[ T]" + _CLOCK + r")?")
_CLOCK_ONLY = re.compile(_CLOCK)
TODAY = datetime.date.today()


def _year(token):
    """dateutil's year: two digits are put within 50 years of today."""
    year = int(token)
    if len(token) <= 2 and year < 100:
        year += TODAY.year // 100 * 100
        if year >= TODAY.year + 50:
            year -= 100
        elif year < TODAY.year - 50:
            year += 100
    return year


def parse_date(text):
    """A date (and time) as dateutil.parser.parse reads digits, as str(datetime), or None.

    Of three numbers, the first is the year if it is over 31 or has more than two digits;
    else the day if it is over 12; else the month (dateutil's order without dayfirst)."""
    text = text.strip()
    clock = None
    match = _DATE.fullmatch(text)
    if match:
        first, _, second, third = match.group(1, 2, 3, 4)
        clock = match.group(5, 6, 7, 8)
        if int(first) > 31 or len(first) > 2:
            year, month, day = first, second, third
        elif int(first) > 12:
            day, month, year = first, second, third
        else:
            month, day, year = first, second, third
        try:
            date = datetime.date(_year(year), int(month), int(day))
        except ValueError:
            return None
    else:
        match = _CLOCK_ONLY.fullmatch(text)
        if not match:
            return None
        date, clock = TODAY, match.groups()
    hour, minute, second, fraction = clock
    try:
        moment = datetime.datetime(date.year, date.month, date.day, int(hour or 0),
                                   int(minute or 0), int(second or 0),
                                   int((fraction or "0").ljust(6, "0")))
    except ValueError:
        return None
    return str(moment)


_DOLLAR_CODE = re.compile(r"\b(?:%s)(?=\$?(?:[\W\d]|$))" % "|".join(currencies.DOLLAR_CODES))
_SAFE_CURRENCY = re.compile("|".join(map(re.escape, currencies.SAFE)))
_OTHER_CURRENCY = re.compile("|".join(map(re.escape, currencies.OTHER)))
_EURO_AMOUNT = re.compile(r"[\d\s.,']*?\d\s*?€(\s*?)?\d(?(1)\d|\d*?)(?:$|[^\d])")
_AMOUNT = re.compile(r"([.]?\d[\d\s.,']*)\s*?(?:[^%\d]|$)")
_DECIMAL_POINT = re.compile(r"\d*([.,€])(?:\d{1,2}?|\d{4}\d*?)$")


def parse_price(text):
    """A price as price_parser's Price.fromstring reads it, as its currency and float
    amount, or None.

    The currency is the first symbol found anywhere in the text, of a code ending in D
    before a $ (NZD$), then the safe symbols ($, €, EUR, ...), then some 300 others (ISO
    codes, `kn`, `Br`: "thickness 3 mm" is a price of kn3.0). The amount is the text's
    first number; a `.` or `,` before its last one or two, or four and more, digits is its
    decimal point, another one a thousands separator."""
    currency = None
    for pattern in ([_DOLLAR_CODE] if "$" in text else []) + [_SAFE_CURRENCY, _OTHER_CURRENCY]:
        match = pattern.search(text)
        if match:
            currency = match.group(0).strip()
            break
    if currency is None:
        return None
    amount = price_text(text)
    if amount is None:
        return None
    amount = amount.strip().replace(" ", "")
    if not amount:
        return None
    point = _DECIMAL_POINT.search(amount)
    if point is None:
        amount = amount.replace(".", "").replace(",", "")
    elif point.group(1) == ".":
        amount = amount.replace(",", "")
    elif point.group(1) == ",":
        amount = amount.replace(".", "").replace(",", ".")
    else:
        amount = amount.replace(".", "").replace(",", "").replace("€", ".")
    try:
        return currency + str(float(decimal.Decimal(amount)))
    except decimal.InvalidOperation:
        return None


def price_text(text):
    """The amount's text, as price_parser's extract_price_text finds it."""
    text = re.sub(r"\s+", " ", text)
    if text.count("€") == 1:
        match = _EURO_AMOUNT.search(text)
        if match:
            return match.group(0).replace(" ", "")
    match = _AMOUNT.search(text)
    if match:
        amount = match.group(1).rstrip(",.").replace("'", "")
        return amount.strip() if amount.count(".") == 1 else amount.lstrip(",.").strip()
    # "Free" is an amount to it.
    return "0" if "free" in text.lower() else None


# --- Scoring ----------------------------------------------------------------------------

def read_rows(path):
    """A CSV file's rows as the scorer reads them: comma, double quote, UTF-8 (a byte-order
    mark dropped), line ends made \\n first as Python's text mode does.

    The published code guesses another encoding with chardet when UTF-8 fails; Latin-1
    stands in for it here."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            return list(csv.reader(f))
    except UnicodeDecodeError:
        with open(path, encoding="latin-1") as f:
            return list(csv.reader(f))


def succeeded(path):
    """0 if the file's first line is `Application Error`, else 1 (an empty file too)."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = f.read()
    except UnicodeDecodeError:
        with open(path, encoding="latin-1") as f:
            data = f.read()
    return 0 if data and data.splitlines()[0] == APPLICATION_ERROR else 1


def precision_recall_f1(clean, loaded):
    """Over two lists as multisets: matches / len(clean), matches / len(loaded), their F1;
    1s when clean is empty, 0s when nothing matches."""
    if not clean:
        return 1.0, 1.0, 1.0
    matches = sum((collections.Counter(clean) & collections.Counter(loaded)).values())
    if not matches:
        return 0.0, 0.0, 0.0
    precision = matches / len(clean)
    recall = matches / len(loaded)
    # The published code's expression, for the same floating-point result.
    return precision, recall, (precision * recall) / (precision + recall) * 2


def measure(clean_rows, loaded_rows):
    """The 9 measures after success (header, record, cell precision/recall/F1) of a loaded
    table against the clean one, both as lists of rows."""
    norm = _normalize
    if not clean_rows:
        return (1.0,) * 9
    clean_header = [norm(cell) for cell in clean_rows[0]]
    if clean_header and not loaded_rows:
        header = (0.0, 0.0, 0.0)
    else:
        loaded_header = [norm(cell) for cell in loaded_rows[0]] if loaded_rows else []
        header = precision_recall_f1(clean_header, loaded_header)

    def records(rows):
        return ["".join(norm(cell) for cell in row) for row in rows[1:]]

    record = precision_recall_f1(records(clean_rows), records(loaded_rows))
    cell = precision_recall_f1([c for row in clean_rows for c in row],
                               [c for row in loaded_rows for c in row])
    return header + record + cell


# Every file holds the same few thousand texts: normalize each once.
_cache = {}


def _normalize(cell):
    value = _cache.get(cell)
    if value is None:
        value = _cache[cell] = normalize(cell)
    return value


def score_file(clean_path, loaded_path):
    """A file's 10 measures, by name. As in the published evaluate.py, a failure while
    measuring (an unreadable file) scores 0 on the 9 measures; a missing file, 0 on all."""
    if not os.path.exists(loaded_path):
        return dict.fromkeys(MEASURES, 0.0)
    success = succeeded(loaded_path)
    scores = {"success": success}
    try:
        values = measure(read_rows(clean_path), read_rows(loaded_path)) if success else (0,) * 9
    except Exception as error:  # as the published code, whatever the failure
        print(f"{loaded_path}: {error}", file=sys.stderr)
        values = (0,) * 9
    scores.update(zip(MEASURES[1:], map(float, values)))
    return scores


def pollution(name):
    """The pollution a benchmark file holds: its name less the row, column and characters
    (`row_more_sep_row3_col4.csv` -> `row_more_sep`, `file_field_delimiter_0x3B.csv` ->
    `file_field_delimiter`, `file_header_multirow_2.csv` -> `file_header_multirow`)."""
    stem = name[:-4] if name.endswith(".csv") else name
    return re.sub(r"(_row\d+_col\d+|\d+_col\d+|_\d+_0x[0-9A-Fa-f]+|(_0x[0-9A-Fa-f]+)+|_\d+)$",
                  "", stem)


def score_dir(loaded_dir, data=DATA):
    """Scores every benchmark input's F_converted.csv in loaded_dir; returns the summary
    and each file's measures."""
    names = sorted(f for f in os.listdir(os.path.join(data, "csv")) if f.endswith(".csv"))
    with open(os.path.join(data, "pollock_weights.json")) as f:
        weights = json.load(f)
    files = {}
    for name in names:
        files[name] = score_file(os.path.join(data, "clean", name),
                                 os.path.join(loaded_dir, name + "_converted.csv"))
    total_weight = sum(weights[name] for name in names)
    means = {m: sum(files[n][m] for n in names) / len(names) for m in MEASURES}
    weighted = sum(sum(files[n].values()) * weights[n] / total_weight for n in names)
    by_pollution = {}
    for name in names:
        group = by_pollution.setdefault(pollution(name), {"files": 0, "missed": [], "score": 0.0,
                                                          "weight": 0.0, "lost_weighted": 0.0})
        total = sum(files[name].values())
        group["files"] += 1
        group["score"] += total
        group["weight"] += weights[name] / total_weight
        # What this file's shortfall takes off the weighted score.
        group["lost_weighted"] += (10 - total) * weights[name] / total_weight
        if total < 10 - 1e-9:
            group["missed"].append(name)
    for group in by_pollution.values():
        group["score"] /= group["files"]
    return {
        "loaded": os.path.abspath(loaded_dir),
        "files": len(names),
        "simple": sum(means.values()),
        "weighted": weighted,
        "means": means,
        "pollutions": by_pollution,
        "per_file": {name: dict(files[name], score=sum(files[name].values())) for name in names},
    }


def report(result, out_json):
    """Prints a scoring's summary and writes all of it as JSON."""
    print(f"{result['loaded']}: {result['files']} files")
    print(f"  simple   {result['simple']:.4f}")
    print(f"  weighted {result['weighted']:.4f}")
    print("  " + "  ".join(f"{m} {v:.4f}" for m, v in result["means"].items()))
    print(f"  {'pollution':<30} {'files':>5} {'missed':>6} {'mean':>7} {'weighted lost':>13}  e.g.")
    for name, group in sorted(result["pollutions"].items()):
        if group["missed"]:
            example = ", ".join(group["missed"][:3])
            print(f"  {name:<30} {group['files']:>5} {len(group['missed']):>6} "
                  f"{group['score']:>7.3f} {group['lost_weighted']:>13.4f}  {example}")
    perfect = sum(1 for g in result["pollutions"].values() if not g["missed"])
    print(f"  ({perfect} pollutions without a miss)")
    os.makedirs(os.path.dirname(os.path.abspath(out_json)), exist_ok=True)
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    print(f"  written to {out_json}")


# --- DuckDB -----------------------------------------------------------------------------

def duckdb_python():
    """A python with the pinned DuckDB and pandas, in target/pollock-venv."""
    venv = os.path.join(ROOT, "target", "pollock-venv")
    python = os.path.join(venv, "bin", "python")
    check = "import duckdb, pandas; assert (duckdb.__version__, pandas.__version__) == ({!r}, {!r})"
    check = check.format(*(pin.split("==")[1] for pin in DUCKDB))
    if not os.path.exists(python) or subprocess.run([python, "-c", check], capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", *DUCKDB], check=True)
    return python


# The benchmark's sut/duckdbparse and sut/duckdbauto scripts, run once per file (they time
# three runs of the same load): read_csv, the relation as a pandas DataFrame, to_csv.
DUCKDB_LOAD = r"""
import json, os, sys, duckdb
data, out, mode = sys.argv[1:4]

def given(params):
    # sut/utils.py load_parameters: an empty delimiter, quote or escape becomes the
    # default; names stripped; a headerless file's columns col_0, col_1, ...
    names = [n.strip() for n in params["column_names"]] or [
        f"col_{i}" for i in range(max(int(params["n_columns"]), 1))]
    return dict(delimiter=params["delimiter"] or ",", quotechar=params["quotechar"] or '"',
                escapechar=params["escapechar"] or '"',
                skiprows=int(params["preamble_lines"]) + int(params["header_lines"]),
                header=False, columns={n: "VARCHAR" for n in names}, auto_detect=False,
                strict_mode=False, ignore_errors=True, null_padding=True)

for name in sorted(os.listdir(os.path.join(data, "csv"))):
    if mode == "given":
        with open(os.path.join(data, "parameters", name + "_parameters.json")) as f:
            options = given(json.load(f))
    else:
        options = dict(strict_mode=False, ignore_errors=True, null_padding=True)
    target = os.path.join(out, name + "_converted.csv")
    con = duckdb.connect()
    try:
        con.read_csv(os.path.join(data, "csv", name), **options).df().to_csv(target, index=False)
    except Exception as e:
        with open(target, "w") as f:
            f.write("Application Error\n" + str(e))
    con.close()
print(duckdb.__version__)
"""


def run_duckdb(mode, out, data):
    python = duckdb_python()
    fresh(out)
    done = subprocess.run([python, "-c", DUCKDB_LOAD, data, out, mode], check=True,
                          stdout=subprocess.PIPE, text=True)
    print(f"DuckDB {done.stdout.strip()} ({mode}) wrote {out}")


# --- leadpipe ---------------------------------------------------------------------------

def column_names(params):
    """The file's column names, or for a headerless file col_0, col_1, ... (as the
    benchmark's own scripts name them)."""
    return list(params["column_names"]) or [f"col_{i}" for i in range(max(int(params["n_columns"]), 1))]


def spec_header(names):
    """Names for a spec's `header`: leadpipe refuses a spec that lists a column twice, so a
    repeated name gets its count (`a`, `a (2)`); an empty name it takes as it is. (No
    benchmark file repeats a name.)"""
    seen = collections.Counter()
    header = []
    for name in names:
        seen[name] += 1
        header.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return header


def toml_string(text):
    # A JSON string is a TOML basic string: the same escapes, non-ASCII as \\uXXXX.
    return json.dumps(text)


def spec_toml(params):
    """A leadpipe spec that reads the file as its parameters describe it.

    Only the [format] keys whose values differ from leadpipe's defaults are written, so
    that a binary that does not know a key yet refuses only the files that need it."""
    names = spec_header(column_names(params))
    quote = params["quotechar"] or '"'
    # An escape equal to the quote is the doubled quote, which leadpipe always reads.
    escape = params["escapechar"] if params["escapechar"] not in ("", quote) else None
    lines = [
        'id = "pollock"',
        'name = "Pollock file"',
        'key = "license_number"',
        "header = [" + ", ".join(toml_string(n) for n in names) + "]",
        "",
        "[format]",
        'encoding = "auto"',
        f"delimiter = {toml_string(params['delimiter'] or ',')}",
    ]
    if quote != '"':
        lines.append(f"quote = {toml_string(quote)}")
    if escape is not None:
        lines.append(f"escape = {toml_string(escape)}")
    if int(params["header_lines"]) != 1:
        lines.append(f"header_rows = {int(params['header_lines'])}")
    if int(params["preamble_lines"]):
        lines.append(f"preamble_lines = {int(params['preamble_lines'])}")
    if int(params["footnote_lines"]):
        lines.append(f"footnote_lines = {int(params['footnote_lines'])}")
    lines += ["", "[[map]]", f"from = {toml_string(names[0])}", 'to = "license_number"', ""]
    return "\n".join(lines)


def run(args, stdout_path):
    """Runs a command with its output to a file; returns (exit code, stderr)."""
    with open(stdout_path, "wb") as out:
        done = subprocess.run(args, stdout=out, stderr=subprocess.PIPE)
    return done.returncode, done.stderr.decode("utf-8", "replace")


def application_error(path, message):
    with open(path, "w") as f:
        f.write(f"{APPLICATION_ERROR}\n{message}")


def load_with_leadpipe(binary, mode, name, data, out, specs):
    """Loads one file with leadpipe into out/NAME_converted.csv."""
    source = os.path.join(data, "csv", name)
    target = os.path.join(out, name + "_converted.csv")
    folder = os.path.join(specs, name)
    os.makedirs(folder)
    spec_path = os.path.join(folder, "pollock.toml")
    if mode == "given":
        with open(os.path.join(data, "parameters", name + "_parameters.json")) as f:
            params = json.load(f)
        with open(spec_path, "w") as f:
            f.write(spec_toml(params))
        spec_id = "pollock"
    else:
        code, err = run([binary, "infer", source], spec_path)
        if code != 0:
            return application_error(target, f"leadpipe infer exited {code}: {err}")
        try:
            with open(spec_path, "rb") as f:
                spec_id = tomllib.load(f)["id"]
        except (tomllib.TOMLDecodeError, KeyError) as error:
            return application_error(target, f"leadpipe infer wrote no usable spec: {error}")
    code, err = run([binary, "records", source, "--specs", folder, "--spec", spec_id,
                     "--format", "csv"], target)
    if code != 0:
        return application_error(target, f"leadpipe records exited {code}: {err}")
    with open(spec_path, "rb") as f:
        headerless = tomllib.load(f).get("format", {}).get("header_rows", 1) == 0
    if headerless:
        drop_first_line(target)


def drop_first_line(path):
    """`records` writes a headerless file's columns, as its spec names them, first; the
    table the file holds has no header row."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n", 1)
    with open(path, "wb") as f:
        f.write(lines[1] if len(lines) > 1 else b"")


def run_leadpipe(binary, mode, out, data):
    if not os.path.exists(binary):
        sys.exit(f"no leadpipe binary at {binary} (cargo build --release)")
    fresh(out)
    specs = os.path.join(os.path.dirname(out), os.path.basename(out) + "-specs")
    fresh(specs)
    names = sorted(f for f in os.listdir(os.path.join(data, "csv")) if f.endswith(".csv"))
    # One process per file: run as many at once as there are cores.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(lambda n: load_with_leadpipe(binary, mode, n, data, out, specs), names))
    print(f"leadpipe ({mode}) wrote {out}, specs in {specs}")


def fresh(folder):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA, help="the benchmark's folder (csv/, clean/, ...)")
    parser.add_argument("--json", default=None, help="where to write the scores")
    commands = parser.add_subparsers(dest="command", required=True)
    duck = commands.add_parser("duckdb", help="load with DuckDB, then score")
    duck.add_argument("--mode", choices=["given", "sniff"], required=True)
    duck.add_argument("--out", default=None)
    lead = commands.add_parser("leadpipe", help="load with leadpipe, then score")
    lead.add_argument("--mode", choices=["given", "infer"], required=True)
    lead.add_argument("--out", default=None)
    lead.add_argument("--leadpipe", default=os.path.join(ROOT, "target", "release", "leadpipe"))
    score = commands.add_parser("score", help="score a folder of F_converted.csv files")
    score.add_argument("dir")
    # Options given after the subcommand too.
    for sub in (duck, lead, score):
        sub.add_argument("--data", default=argparse.SUPPRESS)
        sub.add_argument("--json", default=argparse.SUPPRESS)
    args = parser.parse_args()
    data = os.path.abspath(args.data)

    if args.command == "score":
        loaded = args.dir
    else:
        loaded = os.path.abspath(args.out or os.path.join(WORK, f"{args.command}-{args.mode}"))
        if args.command == "duckdb":
            run_duckdb(args.mode, loaded, data)
        else:
            run_leadpipe(args.leadpipe, args.mode, loaded, data)
    out_json = args.json or os.path.join(os.path.dirname(os.path.abspath(loaded)),
                                         os.path.basename(os.path.normpath(loaded)) + ".json")
    report(score_dir(loaded, data), out_json)


if __name__ == "__main__":
    main()
