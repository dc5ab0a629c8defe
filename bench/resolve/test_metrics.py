"""Unit tests of metrics.py on small clusterings whose scores are computed by hand.

    python3 -m unittest discover -s bench/resolve
"""
import os
import tempfile
import unittest

import metrics


def write(path, header, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(row) + "\n")


class ScoreTest(unittest.TestCase):
    def test_split_and_merged_clusters(self):
        # Entities {a,b,c} {d,e}; clusters {a,b} {c,d,e}.
        # Pairs: true ab ac bc de (4), predicted ab cd ce de (4), both ab de (2).
        # B-cubed per record (precision, recall): a, b (1, 2/3); c (1/3, 1/3);
        # d, e (2/3, 1); both averages 11/15.
        truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
        predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}
        s = metrics.score(truth, predicted)
        self.assertEqual(
            (s["predicted_pairs"], s["true_pairs"], s["true_positive_pairs"]), (4, 4, 2)
        )
        self.assertEqual(s["pairwise_precision"], 0.5)
        self.assertEqual(s["pairwise_recall"], 0.5)
        self.assertEqual(s["pairwise_f1"], 0.5)
        self.assertAlmostEqual(s["bcubed_precision"], 11 / 15)
        self.assertAlmostEqual(s["bcubed_recall"], 11 / 15)
        self.assertAlmostEqual(s["bcubed_f1"], 11 / 15)

    def test_everything_in_one_cluster(self):
        # Entities {a,b} {c,d} in one cluster: 6 predicted pairs, 2 of them true.
        # B-cubed: every record has precision 2/4 and recall 1, so F1 2/3.
        truth = {"a": "1", "b": "1", "c": "2", "d": "2"}
        s = metrics.score(truth, dict.fromkeys(truth, "all"))
        self.assertAlmostEqual(s["pairwise_precision"], 1 / 3)
        self.assertEqual(s["pairwise_recall"], 1.0)
        self.assertAlmostEqual(s["pairwise_f1"], 0.5)
        self.assertEqual(s["bcubed_precision"], 0.5)
        self.assertEqual(s["bcubed_recall"], 1.0)
        self.assertAlmostEqual(s["bcubed_f1"], 2 / 3)

    def test_no_predictions_are_all_singletons(self):
        # Entities {a,b} {c}, nothing predicted: no predicted pair (precision 1 by
        # definition), the one true pair missed. B-cubed recall (1/2 + 1/2 + 1) / 3.
        truth = {"a": "1", "b": "1", "c": "2"}
        s = metrics.score(truth, {})
        self.assertEqual(s["predicted_pairs"], 0)
        self.assertEqual(s["pairwise_precision"], 1.0)
        self.assertEqual(s["pairwise_recall"], 0.0)
        self.assertEqual(s["pairwise_f1"], 0.0)
        self.assertEqual(s["bcubed_precision"], 1.0)
        self.assertAlmostEqual(s["bcubed_recall"], 2 / 3)
        self.assertAlmostEqual(s["bcubed_f1"], 0.8)

    def test_cluster_ids_are_arbitrary_labels(self):
        truth = {"a": "1", "b": "1", "c": "2"}
        s = metrics.score(truth, {"a": "2", "b": "2", "c": "1"})
        for key in ("pairwise_precision", "pairwise_recall", "bcubed_f1"):
            self.assertEqual(s[key], 1.0, key)

    def test_left_out_record_is_its_own_cluster(self):
        # b is not predicted; a's cluster id happens to be the string "b", which must not
        # put b in it.
        truth = {"a": "1", "b": "1"}
        s = metrics.score(truth, {"a": "b"})
        self.assertEqual(s["predicted_pairs"], 0)
        self.assertEqual(s["pairwise_recall"], 0.0)
        self.assertEqual(s["bcubed_recall"], 0.5)

    def test_unknown_predicted_record_is_an_error(self):
        with self.assertRaisesRegex(ValueError, "1 predicted record.*'z'"):
            metrics.score({"a": "1"}, {"a": "x", "z": "x"})


class FilesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.truth = os.path.join(self.dir.name, "truth.csv")
        self.predicted = os.path.join(self.dir.name, "predicted.csv")
        # Extra columns, as febrl.py's files have, are ignored.
        write(
            self.truth,
            ["record_id", "entity_id", "surname"],
            [["rec-1-org", "1", "green"], ["rec-1-dup-0", "1", "gren"], ["rec-2-org", "2", "x"]],
        )

    def tearDown(self):
        self.dir.cleanup()

    def test_scores_files(self):
        write(
            self.predicted,
            ["record_id", "cluster_id"],
            [["rec-1-org", "7"], ["rec-1-dup-0", "7"], ["rec-2-org", "7"]],
        )
        s = metrics.score_files(self.truth, self.predicted)
        self.assertEqual(s["records"], 3)
        self.assertEqual((s["predicted_pairs"], s["true_positive_pairs"]), (3, 1))
        self.assertAlmostEqual(s["pairwise_precision"], 1 / 3)
        self.assertEqual(s["pairwise_recall"], 1.0)
        # B-cubed precision: 2/3, 2/3, 1/3.
        self.assertAlmostEqual(s["bcubed_precision"], 5 / 9)

    def test_repeated_record_is_an_error(self):
        write(self.predicted, ["record_id", "cluster_id"], [["rec-1-org", "1"], ["rec-1-org", "2"]])
        with self.assertRaisesRegex(ValueError, "'rec-1-org' appears twice"):
            metrics.score_files(self.truth, self.predicted)

    def test_missing_column_is_an_error(self):
        write(self.predicted, ["record_id", "cluster"], [["rec-1-org", "1"]])
        with self.assertRaisesRegex(ValueError, "no column cluster_id"):
            metrics.score_files(self.truth, self.predicted)


if __name__ == "__main__":
    unittest.main()
