"""Tests of course_utils.grading: check(), hint(), the exercise records and their checkers.

Each test answers one question about what a student (or a maintainer) experiences.
"""

from __future__ import annotations

import dataclasses
import math
import signal
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
import scipy.special as sc

from course_utils import grading
from course_utils.grading import (
    EXERCISES,
    CheckResult,
    Exercise,
    check,
    exercises_for_lesson,
    hint,
    timelimit,
)
from course_utils.grading.checkers import Mistake
from course_utils.grading.compare import compare_arrays, find_mismatch
from course_utils.grading.formatting import fmt
from course_utils.grading.function_checkers import elementwise_checker
from course_utils.grading.registry import register, unregister
from course_utils.grading.result import Fail
from course_utils.grading.value_checkers import number_checker

# ----------------------------------------------------------------------------- answers
relu = lambda x: np.maximum(x, 0.0)  # noqa: E731


def sigmoid_split(x):
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_masked(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_naive(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_where_both(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def sigmoid_scalar_only(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def sigmoid_loop_1d(x):
    return np.array([sigmoid_scalar_only(v) for v in x])


def sigmoid_silenced(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def softmax_silenced(x, axis=-1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = np.max(x, axis=axis, keepdims=True)
        e = np.exp(x - m)
        return e / e.sum(axis=axis, keepdims=True)


def softmax_good(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_naive(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_axis0(x, axis=-1):
    return softmax_good(x, axis=0)


def softmax_global_max(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_no_keepdims(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis))
    return e / e.sum(axis=axis)


def softmax_ignores_axis(x, axis=-1):
    return softmax_good(x, axis=-1)


def gelu_tanh_good(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def blank(*args, **kwargs):
    raise NotImplementedError("your code here")


def sympy_answers():
    import sympy as sp

    x = sp.Symbol("x")
    xr = sp.Symbol("x", real=True)
    y = sp.Symbol("y")
    s = 1 / (1 + sp.exp(-x))
    correct = [
        s * (1 - s),
        sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
        sp.exp(x) / (1 + sp.exp(x)) ** 2,
        1 / (4 * sp.cosh(x / 2) ** 2),
        sp.diff(1 / (1 + sp.exp(-xr)), xr),
    ]
    sy = 1 / (1 + sp.exp(-y))
    wrong = [
        (s, "failed", ["itself", "derivative"]),
        (-s * (1 - s), "failed", ["sign"]),
        (sy * (1 - sy), "failed", ["symbol", "y"]),
        (s * (1 + s), "failed", ["at x ="]),
        ("s*(1-s)", "error", ["string"]),
    ]
    return correct, wrong


CORRECT = {
    "linear_collapse": [
        lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2),
        lambda W1, b1, W2, b2: [np.dot(W2, W1).tolist(), list(np.dot(W2, b1) + b2)],
        lambda W1, b1, W2, b2: (np.einsum("kh,hd->kd", W2, W1), tuple(W2 @ b1 + b2)),
    ],
    "step_gradient": [0.0, 0, -0.0, np.float64(0.0), np.array(0.0)],
    "xor_separable": ["b", " B ", "(b)", "b)", "No single straight line separates the two classes."],
    "relu_hat": [
        lambda x: relu(x + 1) - 2 * relu(x) + relu(x - 1),
        lambda x: (relu(x + 1) - 2 * relu(x) + relu(x - 1)).tolist(),
    ],
    "sigmoid_stable": [sc.expit, sigmoid_split, sigmoid_masked],
    "relu_grad": [
        lambda x: (x > 0).astype(float),
        lambda x: np.heaviside(x, 0.5),
        lambda x: np.heaviside(x, 1.0),
        lambda x: x > 0,
        lambda x: np.where(x > 0, 1.0, 0.0),
    ],
    "dead_fraction": [
        lambda a: np.mean(np.all(a == 0, axis=0)),
        lambda a: float((a.max(axis=0) == 0).sum() / a.shape[1]),
        lambda a: np.mean(~np.any(a > 0, axis=0)),
    ],
    "he_variance": [lambda n: 2 / n, lambda n: 2.0 / float(n), lambda n: np.sqrt(2 / n) ** 2],
    "selu_constants": [
        (1.6732632423543772, 1.0507009873554805),
        [1.6732632423543772848170429916717, 1.0507009873554804934193349852946],
        np.array([1.67326324235, 1.05070098736]),
    ],
    "gelu_tanh": [
        gelu_tanh_good,
        lambda x: x * sc.expit(2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)),
    ],
    "swish_minimum": [-1.2784645427610738, np.float32(-1.2784645), -1.27846454],
    "softmax_stable": [softmax_good, lambda x, axis=-1: sc.softmax(x, axis=axis)],
    "softmax_temperature": [
        lambda x, T: softmax_good(np.asarray(x) / T),
        lambda x, T: sc.softmax(np.asarray(x) / T, axis=-1),
    ],
    "softmax_jacobian": [
        lambda s: np.diag(s) - np.outer(s, s),
        lambda s: np.diag(s) - s[:, None] * s[None, :],
        lambda s: [[s[i] * ((i == j) - s[j]) for j in range(len(s))] for i in range(len(s))],
    ],
}

# (id, answer, status, words every one of which must appear in the message, case-insensitive)
WRONG = [
    ("linear_collapse", lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), "failed", ["order"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), "failed", ["b1", "second layer"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, b2), "failed", ["b1"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1), "failed", ["b2"]),
    ("linear_collapse", lambda W1, b1, W2, b2: ((W2 @ W1).T, W2 @ b1 + b2), "failed", ["transposed"]),
    ("linear_collapse", lambda W1, b1, W2, b2: W2 @ W1, "failed", ["pair"]),
    ("linear_collapse", lambda W1, b1, W2, b2: None, "failed", ["return"]),
    ("step_gradient", 4.0, "failed", ["derivative", "slope"]),
    ("step_gradient", 2, "failed", ["chain rule"]),
    ("step_gradient", 0.5, "failed", ["not correct"]),
    ("step_gradient", "0", "error", ["string"]),
    ("xor_separable", "a", "failed", ["straight line"]),
    ("xor_separable", "c", "failed", ["collapse"]),
    ("xor_separable", "e", "failed", ["not one of the options"]),
    ("xor_separable", 2, "error", ["letter"]),
    ("relu_hat", lambda x: relu(x + 1) - 2 * relu(x), "failed", ["x > 1", "at x ="]),
    ("relu_hat", lambda x: relu(x + 1) - relu(x), "failed", ["stays at 1"]),
    ("relu_hat", lambda x: 1 - np.abs(x), "failed", ["abs", "rules out"]),
    ("relu_hat", lambda x: -(relu(x + 1) - 2 * relu(x) + relu(x - 1)), "failed", ["sign"]),
    ("sigmoid_stable", sigmoid_naive, "failed", ["overflow", "x = -1000.0", "section 2.6"]),
    ("sigmoid_stable", sigmoid_silenced, "failed", ["silences", "overflow"]),
    ("sigmoid_stable", sigmoid_where_both, "failed", ["overflow", "np.where", "both branches"]),
    ("sigmoid_stable", sigmoid_scalar_only, "error", ["ValueError", "single numbers", "np.exp"]),
    ("sigmoid_stable", sigmoid_loop_1d, "error", ["2-D", "np.exp"]),
    ("sigmoid_stable", lambda x: 1 / (1 + np.exp(x)), "failed", ["sign", "σ(−x)"]),
    ("sigmoid_stable", lambda x: sc.expit(x) * sc.expit(-x), "failed", ["derivative"]),
    ("sigmoid_stable", np.tanh, "failed", ["tanh"]),
    ("sigmoid_stable", lambda x: sc.expit(x)[:5], "failed", ["5 values", "201"]),
    ("sigmoid_stable", lambda x: float(np.sum(sc.expit(x))), "failed", ["single number"]),
    ("sigmoid_stable", lambda x: None, "failed", ["None", "return"]),
    ("sigmoid_stable", lambda x: "0.5", "failed", ["string"]),
    ("sigmoid_stable", lambda x: sc.expit(x).reshape(-1, 1), "failed", ["shape"]),
    ("relu_grad", relu, "failed", ["ReLU itself", "derivative"]),
    ("relu_grad", np.sign, "failed", ["−1", "flat"]),
    ("relu_grad", lambda x: (x < 0).astype(float), "failed", ["sign"]),
    ("relu_grad", lambda x: np.where(x > 0, 1.0, np.where(x < 0, 0.0, 2.0)), "failed", ["x = 0", "between"]),
    ("relu_grad", lambda x: np.where(x > 0, 1.0, 0.01), "failed", ["leaky"]),
    ("dead_fraction", lambda a: np.mean(a == 0), "failed", ["entries", "every sample"]),
    ("dead_fraction", lambda a: np.mean(np.all(a == 0, axis=1)), "failed", ["per sample", "column"]),
    ("dead_fraction", lambda a: np.mean(np.any(a == 0, axis=0)), "failed", ["some sample"]),
    ("dead_fraction", lambda a: int(np.sum(np.all(a == 0, axis=0))), "failed", ["number", "share"]),
    ("dead_fraction", lambda a: np.all(a == 0, axis=0), "failed", ["single number"]),
    ("dead_fraction", lambda a: 100 * np.mean(np.all(a == 0, axis=0)), "failed", ["percentage"]),
    ("he_variance", lambda n: 1 / n, "failed", ["LeCun", "half"]),
    ("he_variance", lambda n: math.sqrt(2 / n), "failed", ["standard deviation", "variance"]),
    ("he_variance", lambda n: 2 // n, "failed", ["integer division"]),
    ("he_variance", lambda n: 2.0, "failed", ["n_in = 3"]),
    ("he_variance", 0.5, "error", ["function"]),
    ("selu_constants", (1.0507009873554805, 1.6732632423543772), "failed", ["swapped"]),
    ("selu_constants", (1.6733, 1.0507), "failed", ["precise", "alpha", "lam"]),
    ("selu_constants", (1.6732632423543772, 1.0507), "failed", ["lam", "precise", "alpha is right"]),
    ("selu_constants", (1.0, 1.0507009873554805), "failed", ["ELU"]),
    ("selu_constants", (1.6732632423543772, 1.0507009873554805, 0.0), "failed", ["2 numbers"]),
    ("selu_constants", {"alpha": 1.67}, "error", ["list or tuple"]),
    ("selu_constants", 1.67, "error", ["list or tuple"]),
    (
        "gelu_tanh",
        lambda x: 0.5 * x * (1 + sc.erf(x / np.sqrt(2))),
        "failed",
        ["exact GELU", "tanh approximation"],
    ),
    (
        "gelu_tanh",
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * x)),
        "failed",
        ["0.044715·x³", "missing"],
    ),
    (
        "gelu_tanh",
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 * np.pi) * (x + 0.044715 * x**3))),
        "failed",
        ["sqrt(2/π)"],
    ),
    ("gelu_tanh", lambda x: x * sc.expit(1.702 * x), "failed", ["sigmoid approximation"]),
    ("swish_minimum", -0.2784645427610738, "failed", ["VALUE", "x where"]),
    ("swish_minimum", 1.2784645427610738, "failed", ["sign"]),
    ("swish_minimum", -1.28, "failed", ["precise"]),
    ("swish_minimum", -1.0, "failed", ["not correct"]),
    ("swish_minimum", [-1.278], "error", ["single number"]),
    ("softmax_stable", softmax_naive, "failed", ["overflow", "shift-invariant"]),
    ("softmax_stable", softmax_silenced, "failed", ["silences"]),
    ("softmax_stable", softmax_axis0, "failed", ["axis 0", "axis -1"]),
    ("softmax_stable", softmax_global_max, "failed", ["ONE maximum", "its own"]),
    ("softmax_stable", softmax_no_keepdims, "error", ["ValueError", "keepdims=True"]),
    ("softmax_stable", softmax_ignores_axis, "failed", ["ignores its axis"]),
    # without an axis argument the explicit-axis part raises; the other parts earn partial credit
    ("softmax_stable", lambda x: softmax_good(x), "failed", ["axis", "Partial credit"]),
    ("softmax_stable", lambda x, axis=-1: softmax_good(-x, axis), "failed", ["sign"]),
    ("softmax_stable", lambda x, axis=-1: np.log(softmax_good(x, axis)), "failed", ["log-probabilities"]),
    (
        "softmax_temperature",
        lambda x, T: softmax_good(np.asarray(x) * T),
        "failed",
        ["multiplied", "flatten"],
    ),
    ("softmax_temperature", lambda x, T: softmax_good(np.asarray(x)), "failed", ["ignores T"]),
    (
        "softmax_temperature",
        lambda x, T: softmax_naive(np.asarray(x) / T),
        "failed",
        ["overflow", "shift-invariant"],
    ),
    ("softmax_temperature", lambda x, T: softmax_good(np.asarray(x) / T, axis=0), "failed", ["axis"]),
    ("softmax_jacobian", lambda s: -np.outer(s, s), "failed", ["diagonal entries are negative"]),
    ("softmax_jacobian", lambda s: np.outer(s, s) - np.diag(s), "failed", ["sign"]),
    ("softmax_jacobian", lambda s: np.diag(s) - s @ s.T, "failed", ["np.outer"]),
    ("softmax_jacobian", lambda s: np.diag(s * (1 - s)), "failed", ["off-diagonal"]),
    ("softmax_jacobian", lambda s: s * (1 - s), "failed", ["shape (3,)", "(3, 3)"]),
    ("softmax_jacobian", lambda s: [[0.0]], "failed", ["shape"]),
]

REQUIRED = {  # the course's required exercise ids: id -> (lesson, kind)
    "linear_collapse": ("01", "function"),
    "sigmoid_stable": ("02", "function"),
    "sigmoid_grad_symbolic": ("02", "sympy"),
    "relu_grad": ("03", "function"),
    "dead_fraction": ("03", "function"),
    "he_variance": ("03", "function"),
    "selu_constants": ("04", "sequence"),
    "gelu_tanh": ("05", "function"),
    "swish_minimum": ("05", "number"),
    "softmax_stable": ("06", "function"),
    "softmax_temperature": ("06", "function"),
    "softmax_jacobian": ("06", "function"),
}


def _has_words(message: str, words: list[str]) -> list[str]:
    return [w for w in words if w.lower() not in message.lower()]


# ----------------------------------------------------------------------------- the records
def test_every_required_exercise_is_registered_with_the_course_md_lesson_and_kind():
    """Does the registry hold the 12 required ids, in the right lesson and kind?"""
    assert grading.LOAD_ERRORS == {}
    for exercise_id, (lesson, kind) in REQUIRED.items():
        record = EXERCISES[exercise_id]
        assert (record.lesson, record.kind) == (lesson, kind), exercise_id
        assert record.points == 1 and record.hints and record.section.startswith(lesson.lstrip("0"))


def test_lesson_01_has_its_fixed_set_in_notebook_order():
    """Does lesson 01 have exactly its fixed set, with its answer names, in order?"""
    records = exercises_for_lesson("01")
    assert [(r.id, r.answer_name, r.kind) for r in records[:4]] == [
        ("linear_collapse", "collapse", "function"),
        ("step_gradient", "step_grad_w", "number"),
        ("xor_separable", "xor_choice", "choice"),
        ("relu_hat", "hat", "function"),
    ]
    assert exercises_for_lesson(1) == records
    assert exercises_for_lesson("07") == [] or all(r.lesson == "07" for r in exercises_for_lesson(7))


def test_xor_options_are_exposed_and_the_right_one_says_no_straight_line():
    """Can the notebook print the XOR options, and is the correct one the no-line statement?"""
    record = EXERCISES["xor_separable"]
    assert set(record.options) == {"a", "b", "c", "d"}
    right = [k for k, v in record.options.items() if "no single straight line separates" in v.lower()]
    assert right == ["b"] and check("xor_separable", right[0]).passed
    assert record.format_options().splitlines()[1].startswith("b) No single straight line")


def test_records_are_frozen_and_validated():
    """Are broken records rejected when they are declared, not when a student runs them?"""
    record = EXERCISES["he_variance"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.points = 2  # type: ignore[misc]
    with pytest.raises(ValueError, match="kind"):
        Exercise("x1", "01", "x1", "t", "essay", checker=print)
    with pytest.raises(ValueError, match="lesson"):
        Exercise("x1", "1", "x1", "t", "number", checker=print)
    with pytest.raises(ValueError, match="options"):
        Exercise("x1", "01", "x1", "t", "choice", checker=print)
    with pytest.raises(TypeError, match="hints"):
        Exercise("x1", "01", "x1", "t", "number", checker=print, hints="one string")
    with pytest.raises(ValueError, match="already registered"):
        register(id="he_variance", lesson="03", answer_name="h", title="t", kind="number", checker=print)


def test_reloading_a_lesson_module_re_declares_its_records():
    """Does importlib.reload of a lesson module work (same records, same order)?"""
    import importlib

    from course_utils.grading import lesson01

    before = list(EXERCISES)
    importlib.reload(lesson01)
    assert list(EXERCISES) == before and check(
        "linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2)
    )


def test_adding_an_exercise_is_one_declaration_and_it_grades():
    """Can a lesson worker add an exercise with one register() call (or a decorator)?"""
    register(
        id="demo_half",
        lesson="07",
        answer_name="half",
        kind="number",
        title="Half",
        checker=number_checker(0.5, mistakes=(Mistake(2.0, "Upside down."),)),
        hints=("Divide.",),
    )

    @register(id="demo_even", lesson="07", answer_name="is_even", kind="function", title="Even")
    def check_even(answer):
        return ("passed", "ok") if answer(2) and not answer(3) else ("failed", "no")

    try:
        assert [r.id for r in exercises_for_lesson("07")][-2:] == ["demo_half", "demo_even"]
        assert check("demo_half", 0.5).passed
        assert check("demo_half", 2).message == "Upside down."
        assert check("demo_even", lambda n: n % 2 == 0).passed
        assert check("demo_even", lambda n: True).status == "failed"
    finally:
        unregister("demo_half")
        unregister("demo_even")


# ----------------------------------------------------------------------------- correct and wrong answers
@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [(eid, ans) for eid, answers in CORRECT.items() for ans in answers],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_correct_forms_pass(exercise_id, answer):
    """Does every correct form of an answer pass, with the exercise's points?"""
    result = check(exercise_id, answer)
    assert result.status == "passed", result.message
    assert result.passed and result.points == result.max_points == 1
    assert result.message.startswith("Correct")


@pytest.mark.parametrize(
    ("exercise_id", "answer", "status", "words"), WRONG, ids=lambda v: v if isinstance(v, str) else ""
)
def test_classic_mistakes_get_specific_feedback(exercise_id, answer, status, words):
    """Does each classic wrong answer fail (or error) with a message naming the mistake?"""
    result = check(exercise_id, answer)
    assert result.status == status, result.message
    assert not result.passed and 0 <= result.points < result.max_points
    if not EXERCISES[exercise_id].partial_credit:
        assert result.points == 0
    assert result.message and not _has_words(result.message, words), result.message


def test_sympy_answers_are_compared_by_meaning_and_symbol_name():
    """Are equivalent σ' forms accepted and σ, −σ', a y-expression rejected, with reasons?"""
    correct, wrong = sympy_answers()
    for answer in correct:
        result = check("sigmoid_grad_symbolic", answer)
        assert result.passed, (answer, result.message)
    for answer, status, words in wrong:
        result = check("sigmoid_grad_symbolic", answer)
        assert result.status == status and not _has_words(result.message, words), (answer, result.message)


def test_feedback_never_prints_the_reference_formula():
    """Is the solution kept out of the feedback for wrong answers?"""
    leaks = ["1/(1+exp", "1 / (1 + np.exp", "2/n_in", "2 / n_in", "diag(s) − s sᵀ", "w2 @ w1"]
    for exercise_id, answer, _, _ in WRONG:
        message = check(exercise_id, answer).message.lower().replace(" ", "")
        assert not any(leak.lower().replace(" ", "") in message for leak in leaks), message


def test_naive_sigmoid_feedback_names_the_overflow_and_the_counterexample():
    """Does the naive sigmoid's message say exp overflowed, where, and which section to read?"""
    message = check("sigmoid_stable", sigmoid_naive).message
    assert message.startswith("Not stable: exp overflowed for x = -1000.0")
    assert "RuntimeWarning: overflow encountered in exp" in message and "section 2.6 of lesson 02" in message


def test_stable_sigmoid_that_misses_the_infinite_limits_passes_with_a_note():
    """Are ±inf left ungraded but mentioned (the documented decision)?"""
    result = check("sigmoid_stable", lambda x: np.exp(x - np.logaddexp(0, x)))
    assert result.passed and "inf" in result.message and "not graded" in result.message


def test_relu_grad_accepts_any_value_between_0_and_1_at_zero():
    """Is any value in [0, 1] accepted at exactly x = 0, and nothing outside?"""
    for at_zero in (0.0, 0.25, 0.5, 1.0):
        assert check("relu_grad", lambda x, v=at_zero: np.where(x > 0, 1.0, np.where(x < 0, 0.0, v))).passed
    for at_zero in (-0.1, 1.5, np.nan):
        result = check("relu_grad", lambda x, v=at_zero: np.where(x > 0, 1.0, np.where(x < 0, 0.0, v)))
        assert result.status == "failed" and "x = 0.0" in result.message


def test_a_function_that_overwrites_its_input_fails():
    """Is an in-place `x[x < 0] = 0` caught, since it corrupts the caller's array?"""

    def relu_grad(x):
        x[x > 0] = 1
        x[x <= 0] = 0
        return x

    result = check("relu_grad", relu_grad)
    assert result.status == "failed" and "in place" in result.message


def test_numbers_respect_the_tolerance_and_selu_needs_1e_9():
    """Do numbers compare at the digits their statement asks for (selu_constants at rtol 1e-9)?"""
    x_star = -1.2784645427610738  # swish_minimum asks for 7 significant digits
    assert check("swish_minimum", x_star * (1 + 2e-7)).passed
    assert not check("swish_minimum", x_star * (1 + 5e-6)).passed
    alpha, lam = 1.6732632423543772, 1.0507009873554805
    assert check("selu_constants", (alpha * (1 + 5e-10), lam)).passed
    assert not check("selu_constants", (alpha * (1 + 5e-8), lam)).passed


# ----------------------------------------------------------------------------- blanks, errors, robustness
@pytest.mark.parametrize("exercise_id", sorted(REQUIRED) + ["step_gradient", "xor_separable", "relu_hat"])
def test_blanks_are_not_attempted(exercise_id):
    """Do None, ... and a body raising NotImplementedError all count as not attempted?"""
    blanks = [None, ...]
    if EXERCISES[exercise_id].kind == "function":
        blanks.append(blank)
    for answer in blanks:
        result = check(exercise_id, answer)
        assert result.status == "not_attempted", result.message
        assert result.points == 0 and EXERCISES[exercise_id].answer_name in result.message


def test_a_student_exception_is_an_error_naming_it_and_the_line():
    """Does a raising function give status error with the exception's name and the line?"""

    def sigmoid_stable(x):
        return 1 / undefined_name  # noqa: F821

    result = check("sigmoid_stable", sigmoid_stable)
    assert result.status == "error"
    assert "NameError" in result.message and "undefined_name" in result.message and "line" in result.message


def test_the_missing_multiplication_sign_erratum_is_explained():
    """Does `alpha(np.exp(x) - 1)` get the plain-words 'forgot a *' note?"""
    alpha = 1.0
    result = check("sigmoid_stable", lambda x: alpha(np.exp(x) - 1))
    assert result.status == "error" and "TypeError" in result.message and "forgot a `*`" in result.message


def test_wrong_answer_types_are_errors():
    """Is a number where a function is asked for (and vice versa) an error, not a crash?"""
    assert check("sigmoid_stable", 0.5).status == "error"
    assert check("swish_minimum", lambda: -1.28).status == "error"
    assert check("swish_minimum", True).status == "error"
    assert check("selu_constants", "1.67, 1.05").status == "error"


def test_unknown_ids_are_errors_with_close_matches():
    """Does a typo in the id give an error suggesting the right id?"""
    result = check("sigmoid_stabel", sigmoid_split)
    assert result.status == "error" and "'sigmoid_stable'" in result.message
    assert check(42, sigmoid_split).status == "error"


def test_an_infinite_loop_hits_the_time_limit():
    """Does a function that never returns give an error mentioning the time limit, quickly?"""

    def forever(x):
        n = 0
        while True:
            # CPython 3.10 never checks for signals on a jump straight into a `try`
            # (see timelimit's Notes), so the loop does some work before it.
            n += 1
            try:
                pass
            except Exception:  # a student's broad except must not swallow the limit
                pass

    start = time.monotonic()
    result = check("sigmoid_stable", forever, timeout=0.3)
    assert time.monotonic() - start < 2.0
    assert result.status == "error" and "time limit" in result.message.lower()


def test_the_time_limit_works_without_sigalrm_and_off_the_main_thread(monkeypatch):
    """Does grading degrade gracefully where SIGALRM is missing (Windows) or unusable (threads)?"""

    def forever(x):
        while True:
            pass

    monkeypatch.setattr(timelimit, "signal_available", lambda: False)
    assert timelimit.resolve_mode() == "thread"
    result = check("sigmoid_stable", forever, timeout=0.3)
    assert result.status == "error" and "time limit" in result.message.lower()
    assert check("sigmoid_stable", sigmoid_split).passed
    monkeypatch.undo()

    results = []
    worker = threading.Thread(target=lambda: results.append(check("sigmoid_stable", forever, timeout=0.3)))
    worker.start()
    worker.join(5)
    assert results and results[0].status == "error"
    time.sleep(0.1)
    assert not [t for t in threading.enumerate() if t.name == "course-utils-time-limit"]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX only")
def test_the_previous_alarm_handler_and_timer_are_restored():
    """Does check() leave SIGALRM's handler and a running timer as it found them?"""

    def handler(signum, frame):
        raise AssertionError("the outer timer fired during the test")

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)
        check("sigmoid_stable", sigmoid_split)
        assert signal.getsignal(signal.SIGALRM) is handler
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90.0 < remaining <= 100.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_keyboard_interrupt_propagates():
    """Can a student still stop a check with Ctrl-C?"""

    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("sigmoid_stable", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check("sigmoid_stable", interrupted, timeout=0)  # no time limit at all


def test_keyboard_interrupt_propagates_from_the_thread_fallback(monkeypatch):
    """Does Ctrl-C also get through when the time limit runs the code in a thread?"""

    def interrupted(x):
        raise KeyboardInterrupt

    monkeypatch.setattr(timelimit, "MODE", "thread")
    with pytest.raises(KeyboardInterrupt):
        check("sigmoid_stable", interrupted)


def test_a_buggy_checker_is_reported_as_a_grader_problem(monkeypatch):
    """Does a bug inside a checker give status error blaming the grader, never an exception?"""

    def broken(answer):
        return {}["missing"]

    def garbage(answer):
        return 42

    for checker in (broken, garbage):
        monkeypatch.setitem(
            EXERCISES, "he_variance", dataclasses.replace(EXERCISES["he_variance"], checker=checker)
        )
        result = check("he_variance", lambda n: 2 / n)
        assert result.status == "error" and "grader problem" in result.message.lower()


def test_check_leaves_no_warnings_and_numpy_error_state_behind():
    """Are the student's overflow warnings captured, and np.errstate restored?"""
    before = np.geterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check("sigmoid_stable", sigmoid_naive)
        check("softmax_stable", softmax_naive)
    assert caught == [] and np.geterr() == before


def test_importing_grading_stays_light():
    """Does `import course_utils.grading` avoid SymPy, matplotlib and the activation registry?"""
    code = (
        "import sys, course_utils.grading as g; "
        "heavy = [m for m in ('sympy', 'matplotlib', 'course_utils.activations', 'scipy') "
        "if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- display and hints
def test_results_display_as_escaped_html_and_plain_text():
    """Is a message shown with a badge, escaped, with the hint line — and readably as text?"""
    result = check("xor_separable", "<script>alert(1)</script>")
    html = result._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "NOT YET" in html and "hint(&#x27;xor_separable&#x27;)" in html
    text = repr(result)
    assert text.startswith("[FAILED] xor_separable (0/1 point)") and "hint: run hint('xor_separable')" in text
    assert str(result) == text
    passed = check("xor_separable", "b")
    assert "PASSED" in passed._repr_html_() and "hint(" not in str(passed)
    unknown = CheckResult("<b>", "error", "a < b & c", 0, 1)
    assert "&lt;b&gt;" in unknown._repr_html_() and "a &lt; b &amp; c" in unknown._repr_html_()


def test_hints_are_revealed_one_at_a_time():
    """Does hint() give hint 1, 2, 3, then repeat the last one, and honour level=?"""
    grading.reset_hints("softmax_stable")
    hints = EXERCISES["softmax_stable"].hints
    shown = [hint("softmax_stable") for _ in range(len(hints) + 1)]
    assert [str(h) for h in shown] == [*hints, hints[-1]]
    assert [h.level for h in shown] == [1, 2, 3, 3]
    assert "last hint" in repr(shown[-1]) and "Hint 1/3" in shown[0]._repr_html_()
    assert str(hint("softmax_stable", level=1)) == hints[0]
    assert str(hint("softmax_stable")) == hints[1]
    assert "level" in hint("softmax_stable", level=9)
    assert "Unknown exercise" in hint("no_such_id")
    grading.reset_hints()


# ----------------------------------------------------------------------------- helpers
def test_compare_arrays_reports_the_worst_counterexample():
    """Is a NaN reported before a small error, with its x and the expected value?"""
    x = np.array([0.0, -1000.0, 2.0])
    with pytest.raises(Fail) as info:
        compare_arrays([0.5, np.nan, 0.9], [0.5, 0.0, 0.88], x=x)
    assert (
        info.value.message
        == "At x = -1000.0 your function returned nan, expected 0.0 (wrong at 2 of 3 points)."
    )
    assert find_mismatch(np.ones(3), np.ones(3)) is None
    assert fmt(np.float32(-3.4028235e38)) == "-3.4028235e+38"


def test_elementwise_checker_can_fail_on_every_stage():
    """Does each stage (grid, 2-D, extreme values, float32) of the elementwise checker bite?"""
    checker = elementwise_checker(np.tanh, name="tanh", stable=True)
    assert checker(np.tanh)[0] == "passed"
    with pytest.raises(Fail, match="2-D"):
        checker(lambda x: np.tanh(x).ravel() if x.ndim == 2 else np.tanh(x))
    with pytest.raises(Fail, match="at x = -1000.0 your function returned nan, expected -1.0"):
        checker(lambda x: np.where(np.abs(x) > 999, np.nan, np.tanh(x)))
    with pytest.raises(Fail, match="float32"):
        checker(lambda x: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1) if x.dtype == np.float32 else np.tanh(x))
