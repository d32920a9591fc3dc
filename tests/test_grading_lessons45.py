"""Do the added exercises of lessons 04 and 05 pass right answers and explain wrong ones?"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import integrate
from scipy.special import expit

from course_utils import activations as act
from course_utils.grading import EXERCISES, check, exercises_for_lesson


def _ids(lesson: str) -> list[str]:
    return [ex.id for ex in exercises_for_lesson(lesson)]


def test_lessons_have_at_least_four_exercises_in_notebook_order() -> None:
    """Are the required and the added exercises registered, in notebook order?"""
    assert _ids("04") == ["celu_from_elu", "elu_grad", "selu_constants", "selu_layer_moments", "lecun_std"]
    assert _ids("05") == [
        "gelu_tanh",
        "gelu_sigmoid_error",
        "swish_grad",
        "swish_beta_limit",
        "swish_minimum",
        "mish_minimum",
    ]
    for ex_id in _ids("04") + _ids("05"):
        assert EXERCISES[ex_id].hints, ex_id


# ----------------------------------------------------------------------------- lesson 04
def celu_right(x, alpha):
    return alpha * act.elu(np.asarray(x) / alpha, alpha=1.0)


def elu_grad_right(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def elu_grad_overflows(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(x))


def selu_moments_by_quadrature(var: float) -> tuple[float, float]:
    pdf = lambda z: np.exp(-(z**2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    f = lambda z: float(act.selu(z))
    kw = {"epsabs": 1e-13, "epsrel": 1e-12}
    m = (
        integrate.quad(lambda z: f(z) * pdf(z), -np.inf, 0, **kw)[0]
        + integrate.quad(lambda z: f(z) * pdf(z), 0, np.inf, **kw)[0]
    )
    s = (
        integrate.quad(lambda z: f(z) ** 2 * pdf(z), -np.inf, 0, **kw)[0]
        + integrate.quad(lambda z: f(z) ** 2 * pdf(z), 0, np.inf, **kw)[0]
    )
    return m, s - m**2


@pytest.mark.parametrize(
    ("ex_id", "answer"),
    [
        ("celu_from_elu", celu_right),
        ("elu_grad", elu_grad_right),
        ("elu_grad", lambda x, alpha=1.0: act.elu.grad(x, alpha=alpha)),
        ("selu_layer_moments", selu_moments_by_quadrature(2.0)),
        ("selu_layer_moments", np.array(selu_moments_by_quadrature(2.0))),
        ("lecun_std", lambda n_in: 1 / np.sqrt(n_in)),
        ("lecun_std", lambda n_in: float(n_in) ** -0.5),
    ],
)
def test_lesson04_right_answers_pass(ex_id, answer) -> None:
    """Does a right answer pass (in more than one correct form)?"""
    result = check(ex_id, answer)
    assert result.status == "passed", result.message


@pytest.mark.parametrize(
    ("ex_id", "answer", "phrase"),
    [
        ("celu_from_elu", lambda x, alpha: act.elu(x, alpha=alpha), "ELU with this alpha"),
        ("celu_from_elu", lambda x, alpha: alpha * act.elu(x / alpha, alpha=alpha), "twice"),
        ("celu_from_elu", lambda x, alpha: act.elu(x / alpha, alpha=1.0), "too small"),
        ("celu_from_elu", lambda x, alpha: act.celu(x, alpha=alpha), "ready-made CELU"),
        ("elu_grad", elu_grad_overflows, "evaluates BOTH branches"),
        ("elu_grad", lambda x, alpha=1.0: elu_grad_right(x, 1.0), "ignores alpha"),
        ("elu_grad", lambda x, alpha=1.0: act.elu(x, alpha=alpha), "ELU itself"),
        ("selu_layer_moments", (0.0, 1.0), "fixed point"),
        ("selu_layer_moments", (0.0, 2.0), "not linear"),
        ("selu_layer_moments", (0.0896, 1.7145), "not precise enough"),
        ("lecun_std", lambda n_in: 1 / n_in, "variance"),
        ("lecun_std", lambda n_in: np.sqrt(2 / n_in), "He"),
    ],
)
def test_lesson04_wrong_answers_explained(ex_id, answer, phrase) -> None:
    """Does a classic wrong answer fail with a message that names the mistake?"""
    result = check(ex_id, answer)
    assert result.status == "failed", result.message
    assert phrase in result.message


def test_selu_layer_moments_second_moment_is_named() -> None:
    """Is E[selu²] given instead of the variance recognised?"""
    m, v = selu_moments_by_quadrature(2.0)
    result = check("selu_layer_moments", (m, v + m**2))
    assert result.status == "failed" and "second moment" in result.message


def test_lesson04_blank_and_broken_answers() -> None:
    """Are blanks 'not attempted' and a crashing function an 'error', never an exception?"""

    def blank(x, alpha=1.0):
        raise NotImplementedError("your code here")

    assert check("elu_grad", blank).status == "not_attempted"
    assert check("selu_layer_moments", None).status == "not_attempted"
    assert check("celu_from_elu", lambda x, alpha: 1 / 0).status == "error"
    assert check("lecun_std", "0.1").status == "error"


# ----------------------------------------------------------------------------- lesson 05
def gelu_sigmoid_error_by_grid() -> float:
    x = np.linspace(-6, 6, 1_200_001)
    return float(np.max(np.abs(x * expit(1.702 * x) - act.gelu(x))))


def swish_grad_right(x, beta):
    s = expit(beta * np.asarray(x, dtype=float))
    f = x * s
    return beta * f + s * (1 - beta * f)


def swish_grad_beta1_formula(x, beta):
    s = expit(beta * np.asarray(x, dtype=float))
    f = x * s
    return f + s * (1 - f)


X = sp.Symbol("x")
BETA = sp.Symbol("beta", positive=True)
MISH = X * sp.tanh(sp.log(1 + sp.exp(X)))


@pytest.mark.parametrize(
    ("ex_id", "answer"),
    [
        ("gelu_sigmoid_error", gelu_sigmoid_error_by_grid()),
        ("swish_grad", swish_grad_right),
        ("swish_grad", lambda x, beta: act.swish.grad(x, beta=beta)),
        ("swish_beta_limit", sp.limit(X / (1 + sp.exp(-BETA * X)), BETA, 0)),
        ("swish_beta_limit", sp.Symbol("x", real=True) * sp.Rational(1, 2)),
        ("mish_minimum", float(sp.nsolve(sp.diff(MISH, X), X, -1.2))),
    ],
)
def test_lesson05_right_answers_pass(ex_id, answer) -> None:
    """Does a right answer pass (in more than one correct form)?"""
    result = check(ex_id, answer)
    assert result.status == "passed", result.message


@pytest.mark.parametrize(
    ("ex_id", "answer", "phrase"),
    [
        ("gelu_sigmoid_error", 0.0203, "not precise enough"),
        ("gelu_sigmoid_error", 0.000473235520687, "tanh approximation"),
        ("gelu_sigmoid_error", 0.0094863244, "gates"),
        ("swish_grad", swish_grad_beta1_formula, "beta = 1 only"),
        ("swish_grad", lambda x, beta: 2 * swish_grad_right(x, beta), "2x·σ(βx)"),
        (
            "swish_grad",
            lambda x, beta: expit(beta * x) + x * expit(beta * x) * (1 - expit(beta * x)),
            "chain rule's factor beta",
        ),
        ("swish_beta_limit", X, "mis-transcription"),
        ("swish_beta_limit", sp.Max(X, 0), "ReLU"),
        ("swish_beta_limit", X / 3, "not equal"),
        ("swish_beta_limit", sp.Symbol("t") / 2, "named 'x'"),
        ("mish_minimum", -1.2784645427610738, "Swish"),
        ("mish_minimum", -0.30884341301725, "VALUE"),
        ("mish_minimum", 1.1924312145154952, "sign"),
    ],
)
def test_lesson05_wrong_answers_explained(ex_id, answer, phrase) -> None:
    """Does a classic wrong answer fail with a message that names the mistake?"""
    result = check(ex_id, answer)
    assert result.status == "failed", result.message
    assert phrase in result.message


def test_lesson05_blank_answers() -> None:
    """Are blanks reported as not attempted?"""
    assert check("gelu_sigmoid_error", None).status == "not_attempted"
    assert check("swish_beta_limit", ...).status == "not_attempted"
    assert check("swish_beta_limit", "x/2").status == "error"


def test_required_lesson45_exercises_accept_the_notebook_answers() -> None:
    """Do the answers the solution notebooks compute pass the required checks too?"""
    a, lam = sp.symbols("alpha lambda", positive=True)
    z = sp.Symbol("z", real=True)
    pdf = sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)
    m1 = sp.integrate(lam * z * pdf, (z, 0, sp.oo)) + sp.integrate(
        lam * a * (sp.exp(z) - 1) * pdf, (z, -sp.oo, 0)
    )
    m2 = sp.integrate(lam**2 * z**2 * pdf, (z, 0, sp.oo)) + sp.integrate(
        lam**2 * a**2 * (sp.exp(z) - 1) ** 2 * pdf, (z, -sp.oo, 0)
    )
    sol = sp.nsolve([m1, m2 - 1], [a, lam], [1.7, 1.0], prec=30)
    assert check("selu_constants", (float(sol[0]), float(sol[1]))).passed
    assert check("swish_minimum", float(sp.nsolve(sp.diff(X / (1 + sp.exp(-X)), X), X, -1.3))).passed
