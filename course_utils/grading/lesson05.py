"""Exercises of lesson 05, *GELU and Swish* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``gelu_tanh`` | ``gelu_tanh`` | function on arrays: the tanh approximation of GELU |
| ``swish_minimum`` | ``swish_minimum`` | number: the x where x·σ(x) is smallest |

The reference for ``swish_minimum`` is the closed form of the root of
d/dx [x σ(x)] = σ(x) (1 + x (1 − σ(x))) = 0, namely x* = −(1 + W(1/e)) ≈ −1.2784645427610738
with W the Lambert W function; the minimum value there is x* σ(x*) = −W(1/e) ≈ −0.2784645.
"""

from __future__ import annotations

import math

import numpy as np

from .checkers import Mistake, activation, elementwise_checker, number_checker
from .registry import register


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
        rtol=1e-6,
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
        "Give the number with all its digits (float(...)); the check compares at relative tolerance 1e-6.",
    ),
)
