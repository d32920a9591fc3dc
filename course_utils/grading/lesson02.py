"""Exercises of lesson 02, *Sigmoid and tanh saturation* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``sigmoid_grad_symbolic`` | ``sigmoid_grad`` | sympy: σ'(x) in a symbol named ``x`` |
| ``sigmoid_stable`` | ``sigmoid_stable`` | function on arrays, stable |
| ``saturation_threshold`` | ``saturation_threshold`` | number: the x > 0 with σ'(x) = 1e-3 |
| ``vanishing_depth`` | ``vanishing_depth`` | number: smallest L with 0.25**L < 1e-6 |
| ``tanh_grad_from_output`` | ``tanh_grad_from_output`` | function ``t -> tanh'(x)``, t = tanh(x), arrays |

Decisions for ``sigmoid_stable``: "stable" means no warning and no NaN on extreme finite inputs
(±30 … ±1e4 in float64, up to ±3.4e38 in float32), and — as the statement says — agreement to a
*relative* 1e-7, also where σ(x) is tiny: on x = −25 … −708 the values must agree relatively
(only below the smallest normal float, 2.2e-308, is an absolute 2.2e-308 accepted). So
``scipy.special.expit``, a sign split computing ``exp(-|x|)`` and ``exp(x - logaddexp(0, x))``
pass; the naive ``1 / (1 + exp(-x))`` fails (overflow warning at x = −710 and below), so does a
sign split written with ``np.where`` around ``exp(x)`` and ``exp(-x)`` (``np.where`` evaluates
both branches), and so does ``0.5 * (1 + tanh(x / 2))``: overflow-free, but 1 + tanh(x/2)
cancels for x ≪ 0 (relative error 1.8e-7 at x = −25, 100 % below −37). Inputs ±inf are *not*
graded (``exp(x - logaddexp(0, x))`` gives NaN there); a passing answer that misses the limits
gets a note instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checkers import Mistake, activation, activation_grad
from .function_checkers import elementwise_checker
from .i18n import N_, Lazy, _
from .registry import register
from .source_rules import with_source_rules
from .value_checkers import number_checker, sympy_checker


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
        (sigma, N_("That is σ(x) itself; the exercise asks for its derivative σ'(x).")),
        (
            -grad,
            N_(
                "Sign error: your expression is −σ'(x). Differentiating (1 + e^(−x))^(−1) "
                "gives two minus signs (power rule and chain rule), and they cancel."
            ),
        ),
        (1 - sigma, N_("That is 1 − σ(x) = σ(−x), not the derivative.")),
        (sp.diff(grad, x), N_("That is the second derivative σ''(x); differentiate only once.")),
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


SIGMOID_RELATIVE_INPUTS: tuple[float, ...] = (
    -25.0,
    -30.0,
    -36.0,
    -37.0,
    -40.0,
    -100.0,
    -300.0,
    -700.0,
    -708.0,
)
"""Inputs where ``sigmoid_stable`` must agree to a relative 1e-7 although σ(x) is tiny."""

_TINY = float(np.finfo(np.float64).tiny)


def _tanh_form(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=np.float64) / 2.0))


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
                "You returned the derivative σ'(x), not σ(x) itself: your values peak at 0.25 at "
                "x = 0 and fall back towards 0 for large x, where σ approaches 1.",
            ),
            Mistake(
                activation("tanh"),
                "That is tanh(x), which runs from −1 to 1; σ runs from 0 to 1 (at x = 0 it is 0.5).",
            ),
        ),
        stability_advice=(
            "exp(−x) is astronomically large for x ≪ 0, even though σ(x) itself is tiny. See {section}."
        ),
        relative_inputs=SIGMOID_RELATIVE_INPUTS,
        relative_atol=_TINY,
        relative_mistakes=(
            Mistake(
                _tanh_form,
                "Your function is overflow-free but loses relative accuracy for x ≪ 0: adding 1 "
                "to a number close to −1 cancels all the digits that σ(x) consists of there "
                "(relative error 1.8e-7 at x = −25, 100 % below x = −37, where it returns 0). "
                "The exercise asks for a relative 1e-7 also where σ(x) is tiny. See {section}.",
            ),
        ),
        relative_advice=(
            "Somewhere your formula subtracts nearly equal numbers (e.g. 1 − something close to "
            "1), which cancels the digits of a tiny result. See {section}."
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
        "For x ≥ 0 the textbook formula is safe. For x < 0, multiply its top and bottom by exp(x): "
        "that form only ever exponentiates negative numbers there.",
        "np.where evaluates both branches for every element, so both branches must be safe "
        "everywhere: compute one exponential whose argument is never positive (think of |x|) and "
        "build both branches from it. Avoid forms such as 1 + tanh(...) that cancel for x ≪ 0.",
    ),
)


# ----------------------------------------------------------------------------- saturation_threshold
def _sigmoid_prime(x: float) -> float:
    """σ'(x), safe for any float x (σ' is even)."""
    s = 1.0 / (1.0 + np.exp(-abs(x)))
    return float(s * (1.0 - s))


def _saturation_threshold() -> float:
    from course_utils.experiments.lesson02 import derivative_threshold

    return derivative_threshold("sigmoid", 1e-3)


def _tanh_threshold() -> float:
    from course_utils.experiments.lesson02 import derivative_threshold

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
        digits=6,
        near_rtol=1e-5,  # ln(1000) is only 3e-4 away: recognise mistakes and near misses tightly
        mistakes=(
            Mistake(
                lambda: -_saturation_threshold(),
                "That is the negative solution; σ' is even, so the exercise asks for the positive one.",
            ),
            Mistake(
                lambda: float(np.log(1000.0)),
                Lazy(
                    "That is ln(1000), from the approximation σ'(x) ≈ e^(−x) for large x; at x = ln(1000) "
                    "σ' itself is {value:.6g}, not 0.001. Solve σ'(x) = 0.001 exactly.",
                    value=_sigmoid_prime(float(np.log(1000.0))),
                ),
            ),
            Mistake(
                _tanh_threshold,
                "That is where tanh' falls to 1e-3; the exercise asks about σ'.",
            ),
            Mistake(
                lambda: float(np.log((1 - 1e-3) / 1e-3)),
                "That is where σ(x) itself reaches 1 − 0.001; the exercise asks where its "
                "derivative σ'(x) equals 0.001.",
            ),
        ),
        explain=lambda value: _(
            "σ'({x:.6g}) = {value:.6g}, not 0.001 to the six significant digits asked.",
            x=value,
            value=_sigmoid_prime(value),
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
def _depth_explain(value: float) -> str | None:
    if value != int(value):
        return _("a number of layers is a whole number.")
    if value < 1:
        return _("a net needs at least one layer.")
    if 0.25**value >= 1e-6:
        return _("with L = {value:g} layers the bound 0.25^L is not below 1e-6 yet.", value=value)
    return _("0.25^L is below 1e-6 for L = {value:g}, but L must be the smallest such number.", value=value)


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
                "That solves 0.25^L = 1e-6 exactly, but a number of layers is a whole number, and "
                "the bound must be strictly below 1e-6.",
            ),
            Mistake(
                20.0,
                "20 layers is what a factor of 1/2 per layer would need; the σ' factor is at most "
                "1/4 per layer.",
            ),
        ),
        explain=_depth_explain,
    ),
    hints=(
        "Backpropagating through a sigmoid layer multiplies the gradient by the layer's weights "
        "and by the factor σ'(z) ≤ 1/4; this exercise looks at that factor alone.",
        "You need the smallest whole L with (1/4)^L < 1e-6; logarithms turn that into a bound on L.",
    ),
)


# ----------------------------------------------------------------------------- tanh_grad_from_output
def _tanh_grad_from_output(t: np.ndarray) -> np.ndarray:
    return 1.0 - np.asarray(t, dtype=np.float64) ** 2


def _tanh_grad_values() -> Any:
    """The value checker of ``tanh_grad_from_output`` (its rule is checked once values are right)."""
    return elementwise_checker(
        _tanh_grad_from_output,
        name="tanh'",
        signature="tanh_grad_from_output(t)",
        grid=np.linspace(-1.0, 1.0, 101),
        sign_mistakes=True,
        arg="t",
        mistakes=(
            Mistake(
                lambda t: 1.0 - np.tanh(t) ** 2,
                "You applied tanh again: the argument already IS t = tanh(x), the output of the "
                "forward pass; no new tanh is needed.",
            ),
            Mistake(
                lambda t: t * (1.0 - t),
                "That is the sigmoid's form σ(1 − σ), written in t; tanh's derivative has its own "
                "form (at t = 0, where tanh is steepest, yours gives 0).",
            ),
            Mistake(
                lambda t: 1.0 - t,
                "At t = −1 (tanh saturated, x → −∞) your function returns 2, but a saturated tanh "
                "is flat there: its slope must be 0 at t = −1 and at t = 1.",
            ),
            Mistake(
                lambda t: 1.0 - 2.0 * t,
                "At t = −1 (tanh saturated, x → −∞) your function returns 3, but a saturated tanh "
                "is flat there: its slope must be 0 at t = −1 and at t = 1, and the same for t and −t.",
            ),
        ),
    )


TANH_GRAD_FORBIDDEN: dict[str, str] = {
    name: f"np.{name}" for name in ("tanh", "arctanh", "exp", "expm1", "cosh", "sinh", "log", "log1p")
}
"""What ``tanh_grad_from_output``'s statement rules out: recomputing tanh (or exp) from t."""

TANH_GRAD_RULE = N_(
    "The exercise asks for tanh' from the stored output t alone: no new tanh or exp (nor arctanh, "
    "cosh, sinh or log to undo the forward pass)."
)

register(
    id="tanh_grad_from_output",
    lesson="02",
    answer_name="tanh_grad_from_output",
    kind="function",
    title="tanh' computed from the forward output t = tanh(x), as backpropagation does",
    section="2.1",
    checker=with_source_rules(
        _tanh_grad_values(),
        forbidden=TANH_GRAD_FORBIDDEN,
        rule=TANH_GRAD_RULE,
        signature="tanh_grad_from_output(t)",
        after_values=True,
    ),
    hints=(
        "The input is the output t of the forward pass, not x.",
        "Differentiate tanh = sinh / cosh (section 2.1): tanh' can be written with tanh itself. "
        "Then replace tanh(x) by t.",
    ),
)
