"""Exercises of lesson 05, *GELU and Swish* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``gelu_tanh`` | ``gelu_tanh`` | function on arrays: the tanh approximation of GELU |
| ``gelu_sigmoid_error`` | ``gelu_sigmoid_error`` | number: max abs error of x·σ(1.702x) on [−6, 6] |
| ``swish_grad`` | ``swish_grad`` | function ``(x, beta)``: Swish's derivative for any beta |
| ``swish_beta_limit`` | ``swish_beta_limit`` | SymPy expression in x: the beta → 0 limit of Swish |
| ``swish_minimum`` | ``swish_minimum`` | number: the x where x·σ(x) is smallest |
| ``mish_minimum`` | ``mish_minimum`` | number: the x where Mish is smallest |

The reference for ``swish_minimum`` is the closed form of the root of
d/dx [x σ(x)] = σ(x) (1 + x (1 − σ(x))) = 0, namely x* = −(1 + W(1/e)) ≈ −1.2784645427610738
with W the Lambert W function; the minimum value there is x* σ(x*) = −W(1/e) ≈ −0.2784645.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .checkers import Mistake, activation
from .formatting import fmt
from .function_checkers import elementwise_checker, function_checker
from .i18n import N_, _
from .registry import register
from .value_checkers import number_checker, sympy_checker


def _gelu_like(
    x: np.ndarray, *, factor: float = math.sqrt(2.0 / math.pi), cubic: float = 0.044715
) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(factor * (x + cubic * x**3)))


register(
    id="gelu_tanh",
    lesson="05",
    answer_name="gelu_tanh",
    kind="function",
    title="GELU's tanh approximation",
    section="5.2",
    checker=elementwise_checker(
        activation("gelu", approximate="tanh"),
        name="GELU-tanh",
        signature="gelu_tanh(x)",
        mistakes=(
            Mistake(
                activation("gelu"),
                "That is the exact GELU x·Φ(x) (written with erf), not the tanh approximation this "
                "exercise asks for; the two differ by up to about 5e-4 (near x = ±2.7).",
            ),
            Mistake(
                activation("gelu", approximate="sigmoid"),
                "That is the sigmoid approximation x·σ(1.702x); this exercise asks for the tanh one.",
            ),
            Mistake(
                lambda x: _gelu_like(x, cubic=0.0),
                "The 0.044715·x³ term inside the tanh is missing.",
            ),
            Mistake(
                lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**2))),
                "The correction term inside the tanh is cubic: 0.044715·x³, not x².",
            ),
            *(
                Mistake(
                    (lambda x, c=c: _gelu_like(x, factor=c)),
                    "The factor in front of (x + 0.044715·x³) is wrong: it must be sqrt(2/π) ≈ 0.798 "
                    "(np.sqrt(2 / np.pi)).",
                )
                for c in (
                    math.sqrt(2.0 * math.pi),
                    2.0 / math.pi,
                    math.sqrt(math.pi / 2.0),
                    1.0,
                    math.sqrt(2.0) / math.pi,
                )
            ),
            Mistake(lambda x: 2.0 * _gelu_like(x), "The factor 1/2 in front is missing."),
            Mistake(
                lambda x: _gelu_like(x) / np.where(x == 0, 1.0, x),
                "You returned only the gate 0.5·(1 + tanh(...)), the approximation of Φ(x); GELU "
                "multiplies it by x.",
            ),
        ),
    ),
    hints=(
        "GELU(x) = x·Φ(x), and the approximation replaces Φ(x) by 0.5·(1 + tanh(u)).",
        "u = sqrt(2/π)·(x + 0.044715·x³).",
        "Use np.tanh, np.sqrt and np.pi so that the function works on whole arrays.",
    ),
)


def _max_abs_error(approx: Any, exact: Any, lo: float, hi: float) -> float:
    """max |approx − exact| on [lo, hi]: a dense grid, then a bounded refinement of the peak."""
    from scipy import optimize

    def err(t: Any) -> Any:
        return np.abs(approx(t) - exact(t))

    x = np.linspace(lo, hi, 120_001)
    i = int(np.argmax(err(x)))
    step = x[1] - x[0]
    res = optimize.minimize_scalar(
        lambda t: -float(err(np.array([t]))[0]),
        bounds=(max(lo, x[i] - step), min(hi, x[i] + step)),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return max(float(err(x[i : i + 1])[0]), -float(res.fun))


def _gelu_sigmoid_error() -> float:
    return _max_abs_error(activation("gelu", approximate="sigmoid"), activation("gelu"), -6.0, 6.0)


def _gelu_tanh_error() -> float:
    return _max_abs_error(activation("gelu", approximate="tanh"), activation("gelu"), -6.0, 6.0)


def _gate_error() -> float:
    from scipy import special

    return _max_abs_error(lambda t: special.expit(1.702 * t), special.ndtr, -6.0, 6.0)


register(
    id="gelu_sigmoid_error",
    lesson="05",
    answer_name="gelu_sigmoid_error",
    kind="number",
    title="How far is x·σ(1.702x) from GELU on [−6, 6]?",
    section="5.2",
    checker=number_checker(
        _gelu_sigmoid_error,
        digits=6,
        explain=lambda value: (
            N_("a largest absolute difference cannot be negative.")
            if value < 0
            else N_(
                "it must be the largest |x·σ(1.702x) − gelu(x)| over the whole interval [−6, 6], to "
                "the six significant digits asked; evaluate the difference on a fine grid and check "
                "where it peaks."
            )
        ),
        mistakes=(
            Mistake(
                _gelu_tanh_error,
                "That is the error of the tanh approximation; the exercise asks about x·σ(1.702x).",
            ),
            Mistake(
                _gate_error,
                "You compared the gates σ(1.702x) and Φ(x); the exercise compares the activations, "
                "x·σ(1.702x) and x·Φ(x), whose difference is x times larger.",
            ),
        ),
        near_rtol=1e-2,
        what="your gelu_sigmoid_error",
    ),
    hints=(
        "Evaluate both functions on a fine grid over [−6, 6] and take the largest absolute difference.",
        "A grid of 1 000 001 points (np.linspace(-6, 6, 1_000_001)) is fine enough; or refine the "
        "peak with scipy.optimize.minimize_scalar.",
        "Use act.gelu(x) for the exact GELU (or x * scipy.special.ndtr(x)).",
    ),
)


def _swish_grad_reference(x: np.ndarray, beta: float) -> np.ndarray:
    from course_utils.activations import swish

    return np.asarray(swish.grad(x, beta=beta), dtype=np.float64)


def _swish_value(x: np.ndarray, beta: float) -> np.ndarray:
    from course_utils.activations import swish

    return np.asarray(swish(x, beta=beta), dtype=np.float64)


def _sig(z: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(z)


register(
    id="swish_grad",
    lesson="05",
    answer_name="swish_grad",
    kind="function",
    title="Swish's derivative for any beta",
    section="5.3",
    checker=function_checker(
        _swish_grad_reference,
        [(np.arange(-80, 81) / 10.0, b) for b in (1.0, 2.0, 0.5, 0.0, 10.0)],
        signature="swish_grad(x, beta)",
        describe=lambda x, b: _("for beta = {beta}", beta=b),
        x_of=lambda x, _: x,
        mistakes=(
            Mistake(
                lambda x, b: _swish_value(x, b) + _sig(b * x) * (1.0 - _swish_value(x, b)),
                "The popular formula f + σ(βx)(1 − f) (equivalently σ(βx) + x·σ(βx)(1 − σ(βx)), "
                "without the chain rule's factor beta) is the derivative for beta = 1 only: your "
                "values are right for beta = 1 and wrong for every other beta.",
            ),
            Mistake(
                lambda x, b: 2.0 * _swish_grad_reference(x, b),
                "Your derivative is twice the right one: Swish is x·σ(βx), not 2x·σ(βx) (a common "
                "mis-transcription).",
            ),
        ),
    ),
    hints=(
        "Product rule on x·σ(βx): σ(βx) + x·(d/dx σ(βx)).",
        "d/dx σ(βx) = β·σ(βx)·(1 − σ(βx)): the chain rule brings the factor β.",
        "Check your formula against central differences, (f(x + h) − f(x − h)) / (2h) with "
        "h = 1e-6, for beta = 2; use scipy.special.expit for a stable σ.",
    ),
)


def _half_x() -> Any:
    import sympy as sp

    return sp.Symbol("x", real=True) / 2


def _beta_limit_mistakes() -> list[tuple[Any, str]]:
    import sympy as sp

    x = sp.Symbol("x", real=True)
    return [
        (
            x,
            N_(
                "The answer x is the β → 0 limit of 2x·σ(βx), a mis-transcription of Swish; Swish itself "
                "is x·σ(βx)."
            ),
        ),
        (sp.Max(x, 0), N_("That is the β → ∞ limit (ReLU); the exercise asks for β → 0.")),
        (
            sp.Integer(0),
            N_("Your limit is 0 for every x, but at β = 0 the gate σ(βx) is not 0: try x = 2."),
        ),
    ]


register(
    id="swish_beta_limit",
    lesson="05",
    answer_name="swish_beta_limit",
    kind="sympy",
    title="Swish as beta → 0",
    section="5.3",
    checker=sympy_checker(_half_x, reference_name="the limit", mistakes=_beta_limit_mistakes),
    hints=(
        "What is σ(βx) when β = 0, whatever x is?",
        "sp.limit(x / (1 + sp.exp(-beta * x)), beta, 0) with beta = sp.Symbol('beta', positive=True).",
        "Give an expression in the symbol named x, e.g. x = sp.Symbol('x').",
    ),
)


def _swish_slope(x: float) -> float:
    from course_utils.activations import swish

    return float(swish.grad(x))


def _mish_slope(x: float) -> float:
    from course_utils.activations import mish

    return float(mish.grad(x))


def _not_a_minimum(name: str, slope: Any, value: float) -> str:
    """What is wrong with ``value`` as the place of a minimum: the slope there is not 0."""
    d = slope(value)
    template = (
        N_(
            "the slope of {name} at x = {x} is {slope:.3g}, not 0 — the function still falls there, "
            "so its smallest value is elsewhere (the exercise asks for at least 7 significant digits)."
        )
        if d < 0
        else N_(
            "the slope of {name} at x = {x} is {slope:.3g}, not 0 — the function already rises there, "
            "so its smallest value is elsewhere (the exercise asks for at least 7 significant digits)."
        )
    )
    return _(template, name=name, x=fmt(value), slope=d)


def _swish_argmin() -> float:
    from scipy.special import lambertw

    return float(-(1.0 + lambertw(math.exp(-1.0)).real))


def _swish_min_value() -> float:
    from scipy.special import lambertw

    return float(-lambertw(math.exp(-1.0)).real)


register(
    id="swish_minimum",
    lesson="05",
    answer_name="swish_minimum",
    kind="number",
    title="Where is Swish (x·σ(x)) smallest?",
    section="5.4",
    checker=number_checker(
        _swish_argmin,
        digits=7,
        explain=lambda value: _not_a_minimum("x·σ(x)", _swish_slope, value),
        mistakes=(
            Mistake(
                _swish_min_value,
                "That is the minimum VALUE of x·σ(x); the exercise asks for the x where it is reached.",
            ),
            Mistake(
                lambda: -_swish_argmin(),
                "Check the sign: Swish dips below 0 on the negative side, so its minimum is at a negative x.",
            ),
            Mistake(
                lambda: -_swish_min_value(),
                "That is (minus) the minimum value of x·σ(x); the exercise asks for the x where it "
                "is reached.",
            ),
        ),
        near_rtol=1e-2,
        what="your swish_minimum",
    ),
    hints=(
        "Plot x·σ(x) for x in [−5, 2]: the minimum is where the derivative is 0.",
        "Differentiate with SymPy and solve derivative = 0 numerically: sp.nsolve(expr, x, -1).",
        "Give the number with all its digits (float(...)), or rounded correctly to at least 7 "
        "significant digits.",
    ),
)


def _mish_argmin() -> float:
    from scipy import optimize

    from course_utils.activations import mish

    return float(optimize.brentq(lambda t: float(mish.grad(t)), -2.0, -0.5, xtol=1e-15, rtol=1e-15))


def _mish_min_value() -> float:
    from course_utils.activations import mish

    return float(mish(_mish_argmin()))


register(
    id="mish_minimum",
    lesson="05",
    answer_name="mish_minimum",
    kind="number",
    title="Where is Mish (x·tanh(softplus(x))) smallest?",
    section="5.5",
    checker=number_checker(
        _mish_argmin,
        digits=7,
        explain=lambda value: _not_a_minimum("Mish", _mish_slope, value),
        mistakes=(
            Mistake(
                _mish_min_value,
                "That is Mish's minimum VALUE; the exercise asks for the x where it is reached.",
            ),
            Mistake(
                _swish_argmin,
                "That is where Swish x·σ(x) is smallest; Mish's gate is tanh(softplus(x)).",
            ),
            Mistake(lambda: -_mish_argmin(), "Check the sign: Mish dips below 0 on the negative side."),
        ),
        near_rtol=1e-2,
        what="your mish_minimum",
    ),
    hints=(
        "Mish's derivative is 0 at its minimum, somewhere in [−2, −0.5].",
        "x = sp.Symbol('x'); mish = x * sp.tanh(sp.log(1 + sp.exp(x))); then "
        "sp.nsolve(sp.diff(mish, x), x, -1.2).",
        "Give the number with all its digits (float(...)), or rounded correctly to at least 7 "
        "significant digits.",
    ),
)
