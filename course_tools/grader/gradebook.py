"""The class gradebook: grade rows, the CSV file, per-student feedback and the class summary.

:mod:`course_tools.grader.grade` runs the submissions; this module only turns its rows into what a
teacher reads, so it is pure Python (no Jupyter imports) and easy to test. The exports for a
learning platform (the wide CSV, HTML feedback) are in :mod:`course_tools.grader.exports`; the
merge of sharded runs is in :mod:`course_tools.grader.shards`.

Examples
--------
>>> rows = [
...     GradeRow("ada.ipynb", "linear_collapse", "passed", 1, 1, "correct", "01"),
...     GradeRow("ada.ipynb", "relu_hat", "failed", 0, 1, "hat(0) is 2, expected 1", "01"),
... ]
>>> scores = submission_scores(rows)
>>> scores["ada.ipynb"]
(1.0, 2.0)
"""

from __future__ import annotations

import csv
import math
import os
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

STATUSES: tuple[str, ...] = ("passed", "failed", "error", "not_attempted")
"""The statuses a row can have (the same as :func:`course_utils.grading.check`'s)."""

NO_EXERCISE = "-"
"""The ``exercise`` of the single row written for a submission whose lesson is unknown."""

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel on Windows then reads "σ", "−" and "±" as written."""

MAX_MESSAGE = 2000
"""Messages longer than this many characters are cut in the CSV and feedback files."""


def N_(msgid: str) -> str:  # noqa: N802 - gettext's "mark for the catalogue" (course_utils.grading.i18n)
    """Mark ``msgid`` for the graders' catalogue; it is translated where it is shown."""
    return msgid


_ICONS = {
    "passed": N_("PASSED"),
    "failed": N_("NOT YET"),
    "error": N_("ERROR"),
    "not_attempted": N_("NOT ATTEMPTED"),
}
"""The status words of the feedback files (msgids of the graders' catalogue, which translates them)."""


@dataclass(frozen=True)
class GradeRow:
    """One line of the gradebook: one submission and one exercise.

    Attributes
    ----------
    submission : str
        The notebook's path relative to the common parent of the graded paths (POSIX slashes).
    exercise : str
        The exercise id, or ``"-"`` when the submission's lesson is unknown.
    status : str
        ``"passed"``, ``"failed"``, ``"error"`` or ``"not_attempted"``.
    points, max_points : float
        Points earned and the exercise's worth.
    message : str
        What the student reads: the checker's feedback or why the notebook could not run.
    lesson : str
        Two-digit lesson number, or ``""`` when unknown.
    seconds : float
        Wall time spent on the whole submission.
    """

    submission: str
    exercise: str
    status: str
    points: float
    max_points: float
    message: str
    lesson: str = ""
    seconds: float = 0.0


CSV_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(GradeRow))
"""The gradebook's columns, in order."""


def clip_message(message: str, limit: int = MAX_MESSAGE) -> str:
    """Cut ``message`` to at most ``limit`` characters, saying so.

    Examples
    --------
    >>> clip_message("abcdef", limit=5)
    'ab…'
    >>> clip_message("short")
    'short'
    """
    message = str(message)
    if len(message) <= limit:
        return message
    return message[: max(limit - 3, 0)] + "…"


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.4g}"


def write_csv(rows: Iterable[GradeRow], path: str | os.PathLike[str]) -> None:
    """Write the gradebook to ``path`` (UTF-8 with a BOM, one row per submission and exercise).

    The file is written next to its final name and then renamed, so a reader never sees
    half a gradebook. The byte-order mark lets spreadsheet programs (Excel on Windows
    above all) recognise UTF-8; read the file back with :func:`read_csv`, or with
    ``encoding="utf-8-sig"``, which accepts files with and without the mark.

    Parameters
    ----------
    rows : iterable of GradeRow
    path : path-like
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "w", encoding=CSV_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row.submission,
                    row.exercise,
                    row.status,
                    _number(row.points),
                    _number(row.max_points),
                    clip_message(row.message),
                    row.lesson,
                    f"{row.seconds:.1f}",
                ]
            )
    os.replace(tmp, path)


def read_csv(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Read a gradebook written by :func:`write_csv` as a list of dicts (all values str).

    Files with and without a UTF-8 byte-order mark are read alike.
    """
    with open(path, encoding=CSV_ENCODING, newline="") as fh:
        return list(csv.DictReader(fh))


def read_rows(path: str | os.PathLike[str]) -> list[GradeRow]:
    """Read a gradebook written by :func:`write_csv` back as rows (e.g. to merge shards).

    Raises
    ------
    ValueError
        If the file's columns are not the gradebook's, or a number cannot be read.
    """
    records = read_csv(path)
    if records and tuple(records[0]) != CSV_COLUMNS:
        raise ValueError(
            f"gradebook {os.fspath(path)!r} has columns {list(records[0])}, expected {list(CSV_COLUMNS)}"
        )
    rows = []
    for line, record in enumerate(records, start=2):
        try:
            rows.append(
                GradeRow(
                    record["submission"], record["exercise"], record["status"],
                    float(record["points"]), float(record["max_points"]), record["message"],
                    record["lesson"], float(record["seconds"]),
                )
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"gradebook {os.fspath(path)!r}, line {line}: {exc}") from None
    return rows


def submission_scores(rows: Iterable[GradeRow]) -> dict[str, tuple[float, float]]:
    """Total ``(points, max_points)`` per submission, in first-seen order."""
    totals: dict[str, tuple[float, float]] = {}
    for row in rows:
        points, maximum = totals.get(row.submission, (0.0, 0.0))
        totals[row.submission] = (points + float(row.points), maximum + float(row.max_points))
    return totals


def feedback_name(submission: str) -> str:
    """The feedback file's relative path for a submission.

    Examples
    --------
    >>> feedback_name("class 2/élève ü.ipynb")
    'class 2/élève ü.md'
    """
    stem = submission[: -len(".ipynb")] if submission.lower().endswith(".ipynb") else submission
    return f"{stem}.md"


def feedback_markdown(
    submission: str, rows: Sequence[GradeRow], notes: Sequence[str] = (), language: str = "en"
) -> str:
    """The Markdown feedback a student receives for one submission.

    Parameters
    ----------
    submission : str
        The submission's name as in the gradebook.
    rows : sequence of GradeRow
        Its rows, in exercise order.
    notes : sequence of str
        What happened while the notebook ran (cells that raised or were interrupted).
    language : str
        The language of the headings and status words: ``"en"`` or ``"zh"`` (the
        submission's ``metadata.course_utils.language``). The messages of the rows are
        already in it when the judge was given that language.

    Returns
    -------
    str
    """
    from course_utils.grading.i18n import _, using_language

    with using_language(language):
        points = sum(float(r.points) for r in rows)
        maximum = sum(float(r.max_points) for r in rows)
        lesson = next((r.lesson for r in rows if r.lesson), "")
        lines = [_("# Feedback on `{submission}`", submission=submission), ""]
        if lesson:
            lines.append(_("Lesson {lesson}.", lesson=lesson))
        if maximum > 0:
            lines.append(
                _(
                    "**Score: {points} / {maximum}** ({percent:.0f}%).",
                    points=_number(points),
                    maximum=_number(maximum),
                    percent=100 * points / maximum,
                )
            )
        lines.append("")
        for row in rows:
            title = _("the notebook") if row.exercise == NO_EXERCISE else f"`{row.exercise}`"
            lines.append(
                f"## {title}: {_(_ICONS[row.status]) if row.status in _ICONS else row.status} "
                f"({_number(row.points)}/{_number(row.max_points)})"
            )
            lines.append("")
            message = clip_message(row.message).strip() or _("(no message)")
            lines.extend(f"> {line}" if line else ">" for line in message.splitlines())
            lines.append("")
        if notes:
            lines.append(_("## While your notebook ran"))
        lines.append("")
        lines.extend(f"- {clip_message(note, 300)}" for note in notes)
        lines.append("")
    return "\n".join(lines)


def write_feedback(
    folder: str | os.PathLike[str],
    rows: Iterable[GradeRow],
    notes: dict[str, Sequence[str]] | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write one Markdown feedback file per submission under ``folder``.

    Sub-folders of the submissions are mirrored, so ``class 2/ada.ipynb`` gets
    ``folder/class 2/ada.md``. ``languages`` maps a submission to the language of its
    feedback (``"zh"`` for a Chinese notebook); a submission it does not name gets English.

    Returns
    -------
    dict of str to Path
        Submission name -> feedback file.
    """
    return write_per_submission(folder, rows, ".md", feedback_markdown, notes, languages)


def write_per_submission(
    folder: str | os.PathLike[str],
    rows: Iterable[GradeRow],
    suffix: str,
    render: Callable[[str, Sequence[GradeRow], Sequence[str], str], str],
    notes: dict[str, Sequence[str]] | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write ``render(submission, its rows, its notes, its language)`` to one file per submission.

    The file is the submission's path with ``suffix`` for ``.ipynb`` (sub-folders mirrored);
    two submissions whose names differ only in case get distinct files.
    """
    folder = Path(folder)
    notes = notes or {}
    languages = languages or {}
    by_submission: dict[str, list[GradeRow]] = {}
    for row in rows:
        by_submission.setdefault(row.submission, []).append(row)
    written: dict[str, Path] = {}
    used: set[str] = set()
    for submission, its_rows in by_submission.items():
        name = feedback_name(submission)[: -len(".md")] + suffix
        if name.lower() in used:
            name = f"{name[: -len(suffix)]} ({len(used)}){suffix}"
        used.add(name.lower())
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = render(submission, its_rows, notes.get(submission, ()), languages.get(submission, "en"))
        target.write_text(text, encoding="utf-8")
        written[submission] = target
    return written


def _bar(count: int, largest: int, width: int = 30) -> str:
    if largest <= 0 or count <= 0:
        return ""
    return "#" * max(1, round(width * count / largest))


def histogram(percentages: Sequence[float], bins: int = 10, width: int = 30) -> list[str]:
    """A text histogram of scores in percent, one line per bin of ``100 / bins`` points.

    Examples
    --------
    >>> for line in histogram([0, 0, 100], bins=2, width=4):
    ...     print(line)
      0- 49% | #### 2
     50-100% | ##   1
    """
    counts = [0] * bins
    for value in percentages:
        index = min(int(math.floor(float(value) * bins / 100.0 + 1e-9)), bins - 1)
        counts[max(index, 0)] += 1
    largest = max(counts, default=0)
    step = 100 // bins
    lines = []
    for i, count in enumerate(counts):
        lo = i * step
        hi = 100 if i == bins - 1 else (i + 1) * step - 1
        lines.append(f"{lo:>3}-{hi:>3}% | {_bar(count, largest, width):<{width}} {count}")
    return lines


def _by_submission(rows: Iterable[GradeRow]) -> dict[str, list[GradeRow]]:
    grouped: dict[str, list[GradeRow]] = {}
    for row in rows:
        grouped.setdefault(row.submission, []).append(row)
    return grouped


def blank_submissions(rows: Iterable[GradeRow]) -> list[str]:
    """The submissions handed in blank: every exercise ``not_attempted``.

    Examples
    --------
    >>> blank_submissions([
    ...     GradeRow("ada.ipynb", "e1", "not_attempted", 0, 1, "blank"),
    ...     GradeRow("ada.ipynb", "e2", "not_attempted", 0, 1, "blank"),
    ...     GradeRow("bob.ipynb", "e1", "not_attempted", 0, 1, "blank"),
    ...     GradeRow("bob.ipynb", "e2", "passed", 1, 1, "correct"),
    ... ])
    ['ada.ipynb']
    """
    return [
        name for name, its_rows in _by_submission(rows).items()
        if all(r.status == "not_attempted" for r in its_rows)
    ]


def crashed_submissions(rows: Iterable[GradeRow]) -> dict[str, str]:
    """The submissions whose notebook could not run, with the reason.

    A submission counts as crashed when every one of its rows is an ``error`` and they
    all carry the same message: that is how the grader reports a notebook that is not
    valid JSON, too large, of an unknown lesson (the single row ``-``), whose kernel died
    before its answers were judged or that ran past its wall-clock cap. A student whose
    answers each raise their own error has different messages and is not listed.

    Returns
    -------
    dict of str to str
        Submission name -> the shared message, in first-seen order.

    Examples
    --------
    >>> crashed_submissions([
    ...     GradeRow("ada.ipynb", "e1", "error", 0, 1, "the kernel died"),
    ...     GradeRow("ada.ipynb", "e2", "error", 0, 1, "the kernel died"),
    ...     GradeRow("bob.ipynb", "e1", "error", 0, 1, "ZeroDivisionError in your function"),
    ...     GradeRow("bob.ipynb", "e2", "error", 0, 1, "TypeError: expected an array"),
    ... ])
    {'ada.ipynb': 'the kernel died'}
    """
    crashed: dict[str, str] = {}
    for name, its_rows in _by_submission(rows).items():
        if all(r.status == "error" for r in its_rows) and len({r.message for r in its_rows}) == 1:
            crashed[name] = its_rows[0].message
    return crashed


MAX_LISTED = 50
"""At most this many blank (or crashed) submissions are named in the class summary."""


def _listing(title: str, entries: Sequence[str]) -> list[str]:
    lines = [f"{title}: {len(entries)}"]
    lines.extend(f"  {entry}" for entry in entries[:MAX_LISTED])
    if len(entries) > MAX_LISTED:
        lines.append(f"  ... and {len(entries) - MAX_LISTED} more (see the gradebook)")
    return lines


def class_summary(rows: Sequence[GradeRow], seconds: float | None = None) -> str:
    """The class summary printed at the end of a grading run.

    Submissions graded, mean and median score, the blank submissions and the crashed ones
    by name (:func:`blank_submissions`, :func:`crashed_submissions`), pass rate per
    exercise and a text histogram of the scores. Submissions whose lesson is unknown (no
    points possible) are counted but left out of the score statistics.

    Parameters
    ----------
    rows : sequence of GradeRow
    seconds : float, optional
        Wall time of the run, shown when given.

    Returns
    -------
    str
    """
    scores = submission_scores(rows)
    scored = {name: (p, m) for name, (p, m) in scores.items() if m > 0}
    percentages = [100.0 * p / m for p, m in scored.values()]
    lessons = sorted({r.lesson for r in rows if r.lesson})
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    lines = [f"Graded {len(scores)} submission{'s' if len(scores) != 1 else ''}{took}."]
    if lessons:
        lines[0] += f" Lesson{'s' if len(lessons) > 1 else ''}: {', '.join(lessons)}."
    unscored = len(scores) - len(scored)
    if unscored:
        lines.append(f"{unscored} could not be scored (lesson unknown): see their rows in the CSV.")
    if percentages:
        lines.append(
            f"Score: mean {statistics.fmean(percentages):.1f}%, median "
            f"{statistics.median(percentages):.1f}% "
            f"(full marks: {sum(p >= 100.0 - 1e-9 for p in percentages)}/{len(percentages)})"
        )
    blank = blank_submissions(rows)
    if blank:
        lines.extend(_listing("Blank (every exercise not attempted)", blank))
    crashed = crashed_submissions(rows)
    if crashed:
        lines.extend(
            _listing(
                "Crashed (the notebook could not run)",
                [f"{name} - {clip_message(reason.splitlines()[0] if reason else '', 100)}"
                 for name, reason in crashed.items()],
            )
        )
    per_exercise: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row.exercise != NO_EXERCISE:
            per_exercise.setdefault((row.lesson, row.exercise), []).append(row.status)
    if per_exercise:
        lines.append("")
        lines.append("Pass rate per exercise:")
        width = max(len(exercise) for _, exercise in per_exercise)
        for (lesson, exercise), statuses in per_exercise.items():
            passed = statuses.count("passed")
            rest = ", ".join(
                f"{statuses.count(s)} {s.replace('_', ' ')}"
                for s in STATUSES[1:]
                if statuses.count(s)
            )
            lines.append(
                f"  {lesson:>2} {exercise:<{width}}  {passed:>3}/{len(statuses):<3} "
                f"{100 * passed / len(statuses):5.1f}%" + (f"  ({rest})" if rest else "")
            )
    if percentages:
        lines.append("")
        lines.append("Score distribution (submissions per score band):")
        lines.extend(f"  {line}" for line in histogram(percentages))
    return "\n".join(lines)
