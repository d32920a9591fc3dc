"""Tests of the exports for learning platforms: the wide CSV and the HTML feedback."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course_tools.grader.exports import (
    feedback_html,
    student_grades,
    student_id_rule,
    validate_wide_options,
    write_feedback_html,
    write_wide_csv,
)
from course_tools.grader.gradebook import GradeRow, feedback_markdown, write_feedback

HOSTILE = "x < 0 & y > 1: got <script>alert('σ − ±')</script> \"quoted\", commas"


def lesson06_rows() -> list[GradeRow]:
    """A made-up lesson-06 class: one folder per student, one with an unknown lesson."""
    rows = []
    table = {
        "ada": [("passed", 1), ("passed", 1), ("failed", 0)],
        "bob": [("not_attempted", 0), ("not_attempted", 0), ("not_attempted", 0)],
        "élève ü": [("passed", 1), ("failed", 0.5), ("error", 0)],
    }
    for student, results in table.items():
        for exercise, (status, points) in zip(
            ["softmax_stable", "softmax_jacobian", "softmax_temperature"], results, strict=True
        ):
            rows.append(GradeRow(f"{student}/06-softmax-temperature.ipynb", exercise, status, points, 1,
                                 HOSTILE if status == "failed" else status, "06", 2.5))
    rows.append(GradeRow("cy/06-softmax-temperature.ipynb", "-", "error", 0, 0, "no lesson metadata", ""))
    return rows


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(
    "rule, name, expected",
    [
        ("folder", "ada/06-softmax-temperature.ipynb", "ada"),
        ("folder", "ada/extra/06.ipynb", "ada"),
        ("folder", "ada.ipynb", "ada"),
        ("stem", "lesson06/ada.ipynb", "ada"),
        (r"(?P<id>s\d+)_", "uploads/s123_06-softmax.ipynb", "s123"),
        (r"^[^/]+/(?P<id>[^/]+)/", "class 2/grace/06.ipynb", "grace"),
    ],
)
def test_student_id_rules(rule: str, name: str, expected: str) -> None:
    """Does each stated rule take the id it promises from the submission's path?"""
    assert student_id_rule(rule)(name) == expected


def test_bad_rules_and_unmatched_paths_are_clear_errors() -> None:
    """Are a rule without a group named id, a broken pattern and a path without an id refused?"""
    with pytest.raises(ValueError, match="group named id"):
        student_id_rule(r"s\d+")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        student_id_rule("(?P<id>")
    with pytest.raises(ValueError, match="finds no id in submission 'ada.ipynb'"):
        student_id_rule(r"(?P<id>s\d+)_")("ada.ipynb")
    with pytest.raises(TypeError, match="rule"):
        student_id_rule(None)  # type: ignore[arg-type]


def test_two_notebooks_of_one_student_for_one_exercise_are_refused() -> None:
    """Does a rule too coarse for the folder layout fail instead of silently keeping one grade?"""
    rows = [
        GradeRow("lesson06/ada.ipynb", "softmax_stable", "passed", 1, 1, "", "06"),
        GradeRow("lesson06/bob.ipynb", "softmax_stable", "failed", 0, 1, "", "06"),
    ]
    with pytest.raises(ValueError, match="two submissions for exercise 'softmax_stable'"):
        student_grades(rows, "folder")
    assert [s.student for s in student_grades(rows, "stem")[1]] == ["ada", "bob"]


def test_plain_wide_csv_has_one_row_per_student_and_one_column_per_exercise(tmp_path: Path) -> None:
    """Does the wide CSV total each student, leave an ungraded student empty, and keep Unicode?"""
    out = tmp_path / "wide.csv"
    write_wide_csv(lesson06_rows(), out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read(out)
    assert table[0] == [
        "student", "softmax_stable", "softmax_jacobian", "softmax_temperature",
        "total", "percentage", "submissions",
    ]
    rows = {row[0]: row for row in table[1:]}
    assert rows["ada"][1:6] == ["1", "1", "0", "2", "66.7"]
    assert rows["bob"][1:6] == ["0", "0", "0", "0", "0.0"]
    assert rows["élève ü"][1:6] == ["1", "0.5", "0", "1.5", "50.0"]
    assert rows["cy"][1:6] == ["", "", "", "", ""]
    assert rows["ada"][6] == "ada/06-softmax-temperature.ipynb"
    assert [row[0] for row in table[1:]] == sorted(rows)


def test_canvas_layout_has_the_columns_and_points_possible_row_canvas_imports(tmp_path: Path) -> None:
    """Does the Canvas CSV start with Canvas's five identity columns and a Points Possible row?"""
    out = tmp_path / "canvas.csv"
    write_wide_csv(lesson06_rows(), out, layout="canvas")
    table = read(out)
    assert table[0] == [
        "Student", "ID", "SIS User ID", "SIS Login ID", "Section",
        "softmax_stable", "softmax_jacobian", "softmax_temperature", "Total", "Percentage",
    ]
    assert table[1] == ["Points Possible", "", "", "", "", "1", "1", "1", "3", "100"]
    ada = next(row for row in table if row[0] == "ada")
    assert ada == ["ada", "", "", "ada", "", "1", "1", "0", "2", "66.7"]
    write_wide_csv(lesson06_rows(), out, layout="canvas", id_column="SIS User ID")
    ada = next(row for row in read(out) if row[0] == "ada")
    assert ada[1:4] == ["", "ada", ""]


def test_moodle_layout_has_an_identifier_column_and_no_points_possible_row(tmp_path: Path) -> None:
    """Does the Moodle CSV have the identifier column first and only student rows after the header?"""
    out = tmp_path / "moodle.csv"
    write_wide_csv(lesson06_rows(), out, layout="moodle", id_column="Email address")
    table = read(out)
    assert table[0] == ["Email address", "softmax_stable", "softmax_jacobian", "softmax_temperature",
                        "Total", "Percentage"]
    assert sorted(row[0] for row in table[1:]) == ["ada", "bob", "cy", "élève ü"]
    assert not any(row[0] == "Points Possible" for row in table)


def test_bad_layout_and_id_column_name_the_argument(tmp_path: Path) -> None:
    """Are an unknown layout and a Canvas id column Canvas does not have refused by name?"""
    with pytest.raises(ValueError, match="layout"):
        write_wide_csv(lesson06_rows(), tmp_path / "x.csv", layout="blackboard")
    with pytest.raises(ValueError, match="id_column"):
        write_wide_csv(lesson06_rows(), tmp_path / "x.csv", layout="canvas", id_column="Email")
    assert not (tmp_path / "x.csv").exists()


class _Text(HTMLParser):
    """Collects the text and the tags of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_feedback_escapes_messages_and_shows_them_as_written() -> None:
    """Does a message with <, >, & and a script tag show as text, with no script element?"""
    rows = [r for r in lesson06_rows() if r.submission.startswith("ada/")]
    page = feedback_html("ada/<b>06</b>.ipynb", rows, notes=["cell 3 raised <ValueError> & stopped"])
    assert "<script>" not in page
    parser = _Text()
    parser.feed(page)
    text = "".join(parser.text)
    assert HOSTILE in text
    assert "ada/<b>06</b>.ipynb" in text
    assert "cell 3 raised <ValueError> & stopped" in text
    assert "script" not in parser.tags and "b" not in parser.tags
    assert "Score: 2 / 3" in text


def test_html_and_markdown_feedback_say_the_same(tmp_path: Path) -> None:
    """Does each submission get an HTML page beside its Markdown file, with the same score?"""
    rows = lesson06_rows()
    markdown = write_feedback(tmp_path, rows)
    pages = write_feedback_html(tmp_path, rows)
    assert set(pages) == set(markdown)
    for submission, page in pages.items():
        assert page.with_suffix(".md") == markdown[submission]
        its_rows = [r for r in rows if r.submission == submission]
        md = feedback_markdown(submission, its_rows)
        score = next((line for line in md.splitlines() if line.startswith("**Score")), None)
        if score is not None:
            assert score.strip("*").split(" (")[0].rstrip("*") in page.read_text(encoding="utf-8")
    assert (tmp_path / "élève ü" / "06-softmax-temperature.html").exists()


def test_options_can_be_checked_before_grading() -> None:
    """Can the command refuse a bad layout, id column or rule before a long run starts?"""
    validate_wide_options("moodle", "ID number", r"(?P<id>[^/]+)/")
    for layout, id_column, rule, name in [
        ("d2l", None, "folder", "layout"),
        ("canvas", "Username", "folder", "id_column"),
        ("moodle", " ", "folder", "id_column"),
        ("plain", None, "first-folder", "rule"),
    ]:
        with pytest.raises(ValueError, match=name):
            validate_wide_options(layout, id_column, rule)
