"""The command line of the class grader: ``python -m course_tools.grader PATH... --out grades.csv``.

:func:`build_parser` holds every option; :func:`main` checks them (a usage error exits
with status 2 before anything is graded), reads the submissions, grades them
(:func:`course_tools.grader.grade.grade`) and writes the gradebook, the feedback files and
the optional exports (``--wide``, ``--similarity``, ``--analytics``), or with ``--merge``
joins the gradebooks of shards. :func:`teacher_seed` is the teacher's secret seed of the
hidden test inputs. What the command does, and why, is told in :mod:`course_tools.grader.grade`.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from course_tools.grader import sandbox
from course_tools.grader.exports import LAYOUTS, validate_wide_options, write_feedback_html, write_wide_csv
from course_tools.grader.grade import GradingInterrupted, grade
from course_tools.grader.gradebook import GradeRow, class_summary, clip_message, write_csv, write_feedback
from course_tools.grader.kernels import PACKAGE_PARENT, sandbox_env
from course_tools.grader.shards import merge_gradebooks, parse_shard, shard
from course_tools.grader.submissions import (
    Submission,
    UsageError,
    find_notebooks,
    lesson_exercises,
    read_submission,
    submission_names,
)

__all__ = ["build_parser", "main", "teacher_seed"]


_positive_int = sandbox.positive_int


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m course_tools.grader``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.grader",
        description=(
            "Run each submitted exercise notebook in a fresh kernel and grade its answers with the "
            "course's own checkers. Writes one CSV row per submission and exercise, a Markdown "
            "feedback file per submission, and prints a class summary. Exit status 0 whatever the "
            "submissions did; 2 for a usage error."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="exercise notebooks or folders of them (searched recursively); optional with --merge",
    )
    parser.add_argument("--out", required=True, metavar="CSV", help="the gradebook to write, e.g. grades.csv")
    parser.add_argument(
        "-j", "--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
        help="submissions graded in parallel (default: the number of CPUs, %(default)s here)",
    )
    parser.add_argument(
        "--timeout", type=_positive_int, default=60, metavar="S",
        help="whole seconds a cell may run before it is interrupted; the next cell then runs (default: 60)",
    )
    parser.add_argument(
        "--lesson", metavar="NN", default=None,
        help="grade every notebook as this lesson (default: each notebook's metadata)",
    )
    parser.add_argument(
        "--feedback", metavar="DIR", default=None,
        help="folder for the per-student Markdown feedback (default: feedback/ beside --out)",
    )
    parser.add_argument(
        "--submission-timeout", type=_positive_float, default=None, metavar="S",
        help=("wall-clock cap for one whole submission "
              "(default: 120 s + 2 x timeout per code cell + the judge's limit per exercise)"),
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N",
        help="seed of the hidden test inputs (default: a secret kept in your configuration folder, "
        "created on first use, so the same class grades the same way twice)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines, only the summary")
    parser.add_argument(
        "--wide", metavar="CSV", default=None,
        help="also write the wide gradebook: one row per student, one column per exercise, total, percentage",
    )
    parser.add_argument(
        "--lms", choices=LAYOUTS, default="plain",
        help="layout of --wide: plain, canvas (Canvas's gradebook import) or moodle (default: plain)",
    )
    parser.add_argument(
        "--student-id", metavar="RULE", default="folder",
        help="how --wide reads the student id from a submission's path: folder (its first folder; "
        "default), stem (the file name) or a regular expression with a group named id",
    )
    parser.add_argument(
        "--id-column", metavar="NAME", default=None,
        help="header of --wide's id column (canvas: SIS Login ID (default), SIS User ID or ID; "
        "moodle: any name, default Username)",
    )
    parser.add_argument(
        "--similarity", metavar="HTML", default=None,
        help="write a report of the most similar answers, exercise by exercise (needs copydetect)",
    )
    parser.add_argument(
        "--similarity-top", type=_positive_int, default=10, metavar="N",
        help="pairs shown per exercise in --similarity (default: 10)",
    )
    parser.add_argument(
        "--template", action="append", metavar="NB", default=None,
        help="blank exercise notebook whose code --similarity ignores (repeatable; default: the course's)",
    )
    parser.add_argument(
        "--analytics", metavar="CSV", default=None,
        help="also write per-exercise teacher analytics from the students' progress logs beside the "
        "submissions (attempts before passing, hints used; never changes a grade)",
    )
    parser.add_argument(
        "--shard", metavar="K/N", default=None,
        help="grade only slice K of N (K from 0 to N-1) of the submissions; merge with --merge",
    )
    parser.add_argument(
        "--merge", nargs="+", metavar="CSV", default=None,
        help="join the shards' gradebooks into --out instead of grading",
    )
    sandbox.add_arguments(parser)
    return parser


def teacher_seed() -> int:
    """The teacher's secret seed for hidden inputs, created once in the configuration folder.

    Kept in ``$XDG_CONFIG_HOME/course_utils/grading-seed`` (``~/.config/...`` by default),
    readable by the teacher only. Submissions never see it: their kernels run in a sandbox
    without the teacher's home.
    """
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = base / "course_utils" / "grading-seed"
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.randbits(63)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{value}\n")
    return value


def _check_writable(path: Path, what: str, folder: bool = False) -> None:
    try:
        if folder:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".write-test-{secrets.token_hex(4)}"
            probe.write_bytes(b"")
            probe.unlink()
        else:
            if path.is_dir():
                raise UsageError(f"{what} {str(path)!r} is a folder; give a file name such as grades.csv")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8"):
                pass
    except OSError as exc:
        raise UsageError(f"{what} {str(path)!r} cannot be written: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):  # student file names may not fit a narrow console encoding
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.monotonic()
    forced: str | None = None
    shard_spec: tuple[int, int] | None = None
    try:
        try:
            validate_wide_options(args.lms, args.id_column, args.student_id)
            shard_spec = parse_shard(args.shard) if args.shard is not None else None
        except ValueError as exc:
            message = str(exc).replace("rule ", "--student-id ", 1).replace("id_column", "--id-column")
            raise UsageError(message) from None
        if args.merge and args.shard:
            raise UsageError("--merge joins the shards' gradebooks; give it without --shard")
        if args.analytics and args.shard:
            raise UsageError(
                "--analytics reads the whole class's logs: run it in the --merge step, with the PATHs"
            )
        if args.similarity and args.shard:
            raise UsageError(
                "--similarity compares the whole class: run it in the --merge step, with the PATHs"
            )
        if args.merge:
            if args.similarity and not args.paths:
                raise UsageError("--similarity needs the PATHs of the submissions")
            return _merge(args, parser)
        if not args.paths:
            raise UsageError("give at least one PATH (a notebook or a folder of them)")
        if args.lesson is not None:
            from course_utils.course import LESSONS_BY_NUMBER, lesson_number

            forced = lesson_number(args.lesson)
            if forced not in LESSONS_BY_NUMBER or not LESSONS_BY_NUMBER[forced].has_exercises:
                known = ", ".join(n for n, lesson in LESSONS_BY_NUMBER.items() if lesson.has_exercises)
                raise UsageError(
                    f"--lesson {args.lesson!r} is not a lesson with exercises; choose one of {known}"
                )
        notebooks = find_notebooks(args.paths)
        if not notebooks:
            raise UsageError(f"no notebooks (*.ipynb) found in {', '.join(map(repr, args.paths))}")
        out = Path(args.out)
        _check_writable(out, "--out")
        feedback_dir = Path(args.feedback) if args.feedback else out.absolute().parent / "feedback"
        _check_writable(feedback_dir, "--feedback", folder=True)
        extra_outputs = {"--wide": args.wide, "--similarity": args.similarity, "--analytics": args.analytics}
        for option, value in extra_outputs.items():
            if value:
                _check_writable(Path(value), option)
        limits = sandbox.limits_from(args)
        if limits is not None:
            problem = sandbox.sandbox_problem(os.path.join(PACKAGE_PARENT, "course_utils"), sandbox_env())
            if problem is not None:
                raise UsageError(f"student code cannot be sandboxed here: {problem}")
    except UsageError as exc:
        parser.error(str(exc))

    try:
        names = submission_names(args.paths, notebooks)
        if shard_spec is not None:
            keep = set(shard(names, *shard_spec))
            chosen = [(path, name) for path, name in zip(notebooks, names, strict=True) if name in keep]
            notebooks, names = [path for path, _ in chosen], [name for _, name in chosen]
        subs = [read_submission(path, name, forced) for path, name in zip(notebooks, names, strict=True)]
        exercise_cache: dict[str, list[tuple[str, float]]] = {}
        for sub in subs:
            if sub.lesson is not None:
                if sub.lesson not in exercise_cache:
                    exercise_cache[sub.lesson] = lesson_exercises(sub.lesson)
                sub.exercises = exercise_cache[sub.lesson]
    except ImportError as exc:
        print(f"error: the course's checkers could not be imported: {exc}", file=sys.stderr)
        return 1

    total = len(subs)
    counter = {"done": 0}
    counter_lock = threading.Lock()

    def progress(sub: Submission, rows: list[GradeRow]) -> None:
        if args.quiet:
            return
        with counter_lock:
            counter["done"] += 1
            done = counter["done"]
        points = sum(r.points for r in rows)
        maximum = sum(r.max_points for r in rows)
        score = f"{points:g}/{maximum:g}" if maximum else "not graded"
        worst = ""
        if rows and all(r.status == "error" and r.message == rows[0].message for r in rows):
            worst = rows[0].message
        seconds = max((r.seconds for r in rows), default=0.0)
        line = f"[{done:>{len(str(total))}}/{total}] {sub.name}: {score} ({seconds:.1f} s)"
        if worst:
            line += f" - {clip_message(worst, 80)}"
        print(line, file=sys.stderr, flush=True)

    status = 0
    try:
        rows = grade(
            subs,
            jobs=args.jobs,
            timeout=args.timeout,
            submission_timeout=args.submission_timeout,
            progress=progress,
            seed=args.seed if args.seed is not None else teacher_seed(),
            limits=limits,
        )
    except GradingInterrupted as exc:
        rows, status = exc.rows, 130
        print("Interrupted: ungraded submissions are marked as such in the gradebook.", file=sys.stderr)

    write_csv(rows, out)
    notes = {sub.name: sub.notes for sub in subs}
    languages = {sub.name: sub.language for sub in subs}
    written = write_feedback(feedback_dir, rows, notes, languages=languages)
    write_feedback_html(feedback_dir, rows, notes, languages=languages)
    export_status, analytics = _exports(args, rows, dict(zip(names, notebooks, strict=True)))
    status = export_status or status
    print(class_summary(rows, seconds=time.monotonic() - started))
    if analytics:
        print()
        print(analytics)
    print()
    print(f"Gradebook: {out} ({len(rows)} rows). Feedback: {feedback_dir}{os.sep} ({len(written)} files).")
    return status


def _exports(args: argparse.Namespace, rows: list[GradeRow], notebooks: dict[str, Path]) -> tuple[int, str]:
    """Write --wide, --similarity and --analytics.

    Returns the exit status (2 if the student-id rule does not fit the submissions) and the
    analytics summary to print after the class summary ("" without --analytics).
    """
    status, text = 0, ""
    if args.wide:
        try:
            write_wide_csv(rows, args.wide, rule=args.student_id, layout=args.lms, id_column=args.id_column)
        except ValueError as exc:
            print(f"error: --wide not written: {exc}", file=sys.stderr)
            status = 2
    if args.similarity:
        from course_tools.grader.similarity import write_similarity_report

        write_similarity_report(notebooks, args.similarity, templates=args.template, top=args.similarity_top)
    if args.analytics:
        from course_tools.grader.analytics import class_analytics, write_analytics_csv

        report = class_analytics(notebooks, rows)
        write_analytics_csv(report, args.analytics)
        text = report.summary()
    return status, text


def _merge(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        rows = merge_gradebooks(args.merge)
    except (OSError, ValueError) as exc:
        parser.error(f"--merge: {exc}")
    write_csv(rows, Path(args.out))
    notebooks: dict[str, Path] = {}
    if args.paths:
        found = find_notebooks(args.paths)
        notebooks = dict(zip(submission_names(args.paths, found), found, strict=True))
    status, analytics = _exports(args, rows, notebooks)
    print(class_summary(rows))
    if analytics:
        print()
        print(analytics)
    print()
    print(f"Gradebook: {args.out} ({len(rows)} rows, merged from {len(args.merge)} files).")
    return status
