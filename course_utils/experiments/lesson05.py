"""Lesson 5 (GELU and Swish): where Swish is smallest.

* :func:`swish_minimum` -- location and value of the minimum of ``x * sigmoid(beta * x)``,
  in closed form through the Lambert W function: by the scaling ``swish_beta(x) =
  swish_1(beta x) / beta`` it sits at ``x* / beta`` with value ``-W(1/e) / beta``, where
  ``x* = -(1 + W(1/e))``.

The lesson notebook checks it against a numerical root, and the ``swish_beta`` slider
(:mod:`course_utils.widgets.lesson05`, which only draws) marks it.
"""

from __future__ import annotations

import math

__all__ = ["swish_minimum"]


def swish_minimum(beta: float = 1.0) -> tuple[float, float]:
    """Location and value of the minimum of ``x * sigmoid(beta * x)`` for ``beta > 0``.

    Parameters
    ----------
    beta : float
        ``beta > 0`` (for ``beta = 0`` Swish is the line ``x / 2``, without a minimum).

    Returns
    -------
    (x_min, f_min) : tuple of float
        ``x_min = -(1 + W(1/e)) / beta`` and ``f_min = -W(1/e) / beta``, with ``W`` the
        principal branch of the Lambert W function.

    Notes
    -----
    For ``beta = 1``, ``f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x)))`` vanishes where
    ``1 + e**x + x = 0``; with ``u = -x - 1`` this is ``u e**u = 1/e``, so ``u = W(1/e)``.
    At the minimum ``sigmoid(x) = 1 + 1/x``, hence ``f = x + 1 = -W(1/e)``.

    Examples
    --------
    >>> [round(v, 12) for v in swish_minimum()]
    [-1.278464542761, -0.278464542761]
    >>> round(swish_minimum(2.0)[0], 12)
    -0.639232271381
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not (0 < beta < math.inf):
        raise ValueError(f"beta: expected a finite number > 0, got {beta!r}")
    from scipy.special import lambertw

    w = float(lambertw(math.exp(-1.0)).real)
    return -(1.0 + w) / beta, -w / beta
