"""Tests of the exercises added to lessons 02 and 03 beyond the required ones.

Each test answers one question a student's answer raises: is the right answer accepted, in
every reasonable form, and is each classic wrong answer failed with an explanation?
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils.grading import check, exercises_for_lesson

SIGMOID_THRESHOLD = 6.905752272297920  # mpmath: findroot(sigma'(x) - 1e-3) = 6.9057522722979198...


def test_each_lesson_has_at_least_four_exercises_in_notebook_order():
    """Do lessons 02 and 03 list the required exercises first and at least four in all?"""
    ids02 = [e.id for e in exercises_for_lesson("02")]
    ids03 = [e.id for e in exercises_for_lesson("03")]
    assert ids02[:2] == ["sigmoid_grad_symbolic", "sigmoid_stable"]
    assert {"saturation_threshold", "vanishing_depth", "tanh_grad_from_output"} <= set(ids02)
    assert ids03[:3] == ["relu_grad", "dead_fraction", "he_variance"]
    assert {"leaky_relu_grad", "prelu_slope_grad"} <= set(ids03)
    assert len(ids02) >= 4 and len(ids03) >= 4


# ----------------------------------------------------------------------------- saturation_threshold
@pytest.mark.parametrize(
    "answer",
    [
        SIGMOID_THRESHOLD,
        np.float64(SIGMOID_THRESHOLD),
        np.array(SIGMOID_THRESHOLD),
        SIGMOID_THRESHOLD * (1 + 5e-7),
    ],
)
def test_saturation_threshold_accepts_the_root_in_any_numeric_form(answer):
    """Is the positive root of σ'(x) = 1e-3 accepted as float, numpy scalar or 0-d array?"""
    assert check("saturation_threshold", answer).status == "passed"


def test_saturation_threshold_accepts_a_sympy_float():
    """Does the value straight from sp.nsolve pass?"""
    sp = pytest.importorskip("sympy")
    x = sp.Symbol("x")
    root = sp.nsolve(sp.diff(1 / (1 + sp.exp(-x)), x) - sp.Rational(1, 1000), x, 7)
    assert check("saturation_threshold", root).status == "passed"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (-SIGMOID_THRESHOLD, "negative"),
        (math.log(1000.0), "ln(1000)"),
        (4.146774726248896, "tanh"),
        (math.log(999.0), "σ(x) itself"),
        (6.9078, "ln(1000)"),
        (7.0, "not correct"),
        (6.9057, "not precise enough"),
    ],
)
def test_saturation_threshold_explains_classic_mistakes(answer, words):
    """Is each classic wrong number failed with a message that names the mistake?"""
    result = check("saturation_threshold", answer)
    assert result.status == "failed"
    assert words in result.message


def test_saturation_threshold_blank_and_wrong_type():
    """Is a blank 'not attempted' and a string an 'error', never a crash?"""
    assert check("saturation_threshold", None).status == "not_attempted"
    assert check("saturation_threshold", "6.9").status == "error"


# ----------------------------------------------------------------------------- vanishing_depth
@pytest.mark.parametrize("answer", [10, 10.0, np.int64(10)])
def test_vanishing_depth_accepts_ten(answer):
    """Is L = 10 (0.25**10 ≈ 9.5e-7 < 1e-6 < 0.25**9) accepted as int or float?"""
    assert 0.25**10 < 1e-6 < 0.25**9
    assert check("vanishing_depth", answer).status == "passed"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (math.log(1e-6) / math.log(0.25), "whole number"),
        (9, "L = 9"),
        (20, "1/4"),
        (11, "not correct"),
    ],
)
def test_vanishing_depth_explains_mistakes(answer, words):
    """Are the unrounded logarithm, the off-by-one and the factor-2 mistakes explained?"""
    result = check("vanishing_depth", answer)
    assert result.status == "failed"
    assert words in result.message


# ----------------------------------------------------------------------------- tanh_grad_from_output
def test_tanh_grad_from_output_accepts_one_minus_t_squared():
    """Do the usual spellings of 1 − t² pass?"""
    for answer in (lambda t: 1 - t**2, lambda t: (1 - t) * (1 + t), lambda t: 1.0 - np.square(t)):
        assert check("tanh_grad_from_output", answer).status == "passed"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (lambda t: 1 - np.tanh(t) ** 2, "applied tanh again"),
        (lambda t: t * (1 - t), "sigmoid"),
        (lambda t: 1 - t, "flat"),
        (lambda t: np.ones_like(t), "expected"),
    ],
)
def test_tanh_grad_from_output_explains_mistakes(answer, words):
    """Is re-applying tanh, using the sigmoid's form or forgetting the square explained?"""
    result = check("tanh_grad_from_output", answer)
    assert result.status == "failed"
    assert words in result.message


def test_tanh_grad_from_output_blank_function():
    """Is a body that still raises NotImplementedError 'not attempted'?"""

    def tanh_grad_from_output(t):
        raise NotImplementedError("your code here")

    assert check("tanh_grad_from_output", tanh_grad_from_output).status == "not_attempted"


# ----------------------------------------------------------------------------- leaky_relu_grad
@pytest.mark.parametrize("at_zero", [0.01, 0.5, 1.0])
def test_leaky_relu_grad_accepts_any_value_in_range_at_zero(at_zero):
    """Is any value in [0.01, 1] accepted at the kink, as for ReLU′ (any value in [0, 1])?"""

    def leaky_relu_grad(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, 1.0, np.where(x < 0, 0.01, at_zero))

    assert check("leaky_relu_grad", leaky_relu_grad).status == "passed"


def test_leaky_relu_grad_accepts_the_registry():
    """Does the package's own derivative pass (reference and checker agree)?"""
    from course_utils.activations import leaky_relu

    assert check("leaky_relu_grad", leaky_relu.grad).status == "passed"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (lambda x: (np.asarray(x) > 0).astype(float), "plain ReLU"),
        (lambda x: np.where(np.asarray(x) > 0, 1.0, 0.3), "Keras"),
        (lambda x: np.where(np.asarray(x) > 0, 1.0, 0.2), "tf.nn"),
        (lambda x: np.where(np.asarray(x) > 0, x, 0.01 * np.asarray(x)), "itself"),
        (lambda x: np.where(np.asarray(x) >= 0, 1.0, 0.0), "plain ReLU"),
    ],
)
def test_leaky_relu_grad_explains_mistakes(answer, words):
    """Are ReLU′, the Keras/tf.nn slopes and Leaky ReLU itself recognised?"""
    result = check("leaky_relu_grad", answer)
    assert result.status == "failed"
    assert words in result.message


def test_leaky_relu_grad_rejects_a_wrong_value_at_zero():
    """Is 0 at the kink (outside [0.01, 1]) failed with the kink named?"""

    def answer(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, 1.0, np.where(x < 0, 0.01, 0.0))

    result = check("leaky_relu_grad", answer)
    assert result.status == "failed"
    assert "x = 0" in result.message


# ----------------------------------------------------------------------------- prelu_slope_grad
def test_prelu_slope_grad_accepts_the_chain_rule_and_matches_finite_differences():
    """Does Σ upstream · min(x, 0) pass, and is it the finite-difference gradient of the loss?"""
    from course_utils.activations import leaky_relu

    answer = lambda x, g: float(np.sum(g * np.minimum(x, 0.0)))  # noqa: E731
    assert check("prelu_slope_grad", answer).status == "passed"
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=50), rng.normal(size=50)
    a, h = 0.25, 1e-6
    loss = lambda a: float(np.sum(g * leaky_relu(x, negative_slope=a)))  # noqa: E731
    assert answer(x, g) == pytest.approx((loss(a + h) - loss(a - h)) / (2 * h), rel=1e-6)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (lambda x, g: np.sum(g * (x < 0)), "as if d prelu/da were 1"),
        (lambda x, g: np.sum(g * x), "only where x < 0"),
        (lambda x, g: np.sum(g * np.maximum(x, 0)), "NEGATIVE"),
        (lambda x, g: np.sum(np.minimum(x, 0)), "chain rule"),
        (lambda x, g: np.mean(g * np.minimum(x, 0)), "do not average"),
    ],
)
def test_prelu_slope_grad_explains_mistakes(answer, words):
    """Are the forgotten x, the wrong side, the missing chain rule and averaging explained?"""
    result = check("prelu_slope_grad", answer)
    assert result.status == "failed"
    assert words in result.message


def test_prelu_slope_grad_reports_a_crash_as_error():
    """Does a function that raises get 'error' and a message, not a traceback?"""
    result = check("prelu_slope_grad", lambda x, g: 1 / 0)
    assert result.status == "error"
    assert "ZeroDivisionError" in result.message
