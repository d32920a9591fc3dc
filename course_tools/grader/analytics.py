"""Teacher analytics from the students' progress logs: attempts before passing, hints used.

Each student's ``check()`` and ``hint()`` calls leave a log beside the notebook
(``.course_progress/attempts.jsonl``, see :mod:`course_utils.grading.attempts`). When the
submissions are collected with their folders, the class grader can read those logs and
report, per exercise, how many attempts the students needed before passing, how many hints
they used and how many of them passed — which exercise is hard, which hints are needed::

    python -m course_tools.grader submissions/ --out grades.csv --analytics analytics.csv

A log is *untrusted input*: it is written by the student's kernel and can be edited by
hand. So it is only ever read here, for statistics — never for a grade: the gradebook rows
are computed before and are not changed. Each log is read only if it is a regular file
(:func:`~course_utils.grading.attempts_reading.read_log`: no symlink, device or folder), at most
:data:`MAX_BYTES_PER_LOG` bytes of it, and every line is validated (known exercise of the
submission's lesson, known status, points within the exercise's, small whole numbers of
hints). A missing, empty, corrupt or edited log changes the analytics at most, and the
summary says how many logs were missing or had invalid lines.

Which log belongs to which submission: the one in the submission's folder. When several
submissions of the same lesson share a folder, their log cannot be told apart and is left
out (counted as shared); submissions of different lessons may share a folder, since each
takes the records of its own lesson's exercises.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from course_tools.grader.gradebook import GradeRow
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "ada").mkdir()
>>> (folder / "ada" / ".course_progress").mkdir()
>>> _ = (folder / "ada" / ".course_progress" / "attempts.jsonl").write_text(
...     '{"v":1,"event":"attempt","exercise":"e1","lesson":"01","status":"failed","points":0,'
...     '"max_points":1,"hints":0,"time":"t"}\\n'
...     '{"v":1,"event":"attempt","exercise":"e1","lesson":"01","status":"passed","points":1,'
...     '"max_points":1,"hints":1,"time":"t"}\\n')
>>> rows = [GradeRow("ada/lesson.ipynb", "e1", "passed", 1, 1, "ok", "01")]
>>> report = class_analytics({"ada/lesson.ipynb": folder / "ada" / "lesson.ipynb"}, rows)
>>> stats = report.exercises[0]
>>> stats.exercise, stats.passed_in_log, stats.attempts_before_pass_median, stats.hints_mean
('e1', 1, 1.0, 1.0)
"""

from __future__ import annotations

import csv
import math
import os
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_tools.grader.gradebook import CSV_ENCODING, NO_EXERCISE, GradeRow
from course_utils.grading.attempts import LOG_DIR, LOG_NAME
from course_utils.grading.attempts_reading import histories, read_log

MAX_BYTES_PER_LOG = 1_000_000
"""At most this many bytes of each student's log are read (a real one is a few kB)."""

CSV_COLUMNS: tuple[str, ...] = (
    "lesson",
    "exercise",
    "submissions",
    "logs",
    "attempted",
    "passed_in_log",
    "share_passing_in_log",
    "attempts_before_pass_median",
    "hints_mean",
    "share_passing_graded",
)
"""The columns of :func:`write_analytics_csv`, one row per exercise."""


@dataclass(frozen=True)
class ExerciseAnalytics:
    """The analytics of one exercise over the class.

    Attributes
    ----------
    lesson, exercise : str
    submissions : int
        Graded submissions of the exercise's lesson (gradebook rows).
    logs : int
        Those with a usable log in their folder.
    attempted : int
        Logs with at least one check of the exercise that was not a blank.
    passed_in_log : int
        Logs in which the exercise passed at some check.
    attempts_before_pass_median : float or None
        Median, over ``passed_in_log``, of the failed or error checks before the first pass
        (0: passed at the first check); None when nobody passed.
    hints_mean : float or None
        Mean number of hints revealed, over the logs that mention the exercise at all (a
        check or a hint); None when none does.
    share_passing_graded : float or None
        Share of the graded submissions whose row says ``"passed"`` (from the gradebook,
        not from the logs).
    """

    lesson: str
    exercise: str
    submissions: int = 0
    logs: int = 0
    attempted: int = 0
    passed_in_log: int = 0
    attempts_before_pass_median: float | None = None
    hints_mean: float | None = None
    share_passing_graded: float | None = None

    @property
    def share_passing_in_log(self) -> float | None:
        """``passed_in_log / attempted`` (None when nobody attempted)."""
        return self.passed_in_log / self.attempted if self.attempted else None


@dataclass(frozen=True)
class ClassAnalytics:
    """Per-exercise analytics and what was found reading the logs.

    Attributes
    ----------
    exercises : list of ExerciseAnalytics
        One per exercise graded, in gradebook order.
    submissions : int
        Submissions with at least one exercise row.
    with_log : int
        Submissions whose log was read.
    missing : int
        Submissions without a log in their folder (or with one that cannot be read).
    shared : int
        Submissions left out because another submission of the same lesson shares their folder.
    invalid_lines : int
        Lines of the logs read that were not valid records (skipped).
    truncated : int
        Logs longer than :data:`MAX_BYTES_PER_LOG` (only their beginning was read).
    """

    exercises: list[ExerciseAnalytics] = field(default_factory=list)
    submissions: int = 0
    with_log: int = 0
    missing: int = 0
    shared: int = 0
    invalid_lines: int = 0
    truncated: int = 0

    def summary(self) -> str:
        """The block the class summary prints: one line per exercise, then what the logs lacked."""
        lines = [
            f"Teacher analytics from the students' progress logs ({self.with_log} of {self.submissions} "
            "submissions have one; logs are the students' own record and change no grade):"
        ]
        if not self.exercises:
            return lines[0] + "\n  (no exercises graded)"
        width = max(len(e.exercise) for e in self.exercises)
        lines.append(
            f"  {'lesson':>6}  {'exercise':<{width}}  {'attempted':>9}  {'passed':>6}  "
            f"{'attempts before pass (median)':>29}  {'hints (mean)':>12}  {'passing (graded)':>16}"
        )
        for e in self.exercises:
            median = _fmt(e.attempts_before_pass_median, "{:g}")
            hints = _fmt(e.hints_mean, "{:.1f}")
            graded = _fmt(e.share_passing_graded, "{:.0%}")
            lines.append(
                f"  {e.lesson:>6}  {e.exercise:<{width}}  {e.attempted:>4}/{e.logs:<4}  "
                f"{e.passed_in_log:>6}  {median:>29}  {hints:>12}  {graded:>16}"
            )
        notes = []
        if self.missing:
            notes.append(f"{self.missing} without a log")
        if self.shared:
            notes.append(
                f"{self.shared} sharing a folder with another submission of their lesson (log ignored)"
            )
        if self.invalid_lines:
            notes.append(f"{self.invalid_lines} invalid log lines skipped")
        if self.truncated:
            notes.append(f"{self.truncated} logs cut at {MAX_BYTES_PER_LOG // 1000} kB")
        if notes:
            lines.append(f"  ({'; '.join(notes)})")
        return "\n".join(lines)


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def log_beside(notebook: str | os.PathLike[str]) -> Path:
    """The progress log a notebook's kernel writes: ``<its folder>/.course_progress/attempts.jsonl``."""
    return Path(notebook).parent / LOG_DIR / LOG_NAME


def class_analytics(
    notebooks: Mapping[str, str | os.PathLike[str]],
    rows: Sequence[GradeRow],
    *,
    max_bytes: int = MAX_BYTES_PER_LOG,
) -> ClassAnalytics:
    """Per-exercise analytics of a graded class, from the logs beside the submissions.

    Parameters
    ----------
    notebooks : mapping of str to path
        Submission name (the gradebook's ``submission``) -> the notebook's path.
    rows : sequence of GradeRow
        The gradebook: which exercises each submission's lesson has, and who passed. It is
        only read.
    max_bytes : int
        How much of each log is read at most.

    Returns
    -------
    ClassAnalytics
        Never raises for a missing, unreadable or corrupt log.
    """
    lesson_of: dict[str, str] = {}
    exercises: dict[tuple[str, str], list[GradeRow]] = {}
    for row in rows:
        if row.exercise == NO_EXERCISE or not row.lesson:
            continue
        lesson_of.setdefault(row.submission, row.lesson)
        exercises.setdefault((row.lesson, row.exercise), []).append(row)
    known = {exercise: lesson for lesson, exercise in exercises}

    folders = Counter(
        (os.path.normcase(os.path.abspath(Path(notebooks[name]).parent)), lesson)
        for name, lesson in lesson_of.items()
        if name in notebooks
    )
    per_submission: dict[str, dict[str, object]] = {}
    missing = shared = invalid = truncated = 0
    for name, lesson in lesson_of.items():
        path = notebooks.get(name)
        if path is None:
            missing += 1
            continue
        if folders[(os.path.normcase(os.path.abspath(Path(path).parent)), lesson)] > 1:
            shared += 1
            continue
        own = {exercise: les for exercise, les in known.items() if les == lesson}
        reading = read_log(log_beside(path), known=own, max_bytes=max_bytes)
        if reading.problem is not None:
            missing += 1
            continue
        invalid += reading.rejected
        truncated += reading.truncated
        per_submission[name] = histories(reading.records)

    stats = []
    for (lesson, exercise), graded in exercises.items():
        logs = [per_submission[r.submission] for r in graded if r.submission in per_submission]
        mentioned = [h[exercise] for h in logs if exercise in h]
        tried = [h for h in mentioned if h.attempts]
        passed = [h for h in tried if h.ever_passed]
        before = [h.attempts_before_pass for h in passed if h.attempts_before_pass is not None]
        stats.append(
            ExerciseAnalytics(
                lesson=lesson,
                exercise=exercise,
                submissions=len(graded),
                logs=len(logs),
                attempted=len(tried),
                passed_in_log=len(passed),
                attempts_before_pass_median=float(statistics.median(before)) if before else None,
                hints_mean=statistics.fmean(h.hints for h in mentioned) if mentioned else None,
                share_passing_graded=sum(r.status == "passed" for r in graded) / len(graded),
            )
        )
    return ClassAnalytics(
        exercises=stats,
        submissions=len(lesson_of),
        with_log=len(per_submission),
        missing=missing,
        shared=shared,
        invalid_lines=invalid,
        truncated=truncated,
    )


def analytics_rows(report: ClassAnalytics) -> list[dict[str, str]]:
    """The CSV rows of :func:`write_analytics_csv`, as strings (empty where there is no value)."""

    def number(value: float | None, digits: int = 3) -> str:
        if value is None or not math.isfinite(value):
            return ""
        return f"{round(value, digits):g}"

    return [
        {
            "lesson": e.lesson,
            "exercise": e.exercise,
            "submissions": str(e.submissions),
            "logs": str(e.logs),
            "attempted": str(e.attempted),
            "passed_in_log": str(e.passed_in_log),
            "share_passing_in_log": number(e.share_passing_in_log),
            "attempts_before_pass_median": number(e.attempts_before_pass_median),
            "hints_mean": number(e.hints_mean),
            "share_passing_graded": number(e.share_passing_graded),
        }
        for e in report.exercises
    ]


def write_analytics_csv(report: ClassAnalytics, path: str | os.PathLike[str]) -> Path:
    """Write one row per exercise (:data:`CSV_COLUMNS`), UTF-8 with a byte-order mark like the gradebook.

    Returns
    -------
    Path
        The file written.
    """
    out = Path(path)
    if out.parent != Path():
        out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(analytics_rows(report))
    return out


__all__ = [
    "CSV_COLUMNS",
    "MAX_BYTES_PER_LOG",
    "ClassAnalytics",
    "ExerciseAnalytics",
    "analytics_rows",
    "class_analytics",
    "log_beside",
    "write_analytics_csv",
]
