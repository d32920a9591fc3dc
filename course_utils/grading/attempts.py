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
highest level shown). :func:`progress` reads the log and shows, lesson by lesson, which
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
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import json
import math
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import N_, Lazy, _

LOG_DIR = ".course_progress"
"""The hidden folder holding the log, in the working directory."""

LOG_NAME = "attempts.jsonl"
"""The log's file name."""

VERSION = 1
"""The record format written (the ``"v"`` of each line)."""

SWITCH = "COURSE_UTILS_PROGRESS"
"""Environment variable: ``off`` (``0``, ``false``, ``no``) turns the log off."""

MAX_LOG_BYTES = 2_000_000
"""No line is appended to a log this large (about 10 000 attempts)."""

MAX_READ_BYTES = 4_000_000
"""At most this many bytes of a log are read; the rest is ignored."""

MAX_LINE_BYTES = 2_000
"""A longer line is not a record."""

ATTEMPT_STATUSES: tuple[str, ...] = ("passed", "failed", "error", "not_attempted")
"""The statuses an attempt record may carry."""

GRADED_STATUSES: tuple[str, ...] = ("passed", "failed", "error")
"""The statuses that count as an attempt (a blank checked is not one)."""

_PAUSED: contextvars.ContextVar[bool] = contextvars.ContextVar("course_utils_progress_paused", default=False)
_HINTS_SEEN: dict[str, int] = {}


# ----------------------------------------------------------------------------- writing
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


# ----------------------------------------------------------------------------- reading
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


# ----------------------------------------------------------------------------- summarising
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


# ----------------------------------------------------------------------------- progress()
_LABELS = {
    "passed": N_("passed"),
    "failed": N_("not yet"),
    "error": N_("error"),
    "not_attempted": N_("not attempted"),
}
_COLOURS = {"passed": "#007A5A", "failed": "#C0490A", "error": "#A23B72", "not_attempted": "#5F6B73"}


@dataclass(frozen=True)
class ProgressRow:
    """One exercise in :class:`Progress`."""

    lesson: str
    exercise: str
    title: str
    history: ExerciseHistory


@dataclass(frozen=True)
class Progress:
    """A student's progress over every lesson; shows itself as a table in Jupyter.

    Attributes
    ----------
    rows : list of ProgressRow
        Every exercise of the course, lesson by lesson, in notebook order.
    log : str
        The log that was read.
    note : str
        What the reading found wrong (empty when all was well).
    """

    rows: list[ProgressRow]
    log: str
    note: str = ""

    def counts(self, lesson: str | None = None) -> dict[str, int]:
        """How many exercises (of one lesson, or of all) have each status."""
        result = dict.fromkeys(_LABELS, 0)
        for row in self.rows:
            if lesson is None or row.lesson == lesson:
                result[row.history.status] += 1
        return result

    def lessons(self) -> list[str]:
        """The lessons, in order."""
        return list(dict.fromkeys(row.lesson for row in self.rows))

    def _summary(self, lesson: str) -> str:
        c = self.counts(lesson)
        total = sum(c.values())
        not_yet = c["failed"] + c["error"]
        return _(
            "{passed} of {total} passed, {not_yet} not yet, {not_attempted} not attempted",
            passed=c["passed"],
            total=total,
            not_yet=not_yet,
            not_attempted=c["not_attempted"],
        )

    def __str__(self) -> str:
        lines = [_("Your progress (from {log})", log=self.log)]
        if self.note:
            lines.append(f"({self.note})")
        width = max((len(row.exercise) for row in self.rows), default=8)
        for lesson in self.lessons():
            lines.append("\n" + _("Lesson {lesson}: {summary}", lesson=lesson, summary=self._summary(lesson)))
            for row in (r for r in self.rows if r.lesson == lesson):
                h = row.history
                detail = (
                    _plural(h.attempts, N_("{count} attempt"), N_("{count} attempts"))
                    + ", "
                    + _plural(h.hints, N_("{count} hint"), N_("{count} hints"))
                    if h.attempts or h.hints
                    else ""
                )
                lines.append(f"  {_(_LABELS[h.status]):<14} {row.exercise:<{width}}  {detail}".rstrip())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [
            f'<div class="course-utils-progress"><p><b>{esc(_("Your progress"))}</b> '
            f'<span style="opacity:0.75">({_("from {log}", log=f"<code>{esc(self.log)}</code>")})</span></p>'
        ]
        if self.note:
            parts.append(f"<p>{esc(self.note)}</p>")
        headings = (
            N_("lesson"),
            N_("exercise"),
            N_("what it asks"),
            N_("status"),
            N_("attempts"),
            N_("hints"),
            N_("best points"),
        )
        cells = "".join(
            f'<th style="text-align:left">{esc(_(h))}</th>'
            if h == "what it asks"
            else f"<th>{esc(_(h))}</th>"
            for h in headings
        )
        parts.append(f"<table><thead><tr>{cells}</tr></thead><tbody>")
        for lesson in self.lessons():
            heading = esc(_("Lesson {lesson}", lesson=lesson))
            parts.append(
                f'<tr><td colspan="7" style="text-align:left"><b>{heading}</b>: '
                f"{esc(self._summary(lesson))}</td></tr>"
            )
            for row in (r for r in self.rows if r.lesson == lesson):
                h = row.history
                colour = _COLOURS[h.status]
                badge = (
                    f'<span style="background:{colour};color:#fff;border-radius:4px;padding:0 6px">'
                    f"{esc(_(_LABELS[h.status]))}</span>"
                )
                best = f"{h.points:g}/{h.max_points:g}" if h.attempts else ""
                parts.append(
                    f"<tr><td>{esc(row.lesson)}</td><td><code>{esc(row.exercise)}</code></td>"
                    f'<td style="text-align:left">{esc(_(row.title))}</td><td>{badge}</td>'
                    f"<td>{h.attempts or ''}</td><td>{h.hints or ''}</td><td>{best}</td></tr>"
                )
        parts.append("</tbody></table></div>")
        return "".join(parts)


def _plural(count: int, one: str, many: str) -> str:
    return _(one if count == 1 else many, count=count)


def progress(folder: str | os.PathLike[str] | None = None, lesson: str | int | None = None) -> Progress:
    """Which exercises of every lesson are passed, failed or not attempted, read from the log.

    Parameters
    ----------
    folder : path-like, optional
        The folder whose ``.course_progress`` log is read (default: the working directory,
        the notebook's folder).
    lesson : str or int, optional
        Show only this lesson.

    Returns
    -------
    Progress
        Shows itself as a table in Jupyter and as text elsewhere. The status of an
        exercise is that of its last check; never raises.

    Examples
    --------
    >>> import tempfile
    >>> report = progress(tempfile.mkdtemp(), lesson=3)
    >>> report.counts()["not_attempted"] == len(report.rows) > 0
    True
    """
    from course_utils.course import lesson_number

    from .registry import EXERCISES

    path = log_path(folder)
    only = None if lesson is None else lesson_number(lesson)
    reading = read_log(path)
    found = histories(reading.records)
    rows = [
        ProgressRow(
            ex.lesson, ex.id, ex.title, found.get(ex.id, ExerciseHistory(ex.id, max_points=float(ex.points)))
        )
        for ex in sorted(EXERCISES.values(), key=lambda e: e.lesson)
        if only is None or ex.lesson == only
    ]
    notes = []
    if reading.problem == "no log":
        notes.append(
            _("no checks recorded here yet: run the check cells of an exercise notebook in this folder")
        )
    elif reading.problem:
        notes.append(_(reading.problem))
    if reading.rejected:
        notes.append(
            _("{count} line(s) of the log are not valid records and were skipped", count=reading.rejected)
        )
    if reading.truncated:
        notes.append(_("the log is very long; only its beginning was read"))
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        shown = str(path)
    return Progress(rows, shown, "; ".join(notes))


def reset_session() -> None:
    """Forget the hints revealed in this session (used by tests)."""
    _HINTS_SEEN.clear()


__all__ = [
    "LOG_DIR",
    "LOG_NAME",
    "SWITCH",
    "ExerciseHistory",
    "LogReading",
    "Progress",
    "ProgressRow",
    "enabled",
    "hints_seen",
    "histories",
    "log_path",
    "parse_record",
    "paused",
    "progress",
    "read_log",
    "record_attempt",
    "record_hint",
]
