"""The navigation cells (``< previous | Contents | next >``) at the top and bottom of every notebook."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from course_utils.course import LESSONS, ROOT, Lesson
from course_utils.course import lesson as find_lesson

from .files import FOLDERS, cell_tags, course_notebooks, notebook_language, read_notebook, write_notebook

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["NAV_TAG", "NAV_WORDS", "apply_nav", "nav_cells", "nav_markdown", "write_nav"]

NAV_TAG = "nav"
"""Cell tag of the generated navigation cells."""
NAV_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "previous": "",
        "next": "",
        "contents": "Contents",
        "lesson": "Lesson",
        "exercises": "Exercises",
        "exercise": " — exercises",
        "solution": " — solutions",
        "colon": ":",
    },
    "zh": {
        "previous": "上一课：",
        "next": "下一课：",
        "contents": "目录",
        "lesson": "本课",
        "exercises": "练习",
        "exercise": " — 练习",
        "solution": " — 参考答案",
        "colon": "：",
    },
}
"""The words of the navigation cells in each language of the course."""


def _link(
    lesson: Lesson, folder: str, here: str, suffix: str = "", arrow: str = "", language: str = "en"
) -> str:
    """A markdown link from a notebook in folder ``here`` to ``lesson``'s notebook in ``folder``."""
    target = lesson.filename if folder == here else f"../{folder}/{lesson.filename}"
    words = NAV_WORDS[language]
    label = f"{lesson.number} · {lesson.title_in(language)}{suffix}"
    label = {"": label, "<": f"< {words['previous']}{label}", ">": f"{words['next']}{label} >"}[arrow]
    return f"[{label}]({target})"


def nav_markdown(lesson: str | int, kind: str, language: str = "en") -> str:
    """The markdown of the navigation cell of one notebook.

    Parameters
    ----------
    lesson : str or int
        Lesson number (``"01"`` or ``1``).
    kind : {"lesson", "exercise", "solution"}
        Which notebook of the lesson: ``notebooks/``, ``exercises/`` or ``solutions/``.
    language : str, optional
        A key of :data:`NAV_WORDS`: ``"en"`` (default) or a translated edition such as
        ``"zh"``, whose notebooks live under ``zh/`` and link to each other there.

    Returns
    -------
    str
        ``< previous | Contents | next >`` (previous and next within the same folder; the
        exercise and solution folders skip lessons without exercises), then a line linking
        the lesson's other notebooks.

    Examples
    --------
    >>> print(nav_markdown("01", "lesson"))
    [< 00 · Start here](00-start-here.ipynb) | [Contents](../README.md) | \
[02 · Sigmoid and tanh saturation >](02-sigmoid-tanh-saturation.ipynb)
    <BLANKLINE>
    **Exercises:** [01 · Why nonlinearity — exercises](../exercises/01-why-nonlinearity.ipynb)
    >>> print(nav_markdown("07", "lesson", language="zh"))
    [< 上一课：06 · Softmax 与温度](06-softmax-temperature.ipynb) | [目录](../README.md)
    <BLANKLINE>
    **练习：** [07 · 如何选择激活函数 — 练习](../exercises/07-choosing-an-activation.ipynb)
    """
    if language not in NAV_WORDS:
        raise ValueError(f"language: expected one of {sorted(NAV_WORDS)}, got {language!r}")
    if kind not in FOLDERS:
        raise ValueError(f"kind: expected one of {sorted(FOLDERS)}, got {kind!r}")
    current = find_lesson(lesson)
    folder = FOLDERS[kind]
    sequence = [item for item in LESSONS if kind == "lesson" or item.has_exercises]
    if current not in sequence:
        raise ValueError(f"lesson: lesson {current.number} has no {kind} notebook")
    position = sequence.index(current)
    words = NAV_WORDS[language]
    suffix = "" if kind == "lesson" else words[kind]
    parts = []
    if position > 0:
        parts.append(_link(sequence[position - 1], folder, folder, suffix, "<", language))
    parts.append(f"[{words['contents']}](../README.md)")
    if position + 1 < len(sequence):
        parts.append(_link(sequence[position + 1], folder, folder, suffix, ">", language))
    lines = [" | ".join(parts)]
    exercises = f"**{words['exercises']}{words['colon']}** " + _link(
        current, "exercises", folder, words["exercise"], language=language
    )
    lesson_link = f"**{words['lesson']}{words['colon']}** " + _link(
        current, "notebooks", folder, language=language
    )
    if kind == "lesson" and current.has_exercises:
        lines.append(exercises)
    elif kind == "exercise":
        lines.append(lesson_link)
    elif kind == "solution":
        lines.append(f"{lesson_link} · {exercises}")
    return "\n\n".join(lines)


def nav_cells(lesson: str | int, kind: str, language: str = "en") -> tuple[NotebookNode, NotebookNode]:
    """The navigation cells (top, bottom) of one notebook.

    Both are markdown cells tagged ``"nav"`` with the fixed ids ``nav-top`` and
    ``nav-bottom``, so regenerating them changes no bytes.

    Parameters
    ----------
    lesson : str or int
        Lesson number.
    kind : {"lesson", "exercise", "solution"}
    language : str, optional
        The language of the notebook (see :func:`nav_markdown`).

    Returns
    -------
    tuple of nbformat.NotebookNode

    Examples
    --------
    >>> top, bottom = nav_cells(7, "lesson")
    >>> top.metadata["tags"], top.id, bottom.id
    (['nav'], 'nav-top', 'nav-bottom')
    >>> ">](" in top.source  # the last lesson has no "next >" link
    False
    """
    from nbformat.v4 import new_markdown_cell

    text = nav_markdown(lesson, kind, language)
    cells = []
    for cell_id in ("nav-top", "nav-bottom"):
        cell = new_markdown_cell(text, metadata={"tags": [NAV_TAG]})
        cell["id"] = cell_id
        cells.append(cell)
    return cells[0], cells[1]


def apply_nav(nb: NotebookNode, lesson: str | int, kind: str, language: str | None = None) -> NotebookNode:
    """Return a copy of ``nb`` with fresh navigation cells as its first and last cell.

    Existing cells tagged ``"nav"`` are removed first, so applying it twice changes nothing.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    lesson : str or int
    kind : {"lesson", "exercise", "solution"}
    language : str, optional
        The language of the navigation; default: the notebook's own,
        ``metadata["course_utils"]["language"]``, or ``"en"``.

    Returns
    -------
    nbformat.NotebookNode
    """
    nb = copy.deepcopy(nb)
    top, bottom = nav_cells(lesson, kind, language or notebook_language(nb))
    body = [cell for cell in nb.cells if NAV_TAG not in cell_tags(cell)]
    nb.cells = [top, *body, bottom]
    return nb


def write_nav(root: str | Path = ROOT, lessons: Sequence[str] | None = None) -> list[Path]:
    """Rewrite the navigation cells (first and last cell) of every course notebook.

    Lesson, solution and exercise notebooks alike; the result is what :func:`apply_nav`
    makes, the same cells :func:`generate_exercise` puts into a generated exercise notebook.
    Notebooks whose file name is not a lesson's are left alone (``check`` reports them).

    Parameters
    ----------
    root : str or Path, optional
        The course's root folder.
    lessons : sequence of str, optional
        Only these lesson numbers.

    Returns
    -------
    list of Path
        The files that changed.
    """
    root = Path(root)
    changed = []
    for path, current, kind in course_notebooks(root, lessons):
        if current is None or (kind != "lesson" and not current.has_exercises):
            continue
        nb = read_notebook(path)
        if write_notebook(apply_nav(nb, current.number, kind), path):
            changed.append(path)
    return changed
