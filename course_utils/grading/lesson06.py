"""Exercises of lesson 06, *Softmax and temperature* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``softmax_stable`` | ``softmax_stable`` | function ``(x, axis=-1)``: stable softmax |
| ``softmax_jacobian`` | ``softmax_jacobian`` | function ``s -> (n, n)``: Jacobian from the output s |
| ``softmax_temperature`` | ``softmax_temperature`` | function ``(x, T)`` along the last axis, stable |
| ``log_softmax_stable`` | ``log_softmax_stable`` | function ``(x, axis=-1)``: stable log-softmax |
| ``cross_entropy_grad`` | ``cross_entropy_grad`` | function ``(x, y)``: dL/dx of softmax cross-entropy |
| ``entropy_at_temperature`` | ``entropy_T2`` | number: entropy (nats) of the vocabulary at T = 2 |

"Stable" means: no warning and no NaN on large logits (1000, ±710, ±1e4, float32 100), values
within rtol 1e-7 / atol 1e-12 of the registry's softmax (float32 inputs: rtol 1e-5). Inputs
holding ±inf are not graded. Like every function exercise, an answer must not modify its input
array (``x -= x.max()`` or ``x /= T`` fail). The later exercises may reuse the student's own
``softmax_stable``; their failure messages then say so (:func:`~.source_rules.noting_reuse`).

Partial credit (the table in :mod:`course_utils.grading`): ``softmax_stable`` in three parts —
ordinary logits along the last axis, huge logits (required: an unstable softmax earns
nothing) and an explicit axis; ``cross_entropy_grad`` in three — one example, a batch, logits
of ±1000. An answer that modifies its input earns nothing in either.

The records below are declared in notebook order; their checkers live in
:mod:`course_utils.grading.lesson06_softmax` (softmax, its Jacobian, temperature, entropy) and
:mod:`course_utils.grading.lesson06_cross_entropy` (log-softmax, the cross-entropy gradient).
"""

from __future__ import annotations

import numpy as np

from .answer_types import require_function
from .checkers import Mistake
from .formatting import fmt
from .function_checkers import function_checker
from .i18n import N_, _
from .lesson06_cross_entropy import check_log_softmax_stable, cross_entropy_part
from .lesson06_softmax import (
    SOFTMAX_STABLE_PARTS,
    check_softmax_temperature,
    entropy_at,
    entropy_explain,
    jacobian_cases,
    jacobian_reference,
    noting_reuse_of_earlier_answers,
    reference_softmax,
    softmax_stable_gate,
)
from .partial_credit import Part, parts_checker
from .registry import register
from .value_checkers import number_checker

# ----------------------------------------------------------------------------- softmax_stable
register(
    id="softmax_stable",
    lesson="06",
    answer_name="softmax_stable",
    kind="function",
    title="A numerically stable softmax along an axis",
    section="6.2",
    # Partial credit: the last axis, huge logits (required: no points without stability) and
    # an explicit axis are graded apart, a third each. Modifying the input earns nothing.
    checker=parts_checker(
        SOFTMAX_STABLE_PARTS,
        gate=softmax_stable_gate,
        pass_message=(
            "Correct! Your softmax matches the reference on ordinary and huge logits (1000, ±710, "
            "±1e4, float32), along the default and explicit axes of 2-D and 3-D inputs, without "
            "warnings or NaN."
        ),
    ),
    hints=(
        "Try np.exp(1000.0): the naive formula overflows for large logits.",
        "Softmax does not change when the same constant is subtracted from every logit of a slice. "
        "Which constant makes every exponent ≤ 0?",
        "Reduce along `axis` with keepdims=True (np.max(..., keepdims=True), np.sum(..., "
        "keepdims=True)) so each result broadcasts back against x.",
    ),
)


# ----------------------------------------------------------------------------- softmax_jacobian
register(
    id="softmax_jacobian",
    lesson="06",
    answer_name="softmax_jacobian",
    kind="function",
    title="The Jacobian of softmax, from its output s",
    section="6.4",
    checker=noting_reuse_of_earlier_answers(
        function_checker(
            jacobian_reference,
            jacobian_cases,
            signature="softmax_jacobian(s)",
            describe=lambda s: _("for s = {s}", s=fmt(s)),
            mistakes=(
                Mistake(
                    lambda s: -np.outer(s, s),
                    "Your diagonal entries are negative, but raising x_i raises s_i: ∂s_i/∂x_i must be "
                    "≥ 0. Something on the diagonal is missing.",
                ),
                Mistake(
                    lambda s: np.outer(s, s) - np.diag(s),
                    "Sign error: your matrix is the negative of the Jacobian (check which term is "
                    "subtracted).",
                ),
                Mistake(
                    np.diag,
                    "Your columns do not sum to 0. The outputs always sum to 1, so raising one logit "
                    "cannot change their total: every column of the Jacobian must sum to 0. Your "
                    "off-diagonal entries are 0, and the diagonal is too large.",
                ),
                Mistake(
                    lambda s: np.diag(s * (1.0 - s)),
                    "Only the diagonal is right: your off-diagonal entries are 0, but raising x_j "
                    "lowers every other s_i (the outputs sum to 1), so each column must sum to 0.",
                ),
                Mistake(
                    lambda s: np.diag(s) - s @ s,
                    "For a 1-D array, s @ s.T is a single number (the dot product), not a matrix: the "
                    "outer product is np.outer(s, s) (or s[:, None] * s[None, :]).",
                ),
                Mistake(
                    lambda s: np.eye(len(s)) - s[None, :],
                    "That is the Jacobian of log-softmax, (δ_ij − s_j); softmax's own Jacobian is asked for.",
                ),
                Mistake(
                    lambda s: jacobian_reference(reference_softmax(s)),
                    "Your function treats its input as logits and applies softmax again; it receives the "
                    "softmax OUTPUT s.",
                ),
            ),
            pass_message=N_(
                "Correct! Your Jacobian is right for all 6 test vectors (including one-hot and uniform s)."
            ),
        )
    ),
    hints=(
        "Differentiate s_i = exp(x_i) / Σ_k exp(x_k) with respect to x_j; treat i = j and i ≠ j separately.",
        "You should find one expression for ∂s_i/∂x_j with a Kronecker delta δ_ij in it.",
        "In NumPy, np.diag(v) builds a diagonal matrix and np.outer(a, b) the matrix of all "
        "products a_i·b_j: write your expression with those.",
    ),
)


# ----------------------------------------------------------------------------- softmax_temperature
register(
    id="softmax_temperature",
    lesson="06",
    answer_name="softmax_temperature",
    kind="function",
    title="Softmax with a temperature T, stable for large logits",
    section="6.7",
    checker=noting_reuse_of_earlier_answers(check_softmax_temperature),
    hints=(
        "Temperature rescales the logits before the softmax: small T sharpens, large T flattens.",
        "Rescale the logits by T, then apply the stable recipe of softmax_stable along the last axis.",
        "Small T makes x / T huge, so the max subtraction matters even for ordinary logits.",
    ),
)


# ----------------------------------------------------------------------------- log_softmax_stable
register(
    id="log_softmax_stable",
    lesson="06",
    answer_name="log_softmax_stable",
    kind="function",
    title="A stable log-softmax (via logsumexp), never log(softmax(x))",
    section="6.3",
    checker=noting_reuse_of_earlier_answers(check_log_softmax_stable),
    hints=(
        "Take the log of the softmax formula by hand: log s_i = x_i − log Σ_j exp(x_j).",
        "log Σ_j exp(x_j) overflows for large x; pull the maximum m out of the sum first "
        "(exp(x_j) = exp(m)·exp(x_j − m)).",
        "Reduce along `axis` with keepdims=True, so that m and the sum broadcast back against x.",
    ),
)


# ----------------------------------------------------------------------------- cross_entropy_grad
register(
    id="cross_entropy_grad",
    lesson="06",
    answer_name="cross_entropy_grad",
    kind="function",
    title="The gradient of softmax cross-entropy with respect to the logits",
    section="6.5",
    # Partial credit: the gradient of one example, of a batch, and at large logits are graded
    # apart, a third each; the statement asks for s − y, and overflow is named as the part
    # still missing.
    checker=noting_reuse_of_earlier_answers(
        parts_checker(
            (
                Part("one example (1-D logits)", cross_entropy_part(slice(0, 3))),
                Part("a batch (2-D logits, last axis)", cross_entropy_part(slice(3, 4))),
                Part("large logits (±1000)", cross_entropy_part(slice(4, 5))),
            ),
            gate=lambda answer: require_function(answer, signature="cross_entropy_grad(x, y)"),
            pass_message=N_(
                "Correct! Your gradient is softmax(x) − y in all 5 cases, including a 2-D "
                "batch and logits of ±1000."
            ),
        )
    ),
    hints=(
        "Chain the log through the softmax Jacobian: ∂L/∂x_j = −Σ_i y_i (δ_ij − s_j).",
        "Use Σ_i y_i = 1 to simplify the sum: two simple terms remain.",
        "Compute s with a stable softmax along the last axis (your softmax_stable, or the same "
        "recipe), then combine it with y.",
    ),
)


# ----------------------------------------------------------------------------- entropy_at_temperature
register(
    id="entropy_at_temperature",
    lesson="06",
    answer_name="entropy_T2",
    kind="number",
    title="Entropy (nats) of the vocabulary's softmax at T = 2",
    section="6.7",
    checker=number_checker(
        lambda: entropy_at(2.0),
        what="the entropy at T = 2",
        digits=6,
        explain=entropy_explain,
        mistakes=(
            Mistake(
                lambda: entropy_at(2.0) / np.log(2.0),
                "That is in bits (log base 2); the lesson uses nats (natural log).",
            ),
            Mistake(
                lambda: entropy_at(1.0),
                "That is the entropy at T = 1; divide the logits by T = 2 first.",
            ),
            Mistake(
                lambda: entropy_at(0.5),
                "That is the entropy at T = 0.5: you multiplied the logits by T.",
            ),
            Mistake(
                lambda: float(np.log(5.0)),
                "log 5 is the maximum entropy (the uniform distribution over 5 words); at T = 2 "
                "the distribution is not uniform yet.",
            ),
        ),
    ),
    hints=(
        "p = softmax(x / T) with x = [3.0, 2.5, 1.0, 0.5, -1.0] and T = 2.",
        "The entropy is H = −Σ p_i log p_i with the natural log (nats).",
        "Use log_softmax for log p_i: H = -(p * log_softmax(x, temperature=2.0)).sum().",
    ),
)
