"""ReLU and its piecewise-linear relatives (lesson 3): relu, relu6, leaky_relu.

Derivatives at the kinks follow PyTorch's autograd: ``relu'(0) = 0``, ``relu6' = 0`` at 0
and 6, ``leaky_relu'(0) = negative_slope``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import INF, Activation, Properties, nan_where, real_param, scaled, sym_number

# --------------------------------------------------------------------------- relu


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _relu_grad(x: np.ndarray) -> np.ndarray:
    return np.heaviside(x, 0.0)


def _relu_sympy(sp: Any, x: Any) -> Any:
    return sp.Piecewise((x, x > 0), (0, True))


relu = Activation(
    name="relu",
    value=_relu,
    grad=_relu_grad,
    sympy=_relu_sympy,
    latex=r"\operatorname{ReLU}(x) = \max(0, x)",
    properties=Properties.of(
        output_range=(0.0, INF),
        zero_centred=False,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=False,
        cost="comparison",
        typical_use="default hidden activation of deep feed-forward and convolutional nets",
    ),
    kinks=(0.0,),
    description="max(0, x); relu'(0) = 0 as in PyTorch.",
)

# --------------------------------------------------------------------------- relu6


def _relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0)


def _relu6_grad(x: np.ndarray) -> np.ndarray:
    return nan_where(x, ((x > 0.0) & (x < 6.0)).astype(np.float64))


def _relu6_sympy(sp: Any, x: Any) -> Any:
    return sp.Piecewise((0, x <= 0), (6, x >= 6), (x, True))


relu6 = Activation(
    name="relu6",
    value=_relu6,
    grad=_relu6_grad,
    sympy=_relu6_sympy,
    latex=r"\operatorname{ReLU6}(x) = \min(\max(0, x), 6)",
    properties=Properties.of(
        output_range=(0.0, 6.0),
        zero_centred=False,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=True,
        cost="comparison",
        typical_use="mobile networks (MobileNet) with low-precision arithmetic",
    ),
    kinks=(0.0, 6.0),
    description="ReLU capped at 6; derivative 0 at 0 and at 6.",
)

# --------------------------------------------------------------------------- leaky_relu


def _leaky_relu(x: np.ndarray, negative_slope: float) -> np.ndarray:
    if negative_slope == 0.0:  # 0 * (-inf) would be NaN
        return np.maximum(x, 0.0)
    return np.where(x > 0.0, x, scaled(np.minimum(x, 0.0), negative_slope))


def _leaky_relu_grad(x: np.ndarray, negative_slope: float) -> np.ndarray:
    return nan_where(x, np.where(x > 0.0, 1.0, negative_slope))


def _leaky_relu_sympy(sp: Any, x: Any, negative_slope: Any) -> Any:
    return sp.Piecewise((x, x > 0), (sym_number(sp, negative_slope) * x, True))


def _leaky_relu_kinks(negative_slope: float) -> tuple[float, ...]:
    return () if negative_slope == 1.0 else (0.0,)


leaky_relu = Activation(
    name="leaky_relu",
    value=_leaky_relu,
    grad=_leaky_relu_grad,
    sympy=_leaky_relu_sympy,
    latex=r"\operatorname{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    properties=Properties.of(
        output_range=(-INF, INF),
        zero_centred=False,
        monotonic=True,
        smooth=False,
        saturates_left=False,
        saturates_right=False,
        cost="comparison",
        typical_use="ReLU without dead units: GAN discriminators, deep CNNs",
    ),
    params={"negative_slope": 0.01},
    checks={"negative_slope": real_param},
    kinks=_leaky_relu_kinks,
    description="x for x > 0, negative_slope * x otherwise; derivative negative_slope at 0.",
)
