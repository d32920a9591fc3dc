"""Report what is stale in the course's notebooks (``python -m course_tools.notebooks check``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from course_utils.course import LESSONS, ROOT

from .exercises import generate_exercise
from .files import KINDS, course_notebooks, read_notebook, writes_notebook
from .navigation import apply_nav

__all__ = ["find_problems", "is_stale"]


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
