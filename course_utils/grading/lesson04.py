"""Exercises of lesson 04, *ELU and SELU self-normalisation* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``selu_constants`` | ``selu_constants`` | sequence ``(alpha, lam)``, compared at rtol 1e-9 |
"""

from __future__ import annotations

from .checkers import Mistake, sequence_checker
from .registry import register


def _selu_constants() -> tuple[float, float]:
    from course_utils.activations import SELU_ALPHA, SELU_SCALE

    return SELU_ALPHA, SELU_SCALE


register(
    id="selu_constants",
    lesson="04",
    answer_name="selu_constants",
    kind="sequence",
    title="Derive SELU's alpha and lambda",
    section="4.3",
    checker=sequence_checker(
        _selu_constants,
        names=("alpha", "lam"),
        rtol=1e-9,
        mistakes=(
            Mistake(
                lambda: (_selu_constants()[0] * _selu_constants()[1], _selu_constants()[1]),
                "Your alpha is λ·α ≈ 1.758, SELU's value for x → −∞ (up to sign). The exercise asks "
                "for α itself, which sits inside the bracket: λ·α·(exp(x) − 1).",
            ),
            Mistake(
                lambda: (1.0, _selu_constants()[1]),
                "alpha = 1 is ELU's default, not SELU's: SELU's α comes out of the two conditions "
                "E[selu(z)] = 0 and E[selu(z)²] = 1 for z ~ N(0, 1).",
            ),
        ),
    ),
    hints=(
        "Write E[selu(z)] and E[selu(z)²] for z ~ N(0, 1) as integrals against the normal density, "
        "split at 0.",
        "Set the mean to 0 and the second moment to 1: two equations in the two unknowns α and λ.",
        "Solve numerically (sp.nsolve, or mpmath.findroot) and keep at least 10 significant digits: "
        "the check compares at a relative tolerance of 1e-9.",
    ),
)
