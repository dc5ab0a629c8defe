#!/usr/bin/env python3
"""Scores a predicted clustering against a ground truth: pairwise and B-cubed measures.

    bench/resolve/metrics.py --truth FILE --predicted FILE [--json]

--truth     a CSV with the columns `record_id` and `entity_id` (febrl.py's files are such)
--predicted a CSV with the columns `record_id` and `cluster_id`, from any tool: Splink
            (splink_run.py writes them), leadpipe, or another

A record of the truth that the predictions leave out is its own cluster (a tool that writes
only the records it linked loses nothing); a predicted record that the truth does not know
is an error, as is a record twice in one file.

Pairwise: a pair of records is predicted if they share a cluster, true if they share an
entity. precision = true predicted pairs / predicted pairs, recall = true predicted pairs /
true pairs. B-cubed (Bagga and Baldwin): for each record r with cluster C and entity E,
precision(r) = |C ∩ E| / |C| and recall(r) = |C ∩ E| / |E|, averaged over the records. F1
is the harmonic mean of the precision and recall in each family. With no predicted pairs
the pairwise precision is 1.0 (nothing claimed, nothing wrong), and with no true pairs the
recall is 1.0; F1 is 0.0 when both precision and recall are 0.
"""
import argparse
import collections
import csv
import json
import sys


def read_column_map(path, key, value):
    """{row[key]: row[value]} of a CSV with a header; a repeated key is an error."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {key, value} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: no column {', '.join(sorted(missing))}")
        for row in reader:
            if row[key] in out:
                raise ValueError(f"{path}: record {row[key]!r} appears twice")
            out[row[key]] = row[value]
    return out


def pairs(n):
    """The number of unordered pairs among n records."""
    return n * (n - 1) // 2


def ratio(num, den):
    """num / den, with 1.0 for an empty denominator (see the module's doc)."""
    return num / den if den else 1.0


def f1(p, r):
    """The harmonic mean of p and r, 0.0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def score(truth, predicted):
    """Pairwise and B-cubed precision, recall and F1 of a clustering.

    truth maps each record id to its entity, predicted maps record ids to clusters; a record
    of the truth not in predicted is a singleton. Returns a dict of floats and pair counts.
    """
    unknown = set(predicted) - set(truth)
    if unknown:
        raise ValueError(
            f"{len(unknown)} predicted record(s) not in the truth, e.g. {min(unknown)!r}"
        )
    # A singleton's cluster key cannot collide with a predicted cluster id (a tuple is
    # never equal to a string).
    cluster = {r: predicted.get(r, ("singleton", r)) for r in truth}
    cluster_size = collections.Counter(cluster.values())
    entity_size = collections.Counter(truth.values())
    overlap = collections.Counter((cluster[r], truth[r]) for r in truth)

    true_positive = sum(pairs(n) for n in overlap.values())
    predicted_pairs = sum(pairs(n) for n in cluster_size.values())
    true_pairs = sum(pairs(n) for n in entity_size.values())
    pw_p = ratio(true_positive, predicted_pairs)
    pw_r = ratio(true_positive, true_pairs)

    n = len(truth)
    b3_p = sum(overlap[(cluster[r], truth[r])] / cluster_size[cluster[r]] for r in truth) / n
    b3_r = sum(overlap[(cluster[r], truth[r])] / entity_size[truth[r]] for r in truth) / n
    return {
        "records": n,
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
        "true_positive_pairs": true_positive,
        "pairwise_precision": pw_p,
        "pairwise_recall": pw_r,
        "pairwise_f1": f1(pw_p, pw_r),
        "bcubed_precision": b3_p,
        "bcubed_recall": b3_r,
        "bcubed_f1": f1(b3_p, b3_r),
    }


def score_files(truth_path, predicted_path):
    """score() of a truth CSV and a predictions CSV (the columns in the module's doc)."""
    return score(
        read_column_map(truth_path, "record_id", "entity_id"),
        read_column_map(predicted_path, "record_id", "cluster_id"),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--truth", required=True)
    parser.add_argument("--predicted", required=True)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args()
    try:
        s = score_files(args.truth, args.predicted)
    except ValueError as e:
        sys.exit(str(e))
    if args.json:
        print(json.dumps(s, indent=2))
        return
    print(
        f"{s['records']} records; pairs: {s['predicted_pairs']} predicted, "
        f"{s['true_pairs']} true, {s['true_positive_pairs']} both"
    )
    for family in ("pairwise", "bcubed"):
        print(
            f"{family:8}  precision {s[family + '_precision']:.4f}  "
            f"recall {s[family + '_recall']:.4f}  F1 {s[family + '_f1']:.4f}"
        )


if __name__ == "__main__":
    main()
