"""Keep the course's notebooks consistent: navigation cells, exercise notebooks, clean storage.

The solution notebook ``solutions/NN-slug.ipynb`` is the single source of the exercise
notebook ``exercises/NN-slug.ipynb``; this package generates one from the other
(:mod:`.exercises`), writes the navigation cells (``< previous | Contents | next >``) at the
top and bottom of every notebook (:mod:`.navigation`), reads, writes and strips notebooks
(:mod:`.files`), and reports anything stale (:mod:`.checks`).

Command line (:mod:`.cli`)::

    python -m course_tools.notebooks nav        [--lesson NN]   # rewrite navigation cells
    python -m course_tools.notebooks exercises  [--lesson NN]   # regenerate exercises/ from solutions/
    python -m course_tools.notebooks strip      [--lesson NN]   # drop outputs and widget state
    python -m course_tools.notebooks check      [--lesson NN]   # exit 1 and list what is stale

Every public name of the submodules is importable from ``course_tools.notebooks``.
"""

from __future__ import annotations

from .checks import find_problems, is_stale
from .cli import main
from .exercises import (
    BEGIN,
    END,
    MD_BEGIN,
    MD_END,
    SOLUTION_ONLY_TAG,
    blank_code,
    generate_exercise,
    strip_markdown_solutions,
    write_exercises,
)
from .files import (
    FOLDERS,
    KINDS,
    cell_tags,
    course_notebooks,
    notebook_language,
    read_notebook,
    strip_notebook,
    write_notebook,
    write_stripped,
    writes_notebook,
)
from .navigation import NAV_TAG, NAV_WORDS, apply_nav, nav_cells, nav_markdown, write_nav

__all__ = [
    "BEGIN",
    "END",
    "FOLDERS",
    "KINDS",
    "MD_BEGIN",
    "MD_END",
    "NAV_TAG",
    "NAV_WORDS",
    "SOLUTION_ONLY_TAG",
    "apply_nav",
    "blank_code",
    "cell_tags",
    "course_notebooks",
    "find_problems",
    "generate_exercise",
    "is_stale",
    "main",
    "nav_cells",
    "nav_markdown",
    "notebook_language",
    "read_notebook",
    "strip_markdown_solutions",
    "strip_notebook",
    "write_exercises",
    "write_nav",
    "write_notebook",
    "write_stripped",
    "writes_notebook",
]
