"""The course's own exercise notebooks, in both languages.

Every solution notebook must pass every registered exercise of its lesson with full points
when graded by ``python -m course_tools.grader`` (the ``class_gradebook`` of tests/conftest.py),
and none of its cells may raise. Every (generated) exercise notebook must run in its blank
state and report every exercise as not attempted: its ``check()`` cells are read in its
executed copy (the ``executed_notebooks`` store of nbval's run, see conftest.py). Both must
hold a ``check("<id>", <answer_name>)`` cell for every registered exercise.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from course_utils.course import LESSONS, ROOT, Lesson
from course_utils.grading import exercises_for_lesson
from course_utils.grading.i18n import _, using_language
from course_utils.grading.result import CheckResult

TOPIC_LESSONS = [lesson for lesson in LESSONS if lesson.has_exercises]
MIN_EXERCISES = 4  # every topic lesson has at least four auto-graded exercises
EDITIONS = {"en": "", "zh": "zh/"}  # language -> folder prefix of its notebooks
TOPIC_EDITIONS = [(language, lesson) for language in EDITIONS for lesson in TOPIC_LESSONS]


def edition_id(value: Any) -> str:
    return value.number if isinstance(value, Lesson) else value


def notebook_paths(lesson: Lesson, language: str = "en") -> dict[str, Path]:
    """The lesson's solution and exercise notebooks (tests/test_package.py checks both exist)."""
    return {f"{EDITIONS[language]}{kind}": ROOT / EDITIONS[language] / kind / lesson.filename
            for kind in ("solutions", "exercises")}


def check_cells(nb: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(exercise id, answer name, cell)`` per code cell whose only statement is ``check("id", name)``."""
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
            yield call.args[0].value, call.args[1].id, cell


def check_calls(path: Path) -> dict[str, list[str]]:
    """``{exercise id: [answer names]}`` of the check cells of the notebook at ``path``."""
    calls: dict[str, list[str]] = {}
    for exercise_id, answer_name, _cell in check_cells(json.loads(path.read_text(encoding="utf-8"))):
        calls.setdefault(exercise_id, []).append(answer_name)
    return calls


def rows_of(gradebook: SimpleNamespace, name: str) -> list[dict[str, str]]:
    assert name in gradebook.by, f"{name} is missing from the gradebook: {sorted(gradebook.by)}"
    return gradebook.by[name]


def describe(rows: list[dict[str, str]]) -> str:
    return "\n".join(
        f"  {r['exercise']}: {r['status']} ({r['points']}/{r['max_points']}) {r['message']}" for r in rows
    )


@pytest.mark.parametrize(("language", "lesson"), TOPIC_EDITIONS, ids=edition_id)
def test_every_registered_exercise_has_a_check_cell(language: str, lesson: Lesson) -> None:
    """Does each solution and exercise notebook end every registered exercise with check("<id>", name)?"""
    exercises = exercises_for_lesson(lesson.number)
    assert len(exercises) >= MIN_EXERCISES, (
        f"lesson {lesson.number} has notebooks but only {len(exercises)} registered exercises "
        f"(at least {MIN_EXERCISES} are required)"
    )
    for kind, path in notebook_paths(lesson, language).items():
        assert path.is_file(), f"{kind}/{lesson.filename} is missing" + (
            f"; generate it with `python -m course_tools.notebooks exercises --lesson {lesson.number}`"
            if kind.endswith("exercises")
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


@pytest.mark.parametrize(("language", "lesson"), TOPIC_EDITIONS, ids=edition_id)
def test_solution_notebook_passes_every_exercise(
    class_gradebook: SimpleNamespace, language: str, lesson: Lesson
) -> None:
    """Does the grader give the solution notebook full marks on every registered exercise, no cell raising?"""
    name = f"{EDITIONS[language]}solutions/{lesson.filename}"
    rows = rows_of(class_gradebook, name)
    expected = [ex.id for ex in exercises_for_lesson(lesson.number)]
    assert [r["exercise"] for r in rows] == expected, describe(rows)
    assert all(r["lesson"] == lesson.number for r in rows), describe(rows)
    assert all(r["status"] == "passed" for r in rows), describe(rows)
    assert all(float(r["points"]) == float(r["max_points"]) > 0 for r in rows), describe(rows)
    # the feedback lists the cells that raised (or ran out of time) under this heading
    feedback = (class_gradebook.feedback / name).with_suffix(".md").read_text(encoding="utf-8")
    with using_language(language):
        heading = _("## While your notebook ran")
    assert heading not in feedback, f"{name}: a cell raised while the grader ran it\n{feedback}"


def test_the_grader_grades_solutions_only(
    class_gradebook: SimpleNamespace, pytestconfig: pytest.Config
) -> None:
    """Are the solutions graded (every topic lesson, both languages) and left out of nbval's folders?"""
    expected = {f"{EDITIONS[lang]}solutions/{lesson.filename}" for lang, lesson in TOPIC_EDITIONS}
    assert set(class_gradebook.by) == expected
    assert not set(class_gradebook.folders) & set(pytestconfig.getini("testpaths")), (
        "nbval would run the solutions a second time"
    )


@pytest.mark.parametrize(("language", "lesson"), TOPIC_EDITIONS, ids=edition_id)
def test_exercise_notebook_is_blank_everywhere(
    executed_notebooks: Path, language: str, lesson: Lesson
) -> None:
    """Does the blank exercise notebook run and report every exercise not attempted, with 0 points?"""
    name = f"{EDITIONS[language]}exercises/{lesson.filename}"
    nb = json.loads((executed_notebooks / name).read_text(encoding="utf-8"))
    assert nb["metadata"]["course_utils"].get("language", "en") == language
    shown: dict[str, list[str]] = {}
    for exercise_id, _answer, cell in check_cells(nb):
        assert cell["execution_count"] is not None, f"{name}: check({exercise_id!r}, ...) did not run"
        assert not [o for o in cell["outputs"] if o["output_type"] == "error"], f"{name}: {cell['outputs']}"
        shown.setdefault(exercise_id, []).extend(
            "".join(o["data"]["text/plain"]) for o in cell["outputs"] if o["output_type"] == "execute_result"
        )
    exercises = exercises_for_lesson(lesson.number)
    assert sorted(shown) == sorted(ex.id for ex in exercises), shown
    for exercise in exercises:
        with using_language(language):  # the line check() shows for a blank, up to its message
            blank = str(CheckResult(exercise.id, "not_attempted", "", 0, exercise.points)).split("\n")[0]
        assert shown[exercise.id] and all(text.startswith(blank) for text in shown[exercise.id]), (
            f"{name}: expected {blank!r}..., the notebook shows {shown[exercise.id]}"
        )
