#!/usr/bin/env python3
"""Generate leads with known duplicates, for entity resolution's accuracy and speed.

    bench/duplicates.py N OUT_DIR [--duplicates SHARE] [--chains SHARE] [--seed S]
                                  [--second-source]

Writes OUT_DIR/leads/07-07-2023 Nevada duplicates.csv, N records in the Nevada agency's
format (the built-in `nevada` spec reads it: `leadpipe ingest OUT_DIR/leads`), and
OUT_DIR/truth.csv in the columns bench/resolve/metrics.py scores with: each record's lead id
(`record_id`, `nevada:<credential number>`), the provider it belongs to (`entity_id`), and
what made it (`made_by`: `original`, a perturbation's name, or `chain` for a chain's site).

Unlike bench/scale.py's copies, whose thousands of identical twins per record make
degenerate blocks, the providers are distinct: their names, streets, people and phones are
recombined from the vocabulary of the real files (tests/data/raw), so a million records hold
about a million providers' worth of distinct values with realistic repeats. The real files
name only about a hundred surnames, which at a million leads would give blocks on the
person's name of hundreds of leads each; so most surnames are made by joining the first half
of one real surname to the second half of another (ABELLA + ACOSTA: ABESTA), some eight
thousand, and one in ten is a real one, as common names are: two random people share a
surname about twice in ten thousand pairs. Then:

- a share of the records (`--duplicates`, default 0.15) are re-exports of another record's
  provider under a new credential number, each with one perturbation a real re-export has:
  a typo in the name, ST/STREET and the like, a suite moved into the address, the phone
  changed, a DBA name, a new key only, the provider moved (new address, same name, person
  and phone);
- with `--second-source`, the re-exports are another source's instead: OUT_DIR/leads/
  07-14-2023 Clark County re-export.csv (tests/data/resolve/specs/clark_county.toml reads
  it: `--specs tests/data/resolve/specs`), keyed `CC-<n>`, one per provider at most (a
  snapshot that lists a provider twice lists two operations), so that a load has duplicates
  to link across sources, as in real data;
- a share of the providers (`--chains`, default 0.02) are sites of a chain: one name stem
  and one central phone, at different addresses, and each site a provider of its own. They
  are the hard negatives: a matcher that links on a shared phone merges them.
"""
import argparse
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "..", "tests", "data", "raw")
HEADER = ["Name", "Credential Type", "Credential Number", "Status", "Expiration Date",
          "Disciplinary Action", "Address", "", "State", "County", "Phone#", "First Issue Date",
          "Primary Contact Name", "Primary Contact Role"]
TYPES = ["CENTER", "FAMILY CARE", "GROUP CARE", "CENTER (PROVISIONAL)", "ACCOMMODATION"]
ROLES = ["Director", "Owner", "Other", "Person in Charge"]
SUFFIXES = {"ST": "STREET", "AVE": "AVENUE", "RD": "ROAD", "DR": "DRIVE", "BLVD": "BOULEVARD",
            "LN": "LANE", "CT": "COURT", "WAY": "WAY", "PKWY": "PARKWAY"}
CITIES = [("LAS VEGAS", "CLARK", "891"), ("HENDERSON", "CLARK", "890"), ("RENO", "WASHOE", "895"),
          ("SPARKS", "WASHOE", "894"), ("CARSON CITY", "CARSON CITY", "897"),
          ("ELKO", "ELKO", "898"), ("MESQUITE", "CLARK", "890"), ("PAHRUMP", "NYE", "890")]
AREA_CODES = ["702", "725", "775", "405", "918", "580", "214", "512", "713", "210", "830"]


def vocabulary():
    """Name tokens, people's first and last names, and street names, from the real files."""
    words, firsts, lasts, streets = set(), set(), set(), set()
    for name in os.listdir(RAW):
        with open(os.path.join(RAW, name), encoding="utf-8", errors="replace", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        for row in rows[1:]:
            record = dict(zip(header, row))
            company = record.get("Name") or record.get("Company") or record.get("Operation/Caregiver Name") or ""
            words.update(w for w in company.upper().replace(",", " ").split() if w.isalpha() and len(w) > 2)
            person = record.get("Primary Contact Name") or record.get("Primary Caregiver") or ""
            parts = [p for p in person.upper().replace(",", " ").split() if p.isalpha() and len(p) > 1]
            if len(parts) >= 2:
                firsts.add(parts[0])
                lasts.add(parts[-1])
            address = record.get("Address") or record.get("Address1") or ""
            tokens = address.upper().replace(",", " ").split()
            streets.update(t for t in tokens[1:3] if t.isalpha() and len(t) > 3 and t not in SUFFIXES)
    return sorted(words), sorted(firsts), sorted(lasts), sorted(streets)


def recombined(names):
    """Every first half of a name joined to every second half of one, sorted."""
    return sorted({a[:(len(a) + 1) // 2] + b[len(b) // 2:] for a in names for b in names})


class Providers:
    """Distinct providers, drawn from the vocabulary with a seeded generator."""

    def __init__(self, rng, vocab):
        self.rng = rng
        self.words, self.firsts, self.lasts, self.streets = vocab
        self.made_lasts = recombined(self.lasts)
        self.phones = set()

    def last_name(self):
        return self.rng.choice(self.lasts if self.rng.random() < 0.1 else self.made_lasts)

    def phone(self):
        while True:
            number = f"{self.rng.choice(AREA_CODES)}-{self.rng.randint(200, 999)}-{self.rng.randint(0, 9999):04d}"
            if number not in self.phones and not number[4:].startswith("555-01"):
                self.phones.add(number)
                return number

    def address(self):
        city, county, zip3 = self.rng.choice(CITIES)
        suffix = self.rng.choice(list(SUFFIXES))
        street = f"{self.rng.randint(1, 19999)} {self.rng.choice(self.streets)} {suffix}"
        return street, city, county, f"{zip3}{self.rng.randint(0, 99):02d}"

    def name(self, words=None):
        words = words or self.rng.sample(self.words, self.rng.choice([2, 2, 3, 3, 4]))
        return " ".join(words) + self.rng.choice(["", "", " LLC", " INC", " DAYCARE", " ACADEMY"])

    def provider(self, name=None, phone=None):
        street, city, county, zip_code = self.address()
        return {
            "name": name or self.name(),
            "type": self.rng.choice(TYPES),
            "street": street, "city": city, "county": county, "zip": zip_code,
            "phone": phone or self.phone(),
            "person": f"{self.rng.choice(self.firsts)} {self.last_name()}",
            "role": self.rng.choice(ROLES),
            "issued": f"{self.rng.randint(1, 12)}/1/{self.rng.randint(2000, 2023)}",
        }


def typo(rng, text):
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("ABCDEFGHIJKLMNOPRSTUVW") + text[i + 1:]


def perturb(rng, providers, p):
    """A re-export of provider `p`: one perturbation, with its name."""
    q = dict(p)
    kind = rng.choice(["typo", "suffix", "suite", "phone", "dba", "new_key", "moved"])
    if kind == "typo":
        q["name"] = typo(rng, p["name"])
    elif kind == "suffix":
        number, *street, suffix = p["street"].split()
        q["street"] = " ".join([number, *street, SUFFIXES.get(suffix, suffix)])
    elif kind == "suite":
        q["street"] = f"{p['street']} STE {rng.randint(1, 300)}"
    elif kind == "phone":
        q["phone"] = providers.phone()
    elif kind == "dba":
        q["name"] = f"{p['person']} DBA {p['name']}"
    elif kind == "moved":
        q["street"], q["city"], q["county"], q["zip"] = providers.address()
    return q, kind


def row(p, key):
    return [p["name"], p["type"], key, "Active", "12/31/2024", "N",
            f"{p['street']} {p['city']}, NV {p['zip']}", "", "NV", p["county"], p["phone"],
            p["issued"], p["person"], p["role"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--duplicates", type=float, default=0.15)
    parser.add_argument("--chains", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--second-source", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    providers = Providers(rng, vocabulary())
    os.makedirs(os.path.join(args.out, "leads"), exist_ok=True)
    data_path = os.path.join(args.out, "leads", "07-07-2023 Nevada duplicates.csv")
    second_path = os.path.join(args.out, "leads", "07-14-2023 Clark County re-export.csv")
    with open(data_path, "w", newline="", encoding="utf-8") as data, \
            open(os.path.join(args.out, "truth.csv"), "w", newline="", encoding="utf-8") as truth, \
            open(second_path if args.second_source else os.devnull, "w", newline="",
                 encoding="utf-8") as second:
        records, answers = csv.writer(data, lineterminator="\r\n"), csv.writer(truth)
        re_exports = csv.writer(second, lineterminator="\r\n")
        records.writerow(HEADER)
        re_exports.writerow(HEADER)
        answers.writerow(["record_id", "entity_id", "made_by"])
        made, written, re_exported = [], 0, set()

        def write(entity, provider, made_by, to_second=False):
            nonlocal written
            if to_second:
                key = f"CC-{written + 1}"
                re_exports.writerow(row(provider, key))
                answers.writerow([f"clark_county:{key}", entity, made_by])
            else:
                key = f"{written + 1}-{23 - written % 4}"
                records.writerow(row(provider, key))
                answers.writerow([f"nevada:{key}", entity, made_by])
            written += 1

        while written < args.n:
            if made and rng.random() < args.duplicates:
                entity, original = rng.choice(made)
                if args.second_source and entity in re_exported:
                    continue
                re_exported.add(entity)
                provider, kind = perturb(rng, providers, original)
                write(entity, provider, kind, to_second=args.second_source)
            elif rng.random() < args.chains / 25:
                # A chain (25 sites on average): one stem and one phone, each site a
                # provider of its own.
                stem, phone = rng.sample(providers.words, 2), providers.phone()
                for site in range(min(rng.randint(2, 48), args.n - written)):
                    provider = providers.provider(name=" ".join(stem) + f" #{site + 1}", phone=phone)
                    made.append((len(made) + 1, provider))
                    write(len(made), provider, "chain")
            else:
                provider = providers.provider()
                made.append((len(made) + 1, provider))
                write(len(made), provider, "original")


if __name__ == "__main__":
    main()
