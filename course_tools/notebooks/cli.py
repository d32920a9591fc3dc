"""The command line ``python -m course_tools.notebooks nav|exercises|strip|check``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course_utils.course import ROOT
from course_utils.course import lesson as find_lesson

from .checks import find_problems
from .exercises import write_exercises
from .files import write_stripped
from .navigation import write_nav

__all__ = ["main"]


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
            lessons = [find_lesson(number).number for number in args.lesson]
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
