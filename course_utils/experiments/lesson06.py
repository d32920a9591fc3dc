"""Lesson 6 (softmax and temperature): the toy vocabulary and the entropy of a softmax.

* :data:`VOCAB`, :data:`VOCAB_LOGITS` -- five words a toy language model might put after
  "The pet is a", and its logits for them (the lesson's running example);
* :func:`softmax_entropy` -- the entropy of ``softmax(logits / T)``, computed from
  log-softmax so that it stays finite at any temperature.

The lesson notebook and the temperature slider (:mod:`course_utils.widgets.lesson06`, which
only draws) share them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["VOCAB", "VOCAB_LOGITS", "softmax_entropy"]

VOCAB: tuple[str, ...] = ("cat", "dog", "hamster", "parrot", "banana")
"""Five words a toy language model might put after "The pet is a" (lesson 6's running example)."""

VOCAB_LOGITS: np.ndarray = np.array([3.0, 2.5, 1.0, 0.5, -1.0])
"""The toy model's logits for :data:`VOCAB`, shape (5,)."""
VOCAB_LOGITS.setflags(write=False)


def softmax_entropy(logits: Any, temperature: float = 1.0, axis: int = -1) -> Any:
    """Entropy (nats) of ``softmax(logits / temperature)``, computed from log-softmax.

    Parameters
    ----------
    logits : array_like, shape (..., n)
        Real logits.
    temperature : float
        T > 0.
    axis : int
        The class axis.

    Returns
    -------
    float or ndarray, shape (...)
        :math:`H = -\\sum_i s_i \\log s_i` with :math:`s = \\operatorname{softmax}(x / T)`.

    Notes
    -----
    The logs come from ``log_softmax`` (``x/T - logsumexp(x/T)``), never from ``log(s)``: a
    probability that underflows to 0 then contributes ``0 * (large negative)`` = 0 instead of
    ``0 * -inf`` = nan. H lies between 0 (one-hot) and ``log n`` (uniform) and rises with T.

    Examples
    --------
    >>> round(float(softmax_entropy([3.0, 2.5, 1.0, 0.5, -1.0], 1.0)), 4)
    1.0737
    >>> float(softmax_entropy([0.0, 0.0], 1.0)) == float(np.log(2))
    True
    >>> float(softmax_entropy([0.0, -1e4], 1.0))
    0.0
    """
    from course_utils.activations import log_softmax, softmax

    s = softmax(logits, axis=axis, temperature=temperature)
    log_s = log_softmax(logits, axis=axis, temperature=temperature)
    H = -np.sum(s * log_s, axis=axis)
    H = np.maximum(H, 0.0) + 0.0  # rounding can leave -1e-17 (or -0.0) for a one-hot distribution
    return float(H) if np.ndim(H) == 0 else H
