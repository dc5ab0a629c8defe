"""Unit tests of pollock.py's scorer on small tables whose scores are worked out by hand.

    python3 -m unittest discover -s bench -p 'test_pollock.py'
"""
import datetime
import json
import os
import tempfile
import tomllib
import unittest

import pollock

CLEAN = [["DATE", "Qty", "Price", "Name"],
         ["28/01/2018", "2", "$74.69", "Boots"],
         ["01/02/2018", "0", "$48.00", "Hat"]]


def write_csv(path, rows):
    """Every field quoted, as the benchmark's clean files and leadpipe's output are."""
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(",".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\n")


class FileTest(unittest.TestCase):
    """score_file on a clean table and a loaded one written to disk."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.clean = os.path.join(self.dir.name, "clean.csv")
        self.loaded = os.path.join(self.dir.name, "loaded.csv")

    def tearDown(self):
        self.dir.cleanup()

    def score(self, clean, loaded):
        write_csv(self.clean, clean)
        if isinstance(loaded, str):
            with open(self.loaded, "w") as f:
                f.write(loaded)
        else:
            write_csv(self.loaded, loaded)
        return pollock.score_file(self.clean, self.loaded)

    def test_perfect_match_scores_10(self):
        scores = self.score(CLEAN, CLEAN)
        self.assertEqual(set(scores), set(pollock.MEASURES))
        self.assertEqual(sum(scores.values()), 10)

    def test_minimal_quoting_is_the_same_table(self):
        # pandas' to_csv quotes only where needed; the scorer reads CSV, not text.
        text = "DATE,Qty,Price,Name\n28/01/2018,2,$74.69,Boots\n01/02/2018,0,$48.00,Hat\n"
        self.assertEqual(sum(self.score(CLEAN, text).values()), 10)

    def test_application_error_scores_0(self):
        scores = self.score(CLEAN, "Application Error\nsome message")
        self.assertEqual(sum(scores.values()), 0)

    def test_application_error_must_be_the_first_line(self):
        scores = self.score(CLEAN, "DATE\nApplication Error\n")
        self.assertEqual(scores["success"], 1)

    def test_empty_output_succeeds_and_matches_nothing(self):
        scores = self.score(CLEAN, "")
        self.assertEqual(scores["success"], 1)
        self.assertEqual(sum(scores.values()), 1)

    def test_empty_clean_side_scores_1_for_any_output(self):
        # file_no_payload: any table at all, as long as it is not refused.
        self.assertEqual(sum(self.score([], CLEAN).values()), 10)
        self.assertEqual(sum(self.score([], "").values()), 10)
        self.assertEqual(sum(self.score([], "Application Error\n").values()), 0)

    def test_header_only_clean_side_has_every_record(self):
        # file_header_only: no clean records, so the record measures are 1 whatever came.
        scores = self.score(CLEAN[:1], CLEAN)
        self.assertEqual(scores["record_precision"], 1)
        self.assertEqual(scores["cell_precision"], 1)
        self.assertEqual(scores["cell_recall"], 4 / 12)

    def test_missing_output_scores_0(self):
        write_csv(self.clean, CLEAN)
        scores = pollock.score_file(self.clean, os.path.join(self.dir.name, "none.csv"))
        self.assertEqual(sum(scores.values()), 0)

    def test_headerless_load_loses_the_header_and_one_record(self):
        # file_no_header: the clean table's first row is a record; a loader that names
        # the columns col_0.. misses it in the header and has one record more.
        clean = CLEAN[1:]
        loaded = [["col_0", "col_1", "col_2", "col_3"]] + CLEAN[1:]
        s = self.score(clean, loaded)
        self.assertEqual((s["header_precision"], s["header_recall"], s["header_f1"]), (0, 0, 0))
        self.assertEqual((s["record_precision"], s["record_recall"]), (1, 1 / 2))
        self.assertAlmostEqual(s["record_f1"], 2 / 3)
        self.assertEqual((s["cell_precision"], s["cell_recall"]), (1, 8 / 12))

    def test_normalized_records_but_cells_as_written(self):
        # A loader that typed the columns: the same records once normalized, but only the
        # cells written the same way match.
        loaded = [["date", "Qty", "Price", "Name"],
                  ["2018-01-28", "2.0", "$74.690", "boots"],
                  ["2018-01-02 00:00:00", "0", "$48.0", "Hat"]]
        s = self.score(CLEAN, loaded)
        self.assertEqual((s["header_precision"], s["header_recall"]), (1, 1))
        # 2.0 is a float, 2 an int: the first record differs; the second is the same.
        self.assertEqual((s["record_precision"], s["record_recall"]), (1 / 2, 1 / 2))
        # Cells as written: Qty, Price, Name of the header, 0 and Hat.
        self.assertEqual((s["cell_precision"], s["cell_recall"]), (5 / 12, 5 / 12))

    def test_records_are_multisets(self):
        clean = [["a"], ["x"], ["x"], ["y"]]
        loaded = [["a"], ["x"], ["y"], ["y"], ["z"]]
        s = self.score(clean, loaded)
        # Matches: one x, one y, of 3 clean and 4 loaded records.
        self.assertEqual((s["record_precision"], s["record_recall"]), (2 / 3, 2 / 4))
        self.assertAlmostEqual(s["record_f1"], 2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))
        # Cells: a, x, y of 4 clean and 5 loaded.
        self.assertEqual((s["cell_precision"], s["cell_recall"]), (3 / 4, 3 / 5))

    def test_a_record_is_its_cells_joined(self):
        # The published code joins a record's normalized cells without a separator, so a
        # record split at another place is the same record.
        clean = [["h1", "h2"], ["ab", "c"]]
        loaded = [["h1", "h2"], ["a", "bc"]]
        s = self.score(clean, loaded)
        self.assertEqual(s["record_f1"], 1)
        self.assertEqual(s["cell_f1"], 0.5)

    def test_header_is_a_multiset_of_cells(self):
        clean = [["a", "b", "b"], ["1", "2", "3"]]
        loaded = [["b", "a", "c", "d"], ["1", "2", "3"]]
        s = self.score(clean, loaded)
        self.assertEqual((s["header_precision"], s["header_recall"]), (2 / 3, 2 / 4))


class NormalizeTest(unittest.TestCase):
    def test_empty_and_blank(self):
        self.assertEqual(pollock.normalize(""), "")
        self.assertEqual(pollock.normalize("  "), "  ")

    def test_booleans(self):
        for text in ("true", "True", "1"):
            self.assertEqual(pollock.normalize(text), "1")
        for text in ("false", "False", "0"):
            self.assertEqual(pollock.normalize(text), "0")
        # An int equal to 1 or 0 written otherwise: the published code writes str(bool()).
        self.assertEqual(pollock.normalize("01"), "True")
        self.assertEqual(pollock.normalize(" 0"), "False")
        self.assertEqual(pollock.normalize("TRUE"), "true")

    def test_numbers(self):
        self.assertEqual(pollock.normalize("007"), "7")
        self.assertEqual(pollock.normalize(" 42 "), "42")
        self.assertEqual(pollock.normalize("2.50"), "2.5")
        self.assertEqual(pollock.normalize("1e3"), "1000.0")
        self.assertEqual(pollock.normalize("2.0"), "2.0")
        self.assertNotEqual(pollock.normalize("2.0"), pollock.normalize("2"))

    def test_times(self):
        self.assertEqual(pollock.normalize("00:15"), "00:15:00")
        self.assertEqual(pollock.normalize("00:15:00"), "00:15:00")
        self.assertEqual(pollock.normalize("7 30"), "07:30:00")
        self.assertEqual(pollock.normalize("12h"), "12:00:00")
        # Not a time to timeparser (two kinds of separator), a time today to dateutil.
        today = datetime.date.today().isoformat()
        self.assertEqual(pollock.normalize(" 00:15"), today + " 00:15:00")
        self.assertEqual(pollock.normalize("03:003"), today + " 03:03:00")

    def test_dates(self):
        self.assertEqual(pollock.normalize("28/01/2018"), "2018-01-28 00:00:00")
        self.assertEqual(pollock.normalize("2018-01-28"), "2018-01-28 00:00:00")
        self.assertEqual(pollock.normalize("2018-01-28 10:30:00"), "2018-01-28 10:30:00")
        # Month first when the first number can be a month, as dateutil reads it.
        self.assertEqual(pollock.normalize("01/02/2018"), "2018-01-02 00:00:00")
        self.assertEqual(pollock.normalize("28.01.18"), "2018-01-28 00:00:00")
        self.assertEqual(pollock.normalize("31/31/2018"), "31/31/2018")

    def test_prices(self):
        self.assertEqual(pollock.normalize("$74.69"), "$74.69")
        self.assertEqual(pollock.normalize("$48.00"), "$48.0")
        self.assertEqual(pollock.normalize('"$72'), "$72.0")
        self.assertEqual(pollock.normalize("1.234,50 EUR"), "EUR1234.5")
        self.assertEqual(pollock.normalize("NZD$ 5"), "NZD5.0")
        # price_parser finds `kn` (kuna) inside "thickness", and the first number.
        self.assertEqual(pollock.normalize("2 mm thickness"), "kn2.0")
        self.assertEqual(pollock.normalize("$ free"), "$0.0")

    def test_text_is_lowercased(self):
        self.assertEqual(pollock.normalize("Men's Boots"), "men's boots")
        self.assertEqual(pollock.normalize("MG-8769"), "mg-8769")


class BenchmarkTest(unittest.TestCase):
    def test_simple_and_weighted_scores(self):
        # Two inputs: one loaded perfectly (weight 3), one refused (weight 1).
        with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as out:
            for sub in ("csv", "clean"):
                os.makedirs(os.path.join(data, sub))
            for name in ("source.csv", "row_more_sep_row1_col2.csv"):
                write_csv(os.path.join(data, "csv", name), CLEAN)
                write_csv(os.path.join(data, "clean", name), CLEAN)
            with open(os.path.join(data, "pollock_weights.json"), "w") as f:
                json.dump({"source.csv": 3, "row_more_sep_row1_col2.csv": 1, "other.csv": 9}, f)
            write_csv(os.path.join(out, "source.csv_converted.csv"), CLEAN)
            with open(os.path.join(out, "row_more_sep_row1_col2.csv_converted.csv"), "w") as f:
                f.write("Application Error\n")
            result = pollock.score_dir(out, data)
        self.assertEqual(result["files"], 2)
        self.assertEqual(result["simple"], 5)
        self.assertEqual(result["weighted"], 7.5)
        self.assertEqual(result["means"]["success"], 0.5)
        self.assertEqual(result["pollutions"]["row_more_sep"]["missed"], ["row_more_sep_row1_col2.csv"])
        self.assertEqual(result["pollutions"]["row_more_sep"]["lost_weighted"], 2.5)
        self.assertEqual(result["pollutions"]["source"]["missed"], [])

    def test_pollution_names(self):
        cases = {
            "source.csv": "source",
            "row_more_sep_row3_col4.csv": "row_more_sep",
            "row_less_sep_row10_col1.csv": "row_less_sep",
            "row_extra_quote12_col0.csv": "row_extra_quote",
            "row_field_delimiter_5_0x20.csv": "row_field_delimiter",
            "file_field_delimiter_0x2C_0x20.csv": "file_field_delimiter",
            "file_escape_char_0x5C.csv": "file_escape_char",
            "file_header_multirow_2.csv": "file_header_multirow",
            "file_no_header.csv": "file_no_header",
        }
        for name, expected in cases.items():
            self.assertEqual(pollock.pollution(name), expected, name)


class SpecTest(unittest.TestCase):
    PARAMS = {"encoding": "ascii", "delimiter": ",", "quotechar": '"', "escapechar": '"',
              "row_delimiter": "\r\n", "header_lines": 1, "preamble_lines": 0,
              "footnote_lines": 0, "column_names": ['"DATE', "TIME", "a\\b"], "n_columns": 3}

    def test_default_dialect_writes_no_coming_keys(self):
        spec = tomllib.loads(pollock.spec_toml(self.PARAMS))
        self.assertEqual(spec["header"], ['"DATE', "TIME", "a\\b"])
        self.assertEqual(spec["format"], {"encoding": "auto", "delimiter": ","})
        self.assertEqual(spec["map"], [{"from": '"DATE', "to": "license_number"}])
        self.assertEqual(spec["key"], "license_number")

    def test_other_dialect(self):
        params = dict(self.PARAMS, delimiter="\t", quotechar="'", escapechar="\\",
                      header_lines=0, preamble_lines=2, column_names=[])
        spec = tomllib.loads(pollock.spec_toml(params))
        self.assertEqual(spec["format"], {"encoding": "auto", "delimiter": "\t", "quote": "'",
                                          "escape": "\\", "header_rows": 0,
                                          "preamble_lines": 2})
        self.assertEqual(spec["header"], ["col_0", "col_1", "col_2"])

    def test_repeated_names_are_counted(self):
        spec = tomllib.loads(pollock.spec_toml(dict(self.PARAMS, column_names=["a", "", "a"])))
        self.assertEqual(spec["header"], ["a", "", "a (2)"])

    def test_no_escape_is_the_default(self):
        spec = tomllib.loads(pollock.spec_toml(dict(self.PARAMS, escapechar="")))
        self.assertNotIn("escape", spec["format"])


if __name__ == "__main__":
    unittest.main()
