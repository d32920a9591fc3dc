"""Exercises of lesson 02, *Sigmoid and tanh saturation* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``sigmoid_grad_symbolic`` | ``sigmoid_grad`` | sympy: σ'(x) in a symbol named ``x`` |
| ``sigmoid_stable`` | ``sigmoid_stable`` | function on arrays, stable |
| ``saturation_threshold`` | ``saturation_threshold`` | number: the x > 0 with σ'(x) = 1e-3 |
| ``vanishing_depth`` | ``vanishing_depth`` | number: smallest L with 0.25**L < 1e-6 |
| ``tanh_grad_from_output`` | ``tanh_grad_from_output`` | function ``t -> 1 - t**2`` on arrays |

Decisions for ``sigmoid_stable``: "stable" follows COURSE.md (no warning, no NaN, rtol 1e-7 /
atol 1e-12 on extreme finite inputs: ±30 … ±1e4 in float64, up to ±3.4e38 in float32) — so
``0.5 * (1 + tanh(x / 2))``, ``scipy.special.expit`` and a sign split computing ``exp(-|x|)``
pass, while the naive ``1 / (1 + exp(-x))`` fails (overflow warning at x = −710 and below), and
so does a sign split written with ``np.where`` around ``exp(x)`` and ``exp(-x)`` (``np.where``
evaluates both branches). Inputs ±inf are *not* graded (a stable form such as
``exp(x - logaddexp(0, x))`` gives NaN there); a passing answer that misses the limits gets a
note instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checkers import (
    Mistake,
    activation,
    activation_grad,
    elementwise_checker,
    number_checker,
    sympy_checker,
)
from .registry import register


def _sigmoid_expr() -> Any:
    from course_utils.activations import sigmoid

    return sigmoid.sympy()


def _sigmoid_grad_expr() -> Any:
    import sympy as sp

    expr = _sigmoid_expr()
    (x,) = [s for s in expr.free_symbols if s.name == "x"]
    return sp.diff(expr, x)


def _sigmoid_grad_mistakes() -> list[tuple[Any, str]]:
    import sympy as sp

    sigma = _sigmoid_expr()
    grad = _sigmoid_grad_expr()
    (x,) = [s for s in sigma.free_symbols if s.name == "x"]
    return [
        (sigma, "That is σ(x) itself; the exercise asks for its derivative σ'(x)."),
        (
            -grad,
            "Sign error: your expression is −σ'(x). Differentiating (1 + e^(−x))^(−1) "
            "gives two minus signs (power rule and chain rule), and they cancel.",
        ),
        (1 - sigma, "That is 1 − σ(x) = σ(−x), not the derivative."),
        (sp.diff(grad, x), "That is the second derivative σ''(x); differentiate only once."),
    ]


register(
    id="sigmoid_grad_symbolic",
    lesson="02",
    answer_name="sigmoid_grad",
    kind="sympy",
    title="Derive σ'(x) with SymPy",
    section="2.1",
    checker=sympy_checker(
        _sigmoid_grad_expr,
        reference_name="σ'(x)",
        mistakes=_sigmoid_grad_mistakes,
    ),
    hints=(
        "Make the symbol first: x = sp.Symbol('x'), then sigma = 1 / (1 + sp.exp(-x)).",
        "sp.diff(expression, x) differentiates; sp.simplify tidies the result.",
        "Any equivalent form is accepted, e.g. one written with σ itself: sigma * (...).",
    ),
)


def _sigmoid_stable_checker() -> Any:
    return elementwise_checker(
        activation("sigmoid"),
        name="σ",
        signature="sigmoid_stable(x)",
        stable=True,
        infinity_note=True,
        mistakes=(
            Mistake(
                activation_grad("sigmoid"),
                "You returned the derivative σ'(x) = σ(x)(1 − σ(x)), not σ(x) itself.",
            ),
            Mistake(
                activation("tanh"),
                "That is tanh(x), which runs from −1 to 1; σ runs from 0 to 1 (σ(x) = (1 + tanh(x/2)) / 2).",
            ),
        ),
        stability_advice=(
            "exp(−x) is astronomically large for x ≪ 0 even though σ(x) itself is tiny: evaluate "
            "exp only at arguments ≤ 0 (split on the sign of x, e.g. with z = np.exp(-np.abs(x))) "
            "or use 0.5 * (1 + np.tanh(x / 2)). See {section}."
        ),
    )


register(
    id="sigmoid_stable",
    lesson="02",
    answer_name="sigmoid_stable",
    kind="function",
    title="A numerically stable sigmoid",
    section="2.6",
    checker=_sigmoid_stable_checker(),
    hints=(
        "Try your function on np.array([-1000.0]) with warnings visible: what does np.exp(1000) give?",
        "For x ≥ 0, 1 / (1 + exp(-x)) is safe. For x < 0, multiply top and bottom by exp(x): "
        "exp(x) / (1 + exp(x)) is safe there.",
        "np.where evaluates both branches for every element, so compute z = np.exp(-np.abs(x)) once "
        "and combine: np.where(x >= 0, 1 / (1 + z), z / (1 + z)). Or use the identity "
        "σ(x) = (1 + tanh(x/2)) / 2.",
    ),
)


# ----------------------------------------------------------------------------- saturation_threshold
def _saturation_threshold() -> float:
    from course_utils.saturation import derivative_threshold

    return derivative_threshold("sigmoid", 1e-3)


def _tanh_threshold() -> float:
    from course_utils.saturation import derivative_threshold

    return derivative_threshold("tanh", 1e-3)


register(
    id="saturation_threshold",
    lesson="02",
    answer_name="saturation_threshold",
    kind="number",
    title="Where σ' falls to 1e-3: the positive x with σ'(x) = 0.001",
    section="2.2",
    checker=number_checker(
        _saturation_threshold,
        what="your x",
        near_rtol=1e-5,  # ln(1000) is only 3e-4 away: recognise mistakes and near misses tightly
        mistakes=(
            Mistake(
                lambda: -_saturation_threshold(),
                "That is the negative solution; σ' is even, so the exercise asks for the positive one.",
            ),
            Mistake(
                lambda: float(np.log(1000.0)),
                "That is ln(1000), from the approximation σ'(x) ≈ e^(−x) for large x. Solve "
                "σ(x)(1 − σ(x)) = 0.001 exactly (sp.nsolve, or the quadratic s² − s + 0.001 = 0 "
                "in s = σ(x)).",
            ),
            Mistake(
                _tanh_threshold,
                "That is where tanh' = 1 − tanh² falls to 1e-3; the exercise asks about σ' = σ(1 − σ).",
            ),
            Mistake(
                lambda: float(np.log((1 - 1e-3) / 1e-3)),
                "That is where σ(x) itself reaches 1 − 0.001; the exercise asks where the derivative "
                "σ'(x) = σ(x)(1 − σ(x)) equals 0.001.",
            ),
        ),
    ),
    hints=(
        "σ' = σ(1 − σ) is even and falls monotonically for x > 0, so there is exactly one positive solution.",
        "sp.nsolve(sp.diff(sigma, x) - sp.Rational(1, 1000), x, 7) starts Newton's method near 7.",
        "Or by hand: with s = σ(x), s(1 − s) = 0.001 is a quadratic; take the small root s and "
        "x = ln((1 − s)/s).",
    ),
)


# ----------------------------------------------------------------------------- vanishing_depth
register(
    id="vanishing_depth",
    lesson="02",
    answer_name="vanishing_depth",
    kind="number",
    title="How many sigmoid layers until the σ' factor alone is below 1e-6?",
    section="2.3",
    checker=number_checker(
        10.0,
        what="your number of layers",
        mistakes=(
            Mistake(
                float(np.log(1e-6) / np.log(0.25)),
                "That is log(1e-6) / log(1/4) ≈ 9.97, the exact solution of 0.25^L = 1e-6; a number of "
                "layers is a whole number: take the smallest integer L with 0.25^L < 1e-6.",
            ),
            Mistake(
                9.0,
                "Off by one: 0.25^9 ≈ 3.8e-6 is still above 1e-6.",
            ),
            Mistake(
                20.0,
                "With the bound 1/4 per layer fewer layers suffice: each layer divides by 4, not by 2.",
            ),
        ),
    ),
    hints=(
        "Each sigmoid layer multiplies the backpropagated gradient by σ'(z) ≤ 1/4.",
        "You need the smallest whole L with (1/4)^L < 1e-6; logarithms turn that into "
        "L > log(1e-6) / log(1/4).",
    ),
)


# ----------------------------------------------------------------------------- tanh_grad_from_output
def _tanh_grad_from_output(t: np.ndarray) -> np.ndarray:
    return 1.0 - np.asarray(t, dtype=np.float64) ** 2


register(
    id="tanh_grad_from_output",
    lesson="02",
    answer_name="tanh_grad_from_output",
    kind="function",
    title="tanh' computed from the forward output t = tanh(x), as backpropagation does",
    section="2.1",
    checker=elementwise_checker(
        _tanh_grad_from_output,
        name="tanh'",
        signature="tanh_grad_from_output(t)",
        grid=np.linspace(-1.0, 1.0, 101),
        sign_mistakes=True,
        mistakes=(
            Mistake(
                lambda t: 1.0 - np.tanh(t) ** 2,
                "You applied tanh again: the argument already IS t = tanh(x), so tanh'(x) = 1 − t².",
            ),
            Mistake(
                lambda t: t * (1.0 - t),
                "That is the sigmoid's form σ(1 − σ); for tanh the derivative is 1 − tanh².",
            ),
            Mistake(lambda t: 1.0 - t, "Square the output: tanh'(x) = 1 − tanh(x)², not 1 − tanh(x)."),
            Mistake(lambda t: 1.0 - 2.0 * t, "Square the output instead of doubling it: 1 − t², not 1 − 2t."),
        ),
    ),
    hints=(
        "The input is the output t of the forward pass, not x.",
        "tanh'(x) = 1 − tanh(x)²: write it in terms of t.",
    ),
)
