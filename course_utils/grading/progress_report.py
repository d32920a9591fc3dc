"""``progress()``: which exercises of every lesson are passed, failed or not attempted yet.

Read from the attempts log beside the notebook (:mod:`course_utils.grading.attempts`) and
shown as a table in Jupyter (:class:`Progress`), as text elsewhere. The status of an exercise
is that of its last check; exercises never checked are listed as not attempted.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

from .attempts import log_path
from .attempts_reading import ExerciseHistory, histories, read_log
from .i18n import N_, _

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


__all__ = ["Progress", "ProgressRow", "progress"]
