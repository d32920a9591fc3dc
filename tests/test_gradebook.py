"""Tests of the pure gradebook module: the long CSV's encoding and the class summary."""

from __future__ import annotations

import csv
from pathlib import Path

from course_tools.grader.gradebook import (
    CSV_COLUMNS,
    GradeRow,
    blank_submissions,
    class_summary,
    crashed_submissions,
    read_csv,
    read_rows,
    write_csv,
)

DIED = "the kernel died while running cell 3"
UNICODE_MESSAGE = "σ(−1000) gave nan ± inf; expected 0 <b> & \"quotes\", commas"


def class_rows() -> list[GradeRow]:
    """A made-up class: an honest student, a blank one, a crashed one and an unknown lesson."""
    return [
        GradeRow("ada/06.ipynb", "softmax_stable", "passed", 1, 1, "correct", "06", 3.2),
        GradeRow("ada/06.ipynb", "softmax_jacobian", "failed", 0, 1, UNICODE_MESSAGE, "06", 3.2),
        GradeRow("bob/06.ipynb", "softmax_stable", "not_attempted", 0, 1, "still blank", "06", 2.0),
        GradeRow("bob/06.ipynb", "softmax_jacobian", "not_attempted", 0, 1, "still blank", "06", 2.0),
        GradeRow("cy/06.ipynb", "softmax_stable", "error", 0, 1, DIED, "06"),
        GradeRow("cy/06.ipynb", "softmax_jacobian", "error", 0, 1, DIED, "06"),
        GradeRow("di/06.ipynb", "softmax_stable", "error", 0, 1, "NameError: name 'np' is not defined", "06"),
        GradeRow("di/06.ipynb", "softmax_jacobian", "error", 0, 1, "TypeError: s must be 1-D", "06"),
        GradeRow("eve/06.ipynb", "-", "error", 0, 0, "the file is not valid JSON", ""),
    ]


def test_long_csv_starts_with_a_byte_order_mark_and_the_contract_columns(tmp_path: Path) -> None:
    """Does the long CSV open in Excel as UTF-8 (BOM) and keep its column contract?"""
    out = tmp_path / "grades.csv"
    write_csv(class_rows(), out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0].split(",")
    assert header[:6] == ["submission", "exercise", "status", "points", "max_points", "message"]
    assert tuple(header) == CSV_COLUMNS


def test_read_csv_reads_files_with_and_without_the_mark(tmp_path: Path) -> None:
    """Does read_csv give the same records for a BOM file and an older file without one?"""
    with_bom = tmp_path / "new.csv"
    write_csv(class_rows(), with_bom)
    without = tmp_path / "old.csv"
    without.write_bytes(with_bom.read_bytes()[3:])
    assert read_csv(with_bom) == read_csv(without)
    first = read_csv(with_bom)[1]
    assert list(first)[0] == "submission"
    assert first["message"] == UNICODE_MESSAGE


def test_the_csv_module_round_trips_messages_with_commas_and_quotes(tmp_path: Path) -> None:
    """Does a spreadsheet-style reader (utf-8-sig) see the message exactly as written?"""
    out = tmp_path / "grades.csv"
    write_csv(class_rows(), out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        messages = [row["message"] for row in csv.DictReader(fh)]
    assert UNICODE_MESSAGE in messages


def test_rows_read_back_write_the_same_bytes(tmp_path: Path) -> None:
    """Does write -> read_rows -> write reproduce the file byte for byte (what a merge relies on)?"""
    third = GradeRow("gus/06.ipynb", "softmax_stable", "failed", 1 / 3, 1, "x" * 3000, "06", 2.25)
    rows = [*class_rows(), third]
    write_csv(rows, tmp_path / "a.csv")
    write_csv(read_rows(tmp_path / "a.csv"), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_blank_means_every_exercise_not_attempted() -> None:
    """Is only the submission with no attempted exercise called blank?"""
    assert blank_submissions(class_rows()) == ["bob/06.ipynb"]


def test_crashed_means_one_shared_error_on_every_row() -> None:
    """Are the kernel death and the corrupt file crashes, and different errors per answer not?"""
    crashed = crashed_submissions(class_rows())
    assert crashed == {
        "cy/06.ipynb": "the kernel died while running cell 3",
        "eve/06.ipynb": "the file is not valid JSON",
    }


def test_summary_names_blank_and_crashed_submissions() -> None:
    """Does the summary (printed with or without -q) name the blank and the crashed notebooks?"""
    text = class_summary(class_rows())
    assert "Blank (every exercise not attempted): 1\n  bob/06.ipynb" in text
    assert "Crashed (the notebook could not run): 2" in text
    assert "  cy/06.ipynb - the kernel died while running cell 3" in text
    assert "  eve/06.ipynb - the file is not valid JSON" in text
    assert "di/06.ipynb" not in text


def test_summary_of_a_class_without_blanks_or_crashes_does_not_mention_them() -> None:
    """Is the summary quiet about blanks and crashes when there are none?"""
    text = class_summary(class_rows()[:2])
    assert "Blank" not in text
    assert "Crashed" not in text


def test_a_long_list_of_blanks_is_cut_with_a_count() -> None:
    """Are at most 50 blank submissions named, with the number left out?"""
    rows = [GradeRow(f"s{i:03d}.ipynb", "e1", "not_attempted", 0, 1, "blank", "01") for i in range(60)]
    text = class_summary(rows)
    assert "Blank (every exercise not attempted): 60" in text
    assert "  s049.ipynb" in text
    assert "s050.ipynb" not in text
    assert "... and 10 more" in text
