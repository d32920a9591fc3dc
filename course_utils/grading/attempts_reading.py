"""Reading the attempts log back: what a valid record is, and each exercise's history.

:func:`parse_record` validates one line (the record format of :data:`VERSION`, a registered
exercise of the right lesson, points within bounds); :func:`read_log` reads a whole log —
a regular file only, at most :data:`MAX_READ_BYTES` — and keeps the valid records;
:func:`histories` sums them up per exercise (:class:`ExerciseHistory`: last status, attempts,
attempts before the first pass, best points, hints). Reading never raises: a corrupt or
edited log changes nothing but what it claims about itself. The log and its writing are
described in :mod:`course_utils.grading.attempts`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .i18n import N_, Lazy

VERSION = 1
"""The record format written (the ``"v"`` of each line)."""

MAX_READ_BYTES = 4_000_000
"""At most this many bytes of a log are read; the rest is ignored."""

MAX_LINE_BYTES = 2_000
"""A longer line is not a record."""

ATTEMPT_STATUSES: tuple[str, ...] = ("passed", "failed", "error", "not_attempted")
"""The statuses an attempt record may carry."""

GRADED_STATUSES: tuple[str, ...] = ("passed", "failed", "error")
"""The statuses that count as an attempt (a blank checked is not one)."""


@dataclass(frozen=True)
class LogReading:
    """What a log held, validated.

    Attributes
    ----------
    records : list of dict
        The valid records, in file order (see :func:`parse_record`).
    rejected : int
        Lines that were not valid records (corrupt, edited, unknown exercise, too long).
    truncated : bool
        Whether the file was larger than the bytes read.
    problem : str or None
        Why the file could not be read at all (None when it was read).
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    truncated: bool = False
    problem: str | None = None


def parse_record(line: str | bytes, known: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """One line of a log as a validated record, or None when it is not one.

    Parameters
    ----------
    line : str or bytes
        One line of the log.
    known : mapping of str to str, optional
        Exercise id -> lesson of the registered exercises (default: every registered
        exercise); a record naming another exercise, or the wrong lesson, is not one.

    Returns
    -------
    dict or None
        ``event``, ``exercise``, ``lesson``, ``time`` and, for an attempt, ``status``,
        ``points`` (within [0, max_points]), ``max_points`` and ``hints``; for a hint,
        ``level``. Only these keys, with these types.

    Examples
    --------
    >>> parse_record('{"v":1,"event":"hint","exercise":"he_variance","lesson":"03","level":2,"time":"t"}')
    {'event': 'hint', 'exercise': 'he_variance', 'lesson': '03', 'time': 't', 'level': 2}
    >>> parse_record('{"v":1,"event":"hint","exercise":"rm -rf","lesson":"03","level":2}') is None
    True
    """
    try:
        if len(line) > MAX_LINE_BYTES:
            return None
        data = json.loads(line)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    table = _known_exercises() if known is None else known
    exercise, lesson, event = data.get("exercise"), data.get("lesson"), data.get("event")
    if not isinstance(exercise, str) or table.get(exercise) != lesson:
        return None
    stamp = data.get("time", "")
    record: dict[str, Any] = {
        "event": event,
        "exercise": exercise,
        "lesson": lesson,
        "time": stamp if isinstance(stamp, str) and len(stamp) <= 40 else "",
    }
    if event == "hint":
        level = data.get("level")
        if not _whole(level, 1, 100):
            return None
        record["level"] = int(level)
        return record
    if event != "attempt" or data.get("status") not in ATTEMPT_STATUSES:
        return None
    points, maximum, hints = data.get("points"), data.get("max_points"), data.get("hints", 0)
    if not (
        _number(maximum, 0.0, 1e6) and maximum > 0 and _number(points, 0.0, maximum) and _whole(hints, 0, 100)
    ):
        return None
    record.update(status=data["status"], points=float(points), max_points=float(maximum), hints=int(hints))
    return record


def _number(value: Any, low: float, high: float) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _known_exercises() -> dict[str, str]:
    from .registry import EXERCISES

    return {exercise.id: exercise.lesson for exercise in EXERCISES.values()}


def read_log(
    path: str | os.PathLike[str],
    *,
    known: Mapping[str, str] | None = None,
    max_bytes: int = MAX_READ_BYTES,
) -> LogReading:
    """Read and validate a log; never raises.

    Only a regular file is read (not a symlink, a folder or a device), and at most
    ``max_bytes`` of it. Every line is checked by :func:`parse_record`.

    Parameters
    ----------
    path : path-like
        The log file.
    known : mapping of str to str, optional
        Exercise id -> lesson of the exercises whose records are kept (default: all
        registered).
    max_bytes : int
        How much of the file is read at most.

    Returns
    -------
    LogReading
        With ``problem`` set when the file is missing or cannot be read.
    """
    import stat

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return LogReading(problem="no log")
    except OSError as exc:
        return LogReading(problem=Lazy("the log cannot be read ({error})", error=type(exc).__name__))
    if not stat.S_ISREG(info.st_mode):
        return LogReading(problem=N_("the log is not a regular file"))
    try:
        with open(path, "rb") as log:
            data = log.read(max_bytes + 1)
    except OSError as exc:
        return LogReading(problem=Lazy("the log cannot be read ({error})", error=type(exc).__name__))
    truncated = len(data) > max_bytes
    if truncated:
        data = data[: data.rfind(b"\n", 0, max_bytes) + 1]
    table = _known_exercises() if known is None else known
    records, rejected = [], 0
    for raw in data.splitlines():
        if not raw.strip():
            continue
        record = parse_record(raw, table)
        if record is None:
            rejected += 1
        else:
            records.append(record)
    return LogReading(records, rejected, truncated)


@dataclass(frozen=True)
class ExerciseHistory:
    """One exercise's history in a log.

    Attributes
    ----------
    exercise : str
    status : str
        The status of the last attempt (``"not_attempted"`` when there is none).
    attempts : int
        Checks whose status was passed, failed or error (a blank checked is not an attempt).
    attempts_before_pass : int or None
        Failed or error checks before the first pass; None when it never passed.
    points : float
        The best points of any attempt.
    max_points : float
    hints : int
        Hints revealed (the highest level shown, or the most any attempt reports).
    ever_passed : bool
    last_time : str
    """

    exercise: str
    status: str = "not_attempted"
    attempts: int = 0
    attempts_before_pass: int | None = None
    points: float = 0.0
    max_points: float = 0.0
    hints: int = 0
    ever_passed: bool = False
    last_time: str = ""


def histories(records: Iterable[Mapping[str, Any]]) -> dict[str, ExerciseHistory]:
    """Each exercise's :class:`ExerciseHistory`, from validated records in log order.

    Examples
    --------
    >>> h = histories([
    ...     {"event": "attempt", "exercise": "e", "status": "failed", "points": 0, "max_points": 1,
    ...      "hints": 0, "time": "t1"},
    ...     {"event": "hint", "exercise": "e", "level": 1, "time": "t2"},
    ...     {"event": "attempt", "exercise": "e", "status": "passed", "points": 1, "max_points": 1,
    ...      "hints": 1, "time": "t3"},
    ... ])["e"]
    >>> h.status, h.attempts, h.attempts_before_pass, h.hints
    ('passed', 2, 1, 1)
    """
    state: dict[str, dict[str, Any]] = {}
    for record in records:
        entry = state.setdefault(
            record["exercise"],
            {
                "status": "not_attempted",
                "attempts": 0,
                "before": None,
                "points": 0.0,
                "max": 0.0,
                "hints": 0,
                "passed": False,
                "time": "",
            },
        )
        entry["time"] = record.get("time", "") or entry["time"]
        if record["event"] == "hint":
            entry["hints"] = max(entry["hints"], int(record["level"]))
            continue
        entry["hints"] = max(entry["hints"], int(record.get("hints", 0)))
        entry["max"] = float(record["max_points"])
        status = record["status"]
        entry["status"] = status
        if status not in GRADED_STATUSES:
            continue
        entry["attempts"] += 1
        entry["points"] = max(entry["points"], float(record["points"]))
        if status == "passed" and not entry["passed"]:
            entry["passed"] = True
            entry["before"] = entry["attempts"] - 1
    return {
        exercise: ExerciseHistory(
            exercise,
            e["status"],
            e["attempts"],
            e["before"],
            e["points"],
            e["max"],
            e["hints"],
            e["passed"],
            e["time"],
        )
        for exercise, e in state.items()
    }


__all__ = [
    "ATTEMPT_STATUSES",
    "GRADED_STATUSES",
    "VERSION",
    "ExerciseHistory",
    "LogReading",
    "histories",
    "parse_record",
    "read_log",
]
