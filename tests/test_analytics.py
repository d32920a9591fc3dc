"""Teacher analytics from the progress logs beside the submissions (untrusted input)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from course_tools import release
from course_tools.grader import analytics, probe
from course_tools.grader.analytics import CSV_COLUMNS, class_analytics, write_analytics_csv
from course_tools.grader.gradebook import GradeRow
from course_utils.grading import attempts, check, hint

LESSON = "06"
NOTEBOOK = "06-softmax-temperature.ipynb"


def attempt(exercise: str, status: str, points: float = 0, hints: int = 0, **extra) -> dict:
    record = {"v": 1, "event": "attempt", "exercise": exercise, "lesson": LESSON, "status": status,
              "points": points, "max_points": 1, "hints": hints, "time": "2026-12-01T10:00:00Z"}  # fmt: skip
    record.update(extra)
    return record


def write_log(folder: Path, lines: list) -> Path:
    path = folder / ".course_progress" / "attempts.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="ascii"
    )
    return path


@pytest.fixture
def made_up_class(tmp_path: Path) -> tuple[dict[str, Path], list[GradeRow]]:
    """Six students of lesson 06: logs that are honest, missing, corrupt, edited and shared."""
    notebooks: dict[str, Path] = {}
    rows: list[GradeRow] = []
    graded = {
        "ada": ("passed", "failed"),
        "bob": ("passed", "passed"),
        "cy": ("failed", "not_attempted"),
        "dan": ("failed", "failed"),
        "eve": ("passed", "failed"),
        "fay": ("passed", "failed"),
    }
    for student, (first, second) in graded.items():
        folder = tmp_path / ("shared" if student in ("eve", "fay") else student)
        name = f"{folder.name}/{student}-{NOTEBOOK}" if student in ("eve", "fay") else f"{student}/{NOTEBOOK}"
        notebooks[name] = tmp_path / name
        rows.append(GradeRow(name, "softmax_stable", first, first == "passed", 1, "m", LESSON))
        rows.append(GradeRow(name, "cross_entropy_grad", second, second == "passed", 1, "m", LESSON))
    write_log(
        tmp_path / "ada",
        [
            attempt("softmax_stable", "not_attempted"),
            attempt("softmax_stable", "failed"),
            {
                "v": 1,
                "event": "hint",
                "exercise": "softmax_stable",
                "lesson": LESSON,
                "level": 1,
                "time": "t",
            },
            {
                "v": 1,
                "event": "hint",
                "exercise": "softmax_stable",
                "lesson": LESSON,
                "level": 2,
                "time": "t",
            },
            attempt("softmax_stable", "error", hints=2),
            attempt("softmax_stable", "passed", 1, hints=2),
            attempt("cross_entropy_grad", "failed", 0.667),
        ],
    )
    write_log(
        tmp_path / "bob", [attempt("softmax_stable", "passed", 1), attempt("cross_entropy_grad", "passed", 1)]
    )
    # cy has no log; dan's is corrupt and edited: only its one valid line counts
    write_log(
        tmp_path / "dan",
        [
            "garbage",
            attempt("softmax_stable", "passed", 1e9),
            attempt("he_variance", "passed", 1),  # another lesson's id
            attempt("sigmoid_stable", "passed", 1, lesson="02"),
            attempt("softmax_stable", "failed", hints=1),
        ],
    )
    write_log(tmp_path / "shared", [attempt("softmax_stable", "passed", 1)])
    return notebooks, rows


def test_per_exercise_attempts_hints_and_share_passing(made_up_class) -> None:
    """Are attempts before passing (median), hints (mean) and the shares right on a made-up class?"""
    notebooks, rows = made_up_class
    report = class_analytics(notebooks, rows)
    assert (report.submissions, report.with_log, report.missing, report.shared) == (6, 3, 1, 2)
    assert report.invalid_lines == 4
    by_id = {e.exercise: e for e in report.exercises}
    soft = by_id["softmax_stable"]
    # ada: a blank, a failure and an error before passing -> 2; bob: 0 -> median 1
    assert (soft.submissions, soft.logs, soft.attempted, soft.passed_in_log) == (6, 3, 3, 2)
    assert soft.attempts_before_pass_median == 1.0
    assert soft.hints_mean == pytest.approx((2 + 0 + 1) / 3)
    assert soft.share_passing_in_log == pytest.approx(2 / 3)
    assert soft.share_passing_graded == pytest.approx(4 / 6)
    ce = by_id["cross_entropy_grad"]
    assert (ce.attempted, ce.passed_in_log, ce.attempts_before_pass_median) == (2, 1, 0.0)
    assert ce.share_passing_graded == pytest.approx(1 / 6)


def test_logs_change_no_grade(made_up_class) -> None:
    """Does a log claiming passes leave the gradebook rows, and the graded share, as graded?"""
    notebooks, rows = made_up_class
    before = list(rows)
    report = class_analytics(notebooks, rows)
    assert rows == before
    soft = next(e for e in report.exercises if e.exercise == "softmax_stable")
    assert soft.share_passing_graded == pytest.approx(sum(r.status == "passed" for r in rows[::2]) / 6)


def test_a_log_that_is_not_a_regular_file_is_not_read(tmp_path: Path) -> None:
    """Are a symlinked log and a folder in place of the log left unread (counted as missing)?"""
    secret = tmp_path / "secret.jsonl"
    secret.write_text(json.dumps(attempt("softmax_stable", "passed", 1)) + "\n")
    (tmp_path / "ada" / ".course_progress").mkdir(parents=True)
    (tmp_path / "bob" / ".course_progress" / "attempts.jsonl").mkdir(parents=True)
    try:
        (tmp_path / "ada" / ".course_progress" / "attempts.jsonl").symlink_to(secret)
    except OSError:
        pytest.skip("symlinks are not available")
    notebooks = {f"{s}/{NOTEBOOK}": tmp_path / s / NOTEBOOK for s in ("ada", "bob")}
    rows = [GradeRow(name, "softmax_stable", "failed", 0, 1, "m", LESSON) for name in notebooks]
    report = class_analytics(notebooks, rows)
    assert (report.with_log, report.missing) == (0, 2)
    assert report.exercises[0].passed_in_log == 0


def test_a_huge_log_is_read_only_up_to_its_cap(tmp_path: Path) -> None:
    """Is a log past the cap read only up to it, and counted as cut?"""
    line = json.dumps(attempt("softmax_stable", "failed")) + "\n"
    write_log(tmp_path / "ada", [line.strip()] * 2000)
    notebooks = {f"ada/{NOTEBOOK}": tmp_path / "ada" / NOTEBOOK}
    rows = [GradeRow(f"ada/{NOTEBOOK}", "softmax_stable", "failed", 0, 1, "m", LESSON)]
    report = class_analytics(notebooks, rows, max_bytes=100 * len(line))
    assert report.truncated == 1 and report.invalid_lines == 0


def test_the_csv_and_the_summary(made_up_class, tmp_path: Path) -> None:
    """Does the CSV hold one row per exercise with the stated columns, and the summary the numbers?"""
    notebooks, rows = made_up_class
    report = class_analytics(notebooks, rows)
    out = write_analytics_csv(report, tmp_path / "out" / "analytics.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert tuple(table[0]) == CSV_COLUMNS
    assert [r["exercise"] for r in table] == ["softmax_stable", "cross_entropy_grad"]
    assert table[0]["attempts_before_pass_median"] == "1" and table[0]["hints_mean"] == "1"
    assert table[0]["share_passing_graded"] == "0.667" and table[1]["hints_mean"] == "0"
    text = report.summary()
    assert "3 of 6 submissions have one" in text and "change no grade" in text
    assert "1 without a log" in text and "2 sharing a folder" in text and "4 invalid log lines" in text
    assert "softmax_stable" in text.splitlines()[2]


def test_logs_written_by_check_and_hint_are_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a log written by real check() and hint() calls give the analytics its attempts and hints?"""
    monkeypatch.delenv(attempts.SWITCH, raising=False)
    monkeypatch.setattr(probe, "_STATE", {})
    attempts.reset_session()
    folder = tmp_path / "ada"
    folder.mkdir()
    monkeypatch.chdir(folder)
    check("softmax_stable", lambda x, axis=-1: x)
    hint("softmax_stable")
    check("softmax_stable", None)
    check("softmax_stable", lambda x, axis=-1: x / x.sum(axis=axis, keepdims=True))
    monkeypatch.chdir(tmp_path)
    attempts.reset_session()
    rows = [GradeRow(f"ada/{NOTEBOOK}", "softmax_stable", "failed", 0, 1, "m", LESSON)]
    report = class_analytics({f"ada/{NOTEBOOK}": folder / NOTEBOOK}, rows)
    stats = report.exercises[0]
    assert (stats.attempted, stats.passed_in_log, stats.hints_mean) == (1, 0, 1.0)
    assert report.invalid_lines == 0


def test_no_log_ships_in_a_release(tmp_path: Path) -> None:
    """Does the release copy leave out a progress log, and does its verification flag one?"""
    source = tmp_path / "exercises"
    write_log(source, [attempt("softmax_stable", "passed", 1)])
    (source / "notes.txt").write_text("kept")
    release._copy_tree(source, tmp_path / "bundle" / "exercises")
    copied = sorted(p.relative_to(tmp_path / "bundle").as_posix() for p in (tmp_path / "bundle").rglob("*"))
    assert copied == ["exercises", "exercises/notes.txt"]
    write_log(tmp_path / "bundle" / "exercises", [attempt("softmax_stable", "passed", 1)])
    problems = release.verify_bundle(tmp_path / "bundle")
    assert any(analytics.LOG_DIR in p for p in problems), problems


def test_the_repository_ignores_progress_logs() -> None:
    """Does .gitignore ignore the progress logs that running the notebooks leaves?"""
    root = Path(__file__).resolve().parent.parent
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{attempts.LOG_DIR}/" in ignored
    assert os.environ.get(attempts.SWITCH) == "off"  # the test run writes no logs into the course
