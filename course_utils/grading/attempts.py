"""Attempts and progress: a small log of ``check()`` and ``hint()`` calls beside the notebook.

Every :func:`~course_utils.grading.check` of a registered exercise appends one JSON line to
``.course_progress/attempts.jsonl`` in the working directory (the notebook's folder in
Jupyter and VS Code); every :func:`~course_utils.grading.hint` appends one too. A line holds
what happened, never the answer::

    {"v": 1, "event": "attempt", "exercise": "sigmoid_stable", "lesson": "02",
     "status": "failed", "points": 0, "max_points": 1, "hints": 1,
     "time": "2026-12-02T07:03:00Z"}
    {"v": 1, "event": "hint", "exercise": "sigmoid_stable", "lesson": "02", "level": 2,
     "time": "2026-12-02T07:04:10Z"}

``hints`` is the number of hints of that exercise revealed so far in this session (the
highest level shown). :func:`~course_utils.grading.progress` reads the log and shows, lesson by lesson, which
exercises are passed, failed or not attempted yet.

Writing never raises and never slows ``check()`` noticeably (one append of ~200 bytes): a
read-only folder, a full disk or a log past :data:`MAX_LOG_BYTES` only means the line is not
written. Reading skips lines that are not valid records (:func:`parse_record`), so a corrupt
or edited log changes nothing but what it claims about itself. The log is the student's: the
class grader never grades from it (see :mod:`course_tools.grader.analytics`).

Nothing is written

* when the environment variable :data:`SWITCH` is ``off`` (or ``0``, ``false``, ``no``);
* inside :func:`paused` (the class grader's judge runs ``check()`` in its own process);
* in a kernel run by the class grader (its probe is installed): grading a submission
  leaves its log as the student left it.

This module writes the log. Reading it back (:func:`read_log`, :func:`histories`) is in
:mod:`course_utils.grading.attempts_reading`, and :func:`progress` in
:mod:`course_utils.grading.progress_report`.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import math
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .attempts_reading import VERSION

LOG_DIR = ".course_progress"
"""The hidden folder holding the log, in the working directory."""

LOG_NAME = "attempts.jsonl"
"""The log's file name."""

SWITCH = "COURSE_UTILS_PROGRESS"
"""Environment variable: ``off`` (``0``, ``false``, ``no``) turns the log off."""

MAX_LOG_BYTES = 2_000_000
"""No line is appended to a log this large (about 10 000 attempts)."""

_PAUSED: contextvars.ContextVar[bool] = contextvars.ContextVar("course_utils_progress_paused", default=False)
_HINTS_SEEN: dict[str, int] = {}


def log_path(folder: str | os.PathLike[str] | None = None) -> Path:
    """The log's path: ``<folder>/.course_progress/attempts.jsonl`` (folder: the working directory)."""
    return Path(os.getcwd() if folder is None else folder) / LOG_DIR / LOG_NAME


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Within this block, ``check()`` and ``hint()`` write nothing to the log."""
    token = _PAUSED.set(True)
    try:
        yield
    finally:
        _PAUSED.reset(token)


def enabled() -> bool:
    """Whether ``check()`` and ``hint()`` write to the log now (see the module's docstring)."""
    if _PAUSED.get():
        return False
    if os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "false", "no"):
        return False
    probe = sys.modules.get("course_tools.grader.probe")
    state = getattr(probe, "_STATE", None)
    return not (isinstance(state, dict) and state.get("channel"))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _append(record: Mapping[str, Any], folder: str | os.PathLike[str] | None = None) -> bool:
    """Append one record as a JSON line; False (never an exception) when it cannot be written."""
    try:
        if not enabled():
            return False
        path = log_path(folder)
        line = json.dumps(dict(record), ensure_ascii=True, separators=(",", ":"), allow_nan=False)
        data = line.encode("ascii") + b"\n"
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size + len(data) > MAX_LOG_BYTES:
            return False
        path.parent.mkdir(exist_ok=True)
        with open(path, "ab") as log:
            if size and _ends_without_newline(path):
                data = b"\n" + data  # a line cut short (a crash mid-write) stays on its own line
            log.write(data)
        return True
    except Exception:  # noqa: BLE001 - the log must never break check()
        return False


def _ends_without_newline(path: Path) -> bool:
    with open(path, "rb") as log:
        log.seek(-1, os.SEEK_END)
        return log.read(1) != b"\n"


def hints_seen(exercise_id: str) -> int:
    """How many hints of this exercise were revealed in this session (the highest level shown)."""
    return _HINTS_SEEN.get(exercise_id, 0)


def record_attempt(
    exercise_id: str,
    lesson: str,
    status: str,
    points: float,
    max_points: float,
    folder: str | os.PathLike[str] | None = None,
) -> bool:
    """Append an attempt record: what ``check()`` concluded, never the answer.

    Returns
    -------
    bool
        Whether the line was written. Never raises.
    """
    return _append(
        {
            "v": VERSION,
            "event": "attempt",
            "exercise": exercise_id,
            "lesson": lesson,
            "status": status,
            "points": _plain_number(points),
            "max_points": _plain_number(max_points),
            "hints": hints_seen(exercise_id),
            "time": _now(),
        },
        folder,
    )


def record_hint(
    exercise_id: str, lesson: str, level: int, folder: str | os.PathLike[str] | None = None
) -> bool:
    """Remember that hint ``level`` of an exercise was shown, and append a hint record.

    Returns
    -------
    bool
        Whether the line was written. Never raises.
    """
    try:
        _HINTS_SEEN[exercise_id] = max(_HINTS_SEEN.get(exercise_id, 0), int(level))
    except Exception:  # noqa: BLE001 - the log must never break hint()
        return False
    return _append(
        {
            "v": VERSION,
            "event": "hint",
            "exercise": exercise_id,
            "lesson": lesson,
            "level": int(level),
            "time": _now(),
        },
        folder,
    )


def _plain_number(value: Any) -> float | int:
    number = float(value)
    if not math.isfinite(number):
        return 0
    return int(number) if number.is_integer() else round(number, 6)


def reset_session() -> None:
    """Forget the hints revealed in this session (used by tests)."""
    _HINTS_SEEN.clear()


__all__ = [
    "LOG_DIR",
    "LOG_NAME",
    "SWITCH",
    "enabled",
    "hints_seen",
    "log_path",
    "paused",
    "record_attempt",
    "record_hint",
]
