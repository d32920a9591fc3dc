"""Shared pytest configuration: tests/files holds deliberately broken submissions.

The class grader's gradebook of the course's own solution notebooks, in both languages
(``class_gradebook``), is made once per session: grading them is the one execution of those
notebooks in the suite (nbval does not collect solutions/ and zh/solutions/).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from course_utils.course import LESSONS, ROOT

collect_ignore_glob = ["files/*"]

GRADED_FOLDERS = ("solutions", "zh/solutions")
"""The folders of solution notebooks the class grader grades (and nothing else executes)."""


@pytest.fixture(scope="session")
def class_gradebook(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Grade every solution notebook of :data:`GRADED_FOLDERS` once (-j 2, sandboxed when possible).

    Returns
    -------
    SimpleNamespace
        ``by``: submission name (``"zh/solutions/01-....ipynb"``) -> its gradebook rows;
        ``feedback``: the folder of the feedback files; ``folders``: :data:`GRADED_FOLDERS`;
        ``proc``: the finished grader process.
    """
    from course_tools.grader.gradebook import read_csv
    from course_tools.grader.sandbox import sandbox_problem

    paths = [
        str(path)
        for folder in GRADED_FOLDERS
        for lesson in LESSONS
        if lesson.has_exercises and (path := ROOT / folder / lesson.filename).is_file()
    ]
    out = tmp_path_factory.mktemp("course") / "grades.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "course_tools.grader", *paths, "--out", str(out), "-j", "2", "-q",
         *([] if sandbox_problem() is None else ["--no-sandbox"])],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    by: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(out):
        by.setdefault(row["submission"], []).append(row)
    return SimpleNamespace(proc=proc, by=by, feedback=Path(out).parent / "feedback", folders=GRADED_FOLDERS)
