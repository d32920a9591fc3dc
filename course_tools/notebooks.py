"""Keep the course's notebooks consistent: navigation cells, exercise notebooks, clean storage.

The solution notebook ``solutions/NN-slug.ipynb`` is the single source of the exercise
notebook ``exercises/NN-slug.ipynb``; this module generates one from the other, writes the
navigation cells (``< previous | Contents | next >``) at the top and bottom of every notebook,
strips outputs, and reports anything stale.

Command line::

    python -m course_tools.notebooks nav        [--lesson NN]   # rewrite navigation cells
    python -m course_tools.notebooks exercises  [--lesson NN]   # regenerate exercises/ from solutions/
    python -m course_tools.notebooks strip      [--lesson NN]   # drop outputs and widget state
    python -m course_tools.notebooks check      [--lesson NN]   # exit 1 and list what is stale

Solution regions
----------------
In a code cell of a solution notebook, the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` are the answer. In the exercise notebook they become

* inside a function (the marker is indented): ``raise NotImplementedError("your code here")``
  at the marker's indentation;
* at top level: ``name = None  # your answer here`` for every name the region assigns.

In a markdown cell, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` is removed (a
markdown cell left empty is dropped). Cells tagged ``solution-only`` are dropped.

Notebook metadata ``metadata["course_utils"] = {"lesson": "NN", "kind": KIND}`` with KIND
``"lesson"`` (notebooks/), ``"exercise"`` (exercises/) or ``"solution"`` (solutions/) is
what the class grader and the tests read.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_utils.course import LESSONS, ROOT, Lesson

if TYPE_CHECKING:  # nbformat costs about a second to import: load it only when needed
    from nbformat import NotebookNode

__all__ = [
    "BEGIN",
    "END",
    "FOLDERS",
    "KINDS",
    "NAV_TAG",
    "NAV_WORDS",
    "apply_nav",
    "blank_code",
    "course_notebooks",
    "find_problems",
    "generate_exercise",
    "is_stale",
    "main",
    "nav_cells",
    "notebook_language",
    "nav_markdown",
    "read_notebook",
    "strip_markdown_solutions",
    "strip_notebook",
    "write_exercises",
    "write_nav",
    "write_notebook",
    "write_stripped",
    "writes_notebook",
]

BEGIN = "### BEGIN SOLUTION"
"""Marker line opening a solution region in a code cell."""
END = "### END SOLUTION"
"""Marker line closing a solution region in a code cell."""
MD_BEGIN = "<!-- BEGIN SOLUTION -->"
MD_END = "<!-- END SOLUTION -->"
NAV_TAG = "nav"
"""Cell tag of the generated navigation cells."""
SOLUTION_ONLY_TAG = "solution-only"
"""Cell tag of solution-notebook cells that the exercise notebook leaves out."""
PLACEHOLDER_RAISE = 'raise NotImplementedError("your code here")'
PLACEHOLDER_VALUE = "None  # your answer here"

KINDS: dict[str, str] = {"notebooks": "lesson", "exercises": "exercise", "solutions": "solution"}
"""Folder name -> notebook kind."""
FOLDERS: dict[str, str] = {kind: folder for folder, kind in KINDS.items()}
"""Notebook kind -> folder name."""

# Notebook-level metadata that is kept in stored notebooks; everything else (widget state,
# front-end settings) is dropped by ``strip``.
_KEPT_NB_METADATA = ("kernelspec", "language_info", "course_utils")
# Cell-level metadata that is kept; execution timings and front-end state are dropped.
_DROPPED_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
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
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


# --------------------------------------------------------------------------- reading/writing


def _nbformat() -> Any:
    import nbformat

    return nbformat


def read_notebook(path: str | Path) -> NotebookNode:
    """Read a notebook (format 4) from ``path``.

    Parameters
    ----------
    path : str or Path
        An ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
    """
    nbformat = _nbformat()
    with open(path, encoding="utf-8") as handle:
        return nbformat.read(handle, as_version=4)


def writes_notebook(nb: NotebookNode) -> str:
    """Serialise a notebook to the exact text stored on disk.

    The text is what ``nbformat.write`` produces (keys sorted, one-space indent, UTF-8 kept)
    plus a final newline, so the same notebook always gives the same bytes.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    str
    """
    nbformat = _nbformat()
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb: NotebookNode, path: str | Path) -> bool:
    """Write ``nb`` to ``path`` when its stored text would change.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    path : str or Path

    Returns
    -------
    bool
        True when the file was (re)written, False when it already held these bytes.
    """
    path = Path(path)
    text = writes_notebook(nb)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return True


# --------------------------------------------------------------------------- solution regions


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


# --------------------------------------------------------------------------- cells and metadata


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _clean_cell_metadata(cell: Any) -> None:
    metadata = cell.setdefault("metadata", {})
    for key in _DROPPED_CELL_METADATA:
        metadata.pop(key, None)
    jupyter = metadata.get("jupyter")
    if isinstance(jupyter, dict):
        jupyter.pop("outputs_hidden", None)
        if not jupyter:
            metadata.pop("jupyter")


def strip_notebook(nb: NotebookNode) -> NotebookNode:
    """Return a copy of ``nb`` without outputs, execution counts and front-end state.

    Kept notebook metadata: ``kernelspec``, ``language_info`` (name and lexer only) and
    ``course_utils``; widget state and the rest are dropped. Cells lose execution timings.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    nbformat.NotebookNode
    """
    nb = copy.deepcopy(nb)
    metadata = nb.setdefault("metadata", {})
    for key in list(metadata):
        if key not in _KEPT_NB_METADATA:
            metadata.pop(key)
    if "language_info" in metadata:
        info = metadata["language_info"]
        metadata["language_info"] = {k: info[k] for k in ("name", "pygments_lexer") if k in info}
    for cell in nb.cells:
        _clean_cell_metadata(cell)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


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
    current = _lesson(lesson)
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
    nbformat = _nbformat()
    text = nav_markdown(lesson, kind, language)
    cells = []
    for cell_id in ("nav-top", "nav-bottom"):
        cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [NAV_TAG]})
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
    body = [cell for cell in nb.cells if NAV_TAG not in _tags(cell)]
    nb.cells = [top, *body, bottom]
    return nb


def notebook_language(nb: Any) -> str:
    """The language a notebook is written in: ``metadata["course_utils"]["language"]``, else ``"en"``.

    >>> notebook_language({"metadata": {"course_utils": {"lesson": "01", "language": "zh"}}})
    'zh'
    """
    meta = nb.get("metadata", {}).get("course_utils", {})
    language = meta.get("language", "en") if isinstance(meta, dict) else "en"
    return language if isinstance(language, str) else "en"


def _lesson(number: str | int) -> Lesson:
    from course_utils.course import lesson as find

    return find(number)


def _lesson_of(nb: NotebookNode, lesson: str | int | None) -> Lesson:
    if lesson is not None:
        return _lesson(lesson)
    meta = nb.get("metadata", {}).get("course_utils", {})
    if "lesson" not in meta:
        raise ValueError(
            'nb: no metadata["course_utils"]["lesson"]; pass lesson= or add the metadata '
            '{"lesson": "NN", "kind": "solution"}'
        )
    return _lesson(meta["lesson"])


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
        tags = _tags(cell)
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


# --------------------------------------------------------------------------- the course's files


def course_notebooks(
    root: str | Path = ROOT, lessons: Sequence[str] | None = None
) -> list[tuple[Path, Lesson | None, str]]:
    """Every notebook of the course, as ``(path, lesson, kind)``.

    Parameters
    ----------
    root : str or Path, optional
        The course's root folder (default: this repository).
    lessons : sequence of str, optional
        Only these lesson numbers (default: all).

    Returns
    -------
    list of tuple
        Sorted by folder then file name. ``lesson`` is None for a notebook whose file name
        is not a lesson of :data:`course_utils.course.LESSONS`.
    """
    root = Path(root)
    slugs = {item.slug: item for item in LESSONS}
    found = []
    for folder, kind in KINDS.items():
        for path in sorted((root / folder).glob("*.ipynb")):
            current = slugs.get(path.stem)
            if lessons is not None and (current is None or current.number not in lessons):
                continue
            found.append((path, current, kind))
    return found


def _expected_paths(root: Path, lessons: Sequence[str] | None) -> list[tuple[Path, str]]:
    expected = []
    for item in LESSONS:
        if lessons is not None and item.number not in lessons:
            continue
        expected.append((root / "notebooks" / item.filename, "lesson"))
        if item.has_exercises:
            expected.append((root / "solutions" / item.filename, "solution"))
            expected.append((root / "exercises" / item.filename, "exercise"))
    return expected


def is_stale(path: str | Path, root: str | Path = ROOT, language: str = "en") -> list[str]:
    """What is wrong with one stored notebook (an empty list when nothing is).

    Checks: the file name is a lesson's; ``metadata["course_utils"]`` names that lesson and
    the folder's kind; no outputs, execution counts or widget state are stored; the
    navigation cells are current; an exercise notebook equals what :func:`generate_exercise`
    makes from its solution notebook.

    Parameters
    ----------
    path : str or Path
        A notebook inside ``root/notebooks``, ``root/exercises`` or ``root/solutions``.
    root : str or Path, optional
        The course's root folder (``ROOT / "zh"`` for the Chinese edition).
    language : str, optional
        The edition's language: a translated notebook also carries
        ``metadata["course_utils"]["language"]`` and navigation in its language.

    Returns
    -------
    list of str
        One message per problem.
    """
    path = Path(path)
    root = Path(root)
    kind = KINDS.get(path.parent.name)
    slugs = {item.slug: item for item in LESSONS}
    current = slugs.get(path.stem)
    if kind is None:
        return [f"not in {', '.join(KINDS)}: cannot tell the notebook's kind"]
    if current is None:
        return ["file name is not a lesson of course_utils.course.LESSONS"]
    if kind != "lesson" and not current.has_exercises:
        return [f"lesson {current.number} has no exercises, so no {kind} notebook"]
    try:
        nb = read_notebook(path)
    except Exception as error:  # any unreadable notebook is reported, not raised
        return [f"cannot be read as a notebook: {type(error).__name__}: {error}"]
    problems = []
    expected_meta = {"lesson": current.number, "kind": kind}
    if language != "en":
        expected_meta["language"] = language
    meta = nb.metadata.get("course_utils")
    if meta != expected_meta:
        problems.append(f'metadata["course_utils"] is {meta!r}, expected {expected_meta!r}')
    stored = [
        number
        for number, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    if stored:
        listed = ", ".join(map(str, stored[:8])) + (", ..." if len(stored) > 8 else "")
        problems.append(f"outputs or execution counts stored (cells {listed}); run `strip`")
    if "widgets" in nb.metadata:
        problems.append("widget state stored in the metadata; run `strip`")
    if kind == "exercise":
        solution = root / "solutions" / path.name
        if not solution.exists():
            problems.append(
                f"no solution notebook {solution.relative_to(root).as_posix()} to generate it from"
            )
        else:
            try:
                expected = writes_notebook(generate_exercise(read_notebook(solution), current.number))
            except ValueError as error:
                problems.append(f"cannot be generated: {error}")
            else:
                if path.read_text(encoding="utf-8") != expected:
                    problems.append("differs from the notebook generated from solutions/; run `exercises`")
    elif writes_notebook(apply_nav(nb, current.number, kind, language)) != writes_notebook(nb):
        problems.append("navigation cells are missing or stale; run `nav`")
    return problems


def find_problems(
    root: str | Path = ROOT, lessons: Sequence[str] | None = None, language: str = "en"
) -> list[str]:
    """Everything stale in the course, one ``"path: problem"`` line each.

    Parameters
    ----------
    root : str or Path, optional
        The course's root folder.
    lessons : sequence of str, optional
        Only these lesson numbers.
    language : str, optional
        The edition's language (see :func:`is_stale`).

    Returns
    -------
    list of str
        Empty when the notebooks are up to date.
    """
    root = Path(root)
    problems = []
    for path, kind in _expected_paths(root, lessons):
        if not path.exists():
            problems.append(f"{path.relative_to(root).as_posix()}: missing ({kind} notebook)")
    for path, _, _ in course_notebooks(root, lessons):
        for problem in is_stale(path, root, language):
            problems.append(f"{path.relative_to(root).as_posix()}: {problem}")
    return problems


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


def write_stripped(root: str | Path = ROOT, lessons: Sequence[str] | None = None) -> list[Path]:
    """Strip outputs, execution counts and widget state from every course notebook.

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
    changed = []
    for path, _, _ in course_notebooks(root, lessons):
        if write_notebook(strip_notebook(read_notebook(path)), path):
            changed.append(path)
    return changed


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 1 when ``check`` finds something stale; 2 on a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.notebooks",
        description="Navigation cells, exercise notebooks and clean storage of the course's notebooks.",
    )
    parser.add_argument(
        "command",
        choices=("nav", "exercises", "strip", "check"),
        help="nav: rewrite navigation cells; exercises: regenerate exercises/ from solutions/; "
        "strip: remove outputs; check: exit 1 and list what is stale",
    )
    parser.add_argument(
        "--lesson", action="append", metavar="NN", help="only this lesson (repeatable; default: all)"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the course's root folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    lessons = None
    if args.lesson:
        try:
            lessons = [_lesson(number).number for number in args.lesson]
        except ValueError as error:
            parser.error(str(error))
    root = args.root.resolve()

    if args.command == "check":
        problems = find_problems(root, lessons)
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} problem(s). Fix with: python -m course_tools.notebooks "
                "strip && python -m course_tools.notebooks nav && python -m course_tools.notebooks exercises",
                file=sys.stderr,
            )
            return 1
        print("notebooks up to date")
        return 0

    action = {"nav": write_nav, "exercises": write_exercises, "strip": write_stripped}[args.command]
    try:
        changed = action(root, lessons)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(root).as_posix()}")
    if not changed:
        print("nothing to change")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
