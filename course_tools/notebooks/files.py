"""Read, write and strip the course's notebooks, and list them.

Notebooks are stored as ``nbformat.write`` writes them (keys sorted, one-space indent,
UTF-8 kept, a final newline) and without outputs, execution counts or widget state, so the
same notebook always gives the same bytes.

Notebook metadata ``metadata["course_utils"] = {"lesson": "NN", "kind": KIND}`` with KIND
``"lesson"`` (notebooks/), ``"exercise"`` (exercises/) or ``"solution"`` (solutions/) is
what the class grader and the tests read; a translated notebook adds ``"language"``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_utils.course import LESSONS, ROOT, Lesson

if TYPE_CHECKING:  # nbformat costs about a second to import: load it only when needed
    from nbformat import NotebookNode

__all__ = [
    "FOLDERS",
    "KINDS",
    "cell_tags",
    "course_notebooks",
    "notebook_language",
    "read_notebook",
    "strip_notebook",
    "write_notebook",
    "write_stripped",
    "writes_notebook",
]

KINDS: dict[str, str] = {"notebooks": "lesson", "exercises": "exercise", "solutions": "solution"}
"""Folder name -> notebook kind."""
FOLDERS: dict[str, str] = {kind: folder for folder, kind in KINDS.items()}
"""Notebook kind -> folder name."""

# Notebook-level metadata that is kept in stored notebooks; everything else (widget state,
# front-end settings) is dropped by ``strip``.
_KEPT_NB_METADATA = ("kernelspec", "language_info", "course_utils")
# Cell-level metadata that is kept; execution timings and front-end state are dropped.
_DROPPED_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


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


def cell_tags(cell: Any) -> list[str]:
    """The tags of a cell (``metadata["tags"]``), an empty list when it has none.

    >>> cell_tags({"metadata": {"tags": ["nav"]}}), cell_tags({})
    (['nav'], [])
    """
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


def notebook_language(nb: Any) -> str:
    """The language a notebook is written in: ``metadata["course_utils"]["language"]``, else ``"en"``.

    >>> notebook_language({"metadata": {"course_utils": {"lesson": "01", "language": "zh"}}})
    'zh'
    """
    meta = nb.get("metadata", {}).get("course_utils", {})
    language = meta.get("language", "en") if isinstance(meta, dict) else "en"
    return language if isinstance(language, str) else "en"


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
