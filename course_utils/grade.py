"""``python -m course_utils.grade PATH... --out grades.csv``: the class-grading command.

This is the command name teachers and their scripts use. The class grader itself is a
teacher's tool, :mod:`course_tools.grader` (see its :mod:`~course_tools.grader.grade` for how it
works), which lives beside this package in the course's repository and is neither installed
with ``course_utils`` nor shipped in the student release. Run from the repository (or with
``course_utils`` installed from it), this module hands the command line to
``course_tools.grader``; in a student release it says where the grader is.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the class grader's command line; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``), as for ``python -m course_tools.grader``.

    Returns
    -------
    int
        The grader's exit status, or 2 when the grader is not there (a student release).
    """
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "course_tools" / "grader").is_dir() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))  # course_tools runs from the repository, beside this package
    try:
        from course_tools.grader.cli import main as grader_main
    except ModuleNotFoundError:
        print(
            "python -m course_utils.grade: the class grader is a teacher's tool and is not part of "
            "the student release; run it from the course's repository.",
            file=sys.stderr,
        )
        return 2
    return grader_main(argv)


if __name__ == "__main__":
    sys.exit(main())
