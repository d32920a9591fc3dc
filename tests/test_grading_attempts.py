"""The progress log of check() and hint(), and progress() reading it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from course_tools.grader import probe
from course_utils.grading import EXERCISES, attempts, check, hint, progress, reset_hints
from course_utils.grading.attempts_reading import parse_record


@pytest.fixture
def log_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory with the log switched on; returns the log's path."""
    monkeypatch.delenv(attempts.SWITCH, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(probe, "_STATE", {})  # no grading probe installed in this process
    attempts.reset_session()
    reset_hints()
    yield tmp_path / ".course_progress" / "attempts.jsonl"
    attempts.reset_session()
    reset_hints()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="ascii").splitlines()]


def he_wrong_0xBEEF(n_in):  # a distinctive name: it must not reach the log
    return 1.0 / n_in


def test_each_check_appends_what_happened_and_never_the_answer(log_here: Path) -> None:
    """Does a check add exercise, lesson, status, points, hints and time, and nothing of the answer?"""
    check("he_variance", he_wrong_0xBEEF)
    check("selu_constants", (1.6732632423543772, 123.456789))
    records = lines(log_here)
    assert [(r["exercise"], r["status"], r["points"]) for r in records] == [
        ("he_variance", "failed", 0),
        ("selu_constants", "failed", 0.5),
    ]
    assert set(records[0]) == {
        "v",
        "event",
        "exercise",
        "lesson",
        "status",
        "points",
        "max_points",
        "hints",
        "time",
    }
    assert records[0]["lesson"] == "03" and records[0]["time"].endswith("Z")
    text = log_here.read_text()
    assert "BEEF" not in text and "123.45" not in text


def test_hints_are_recorded_and_counted_in_later_attempts(log_here: Path) -> None:
    """Does hint() add a record, and does the next attempt say how many hints were seen?"""
    hint("he_variance")
    hint("he_variance")
    reset_hints("he_variance")  # starting the hints again does not unsee them
    hint("he_variance")
    check("he_variance", lambda n_in: 2.0 / n_in)
    records = lines(log_here)
    assert [r["event"] for r in records] == ["hint", "hint", "hint", "attempt"]
    assert [r.get("level") for r in records[:3]] == [1, 2, 1]
    assert records[-1]["hints"] == 2 and records[-1]["status"] == "passed"


def test_unknown_ids_and_bad_calls_are_not_logged(log_here: Path) -> None:
    """Are checks of unknown ids (and hints of them) left out of the log?"""
    assert check("no_such_exercise", 1).status == "error"
    hint("no_such_exercise")
    check(42, 1)
    assert not log_here.exists()


def test_a_log_that_cannot_be_written_changes_nothing(log_here: Path) -> None:
    """With a file where the log's folder should be, does check() give the same result, quickly?"""
    log_here.parent.write_text("not a folder")
    result = check("he_variance", lambda n_in: 2.0 / n_in)
    assert result.status == "passed" and result.points == 1
    assert hint("he_variance").level == 1
    assert log_here.parent.read_text() == "not a folder"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_read_only_folder_changes_nothing(log_here: Path) -> None:
    """In a read-only working directory, does check() still grade and stay silent?"""
    folder = log_here.parent.parent
    folder.chmod(0o555)
    try:
        assert check("he_variance", lambda n_in: 2.0 / n_in).passed
    finally:
        folder.chmod(0o755)
    assert not log_here.exists()


def test_a_corrupt_log_is_read_around_and_still_appended_to(log_here: Path) -> None:
    """Are garbage, edited and cut-short lines skipped by progress(), and a new line kept whole?"""
    log_here.parent.mkdir()
    good = {"v": 1, "event": "attempt", "exercise": "relu_grad", "lesson": "03", "status": "passed",
            "points": 1, "max_points": 1, "hints": 0, "time": "2026-12-01T10:00:00Z"}  # fmt: skip
    edited = dict(good, exercise="he_variance", points=1e9)
    wrong_lesson = dict(good, exercise="dead_fraction", lesson="01")
    log_here.write_text(
        "\n".join(["garbage", json.dumps(good), json.dumps(edited), json.dumps(wrong_lesson), "[1, 2]"])
        + '\n{"v": 1, "event": "att',  # a line cut short by a crash
        encoding="ascii",
    )
    check("dead_fraction", lambda a: 0.5)
    report = progress(lesson="03")
    status = {row.exercise: row.history.status for row in report.rows}
    assert status["relu_grad"] == "passed" and status["he_variance"] == "not_attempted"
    assert status["dead_fraction"] == "failed"
    assert "5 line(s)" in report.note


def test_a_huge_log_is_not_grown(log_here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the log reaches its size cap, does check() stop appending (and still grade)?"""
    monkeypatch.setattr(attempts, "MAX_LOG_BYTES", 300)
    for _ in range(5):
        assert check("he_variance", lambda n_in: 2.0 / n_in).passed
    assert 0 < log_here.stat().st_size <= 300


def test_the_switch_the_judge_and_a_graded_kernel_write_nothing(
    log_here: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Do the environment switch, paused() and an installed grading probe each keep the log unwritten?"""
    monkeypatch.setenv(attempts.SWITCH, "off")
    check("he_variance", None)
    monkeypatch.delenv(attempts.SWITCH)
    with attempts.paused():
        check("he_variance", None)
    monkeypatch.setattr(probe, "_STATE", {"channel": tmp_path / "channel"})
    check("he_variance", None)
    hint("he_variance")
    assert not log_here.exists()


def test_logging_does_not_slow_check_noticeably(log_here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does appending to the log cost under 2 ms per check on average?"""

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            check("step_gradient", 0.0)
        return (time.perf_counter() - start) / n

    with_log = run(200)
    monkeypatch.setenv(attempts.SWITCH, "off")
    without = run(200)
    assert len(lines(log_here)) == 200
    assert with_log - without < 2e-3, (with_log, without)


def test_progress_shows_every_lesson_passed_failed_or_not_attempted(log_here: Path) -> None:
    """Does progress() list every exercise of every lesson with the status of its last check?"""
    check("he_variance", lambda n_in: 1.0 / n_in)
    check("he_variance", lambda n_in: 2.0 / n_in)
    check("step_gradient", 4.0)
    report = progress()
    assert [row.exercise for row in report.rows] == [
        ex.id for ex in sorted(EXERCISES.values(), key=lambda e: e.lesson)
    ]
    by_id = {row.exercise: row.history for row in report.rows}
    assert (by_id["he_variance"].status, by_id["he_variance"].attempts) == ("passed", 2)
    assert by_id["he_variance"].attempts_before_pass == 1
    assert by_id["step_gradient"].status == "failed"
    assert report.counts()["passed"] == 1 and report.counts()["failed"] == 1
    text = str(report)
    assert "Lesson 03: 1 of 5 passed" in text and "Lesson 07" in text
    page = report._repr_html_()
    assert "<table" in page and "he_variance" in page and "not attempted" in page


def test_progress_without_a_log_says_how_to_start(log_here: Path) -> None:
    """Without a log, is everything not attempted, with a note saying where checks are recorded?"""
    report = progress(lesson="01")
    assert {row.history.status for row in report.rows} == {"not_attempted"}
    assert "no checks recorded" in report.note
    assert not log_here.exists()


def test_records_are_validated_field_by_field() -> None:
    """Are records with unknown events, bad statuses, out-of-range points or booleans refused?"""
    base = {"v": 1, "event": "attempt", "exercise": "he_variance", "lesson": "03", "status": "failed",
            "points": 0, "max_points": 1, "hints": 0, "time": "t"}  # fmt: skip
    assert parse_record(json.dumps(base)) is not None
    for change in (
        {"v": 2},
        {"event": "delete"},
        {"status": "PASSED"},
        {"points": 2},
        {"points": -1},
        {"points": True},
        {"hints": 1.5},
        {"max_points": 0},
        {"lesson": "04"},
    ):
        assert parse_record(json.dumps(dict(base, **change))) is None, change
    assert parse_record("x" * 5000) is None
    assert parse_record(b"\xff\xfe") is None
