"""Gradebook exports for a learning platform: a wide CSV per student and HTML feedback.

The long gradebook (:mod:`course_tools.grader.gradebook`) has one row per submission and
exercise. A platform's gradebook import wants one row per *student*: this module groups
the rows by a student id taken from each submission's path, and writes

* a wide CSV, one row per student and one column per exercise, then the total and the
  percentage, in one of three layouts (:data:`LAYOUTS`):

  ``plain``
      ``student``, the exercises, ``total``, ``percentage``, ``submissions`` - for a
      spreadsheet.
  ``canvas``
      Canvas's gradebook-import layout: ``Student``, ``ID``, ``SIS User ID``,
      ``SIS Login ID``, ``Section``, then one column per exercise, ``Total`` and
      ``Percentage``; the second row is ``Points Possible``. The student id goes into the
      identifier column Canvas matches on (``SIS Login ID`` unless told otherwise) and
      into ``Student``.
  ``moodle``
      Moodle's CSV grade import: an identifier column (``Username`` unless told
      otherwise; on import choose it under *Identify user by*), the exercises, ``Total``
      and ``Percentage``. No ``Points Possible`` row: Moodle would read it as a student.

* the feedback per student as HTML (beside the Markdown of
  :func:`course_tools.grader.gradebook.write_feedback`), with every message escaped.

All CSVs are UTF-8 with a byte-order mark (:data:`course_tools.grader.gradebook.CSV_ENCODING`),
which Excel, Canvas and Moodle all read as UTF-8.

The student id
--------------
A rule turns a submission's name (its path relative to the graded folder, POSIX slashes)
into a student id (:func:`student_id_rule`):

``folder`` (default)
    the first folder of the path: ``ada/06-softmax-temperature.ipynb`` -> ``ada``; a
    notebook directly in the graded folder gives its file name without ``.ipynb``.
``stem``
    the file name without ``.ipynb``: ``lesson06/ada.ipynb`` -> ``ada``.
a regular expression with a group named ``id``
    searched in the path: ``(?P<id>[^/_]+)_`` takes ``s123`` from
    ``s123_06-softmax.ipynb`` (the shape of an LMS's bulk download).

Examples
--------
>>> rule = student_id_rule("folder")
>>> rule("ada/06-softmax-temperature.ipynb")
'ada'
>>> student_id_rule(r"(?P<id>s\\d+)_")("uploads/s123_06.ipynb")
's123'
"""

from __future__ import annotations

import csv
import html
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from course_tools.grader.gradebook import (
    CSV_ENCODING,
    N_,
    NO_EXERCISE,
    GradeRow,
    clip_message,
    write_per_submission,
)

__all__ = [
    "CANVAS_ID_COLUMNS",
    "LAYOUTS",
    "StudentGrades",
    "feedback_html",
    "student_grades",
    "student_id_rule",
    "validate_wide_options",
    "wide_header",
    "write_feedback_html",
    "write_wide_csv",
]

LAYOUTS: tuple[str, ...] = ("plain", "canvas", "moodle")
"""The wide CSV's layouts: for a spreadsheet, for Canvas's import, for Moodle's import."""

CANVAS_ID_COLUMNS: tuple[str, ...] = ("ID", "SIS User ID", "SIS Login ID")
"""Canvas's identifier columns; the student id goes into one of them."""

_CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_DEFAULT_ID_COLUMN = {"plain": "student", "canvas": "SIS Login ID", "moodle": "Username"}


_STATUS_WORDS = {
    "passed": N_("passed"),
    "failed": N_("not yet"),
    "error": N_("error"),
    "not_attempted": N_("not attempted"),
}
"""The status words of the feedback pages (msgids of the graders' catalogue, which translates them)."""


def _stem(name: str) -> str:
    return name[: -len(".ipynb")] if name.lower().endswith(".ipynb") else name


def student_id_rule(rule: str = "folder") -> Callable[[str], str]:
    """The function that takes a submission's name to its student id.

    Parameters
    ----------
    rule : str
        ``"folder"``, ``"stem"`` or a regular expression with a group named ``id``
        (see the module's docstring).

    Returns
    -------
    callable
        ``submission name -> student id``; it raises ValueError for a name the rule does
        not match (a regular expression that finds nothing, or an empty id).

    Raises
    ------
    ValueError
        If ``rule`` is none of these, or is an invalid regular expression.
    """
    if not isinstance(rule, str):
        raise TypeError(f"rule must be a str, got {type(rule).__name__}")
    if rule == "folder":
        def by_folder(name: str) -> str:
            parts = name.split("/")
            return parts[0] if len(parts) > 1 else _stem(parts[0])

        return _checked(by_folder, rule)
    if rule == "stem":
        return _checked(lambda name: _stem(name.rsplit("/", 1)[-1]), rule)
    try:
        pattern = re.compile(rule)
    except re.error as exc:
        raise ValueError(f"rule {rule!r} is not a valid regular expression: {exc}") from None
    if "id" not in pattern.groupindex:
        raise ValueError(
            f"rule {rule!r} must be 'folder', 'stem' or a regular expression with a group named id, "
            "e.g. '(?P<id>[^/]+)/'"
        )

    def by_pattern(name: str) -> str:
        match = pattern.search(name)
        return match.group("id") if match and match.group("id") else ""

    return _checked(by_pattern, rule)


def _checked(rule: Callable[[str], str], text: str) -> Callable[[str], str]:
    def student_id(name: str) -> str:
        found = rule(name).strip()
        if not found:
            raise ValueError(f"the student-id rule {text!r} finds no id in submission {name!r}")
        return found

    return student_id


@dataclass(frozen=True)
class StudentGrades:
    """One student's row of the wide gradebook.

    Attributes
    ----------
    student : str
        The student id.
    submissions : tuple of str
        The notebooks graded for this student.
    points : dict of str to float
        Exercise id -> points; an exercise without a row for this student is absent.
    total : float
        Sum of the points.
    scored : bool
        Whether any of the student's rows is an exercise (False when every notebook had
        an unknown lesson): then total and percentage are left empty in the CSV.
    """

    student: str
    submissions: tuple[str, ...]
    points: dict[str, float]
    total: float
    scored: bool


def student_grades(
    rows: Iterable[GradeRow], rule: str = "folder"
) -> tuple[list[tuple[str, float]], list[StudentGrades]]:
    """Group the gradebook's rows by student.

    Parameters
    ----------
    rows : iterable of GradeRow
    rule : str
        The student-id rule (:func:`student_id_rule`).

    Returns
    -------
    exercises : list of (str, float)
        Every exercise seen, with its worth, in lesson order then first-seen order.
    students : list of StudentGrades
        One per student, sorted by id.

    Raises
    ------
    ValueError
        If the rule finds no id in a submission, or two submissions of one student grade
        the same exercise (the rule is too coarse: e.g. ``folder`` on ``lesson06/ada.ipynb``).
    """
    to_id = student_id_rule(rule)
    worth: dict[str, float] = {}
    lesson_of: dict[str, str] = {}
    per_student: dict[str, dict[str, float]] = {}
    notebooks: dict[str, list[str]] = {}
    source: dict[tuple[str, str], str] = {}
    for row in rows:
        student = to_id(row.submission)
        notebooks.setdefault(student, [])
        if row.submission not in notebooks[student]:
            notebooks[student].append(row.submission)
        per_student.setdefault(student, {})
        if row.exercise == NO_EXERCISE:
            continue
        key = (student, row.exercise)
        if key in source and source[key] != row.submission:
            raise ValueError(
                f"student {student!r} has two submissions for exercise {row.exercise!r} "
                f"({source[key]!r} and {row.submission!r}); choose a rule that tells them apart "
                "(e.g. 'stem' or a regular expression)"
            )
        source[key] = row.submission
        per_student[student][row.exercise] = float(row.points)
        worth[row.exercise] = max(worth.get(row.exercise, 0.0), float(row.max_points))
        lesson_of.setdefault(row.exercise, row.lesson)
    order = {exercise: i for i, exercise in enumerate(worth)}
    exercises = sorted(worth.items(), key=lambda item: (lesson_of[item[0]], order[item[0]]))
    students = [
        StudentGrades(
            student,
            tuple(notebooks[student]),
            per_student[student],
            sum(per_student[student].values()),
            bool(per_student[student]),
        )
        for student in sorted(per_student)
    ]
    return exercises, students


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.4g}"


def wide_header(exercises: Sequence[str], layout: str = "plain", id_column: str | None = None) -> list[str]:
    """The wide CSV's header row for ``layout``.

    Examples
    --------
    >>> wide_header(["softmax_stable"], "moodle")
    ['Username', 'softmax_stable', 'Total', 'Percentage']
    >>> wide_header(["softmax_stable"], "canvas")[:6]
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'softmax_stable']
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}; got {layout!r}")
    if layout == "canvas":
        return [*_CANVAS_FIXED, *exercises, "Total", "Percentage"]
    if layout == "moodle":
        return [id_column or _DEFAULT_ID_COLUMN["moodle"], *exercises, "Total", "Percentage"]
    return [id_column or "student", *exercises, "total", "percentage", "submissions"]


def validate_wide_options(layout: str = "plain", id_column: str | None = None, rule: str = "folder") -> None:
    """Check the wide CSV's options before a long grading run, not after it.

    Raises
    ------
    ValueError
        Naming ``layout``, ``id_column`` or ``rule`` when it is not valid.

    Examples
    --------
    >>> validate_wide_options("canvas", "Email")
    Traceback (most recent call last):
    ...
    ValueError: id_column for canvas must be one of ID, SIS User ID, SIS Login ID; got 'Email'
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}; got {layout!r}")
    if id_column is not None and not str(id_column).strip():
        raise ValueError("id_column must not be empty")
    if layout == "canvas" and id_column is not None and id_column not in CANVAS_ID_COLUMNS:
        choices = ", ".join(CANVAS_ID_COLUMNS)
        raise ValueError(f"id_column for canvas must be one of {choices}; got {id_column!r}")
    student_id_rule(rule)


def write_wide_csv(
    rows: Iterable[GradeRow],
    path: str | os.PathLike[str],
    *,
    rule: str = "folder",
    layout: str = "plain",
    id_column: str | None = None,
) -> list[StudentGrades]:
    """Write the wide gradebook: one row per student, one column per exercise.

    Parameters
    ----------
    rows : iterable of GradeRow
        The long gradebook's rows (every lesson graded in the run).
    path : path-like
        The CSV to write (UTF-8 with a byte-order mark), written whole or not at all.
    rule : str
        How the student id is taken from the submission's path (:func:`student_id_rule`).
    layout : {"plain", "canvas", "moodle"}
        See the module's docstring.
    id_column : str, optional
        The header of the identifier column: for ``canvas`` one of
        :data:`CANVAS_ID_COLUMNS` (default ``"SIS Login ID"``); for ``moodle`` any name
        (default ``"Username"``; ``"Email address"`` or ``"ID number"`` when the id is
        one); for ``plain`` default ``"student"``.

    Returns
    -------
    list of StudentGrades
        The rows written, one per student.

    Notes
    -----
    An exercise a student has no row for (their notebook's lesson was unknown) is left
    empty, so an import does not overwrite a grade with 0. ``Percentage`` is
    ``100 * Total / (sum of every exercise column's worth)``, rounded to 0.1.
    """
    validate_wide_options(layout, id_column, rule)
    exercises, students = student_grades(rows, rule)
    names = [exercise for exercise, _ in exercises]
    maximum = sum(worth for _, worth in exercises)
    table = [wide_header(names, layout, id_column)]
    if layout == "canvas":
        worths = [_number(worth) for _, worth in exercises]
        table.append(["Points Possible", "", "", "", "", *worths, _number(maximum), "100"])
    for grades in students:
        cells = [_number(grades.points[e]) if e in grades.points else "" for e in names]
        total = _number(grades.total) if grades.scored else ""
        percent = f"{100 * grades.total / maximum:.1f}" if grades.scored and maximum > 0 else ""
        if layout == "canvas":
            chosen = id_column or _DEFAULT_ID_COLUMN["canvas"]
            ids = [grades.student if column == chosen else "" for column in CANVAS_ID_COLUMNS]
            table.append([grades.student, *ids, "", *cells, total, percent])
        elif layout == "moodle":
            table.append([grades.student, *cells, total, percent])
        else:
            table.append([grades.student, *cells, total, percent, "; ".join(grades.submissions)])
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "w", encoding=CSV_ENCODING, newline="") as fh:
        csv.writer(fh).writerows(table)
    os.replace(tmp, path)
    return students


_STYLE = """body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
h2{font-size:1.1rem;margin-top:1.5rem}.passed{color:#1b7837}.failed,.error{color:#b2182b}
.not_attempted{color:#555}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem;border-radius:4px}"""


def feedback_html(
    submission: str, rows: Sequence[GradeRow], notes: Sequence[str] = (), language: str = "en"
) -> str:
    """The feedback a student receives for one submission, as a standalone HTML page.

    The same content as :func:`course_tools.grader.gradebook.feedback_markdown`; every piece of
    text (the file name, messages, notes) is HTML-escaped, so a message quoting
    ``x < 0 & y > 1`` or ``<script>`` shows as written and runs nothing.

    Parameters
    ----------
    submission : str
        The submission's name as in the gradebook.
    rows : sequence of GradeRow
        Its rows, in exercise order.
    notes : sequence of str
        What happened while the notebook ran.
    language : str
        The language of the page's headings and status words (``"en"`` or ``"zh"``), as for
        :func:`course_tools.grader.gradebook.feedback_markdown`.

    Returns
    -------
    str
    """
    from course_utils.grading.i18n import _, normalise, using_language

    lang = normalise(language) or "en"
    with using_language(lang):
        return _feedback_html(submission, rows, notes, lang, _)


def _feedback_html(
    submission: str, rows: Sequence[GradeRow], notes: Sequence[str], lang: str, _: Callable[..., str]
) -> str:
    esc = html.escape
    points = sum(float(r.points) for r in rows)
    maximum = sum(float(r.max_points) for r in rows)
    lesson = next((r.lesson for r in rows if r.lesson), "")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{esc(_('Feedback on {submission}', submission=submission))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_('Feedback on {submission}', submission=f'<code>{esc(submission)}</code>')}</h1>",
    ]
    if lesson:
        out.append(f"<p>{esc(_('Lesson {lesson}.', lesson=lesson))}</p>")
    if maximum > 0:
        score = _("Score: {points} / {maximum}", points=_number(points), maximum=_number(maximum))
        out.append(f"<p><strong>{esc(score)}</strong> ({100 * points / maximum:.0f}%).</p>")
    for row in rows:
        title = esc(_("the notebook")) if row.exercise == NO_EXERCISE else f"<code>{esc(row.exercise)}</code>"
        status = esc(row.status)
        word = esc(
            _(_STATUS_WORDS[row.status]).upper() if row.status in _STATUS_WORDS else row.status.upper()
        )
        message = clip_message(row.message).strip() or _("(no message)")
        out.append(
            f'<h2>{title}: <span class="{status}">{word}</span> '
            f"({_number(row.points)}/{_number(row.max_points)})</h2>"
        )
        out.append(f"<pre>{esc(message)}</pre>")
    if notes:
        out.append(f"<h2>{esc(_('While your notebook ran'))}</h2>")
        out.append("<ul>")
        out.extend(f"<li>{html.escape(clip_message(note, 300))}</li>" for note in notes)
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_feedback_html(
    folder: str | os.PathLike[str],
    rows: Iterable[GradeRow],
    notes: dict[str, Sequence[str]] | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write one HTML feedback page per submission under ``folder``.

    Sub-folders are mirrored as for the Markdown feedback, so ``class 2/ada.ipynb`` gets
    ``folder/class 2/ada.html`` beside ``ada.md``. ``languages`` maps a submission to the
    language of its page (``"zh"`` for a Chinese notebook); others get English.

    Returns
    -------
    dict of str to Path
        Submission name -> feedback page.
    """
    return write_per_submission(folder, rows, ".html", feedback_html, notes, languages)
