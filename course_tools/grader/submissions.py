"""Finding and reading submissions, in the grader's main process (nothing here runs them).

:func:`find_notebooks` lists the notebooks named on the command line, :func:`submission_names`
gives each its name in the gradebook, and :func:`read_submission` reads a notebook's lesson,
size and language without running it, into a :class:`Submission` that
:func:`course_tools.grader.grade.grade` then runs and judges.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MAX_NOTEBOOK_BYTES",
    "Submission",
    "UsageError",
    "find_notebooks",
    "first_line",
    "lesson_exercises",
    "read_submission",
    "submission_names",
]

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
"""Submissions larger than this are not run (a row says so)."""


class UsageError(Exception):
    """A problem with the command line (exit status 2)."""


@dataclass
class Submission:
    """One notebook to grade.

    Attributes
    ----------
    path : Path
        Absolute path of the file.
    name : str
        Its path relative to the common parent of the given PATHs, with POSIX slashes.
    lesson : str or None
        Two-digit lesson number, or None when unknown.
    problem : str or None
        Why the notebook cannot be run (empty, corrupt, too large...), or None.
    code_cells : int
        Number of code cells (sets the wall-clock cap).
    exercises : list of (str, float)
        The lesson's exercise ids and their points, in notebook order.
    notes : list of str
        What happened while the notebook ran (for the feedback file).
    language : str
        The language of its feedback: the notebook's ``metadata["course_utils"]["language"]``
        (``"zh"`` for the Chinese edition), else ``"en"``.
    """

    path: Path
    name: str
    lesson: str | None = None
    problem: str | None = None
    code_cells: int = 0
    exercises: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str = "en"


def _is_hidden(part: str) -> bool:
    return part.startswith(".")


def find_notebooks(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The notebooks named by ``paths``: files as given, folders searched recursively.

    Hidden folders (``.ipynb_checkpoints``, ``.git``...) are skipped, symbolic links to
    folders are not followed, and a file reached twice is listed once.

    Parameters
    ----------
    paths : sequence of path-like
        Notebook files or folders.

    Returns
    -------
    list of Path
        Absolute paths, sorted within each folder.

    Raises
    ------
    UsageError
        If a path does not exist.
    """
    found: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
                for name in sorted(files):
                    if name.lower().endswith(".ipynb") and not _is_hidden(name):
                        add(Path(folder) / name)
        elif path.is_file():
            add(path)
        else:
            raise UsageError(f"PATH {str(given)!r} does not exist")
    return found


def submission_names(paths: Sequence[str | os.PathLike[str]], notebooks: Sequence[Path]) -> list[str]:
    """Each notebook's path relative to the common parent of ``paths`` (POSIX slashes).

    A folder PATH is its own parent; a file PATH's parent is its folder.

    Examples
    --------
    >>> submission_names(["/c/class 1"], [Path("/c/class 1/a.ipynb"), Path("/c/class 1/b/c.ipynb")])
    ['a.ipynb', 'b/c.ipynb']
    >>> submission_names(["/c/x/a.ipynb", "/c/y"], [Path("/c/x/a.ipynb"), Path("/c/y/a.ipynb")])
    ['x/a.ipynb', 'y/a.ipynb']
    """
    roots = []
    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isfile(absolute) or (
            not os.path.isdir(absolute) and absolute.lower().endswith(".ipynb")
        ):
            absolute = os.path.dirname(absolute)
        roots.append(absolute)
    try:
        base = os.path.commonpath(roots) if roots else ""
    except ValueError:  # different drives on Windows
        base = ""
    names = []
    for notebook in notebooks:
        absolute = os.path.abspath(notebook)
        relative = os.path.relpath(absolute, base) if base else absolute
        names.append(Path(relative).as_posix())
    return names


def first_line(source: str, width: int = 50) -> str:
    """The first non-blank line of ``source``, stripped and cut to ``width`` characters."""
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 1] + "…"
    return ""


def read_submission(path: Path, name: str, forced_lesson: str | None) -> Submission:
    """Read a notebook's lesson and size without running it.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        Its name in the gradebook.
    forced_lesson : str or None
        ``--lesson``: overrides the notebook's metadata.

    Returns
    -------
    Submission
        With ``problem`` set when the file cannot be run.
    """
    sub = Submission(path=path, name=name, lesson=forced_lesson)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            sub.problem = (
                f"the file is {size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 2**20} MB "
                "a notebook may have; clear its outputs and submit again"
            )
            return sub
        raw = path.read_bytes()
    except OSError as exc:
        sub.problem = f"the file could not be read: {exc.strerror or exc}"
        return sub
    if not raw.strip():
        sub.problem = "the file is empty (0 bytes)" if not raw else "the file holds only whitespace"
        return sub
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        sub.problem = f"the file is not UTF-8 text, so not a notebook ({exc.reason} at byte {exc.start})"
        return sub
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        sub.problem = (
            f"the file is not valid JSON, so not a readable notebook ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); it may have been cut short or edited by hand"
        )
        return sub
    except RecursionError:
        sub.problem = "the file is not a readable notebook (JSON nested too deeply)"
        return sub
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not (isinstance(cells, list) or "worksheets" in data):
        sub.problem = "the file is JSON but not a Jupyter notebook (it has no list of cells)"
        return sub
    if isinstance(cells, list):
        sub.code_cells = sum(isinstance(c, dict) and c.get("cell_type") == "code" for c in cells)
    else:
        sub.code_cells = 200
    metadata = data.get("metadata")
    info = metadata.get("course_utils") if isinstance(metadata, dict) else None
    if isinstance(info, dict):
        from course_utils.grading.i18n import normalise

        sub.language = normalise(info.get("language")) or "en"
    if forced_lesson is None:
        value = info.get("lesson") if isinstance(info, dict) else None
        if value is None:
            sub.problem = (
                "the notebook does not say which lesson it belongs to (no "
                'metadata["course_utils"]["lesson"]); grade it with --lesson NN'
            )
            return sub
        from course_utils.course import LESSONS_BY_NUMBER, lesson_number

        number = lesson_number(value)
        sub.lesson = number if number in LESSONS_BY_NUMBER else None
        if sub.lesson is None:
            sub.problem = (
                f"the notebook's metadata names lesson {value!r}, which is not a lesson of this "
                "course; grade it with --lesson NN"
            )
    return sub


def lesson_exercises(lesson: str) -> list[tuple[str, float]]:
    """The ids and points of the exercises of ``lesson`` (two digits), in notebook order."""
    from course_utils.grading import exercises_for_lesson

    return [(ex.id, float(ex.points)) for ex in exercises_for_lesson(lesson)]
