#!/usr/bin/env python3
"""Runs Splink 5 (DuckDB, 2 threads) on a FEBRL dataset and scores it at a sweep of thresholds.

    target/resolve-venv/bin/python bench/resolve/splink_run.py --dataset febrl3|febrl4|leads
        [--data DIR] [--out DIR] [--threads N] [--seed N]

Reads DIR/DATASET.csv from febrl.py (default DIR: target/resolve/data) and gives Splink its
fields without `entity_id` (the truth): a dedupe of FEBRL3, a link (link_only) of FEBRL4's
source `a` to its source `b`. The model, with no labels:

FEBRL's columns are febrl.py's lead columns, the fields leadpipe compares (date of birth
in license_issued, soc_sec_id in license_number):

  blocking     zip (postcode); last name + first name's initial; date of birth; soc_sec_id
  comparisons  first name, last name: null, exact (term-frequency adjusted), Jaro–Winkler
               ≥ 0.92, ≥ 0.88, ≥ 0.70, else (Splink's NameComparison)
               address1 (street number and address_1), address2 (address_2, which
               leadpipe reads to find the two lines swapped): null, exact, Jaro–Winkler
               ≥ 0.9, ≥ 0.7, else
               city (suburb), zip: null, exact, else
               date of birth: null, exact, one edit, ≤ 1 month, ≤ 1 year, ≤ 10 years, else
               soc_sec_id: null, exact, ≤ 1 edit, ≤ 2 edits, else
               state is not compared, as leadpipe does not: the postcode determines it
               (and Fellegi–Sunter assumes the comparisons independent)
  prior        from the pairs that agree on soc_sec_id and date of birth, or on both
               names and the zip, taken to find 60% of the matches (an assumption, not a
               label)
  u            random sampling of 10^7 pairs (about all of them at 5,000 records)
  m            expectation maximisation in two sessions, blocked on date of birth (which
               trains every other comparison) and on postcode (which trains the date)

Then predicts every pair with a match probability ≥ the sweep's lowest threshold, writes
them as OUT/DATASET-pairs.csv (record_id_l, record_id_r, match_weight,
match_probability), clusters them (connected components) at each threshold of the sweep,
writes OUT/DATASET-clusters-THRESHOLD.csv (record_id, cluster_id) and scores each with
metrics.py. Prints a Markdown table of the sweep, the best pairwise F1 and its threshold,
the wall time of the linkage (load, training, prediction) and of the sweep, and the
process's peak resident memory; writes them all as OUT/DATASET.json.
"""
import argparse
import json
import logging
import os
import resource
import sys
import time

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

import metrics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Low thresholds matter for recall on FEBRL's heavily corrupted duplicates, high ones for
# precision; the sweep spans both so that Splink's best F1 is not missed between two.
THRESHOLDS = [
    0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999,
]
# The columns Splink sees: febrl.py's mapping less entity_id (the truth) and source.
FEBRL_FIELDS = [
    "first_name", "last_name", "address1", "address2", "city", "zip", "license_issued",
    "license_number",
]
# The same for leads.py's export of bench/duplicates.py's leads.
LEAD_FIELDS = ["company", "first_name", "last_name", "address1", "city", "zip", "phone", "email"]


def lead_settings(link_type):
    """Splink's model of leads, untrained: blocked on phone, address + ZIP, ZIP + company's
    first token, and the person's name, as leadpipe's default blocking rules are."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("address1", "zip"),
            block_on("zip", "split_part(company, ' ', 1)"),
            block_on("last_name", "substr(first_name, 1, 1)"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("company", [0.92, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address1", [0.9, 0.7]),
            cl.ExactMatch("city"),
            cl.ExactMatch("zip"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def train_leads(linker, seed):
    """The prior, u and m of the lead model, without labels."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("company", "zip"), block_on("phone", "address1")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("zip"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))


def settings(link_type):
    """The Splink model of FEBRL described in the module's doc, untrained."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on("zip"),
            block_on("last_name", "substr(first_name, 1, 1)"),
            block_on("license_issued"),
            block_on("license_number"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("address2", [0.9, 0.7]),
            cl.ExactMatch("city"),
            cl.ExactMatch("zip"),
            cl.DateOfBirthComparison(
                "license_issued", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.LevenshteinAtThresholds("license_number", [1, 2]),
        ],
        retain_intermediate_calculation_columns=False,
    )


def load(con, path, fields):
    """Loads febrl.py's CSV into DuckDB as text; returns the Splink inputs' table names.

    FEBRL3 is one table; FEBRL4 is one per source (a, b), for a link_only job.
    """
    con.execute(
        "CREATE TABLE records AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [path],
    )
    distinct = con.execute("SELECT DISTINCT source FROM records ORDER BY 1").fetchall()
    sources = [r[0] for r in distinct]
    cols = ", ".join(["record_id"] + fields)
    for s in sources:
        con.execute(f"CREATE TABLE input_{s} AS SELECT {cols} FROM records WHERE source = ?", [s])
    return [f"input_{s}" for s in sources]


def train(linker, seed):
    """Estimates the prior, u and m of the FEBRL model without labels, as the module's doc
    says."""
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("license_number", "license_issued"),
            block_on("first_name", "last_name", "zip"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("license_issued"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("zip"))


def peak_rss_mib():
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweep(linker, predictions, truth, out, dataset):
    """Clusters at each threshold, writes and scores each clustering; returns the rows."""
    rows = []
    for t in THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=t
        ).as_pandas_dataframe()[["record_id", "cluster_id"]]
        path = os.path.join(out, f"{dataset}-clusters-{t}.csv")
        clusters.to_csv(path, index=False)
        predicted = dict(zip(clusters["record_id"], clusters["cluster_id"].astype(str)))
        rows.append({"threshold": t, **metrics.score(truth, predicted)})
    return rows


def table(rows):
    """The sweep as a Markdown table."""
    lines = [
        "| threshold | pairs predicted | pairwise P | pairwise R | pairwise F1 "
        "| B³ P | B³ R | B³ F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['threshold']} | {r['predicted_pairs']} | {r['pairwise_precision']:.4f} "
            f"| {r['pairwise_recall']:.4f} | {r['pairwise_f1']:.4f} "
            f"| {r['bcubed_precision']:.4f} | {r['bcubed_recall']:.4f} | {r['bcubed_f1']:.4f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True, choices=["febrl3", "febrl4", "leads"])
    parser.add_argument("--data", default=os.path.join(ROOT, "target", "resolve", "data"))
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "resolve", "splink"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    path = os.path.join(args.data, f"{args.dataset}.csv")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run bench/resolve/febrl.py (or leads.py) first")
    os.makedirs(args.out, exist_ok=True)
    truth = metrics.read_column_map(path, "record_id", "entity_id")

    start = time.monotonic()
    con = duckdb.connect(config={"threads": args.threads})
    db_api = DuckDBAPI(connection=con)
    leads = args.dataset == "leads"
    fields, model, fit = (LEAD_FIELDS, lead_settings, train_leads) if leads else (
        FEBRL_FIELDS, settings, train)
    inputs = [db_api.register(name) for name in load(con, path, fields)]
    link_type = "dedupe_only" if len(inputs) == 1 else "link_only"
    linker = Linker(
        inputs[0] if len(inputs) == 1 else inputs, model(link_type), log_level=logging.WARNING
    )
    fit(linker, args.seed)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLDS[0])
    pairs_path = os.path.join(args.out, f"{args.dataset}-pairs.csv")
    predictions.as_pandas_dataframe()[
        ["record_id_l", "record_id_r", "match_weight", "match_probability"]
    ].to_csv(pairs_path, index=False)
    linked = time.monotonic()
    rows = sweep(linker, predictions, truth, args.out, args.dataset)
    swept = time.monotonic()

    best = max(rows, key=lambda r: r["pairwise_f1"])
    result = {
        "dataset": args.dataset,
        "splink": sys.modules["splink"].__version__,
        "duckdb": duckdb.__version__,
        "threads": args.threads,
        "link_type": link_type,
        "records": len(truth),
        "pairs_scored": len(predictions.as_pandas_dataframe()),
        "linkage_seconds": round(linked - start, 2),
        "sweep_seconds": round(swept - linked, 2),
        "peak_rss_mib": round(peak_rss_mib()),
        "best_threshold": best["threshold"],
        "best_pairwise_f1": best["pairwise_f1"],
        "sweep": rows,
    }
    with open(os.path.join(args.out, f"{args.dataset}.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print(f"{args.dataset}: Splink {result['splink']} ({link_type}, DuckDB {result['duckdb']}, "
          f"{args.threads} threads), {result['records']} records, "
          f"{result['pairs_scored']} pairs scored ≥ {THRESHOLDS[0]}")
    print(table(rows))
    print(f"best pairwise F1 {best['pairwise_f1']:.4f} at threshold {best['threshold']} "
          f"(B³ F1 {best['bcubed_f1']:.4f}); linkage {result['linkage_seconds']} s, "
          f"sweep {result['sweep_seconds']} s, peak RSS {result['peak_rss_mib']} MiB")


if __name__ == "__main__":
    main()
