#!/usr/bin/env python3
"""Lists a clustering's errors against the truth, largest first: what costs precision.

    bench/resolve/errors.py --data FILE --predicted FILE [--made-by FILE] [--top N]

--data       the records with their truth (`record_id`, `entity_id` and the fields the
             matchers see: leads.py's or febrl.py's CSV)
--predicted  a CSV with `record_id` and `cluster_id` (metrics.py's input)
--made-by    bench/duplicates.py's truth.csv, whose `made_by` says what made each record
             (`original`, a perturbation, `chain`)

Prints the false pairs by the kinds of the two records that make them, then the N clusters
(default 10) with the most false pairs, each record with its entity, kind and fields; and
the split entities (missed pairs) by kind the same way. Stdlib only.
"""
import argparse
import collections
import csv

import metrics


def read_rows(path):
    """The rows of a CSV as dicts, by record_id."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["record_id"]: row for row in csv.DictReader(f)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--predicted", required=True)
    parser.add_argument("--made-by")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    rows = read_rows(args.data)
    predicted = metrics.read_column_map(args.predicted, "record_id", "cluster_id")
    made_by = (
        metrics.read_column_map(args.made_by, "record_id", "made_by") if args.made_by else {}
    )
    kind = lambda r: made_by.get(r, "?")
    fields = [c for c in next(iter(rows.values())) if c not in ("record_id", "entity_id", "source")]

    clusters = collections.defaultdict(list)
    for r in rows:
        clusters[predicted.get(r, ("singleton", r))].append(r)
    entities = collections.defaultdict(list)
    for r, row in rows.items():
        entities[row["entity_id"]].append(r)

    false_pairs, false_by_cluster = collections.Counter(), collections.Counter()
    for key, members in clusters.items():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if rows[a]["entity_id"] != rows[b]["entity_id"]:
                    false_pairs[tuple(sorted((kind(a), kind(b))))] += 1
                    false_by_cluster[key] += 1
    missed = collections.Counter()
    for members in entities.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if predicted.get(a, ("s", a)) != predicted.get(b, ("s", b)):
                    missed[tuple(sorted((kind(a), kind(b))))] += 1

    print(f"false pairs: {sum(false_pairs.values())}, by kinds")
    for kinds, n in false_pairs.most_common():
        print(f"  {n:6}  {' + '.join(kinds)}")
    print(f"missed pairs: {sum(missed.values())}, by kinds")
    for kinds, n in missed.most_common():
        print(f"  {n:6}  {' + '.join(kinds)}")
    for key, n in false_by_cluster.most_common(args.top):
        members = sorted(clusters[key], key=lambda r: rows[r]["entity_id"])
        print(f"\ncluster {key}: {len(members)} records, "
              f"{len({rows[r]['entity_id'] for r in members})} entities, {n} false pairs")
        for r in members:
            values = " | ".join(rows[r][f] for f in fields)
            print(f"  {rows[r]['entity_id']:>6} {kind(r):9} {values}")


if __name__ == "__main__":
    main()
