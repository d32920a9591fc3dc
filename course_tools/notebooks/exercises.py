"""Exercise notebooks generated from solution notebooks.

The solution notebook ``solutions/NN-slug.ipynb`` is the single source of the exercise
notebook ``exercises/NN-slug.ipynb``.

Solution regions
----------------
In a code cell of a solution notebook, the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` are the answer. In the exercise notebook they become

* inside a function (the marker is indented): ``raise NotImplementedError("your code here")``
  at the marker's indentation;
* at top level: ``name = None  # your answer here`` for every name the region assigns.

In a markdown cell, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` is removed (a
markdown cell left empty is dropped). Cells tagged ``solution-only`` are dropped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from course_utils.course import ROOT, Lesson
from course_utils.course import lesson as find_lesson

from .files import (
    cell_tags,
    course_notebooks,
    notebook_language,
    read_notebook,
    strip_notebook,
    write_notebook,
)
from .navigation import NAV_TAG, apply_nav

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "BEGIN",
    "END",
    "MD_BEGIN",
    "MD_END",
    "SOLUTION_ONLY_TAG",
    "blank_code",
    "generate_exercise",
    "strip_markdown_solutions",
    "write_exercises",
]

BEGIN = "### BEGIN SOLUTION"
"""Marker line opening a solution region in a code cell."""
END = "### END SOLUTION"
"""Marker line closing a solution region in a code cell."""
MD_BEGIN = "<!-- BEGIN SOLUTION -->"
"""Opens a solution region in a markdown cell."""
MD_END = "<!-- END SOLUTION -->"
"""Closes a solution region in a markdown cell."""
SOLUTION_ONLY_TAG = "solution-only"
"""Cell tag of solution-notebook cells that the exercise notebook leaves out."""
PLACEHOLDER_RAISE = 'raise NotImplementedError("your code here")'
PLACEHOLDER_VALUE = "None  # your answer here"
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _assigned_names(region: str, where: str) -> list[str]:
    """Names a top-level region binds, in order of first binding (imports excluded)."""
    try:
        tree = ast.parse(region)
    except SyntaxError as error:
        raise ValueError(
            f"{where}: the solution region is not valid Python on its own "
            f"(line {error.lineno} of the region: {error.msg})"
        ) from None
    found: list[tuple[int, int, str]] = []
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    comprehensions = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        if isinstance(node, scopes):
            if not isinstance(node, ast.Lambda):
                found.append((node.lineno, node.col_offset, node.name))
                for decorator in node.decorator_list:
                    visit(decorator)
            return  # names bound inside a function or class are local to it
        if isinstance(node, comprehensions):
            return  # comprehension variables are local to the comprehension
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append((node.lineno, node.col_offset, node.id))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    names: list[str] = []
    for _, _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


def blank_code(source: str, *, where: str = "cell") -> str:
    """Replace every solution region of a code cell's source by its blank.

    Parameters
    ----------
    source : str
        The cell's source.
    where : str, optional
        Names the cell in error messages (e.g. ``"solutions/01-x.ipynb, cell 7"``).

    Returns
    -------
    str
        The source with each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region
        replaced: inside a function by ``raise NotImplementedError("your code here")`` at the
        marker's indentation, at top level by ``name = None  # your answer here`` for every
        name the region assigns.

    Raises
    ------
    ValueError
        On a region without ``### END SOLUTION``, an END without BEGIN, nested regions, a
        top-level region that does not parse or assigns no name, or an END marker indented
        differently from its BEGIN.

    Examples
    --------
    >>> print(blank_code('''def hat(x):
    ...     ### BEGIN SOLUTION
    ...     return relu(x + 1) - 2 * relu(x) + relu(x - 1)
    ...     ### END SOLUTION'''))
    def hat(x):
        raise NotImplementedError("your code here")
    >>> print(blank_code('''### BEGIN SOLUTION
    ... a, b = 1, 2
    ... ### END SOLUTION
    ... print(a)'''))
    a = None  # your answer here
    b = None  # your answer here
    print(a)
    """
    lines = source.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith(END):
            raise ValueError(f"{where}, line {index + 1}: {END!r} without a preceding {BEGIN!r}")
        if not stripped.startswith(BEGIN):
            out.append(line)
            index += 1
            continue
        start = index
        indent = _indent_of(line)
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(END):
            if lines[index].strip().startswith(BEGIN):
                raise ValueError(
                    f"{where}, line {index + 1}: nested {BEGIN!r} (the region opened on line "
                    f"{start + 1} has no {END!r} before it)"
                )
            index += 1
        if index == len(lines):
            raise ValueError(f"{where}, line {start + 1}: {BEGIN!r} without a matching {END!r}")
        if _indent_of(lines[index]) != indent:
            raise ValueError(
                f"{where}, line {index + 1}: {END!r} is indented differently from the {BEGIN!r} "
                f"on line {start + 1}"
            )
        region = lines[start + 1 : index]
        index += 1  # skip END
        if indent:
            out.append(indent + PLACEHOLDER_RAISE)
            continue
        names = _assigned_names("\n".join(region), f"{where}, line {start + 1}")
        if not names:
            raise ValueError(
                f"{where}, line {start + 1}: a top-level solution region must assign the answer "
                "to a name (e.g. `answer = ...`), or sit inside a function"
            )
        out.extend(f"{name} = {PLACEHOLDER_VALUE}" for name in names)
    return "\n".join(out)


_MD_REGION = re.compile(re.escape(MD_BEGIN) + r".*?" + re.escape(MD_END), re.DOTALL)


def strip_markdown_solutions(text: str, *, where: str = "cell") -> str:
    """Remove ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` from markdown.

    Parameters
    ----------
    text : str
        A markdown cell's source.
    where : str, optional
        Names the cell in error messages.

    Returns
    -------
    str
        The text without its solution regions (runs of blank lines left behind collapse to
        one; leading and trailing blank lines are removed).

    Raises
    ------
    ValueError
        When a BEGIN marker has no END marker, or an END marker no BEGIN.

    Examples
    --------
    >>> strip_markdown_solutions("Answer: <!-- BEGIN SOLUTION -->(b)<!-- END SOLUTION -->")
    'Answer:'
    """
    result = _MD_REGION.sub("", text)
    if MD_BEGIN in result:
        raise ValueError(f"{where}: {MD_BEGIN!r} without a matching {MD_END!r}")
    if MD_END in result:
        raise ValueError(f"{where}: {MD_END!r} without a preceding {MD_BEGIN!r}")
    if result == text:
        return text
    lines = [line.rstrip() for line in result.split("\n")]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed).strip("\n")


def _lesson_of(nb: NotebookNode, lesson: str | int | None) -> Lesson:
    if lesson is not None:
        return find_lesson(lesson)
    meta = nb.get("metadata", {}).get("course_utils", {})
    if "lesson" not in meta:
        raise ValueError(
            'nb: no metadata["course_utils"]["lesson"]; pass lesson= or add the metadata '
            '{"lesson": "NN", "kind": "solution"}'
        )
    return find_lesson(meta["lesson"])


def generate_exercise(nb: NotebookNode, lesson: str | int | None = None) -> NotebookNode:
    """Build the exercise notebook from a solution notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The solution notebook (not modified).
    lesson : str or int, optional
        Lesson number; default ``nb.metadata["course_utils"]["lesson"]``.

    Returns
    -------
    nbformat.NotebookNode
        Solution regions blanked (see :func:`blank_code`, :func:`strip_markdown_solutions`),
        cells tagged ``solution-only`` dropped, outputs and execution counts removed, the
        solution's cell ids kept, metadata ``course_utils = {"lesson": NN, "kind":
        "exercise"}`` (plus the solution's ``"language"`` in a translated edition) and
        navigation cells for the exercise notebook, in the solution's language.

    Raises
    ------
    ValueError
        When a solution region is malformed (the message names the cell and line) or the
        lesson is unknown.

    Examples
    --------
    >>> import nbformat
    >>> solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nxor_choice = 'b'\\n### END SOLUTION", id="answer")])
    >>> exercise = generate_exercise(solution, lesson="01")
    >>> exercise.cells[1].source
    'xor_choice = None  # your answer here'
    >>> exercise.metadata["course_utils"]
    {'lesson': '01', 'kind': 'exercise'}
    """
    current = _lesson_of(nb, lesson)
    source_name = f"solutions/{current.filename}"
    result = strip_notebook(nb)
    cells = []
    for number, cell in enumerate(result.cells, start=1):
        tags = cell_tags(cell)
        if NAV_TAG in tags or SOLUTION_ONLY_TAG in tags:
            continue
        where = f"{source_name}, cell {number}"
        if cell.cell_type == "code":
            cell.source = blank_code(cell.source, where=where)
        elif cell.cell_type == "markdown":
            cell.source = strip_markdown_solutions(cell.source, where=where)
            if not cell.source.strip():
                continue
        cells.append(cell)
    result.cells = cells
    result.metadata.setdefault("kernelspec", dict(_KERNELSPEC))
    result.metadata.setdefault("language_info", dict(_LANGUAGE_INFO))
    language = notebook_language(nb)
    result.metadata["course_utils"] = {"lesson": current.number, "kind": "exercise"}
    if language != "en":
        result.metadata["course_utils"]["language"] = language
    return apply_nav(result, current.number, "exercise", language)


def write_exercises(root: str | Path = ROOT, lessons: Sequence[str] | None = None) -> list[Path]:
    """Regenerate ``exercises/NN-slug.ipynb`` from every ``solutions/NN-slug.ipynb``.

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
        if kind != "solution" or current is None:
            continue
        exercise = generate_exercise(read_notebook(path), current.number)
        target = root / "exercises" / path.name
        if write_notebook(exercise, target):
            changed.append(target)
    return changed
