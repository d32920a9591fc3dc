"""Tests of the SymPy helpers used by lessons and graders."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
import sympy as sp

from course_utils import activations as act
from course_utils.symbolic import (
    Equivalence,
    X,
    assert_equal,
    critical_point,
    derivative,
    equivalent,
    lambdify,
)

SIGMA = 1 / (1 + sp.exp(-X))
TANH = sp.tanh(X)


def test_x_is_the_real_symbol_every_record_uses() -> None:
    """Is X the symbol of every activation's .sympy()?"""
    assert X == sp.Symbol("x", real=True)
    for rec in act.ACTIVATIONS.values():
        assert rec.sympy().free_symbols <= {X}


@pytest.mark.parametrize(
    "form",
    [SIGMA * (1 - SIGMA), sp.exp(-X) / (1 + sp.exp(-X)) ** 2, sp.exp(X) / (1 + sp.exp(X)) ** 2],
)
def test_sigmoid_derivative_forms_are_proved_equal(form: sp.Expr) -> None:
    """Does equivalent() prove sigma' = sigma(1 - sigma) = e^-x / (1 + e^-x)^2?"""
    result = equivalent(derivative("sigmoid"), form)
    assert result.equal and bool(result)
    assert result.method == "simplify"
    assert result.counterexample is None


@pytest.mark.parametrize("form", [1 - TANH**2, 4 / (sp.exp(X) + sp.exp(-X)) ** 2, 1 / sp.cosh(X) ** 2])
def test_tanh_derivative_forms_are_equal(form: sp.Expr) -> None:
    """Does equivalent() accept tanh' = 1 - tanh^2 = 4 / (e^x + e^-x)^2 = sech^2?"""
    assert equivalent(derivative("tanh"), form)
    assert equivalent(1 - TANH**2, 4 / (sp.exp(X) + sp.exp(-X)) ** 2).method == "simplify"


def test_wrong_answers_are_rejected_with_a_counterexample() -> None:
    """sigma itself and a sign error are not sigma'; the counterexample is a real x where they differ."""
    for wrong in (SIGMA, -SIGMA * (1 - SIGMA), SIGMA * (1 + SIGMA)):
        result = equivalent(wrong, derivative("sigmoid"))
        assert not result and result.method == "numeric"
        c = result.counterexample
        assert isinstance(c, float)
        assert abs(float(wrong.subs(X, c)) - float(derivative("sigmoid").subs(X, c))) > 1e-6
        assert "differ at x =" in result.detail


def test_a_symbol_named_y_is_not_x() -> None:
    """The same formula in y is not equivalent, and the detail says why."""
    y = sp.Symbol("y", real=True)
    result = equivalent(SIGMA.subs(X, y) * (1 - SIGMA.subs(X, y)), derivative("sigmoid"))
    assert not result
    assert "y" in result.detail and result.counterexample is None


@pytest.mark.parametrize(
    "x", [sp.Symbol("x"), sp.Symbol("x", positive=True), sp.Symbol("x", real=True), sp.Dummy("x")]
)
def test_symbols_named_x_match_whatever_their_assumptions(x: sp.Symbol) -> None:
    """A student's Symbol('x', positive=True) (or plain Symbol('x')) counts as x."""
    student = sp.exp(-x) / (1 + sp.exp(-x)) ** 2
    assert equivalent(student, derivative("sigmoid"))
    assert equivalent(derivative("sigmoid"), student)


def test_piecewise_and_heaviside_are_compared_numerically() -> None:
    """relu' as Piecewise equals Heaviside(x, 0) but not Heaviside(x) (1/2 at 0)."""
    assert equivalent(derivative("relu"), sp.Heaviside(X, 0))
    half = equivalent(derivative("relu"), sp.Heaviside(X))
    assert not half and half.counterexample == 0.0
    assert equivalent(sp.Max(0, X), sp.Piecewise((X, X > 0), (0, True)))
    assert not equivalent(sp.Max(0, X), sp.Abs(X))


def test_slow_simplify_is_avoided() -> None:
    """Comparing GELU's erf and tanh derivatives (where simplify runs for minutes) is quick."""
    start = time.perf_counter()
    result = equivalent(derivative("gelu"), derivative("gelu", approximate="tanh"))
    assert not result
    big = sum(sp.exp(k * X) / (1 + sp.exp(-k * X)) for k in range(1, 30))
    assert equivalent(big, big + 0 * X)
    assert equivalent(derivative("gelu"), sp.diff(X / 2 * sp.erfc(-X / sp.sqrt(2)), X))
    assert time.perf_counter() - start < 10


def test_numeric_check_uses_high_precision() -> None:
    """exp(800 x) does not overflow; 1 + erf(-x/sqrt 2) is not mistaken for 0 at x = 10."""
    assert not equivalent(sp.exp(800 * X), sp.exp(800 * X) + 1)
    assert not equivalent(1 + sp.erf(-X / sp.sqrt(2)), sp.Integer(0), lo=5, hi=10, atol=0)
    result = equivalent(sp.log(X), sp.log(-X))  # never both defined: differ wherever one is
    assert not result


def test_shared_parameters_are_sampled() -> None:
    """General-beta Swish derivative f' = beta f + sigma(beta x)(1 - beta f), not f + sigma(1 - f)."""
    beta = sp.Symbol("beta", positive=True)
    f = derivative("swish", beta=beta)
    s = 1 / (1 + sp.exp(-beta * X))
    swish = X * s
    assert equivalent(f, beta * swish + s * (1 - beta * swish))
    assert not equivalent(f, swish + s * (1 - swish))


def test_matrices_and_strings() -> None:
    """Matrices compare entrywise; strings are parsed in x."""
    assert equivalent(derivative("softmax", n=2), derivative("softmax", n=2))
    assert not equivalent(sp.Matrix([X, 1]), sp.Matrix([X, 2]))
    assert not equivalent(sp.Matrix([X]), X)
    assert equivalent("1/(1 + exp(-x))", SIGMA)
    with pytest.raises(ValueError, match="^a:"):
        equivalent("1/(1 + ", SIGMA)
    with pytest.raises(TypeError, match="^b:"):
        equivalent(SIGMA, None)


def test_equivalence_is_a_small_frozen_record() -> None:
    """Equivalence is frozen, has the four fields and is truthy only when equal."""
    r = Equivalence(True, "numeric", None, "ok")
    assert [f.name for f in dataclasses.fields(r)] == ["equal", "method", "counterexample", "detail"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.equal = False  # type: ignore[misc]
    assert r and not Equivalence(False, "numeric", 1.0, "no")


def test_assert_equal_reports_the_counterexample() -> None:
    """assert_equal raises AssertionError saying where the formulas differ."""
    assert assert_equal(derivative("tanh"), 1 - TANH**2)
    with pytest.raises(AssertionError, match="differ at x = 0"):
        assert_equal(derivative("sigmoid"), SIGMA)


def test_lambdify_is_vectorised_and_handles_special_functions() -> None:
    """lambdify works on arrays for erf, Heaviside, Piecewise, Max and constants."""
    x = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(lambdify(act.gelu.sympy())(x), act.gelu(x), rtol=1e-14)
    np.testing.assert_array_equal(lambdify(sp.Heaviside(X, 1))(x), act.step(x))
    np.testing.assert_array_equal(lambdify(derivative("relu"))(x), act.relu.grad(x))
    np.testing.assert_array_equal(lambdify(sp.Max(0, X))(x), act.relu(x))
    assert lambdify(sp.Integer(3))(x).shape == x.shape
    y = sp.Symbol("y")
    np.testing.assert_array_equal(lambdify(y**2, "y")(x), x**2)
    with pytest.raises(ValueError, match="symbol"):
        lambdify(X * y)


def test_derivative_of_every_activation_matches_grad() -> None:
    """derivative(name) lambdified agrees with .grad away from kinks (spot check)."""
    x = np.array([-2.5, -0.7, 0.3, 1.9, 4.2])
    for name, rec in act.ACTIVATIONS.items():
        np.testing.assert_allclose(lambdify(derivative(name))(x), rec.grad(x), rtol=1e-9, err_msg=name)


def test_critical_point_finds_the_swish_minimum() -> None:
    """The minimum of x sigma(x) is at x = -1.27846... where 1 + x(1 - sigma(x)) = 0."""
    x_min = critical_point("silu", -1.0)
    assert x_min == pytest.approx(-1.2784645427610738, rel=1e-12)
    assert act.silu(x_min) == pytest.approx(act.silu.properties["output_range"][0], rel=1e-12)
