"""The checkers of lesson 06's log-softmax and cross-entropy exercises.

``log_softmax_stable`` (a stable log-softmax written with the maximum trick, no ready-made
logsumexp) and ``cross_entropy_grad`` (its three parts: one example, a batch, logits of
±1000); their records are declared in :mod:`course_utils.grading.lesson06`. The reference
softmax and the run of one case come from :mod:`course_utils.grading.lesson06_softmax`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .answer_types import require_function
from .checkers import Mistake
from .compare import describe_mismatch, matches
from .formatting import fmt
from .function_checkers import function_checker
from .i18n import N_, _
from .lesson06_softmax import quiet, reference_softmax, run_case
from .result import Fail
from .source_rules import enforce_source_rules


# ----------------------------------------------------------------------------- log_softmax_stable
def _log_softmax(x: Any, axis: int = -1) -> np.ndarray:
    from course_utils.activations import log_softmax

    return np.asarray(log_softmax(x, axis=axis), dtype=np.float64)


def _log_of_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.log(reference_softmax(x, axis=axis))


def _log_softmax_mistakes(x: np.ndarray, axis: int) -> list[tuple[Any, str]]:
    return [
        (
            quiet(reference_softmax, x, axis=axis),
            N_("You returned the probabilities; log-softmax returns their logarithms (all ≤ 0)."),
        ),
        (
            quiet(lambda: x - np.max(x, axis=axis, keepdims=True)),
            N_(
                "You subtracted the maximum only: the exponentials of your output do not sum to 1, "
                "as log-probabilities must. Something is still missing."
            ),
        ),
        (
            quiet(lambda: x - np.log(np.sum(np.exp(x), axis=axis))),
            N_("The sum lost its axis and broadcast against the wrong dimension: use keepdims=True."),
        ),
    ]


LOG_SOFTMAX_FORBIDDEN: dict[str, str] = {
    "scipy": "SciPy",
    "logsumexp": N_("a ready-made logsumexp"),
    "log_softmax": N_("a ready-made log_softmax"),
    "logaddexp": N_("np.logaddexp (a ready-made logsumexp)"),
    "torch": "PyTorch",
}
"""What ``log_softmax_stable``'s statement rules out: ready-made logsumexp and log-softmax."""

LOG_SOFTMAX_RULE = N_(
    "The exercise asks you to write logsumexp yourself with the maximum trick: no SciPy and no "
    "ready-made logsumexp or log-softmax (scipy.special, torch, np.logaddexp, the course's "
    "log_softmax)."
)


def check_log_softmax_stable(answer: Any) -> tuple[str, str]:
    """Ordinary and huge logits, a tiny probability (log(softmax) gives -inf), axes, float32."""
    f = require_function(answer, signature="log_softmax_stable(x, axis=-1)")
    enforce_source_rules(f, forbidden=LOG_SOFTMAX_FORBIDDEN, rule=LOG_SOFTMAX_RULE)
    rng = np.random.default_rng(16)
    cases: list[tuple[np.ndarray, int | None, str]] = [
        (np.array([1.0, 2.0, 3.0, 0.5]), None, N_("for x = [1.0, 2.0, 3.0, 0.5]")),
        (np.array([1000.0, 1001.0, 1002.0]), None, N_("for x = [1000.0, 1001.0, 1002.0]")),
        (np.array([0.0, -800.0]), None, N_("for x = [0.0, -800.0]")),
        (rng.normal(size=(3, 4)), None, N_("for a 2-D x of shape (3, 4) with the default axis")),
        (rng.normal(size=(3, 4)), 0, N_("for a 2-D x of shape (3, 4) with axis=0")),
        (
            np.array([[-1e4, 0.0, 1e4], [710.0, -710.0, 0.0]]),
            None,
            N_("for x = [[-1e4, 0, 1e4], [710, -710, 0]]"),
        ),
        (np.array([100.0, 0.0, -100.0], dtype=np.float32), None, N_("for a float32 x = [100, 0, -100]")),
    ]
    for x, axis, case in cases:
        desc = _(case)
        ax = -1 if axis is None else axis
        expected = _log_softmax(x.astype(np.float64), axis=ax)
        advice = _(" (exp of a large logit overflows inside the sum; see {section}).")
        wrong = run_case(f, (x.copy(),), axis, expected, x.dtype == np.float32, desc, advice)
        if wrong is None:
            continue
        got, mismatch, _run = wrong
        x64 = x.astype(np.float64)
        if np.any(np.isneginf(got)) and matches(got, quiet(_log_of_softmax, x64, ax)):
            raise Fail(
                _(
                    "{desc} your function returned {got}: that is log(softmax(x)). "
                    "A probability below ~1e-323 rounds to 0 and its log is −inf, although the "
                    "log-probability itself is an ordinary number. See {section}.",
                    desc=desc[:1].upper() + desc[1:],
                    got=fmt(got),
                )
            )
        if not np.all(np.isfinite(got)):
            raise Fail(
                _(
                    "Not stable: {desc} your function returned {got}. exp of a large logit "
                    "overflows inside your sum of exponentials. See {section}.",
                    desc=desc,
                    got=fmt(got),
                )
            )
        for candidate, message in _log_softmax_mistakes(x64, ax):
            if candidate is not None and matches(got, candidate):
                raise Fail(f"{_(message)} ({desc})")
        raise Fail(describe_mismatch(mismatch, context=desc))
    return "passed", _(
        "Correct! Your log-softmax matches the reference on ordinary, huge (±1e4) and tiny-probability "
        "logits, along both axes and in float32, without warnings, -inf or NaN."
    )


# ----------------------------------------------------------------------------- cross_entropy_grad
def _ce_grad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return reference_softmax(x) - np.asarray(y, dtype=np.float64)


def _ce_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(26)
    eye = np.eye(4)
    return [
        (np.array([2.0, 1.0, 0.1]), np.array([1.0, 0.0, 0.0])),
        (np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.0, 0.0])),
        (rng.normal(size=4), np.array([0.1, 0.2, 0.3, 0.4])),
        (rng.normal(size=(3, 4)), eye[[2, 0, 3]]),
        (np.array([1000.0, 0.0, -1000.0]), np.array([0.0, 1.0, 0.0])),
    ]


_CE_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        lambda x, y: np.asarray(y) - reference_softmax(x),
        "Sign error: for the true class (y_i = 1) your gradient is positive, so a gradient "
        "step would LOWER that class's logit and raise the loss; raising the true class's "
        "logit lowers the loss, so its gradient must be negative.",
    ),
    Mistake(
        lambda x, y: reference_softmax(x),
        "Your gradient does not depend on the target y, but the loss does: for the same "
        "logits and another target it must change.",
    ),
    Mistake(
        lambda x, y: _log_softmax(x) - y,
        "You used log-probabilities: your gradient's components do not sum to 0 across the "
        "classes, yet adding the same constant to every logit leaves the loss unchanged, "
        "so they must.",
    ),
    Mistake(
        lambda x, y: np.asarray(x) - y,
        "Your gradient changes when the same constant is added to every logit, but the "
        "loss does not (softmax is shift-invariant): the logits cannot enter it as they are.",
    ),
)


def cross_entropy_part(cases: slice) -> Callable[[Any], tuple[str, str]]:
    """The checker of one part of ``cross_entropy_grad``: the cases ``_ce_cases()[cases]``."""
    return function_checker(
        _ce_grad,
        lambda: _ce_cases()[cases],
        signature="cross_entropy_grad(x, y)",
        describe=lambda x, y: _("for logits x = {x} and target y = {y}", x=fmt(x), y=fmt(y)),
        mistakes=_CE_MISTAKES,
    )
