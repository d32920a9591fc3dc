"""The command line ``python -m course_tools.site``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from course_tools.site.build import build_site
from course_tools.site.pages import LANGUAGE_NAMES, Page
from course_utils.course import ROOT

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_tools.site``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.site",
        description=(
            "Build the course's static HTML site with Sphinx and MyST-NB: every lesson and exercise "
            "notebook executed, a contents page, search, working links; it reads offline."
        ),
    )
    parser.add_argument("--out", default="_site", help="site folder (default: _site)")
    parser.add_argument(
        "--lang",
        choices=("all", "both", *LANGUAGE_NAMES),
        default="all",
        help="the editions to publish (default: all; 'both' as for the release)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks executed at once (default: 2)")
    parser.add_argument(
        "--timeout", type=float, default=120, help="per-cell time limit in seconds (default: 120)"
    )
    parser.add_argument(
        "--executed",
        metavar="DIR",
        help="a folder mirroring the repository with already-executed notebooks (not executed again)",
    )
    parser.add_argument(
        "--no-execute",
        action="store_true",
        help="publish the notebooks as stored, without outputs (quick; the same as --executed <course root>)",
    )
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (1 when the build has a problem).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every notebook exists and runs cleanly, Sphinx does not warn, every link
        resolves and no page loads anything from the web.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("-j/--jobs must be at least 1")

    def progress(page: Page) -> None:
        state = "executed" if page.executed else "from en" if page.outputs_from else "given"
        flag = f"  ({len(page.errors)} problem(s))" if page.errors else ""
        print(f"{page.target:<48} {state:>8} {page.seconds:5.1f} s{flag}", flush=True)

    try:
        report = build_site(
            args.out,
            executed_dir=args.root if args.no_execute else args.executed,
            lang="all" if args.lang == "both" else args.lang,
            jobs=args.jobs,
            timeout=args.timeout,
            root=args.root,
            progress=progress,
        )
    except (ValueError, RuntimeError) as error:
        parser.error(str(error))
    print(report.summary())
    print(f"open {report.out / 'index.html'}")
    return 0 if report.ok else 1
