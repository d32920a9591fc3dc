"""Partial credit: exercises graded in independent parts earn the points of the parts they get right.

Which exercises have parts, and why, is the table in :mod:`course_utils.grading`; these tests
check the fractions, the messages naming the parts, the gates that forfeit every point, and
that the class grader's judge gives the same points as ``check()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_judge import local_request  # the probe run in this process, as the judge's tests do

from course_tools.grader.judge import judge
from course_utils.grading import EXERCISES, check
from course_utils.grading.partial_credit import Part, parts_checker
from course_utils.grading.registry import Exercise
from course_utils.grading.result import Fail

SELU = (1.6732632423543772, 1.0507009873554805)


def collapse_right(W1, b1, W2, b2):
    return W2 @ W1, W2 @ b1 + b2


def collapse_b_only_b2(W1, b1, W2, b2):
    return W2 @ W1, b2


def collapse_transposed_w(W1, b1, W2, b2):
    return (W2 @ W1).T, W2 @ b1 + b2


def softmax_right(x, axis=-1):
    z = np.asarray(x, dtype=float) - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_last_axis_only(x, axis=-1):
    return softmax_right(x, axis=-1)


def softmax_naive(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_in_place_ignoring_axis(x, axis=-1):
    x -= np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def ce_right(x, y):
    return softmax_right(x) - y


def ce_naive(x, y):
    return softmax_naive(x) - y


def ce_flat(x, y):
    e = np.exp(x - np.max(x))
    return e / e.sum() - y


MONOTONIC = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"]

PARTIAL = [
    # (exercise, answer, points, the parts named as right, the parts named as not yet right)
    ("linear_collapse", collapse_b_only_b2, 0.5, ["W"], ["b"]),
    ("linear_collapse", collapse_transposed_w, 0.5, ["b"], ["W"]),
    ("selu_constants", (SELU[0], 1.0), 0.5, ["alpha"], ["lam"]),
    ("selu_constants", (SELU[0] * SELU[1], SELU[1]), 0.5, ["lam"], ["alpha"]),
    ("selu_layer_moments", "second moment", 0.5, ["mean"], ["variance"]),
    (
        "softmax_stable",
        softmax_last_axis_only,
        0.667,
        ["ordinary logits", "huge logits"],
        ["an explicit axis"],
    ),
    ("cross_entropy_grad", ce_naive, 0.667, ["one example", "a batch"], ["large logits"]),
    ("cross_entropy_grad", ce_flat, 0.667, ["one example", "large logits"], ["a batch"]),
    ("properties_monotonic", MONOTONIC[:5], 0.833, ["5 of the 6"], []),
    ("properties_monotonic", [*MONOTONIC, "gelu"], 0.5, ["6 of the 6", "1 wrongly listed"], []),
]


def _answer(exercise: str, answer: Any) -> Any:
    if answer == "second moment":
        from course_utils.experiments.lesson04 import normal_selu_moments

        mean, var = normal_selu_moments(0.0, 2.0)
        return (float(mean), float(var) + float(mean) ** 2)
    return answer


@pytest.mark.parametrize(("exercise", "answer", "points", "right", "wrong"), PARTIAL)
def test_a_partly_right_answer_earns_its_parts_and_says_which(
    exercise: str, answer: Any, points: float, right: list[str], wrong: list[str]
) -> None:
    """Does a partly right answer fail with the points of its right parts and a message naming them?"""
    result = check(exercise, _answer(exercise, answer))
    assert result.status == "failed" and not result.passed
    assert result.points == pytest.approx(points, abs=1e-3)
    assert 0 < result.points < result.max_points
    line = result.message.splitlines()[-1]
    assert line.startswith("Partial credit:"), result.message
    for name in right:
        assert name in line.split("not yet right")[0], line
    for name in wrong:
        assert name in line.split("not yet right")[1], line


FULL = [
    ("linear_collapse", collapse_right),
    ("selu_constants", SELU),
    ("softmax_stable", softmax_right),
    ("cross_entropy_grad", ce_right),
    ("properties_monotonic", MONOTONIC),
]


@pytest.mark.parametrize(("exercise", "answer"), FULL)
def test_a_full_answer_passes_with_full_points(exercise: str, answer: Any) -> None:
    """Does an answer right in every part pass with the exercise's points, without a partial-credit line?"""
    result = check(exercise, answer)
    assert result.status == "passed" and result.points == result.max_points
    assert "Partial credit" not in result.message


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        ("softmax_stable", softmax_naive, "this exercise is about huge logits"),
        ("softmax_stable", softmax_in_place_ignoring_axis, "changed its input array in place"),
        ("properties_monotonic", [*MONOTONIC, "gelu", "swish"], "Not monotonic"),
        ("properties_monotonic", [], "misses 6"),
        ("selu_constants", SELU[::-1], "swapped"),
    ],
)
def test_what_the_exercise_is_about_cannot_be_bought_with_other_parts(
    exercise: str, answer: Any, words: str
) -> None:
    """Do an unstable softmax, one modifying its input, a list of all eight names (guessing),
    an empty list and a swapped pair earn no points at all, whatever else they get right?"""
    result = check(exercise, answer)
    assert result.status == "failed" and result.points == 0
    assert words in result.message, result.message
    assert "Partial credit:" not in result.message


def test_every_exercise_with_parts_declares_them_in_its_record() -> None:
    """Do exactly the exercises of the package's table carry parts, two or more each?"""
    with_parts = {ex.id for ex in EXERCISES.values() if ex.partial_credit}
    assert with_parts == {
        "linear_collapse",
        "selu_constants",
        "selu_layer_moments",
        "softmax_stable",
        "cross_entropy_grad",
        "properties_monotonic",
    }
    assert all(len(EXERCISES[e].parts) >= 2 for e in with_parts)


def test_the_monotonic_parts_are_the_capstone_candidates() -> None:
    """Are the parts of properties_monotonic the capstone's eight candidates, in order?"""
    from course_utils.experiments.lesson07 import CANDIDATES

    assert EXERCISES["properties_monotonic"].parts == tuple(c.activation for c in CANDIDATES)


def _demo(parts: tuple[Part, ...], points: float = 3) -> Exercise:
    return Exercise(
        "demo_parts", "01", "demo", "Demo", "function", checker=parts_checker(parts), points=points
    )


def _ok(answer: Any) -> tuple[str, str]:
    return "passed", "ok"


def _no(answer: Any) -> tuple[str, str]:
    raise Fail("part is wrong")


def test_weights_set_each_parts_share_and_points_stay_below_the_maximum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Do weights 2:1 give 2/3 of a 3-point exercise, and does a pass alone give all 3?"""
    from course_utils.grading import registry

    exercise = _demo((Part("big", _ok, weight=2.0), Part("small", _no)))
    monkeypatch.setitem(registry.EXERCISES, exercise.id, exercise)
    result = check(exercise.id, lambda x: x)
    assert (result.status, result.points, result.max_points) == ("failed", 2.0, 3)
    assert exercise.parts == ("big", "small")
    full = _demo((Part("big", _ok, weight=2.0), Part("small", _ok)))
    monkeypatch.setitem(registry.EXERCISES, full.id, full)
    assert check(full.id, lambda x: x).points == 3


def test_parts_declared_in_the_record_must_match_the_checker() -> None:
    """Is a record whose parts differ from its checker's refused when the course is loaded?"""
    with pytest.raises(ValueError, match="parts"):
        Exercise(
            "demo_parts",
            "01",
            "demo",
            "Demo",
            "function",
            checker=parts_checker((Part("a", _ok), Part("b", _ok))),
            parts=("a", "c"),
        )


# --- the class grader agrees ---------------------------------------------------------------------


@pytest.mark.parametrize(("exercise", "answer", "points", "right", "wrong"), PARTIAL)
def test_the_judge_gives_the_same_partial_points(
    tmp_path: Path, exercise: str, answer: Any, points: float, right: list[str], wrong: list[str]
) -> None:
    """Does the class grader's judge reach check()'s status, message and partial points?"""
    answer = _answer(exercise, answer)
    local = check(exercise, answer)
    name = EXERCISES[exercise].answer_name
    remote = judge(exercise, local_request({name: answer}, tmp_path), "", seed=None)
    assert (remote["status"], remote["message"], remote["points"]) == (
        local.status,
        local.message,
        local.points,
    )
    assert remote["points"] == pytest.approx(points, abs=1e-3)
