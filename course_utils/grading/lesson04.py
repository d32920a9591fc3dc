"""Exercises of lesson 04, *ELU and SELU self-normalisation* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``celu_from_elu`` | ``celu_from_elu`` | function ``(x, alpha)``: CELU written with the registry's ELU |
| ``elu_grad`` | ``elu_grad`` | function ``(x, alpha=1.0)``: ELU's derivative, stable on extreme inputs |
| ``selu_constants`` | ``selu_constants`` | sequence ``(alpha, lam)``, compared at rtol 1e-9; half each |
| ``selu_layer_moments`` | ``selu_layer_moments`` | ``(mean, variance)`` of selu(z), z ~ N(0, 2); half each |
| ``lecun_std`` | ``lecun_std`` | function ``n_in -> float``: LeCun-normal weight std |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checkers import Mistake, activation, activation_grad
from .function_checkers import elementwise_checker, function_checker
from .i18n import N_, _
from .registry import register
from .source_rules import enforce_source_rules
from .value_checkers import sequence_checker

_GRID = np.arange(-80, 81) / 10.0
_GRID_NO_ZERO = _GRID[_GRID != 0.0]


def _celu_reference(x: np.ndarray, alpha: float) -> np.ndarray:
    from course_utils.activations import celu

    return np.asarray(celu(x, alpha=alpha), dtype=np.float64)


def _elu_with(x: np.ndarray, alpha: float) -> np.ndarray:
    from course_utils.activations import elu

    return np.asarray(elu(x, alpha=alpha), dtype=np.float64)


CELU_FORBIDDEN: dict[str, str] = {
    "celu": N_("a ready-made CELU (celu)"),
    "CELU": N_("a ready-made CELU (CELU)"),
}
"""A ready-made CELU (the registry's ``act.celu``, ``torch.celu``, ``get("celu")`` …)."""

CELU_REQUIRED: dict[str, str] = {"elu": "ELU (act.elu)"}

CELU_RULE = N_(
    "The exercise asks for CELU built from the registry's ELU with alpha = 1 "
    "(act.elu(..., alpha=1.0)); a ready-made CELU such as act.celu is not accepted."
)

_celu_values = function_checker(
    _celu_reference,
    [(_GRID, a) for a in (1.0, 0.5, 2.0, 3.0)],
    signature="celu_from_elu(x, alpha)",
    describe=lambda x, a: _("for alpha = {alpha}", alpha=a),
    x_of=lambda x, _: x,
    mistakes=(
        Mistake(
            _elu_with,
            "That is ELU with this alpha, not CELU: they differ for x < 0 — CELU's slope at 0⁻ is "
            "1 for every alpha, your function's is alpha.",
        ),
        Mistake(
            lambda x, a: a * _elu_with(x / a, a),
            "For x < 0 your values are alpha times too large (for x > 0 they are right): alpha "
            "enters your negative side twice.",
        ),
        Mistake(
            lambda x, a: _elu_with(x / a, 1.0),
            "For x > 0 your function returns x/alpha, but CELU(x) = x there: your values are "
            "alpha times too small everywhere.",
        ),
    ),
)


@register(
    id="celu_from_elu",
    lesson="04",
    answer_name="celu_from_elu",
    kind="function",
    title="CELU from ELU",
    section="4.1",
    hints=(
        "Compare the negative pieces: CELU has alpha·(exp(x/alpha) − 1), ELU with alpha = 1 has exp(x) − 1.",
        "Which input u makes exp(u) − 1 equal to exp(x/alpha) − 1? And what factor is then missing in front?",
        "Check the positive side too: CELU(x) = x there. Does your formula give x?",
    ),
)
def check_celu_from_elu(answer: Any) -> tuple[str, str]:
    """CELU for four alphas, built from ELU: a ready-made CELU fails whatever its values."""
    from .answer_types import require_function

    require_function(answer, signature="celu_from_elu(x, alpha)")
    enforce_source_rules(answer, forbidden=CELU_FORBIDDEN, rule=CELU_RULE)
    status, message = _celu_values(answer)
    enforce_source_rules(answer, forbidden={}, rule=CELU_RULE, required=CELU_REQUIRED)
    return status, message


_elu_grad_default = elementwise_checker(
    activation_grad("elu"),
    name="ELU′",
    signature="elu_grad(x, alpha=1.0)",
    stable=True,
    mistakes=(
        Mistake(activation("elu"), "That is ELU itself; the exercise asks for its derivative."),
        Mistake(
            lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)) - 1.0),
            "For x < 0 your derivative is negative (at x = −1 it is −0.632), but ELU rises "
            "there, so its slope is positive: your negative side still carries ELU's −1.",
        ),
    ),
    stability_advice=(
        "np.where evaluates BOTH branches for every element, so the exp in the branch you "
        "discard still runs on large positive x and overflows there ({section})."
    ),
)

_elu_grad_alphas = function_checker(
    lambda x, a: np.asarray(activation_grad("elu", alpha=a)(x), dtype=np.float64),
    [(_GRID_NO_ZERO, a) for a in (0.5, 2.0)],
    signature="elu_grad(x, alpha)",
    describe=lambda x, a: _("for alpha = {alpha} (x ≠ 0)", alpha=a),
    x_of=lambda x, _: x,
    mistakes=(
        Mistake(
            lambda x, a: np.asarray(activation_grad("elu")(x), dtype=np.float64),
            "Your derivative ignores alpha: for x < 0 it gives the same values for alpha = 0.5 "
            "and alpha = 2, but ELU's negative side scales with alpha, and so does its slope.",
        ),
    ),
)


@register(
    id="elu_grad",
    lesson="04",
    answer_name="elu_grad",
    kind="function",
    title="ELU's derivative, stable for any input",
    section="4.2",
    hints=(
        "Differentiate each piece: x for x > 0, alpha·(exp(x) − 1) for x ≤ 0.",
        "On the negative piece the constant −1 drops out when you differentiate; with alpha = 1 "
        "both pieces' slopes meet at 0.",
        "Keep np.where, but make the discarded branch harmless: the exp's argument never needs "
        "to be positive (np.minimum).",
    ),
)
def _check_elu_grad(answer: Any) -> tuple[str, str]:
    _elu_grad_default(answer)
    _elu_grad_alphas(answer)
    return (
        "passed",
        _(
            "Correct! Your ELU′ matches the reference for alpha = 1 (including extreme inputs, without "
            "warnings) and for alpha = 0.5 and 2."
        ),
    )


def _selu_constants() -> tuple[float, float]:
    from course_utils.activations import SELU_ALPHA, SELU_SCALE

    return SELU_ALPHA, SELU_SCALE


def _selu_moments_n01(alpha: float, lam: float) -> tuple[float, float]:
    """E[selu(z)] and E[selu(z)²] for z ~ N(0, 1) with the given α and λ (closed forms)."""
    from scipy.special import ndtr

    mean = lam * (1.0 / np.sqrt(2.0 * np.pi) + alpha * (np.exp(0.5) * ndtr(-1.0) - 0.5))
    second = lam**2 * (0.5 + alpha**2 * (np.exp(2.0) * ndtr(-2.0) - 2.0 * np.exp(0.5) * ndtr(-1.0) + 0.5))
    return float(mean), float(second)


def _selu_constants_explain(values: list[float]) -> str:
    """The two conditions checked with the student's α and λ: what they give instead of 0 and 1."""
    mean, second = _selu_moments_n01(*values)
    return _(
        "With your alpha and lam, z ~ N(0, 1) gives E[selu(z)] = {mean:.4g} and "
        "E[selu(z)²] = {second:.4g}; the two conditions ask for 0 and 1.",
        mean=mean,
        second=second,
    )


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
        # Partial credit: alpha and lam are two constants, each right or wrong on its own.
        partial=True,
        explain=_selu_constants_explain,
        mistakes=(
            Mistake(
                lambda: (_selu_constants()[0] * _selu_constants()[1], _selu_constants()[1]),
                "Your alpha is the product λ·α, SELU's value for x → −∞ (up to sign). The exercise "
                "asks for α itself, which sits inside the bracket: λ·α·(exp(x) − 1).",
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


def _selu_moments_var2() -> tuple[float, float]:
    from course_utils.experiments.lesson04 import normal_selu_moments

    mean, var = normal_selu_moments(0.0, 2.0)
    return float(mean), float(var)


register(
    id="selu_layer_moments",
    lesson="04",
    answer_name="selu_layer_moments",
    kind="sequence",
    title="Mean and variance of selu(z) for z ~ N(0, 2)",
    section="4.3",
    checker=sequence_checker(
        _selu_moments_var2,
        names=("mean", "variance"),
        digits=6,
        # Partial credit: the mean and the variance are two integrals, each right or wrong on its own.
        partial=True,
        explain=lambda values: N_("A variance cannot be negative.") if values[1] < 0 else None,
        mistakes=(
            Mistake(
                lambda: (0.0, 1.0),
                "(0, 1) is the fixed point for pre-activations of variance 1; here the "
                "pre-activation variance is 2, so the output statistics move away from it.",
            ),
            Mistake(
                lambda: (_selu_moments_var2()[0], _selu_moments_var2()[1] + _selu_moments_var2()[0] ** 2),
                "Your second number is E[selu(z)²], the second moment; the variance subtracts the "
                "squared mean.",
            ),
            Mistake(
                lambda: (0.0, 2.0),
                "SELU is not linear: the output variance is not the input variance. Integrate "
                "selu(z) and selu(z)² against the N(0, 2) density.",
            ),
        ),
    ),
    hints=(
        "The density of N(0, 2) is exp(−z²/4)/sqrt(4π); split the integrals at 0.",
        "mean = ∫ selu(z) p(z) dz, variance = ∫ selu(z)² p(z) dz − mean². scipy.integrate.quad "
        "with act.selu works; so does SymPy with the closed forms of section 4.3.",
        "A Monte-Carlo estimate is not precise enough (the check needs 6 significant digits; "
        "correctly rounded ones are enough).",
    ),
)


register(
    id="lecun_std",
    lesson="04",
    answer_name="lecun_std",
    kind="function",
    title="LeCun-normal initialisation: the weight standard deviation",
    section="4.5",
    checker=function_checker(
        lambda n: 1.0 / np.sqrt(n),
        [(1,), (64,), (256,), (1000,)],
        signature="lecun_std(n_in)",
        describe=lambda n: _("for n_in = {n}", n=n),
        mistakes=(
            Mistake(
                lambda n: 1.0 / n,
                "Your values are a variance (they fall like 1/n_in); the exercise asks for the "
                "standard deviation.",
            ),
            Mistake(
                lambda n: np.sqrt(2.0 / n),
                "That is He's standard deviation sqrt(2/n_in), made for ReLU; with SELU it makes "
                "the variance grow layer after layer ({section}).",
            ),
            Mistake(
                lambda n: 2.0 / n,
                "That is He's variance 2/n_in, made for ReLU (which zeroes half its inputs; SELU "
                "does not); and the exercise asks for a standard deviation, not a variance.",
            ),
        ),
    ),
    hints=(
        "A unit's pre-activation z = Σ wᵢxᵢ has variance n_in·Var(w)·E[x²].",
        "With E[x²] = 1 (SELU's fixed point), which Var(w) makes Var(z) = 1?",
        "Return the standard deviation: the square root of the variance.",
    ),
)
