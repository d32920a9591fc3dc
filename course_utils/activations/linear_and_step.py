"""The identity and the Heaviside step: the two baselines of lesson 1.

A stack of identity layers collapses into one affine map; the step is the perceptron's
threshold, whose zero derivative gives gradient descent nothing to follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import INF, Activation, Properties, nan_where

# --------------------------------------------------------------------------- identity


def _identity(x: np.ndarray) -> np.ndarray:
    return x.copy()


def _identity_grad(x: np.ndarray) -> np.ndarray:
    return nan_where(x, np.ones_like(x))


def _identity_sympy(sp: Any, x: Any) -> Any:
    return x


identity = Activation(
    name="identity",
    value=_identity,
    grad=_identity_grad,
    sympy=_identity_sympy,
    latex=r"f(x) = x",
    properties=Properties.of(
        output_range=(-INF, INF),
        zero_centred=True,
        monotonic=True,
        smooth=True,
        saturates_left=False,
        saturates_right=False,
        cost="none",
        typical_use="output layer for regression; the linear baseline that collapses when stacked",
    ),
    description="No nonlinearity: a stack of identity layers is one affine map.",
)

# --------------------------------------------------------------------------- step


def _step(x: np.ndarray) -> np.ndarray:
    return np.heaviside(x, 1.0)


def _step_grad(x: np.ndarray) -> np.ndarray:
    return nan_where(x, np.zeros_like(x))


def _step_sympy(sp: Any, x: Any) -> Any:
    return sp.Heaviside(x, 1)


step = Activation(
    name="step",
    value=_step,
    grad=_step_grad,
    sympy=_step_sympy,
    latex=r"H(x) = \begin{cases} 1 & x \ge 0 \\ 0 & x < 0 \end{cases}",
    properties=Properties.of(
        output_range=(0.0, 1.0),
        zero_centred=False,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=True,
        cost="comparison",
        typical_use="the perceptron's threshold unit; its zero derivative stops gradient descent",
    ),
    kinks=(0.0,),
    description="Heaviside step with step(0) = 1; derivative 0 everywhere (PyTorch-style).",
)
