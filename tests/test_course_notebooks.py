"""The course's own exercise notebooks, graded by ``python -m course_tools.grader``.

Every solution notebook must pass every registered exercise of its lesson with full points;
every (generated) exercise notebook must run in its blank state and report every exercise as
not attempted. Both must hold a ``check("<id>", <answer_name>)`` cell for every registered
exercise.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from course_tools.grader.gradebook import read_csv
from course_tools.grader.sandbox import sandbox_problem
from course_utils.course import LESSONS, ROOT, Lesson
from course_utils.grading import exercises_for_lesson

TOPIC_LESSONS = [lesson for lesson in LESSONS if lesson.has_exercises]
MIN_EXERCISES = 4  # every topic lesson has at least four auto-graded exercises


def notebook_paths(lesson: Lesson) -> dict[str, Path]:
    """The lesson's solution and exercise notebooks (tests/test_package.py checks both exist)."""
    return {kind: ROOT / kind / lesson.filename for kind in ("solutions", "exercises")}


def check_calls(path: Path) -> dict[str, list[str]]:
    """``{exercise id: [answer names]}`` of the code cells whose only statement is ``check("id", name)``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    calls: dict[str, list[str]] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            body = ast.parse(source).body
        except SyntaxError:  # IPython magics
            continue
        if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
            continue
        call = body[0].value
        if (
            isinstance(call.func, ast.Name)
            and call.func.id == "check"
            and len(call.args) == 2
            and not call.keywords
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
            and isinstance(call.args[1], ast.Name)
        ):
            calls.setdefault(call.args[0].value, []).append(call.args[1].id)
    return calls


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Grade every existing solution and exercise notebook once, with -j 2."""
    paths = [str(path) for lesson in TOPIC_LESSONS for path in notebook_paths(lesson).values()]
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
    return SimpleNamespace(proc=proc, by=by)


def rows_of(graded: SimpleNamespace, kind: str, lesson: Lesson) -> list[dict[str, str]]:
    name = f"{kind}/{lesson.filename}"
    assert name in graded.by, f"{name} is missing from the gradebook: {sorted(graded.by)}"
    return graded.by[name]


def describe(rows: list[dict[str, str]]) -> str:
    return "\n".join(
        f"  {r['exercise']}: {r['status']} ({r['points']}/{r['max_points']}) {r['message']}" for r in rows
    )


@pytest.mark.parametrize("lesson", TOPIC_LESSONS, ids=lambda lesson: lesson.number)
def test_every_registered_exercise_has_a_check_cell(lesson: Lesson) -> None:
    """Does each solution and exercise notebook end every registered exercise with check("<id>", name)?"""
    exercises = exercises_for_lesson(lesson.number)
    assert len(exercises) >= MIN_EXERCISES, (
        f"lesson {lesson.number} has notebooks but only {len(exercises)} registered exercises "
        f"(at least {MIN_EXERCISES} are required)"
    )
    for kind, path in notebook_paths(lesson).items():
        assert path.is_file(), f"{kind}/{lesson.filename} is missing" + (
            f"; generate it with `python -m course_tools.notebooks exercises --lesson {lesson.number}`"
            if kind == "exercises"
            else ""
        )
        calls = check_calls(path)
        for exercise in exercises:
            assert exercise.id in calls, (
                f'{kind}/{lesson.filename} has no cell `check("{exercise.id}", ...)`'
            )
            assert exercise.answer_name in calls[exercise.id], (
                f'{kind}/{lesson.filename}: check("{exercise.id}", ...) should pass '
                f"`{exercise.answer_name}`, not {calls[exercise.id]}"
            )
        unknown = sorted(set(calls) - {exercise.id for exercise in exercises})
        assert not unknown, (
            f"{kind}/{lesson.filename} checks ids not registered for lesson {lesson.number}: {unknown}"
        )


@pytest.mark.parametrize("lesson", TOPIC_LESSONS, ids=lambda lesson: lesson.number)
def test_solution_notebook_passes_every_exercise(graded: SimpleNamespace, lesson: Lesson) -> None:
    """Does the grader give the solution notebook full marks on every registered exercise?"""
    rows = rows_of(graded, "solutions", lesson)
    expected = [ex.id for ex in exercises_for_lesson(lesson.number)]
    assert [r["exercise"] for r in rows] == expected, describe(rows)
    assert all(r["lesson"] == lesson.number for r in rows), describe(rows)
    assert all(r["status"] == "passed" for r in rows), describe(rows)
    assert all(float(r["points"]) == float(r["max_points"]) > 0 for r in rows), describe(rows)


@pytest.mark.parametrize("lesson", TOPIC_LESSONS, ids=lambda lesson: lesson.number)
def test_exercise_notebook_is_blank_everywhere(graded: SimpleNamespace, lesson: Lesson) -> None:
    """Does the blank exercise notebook run and report every exercise not attempted, with 0 points?"""
    rows = rows_of(graded, "exercises", lesson)
    expected = [ex.id for ex in exercises_for_lesson(lesson.number)]
    assert [r["exercise"] for r in rows] == expected, describe(rows)
    assert all(r["lesson"] == lesson.number for r in rows), describe(rows)
    assert all(r["status"] == "not_attempted" for r in rows), describe(rows)
    assert all(float(r["points"]) == 0 for r in rows), describe(rows)
